"""How `infracast forecast` and `infracast forecast backtest` print their results and
write their chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infracast.cli.common import err, out, print_notes, print_plain
from infracast.cli.common import write_chart as write_file
from infracast.cli.render import OutputFormat, render
from infracast.control.forecasting import CostForecast, ForecastBacktest
from infracast.report.forecast_chart import ChartFormat, forecast_chart

UNITS = {"cost": "cost", "gpu_hours": "GPU-hours"}
TITLES = {"cost": "Cost", "gpu_hours": "GPU-hours"}


def render_forecast(result: CostForecast, fmt: OutputFormat) -> None:
    if print_plain(fmt, result.to_json(), result.to_rows()):
        return
    frame = result.forecast
    choices = {c["unique_id"]: c for c in result.choices}
    parents = (result.reconciliation or {}).get("parents") or {}
    low, high = f"lo{max(result.level)}", f"hi{max(result.level)}"
    rows = []
    for uid, part in frame.groupby("unique_id", sort=not parents):
        choice = choices.get(str(uid), {})
        mase = choice.get("mase")
        rows.append(
            {
                "series": f"{'  ' * _depth(str(uid), parents)}{uid}",
                "from": _when(part["ds"].min(), result.freq),
                "to": _when(part["ds"].max(), result.freq),
                "total": float(part["yhat"].sum()),
                f"sum of {low}": float(part[low].sum()),
                f"sum of {high}": float(part[high].sum()),
                "model": part["model"].iloc[0],
                "backtest MASE": "n/a" if mase is None else f"{mase:.2f}",
            }
        )
    stored = "reused" if result.reused else "stored"
    what = "GPU-hours" if result.kind == "gpu_hours" else "Forecast"
    title = f"{what} of {result.horizon} periods ({result.freq})"
    if result.forecast_id:
        title += f", {stored} as forecast {result.forecast_id}"
    money = ("total", f"sum of {low}", f"sum of {high}") if result.kind == "cost" else ()
    render(rows, fmt, console=out, title=title, money=money)
    err.print(
        f"(the sums of the bounds are wider than the {max(result.level)}% interval of the total; "
        "per period: --format csv)",
        highlight=False,
    )
    if result.reconciliation is not None:
        rec = result.reconciliation
        err.print(
            f"Reconciled ({rec['method']}, asked {rec['requested']}) over "
            f"{' → '.join(rec['levels'])}: each parent is the sum of its children.",
            highlight=False,
        )
        print_notes(rec["notes"])
    print_notes(result.notes)


def _when(ds: Any, freq: str) -> str:
    """A period's start: the date, with the time for forecasts finer than a day."""
    daily = freq[:1] in ("D", "W", "M", "Q", "Y") or freq.endswith("S")
    return str(ds.date().isoformat() if daily else ds.isoformat(sep=" ", timespec="minutes"))


def _depth(uid: str, parents: dict[str, Any]) -> int:
    depth = 0
    while parents.get(uid) is not None and depth < 10:
        uid, depth = parents[uid], depth + 1
    return depth


def render_backtest(result: ForecastBacktest, fmt: OutputFormat) -> None:
    if print_plain(fmt, result.to_json(), result.to_rows()):
        return
    windows = f"{result.windows} windows of {result.horizon} periods ({result.freq})"
    render(_shown(result.summary), fmt, console=out, title=f"Backtest by model, {windows}")
    render(_shown(result.metrics), fmt, console=out, title="By series and model")
    err.print(
        "(MASE: error over the in-sample seasonal naive error; relative_mase below 1 beats "
        "seasonal naive; coverage: share of actuals inside each interval)",
        highlight=False,
    )
    print_notes(result.notes)


def _shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else v for k, v in r.items()}
        for r in rows
    ]


def write_chart(path: Path, kind: ChartFormat, result: CostForecast) -> None:
    unit = UNITS.get(result.kind, "")
    what = TITLES.get(result.kind, "Series")
    title = f"{what} forecast, {result.horizon} periods ({result.freq})"
    data, notes = forecast_chart(
        result.history, result.forecast, result.level, kind, title=title, unit=unit
    )
    write_file(path, data)
    print_notes(notes)
