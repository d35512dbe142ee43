"""`infracast forecast`: cost (or any series in a file) ahead, with intervals and the
backtest error of the model chosen for each series."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.analytics import ByOption, FilterOption, FromOption, ToOption
from infracast.cli.common import FormatOption, LedgerOption, err, library_default, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.control.forecasting import CostForecast
from infracast.control.forecasting import forecast as forecast_series

HORIZON = library_default(forecast_series, "horizon")
MODEL = library_default(forecast_series, "model")
LEVEL = list(library_default(forecast_series, "level"))


def forecast(
    by: ByOption = "",
    horizon: Annotated[
        int, typer.Option("--horizon", "-H", min=1, help="Periods to forecast.")
    ] = HORIZON,
    freq: Annotated[
        str | None,
        typer.Option(
            "--freq",
            help="Pandas-style frequency: 5min, h, D, W, MS (H and d too). The ledger: D "
            "(default), W or MS; a file: inferred when left out.",
        ),
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="A CSV or Parquet file of series in the long format instead of the ledger.",
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="auto (chosen per series by backtest), naive, seasonal_naive, ets, theta, "
            "arima, regression or global.",
        ),
    ] = MODEL,
    level: Annotated[
        list[int] | None,
        typer.Option("--level", help="Interval level in percent (repeatable). Default: 80 95."),
    ] = None,
    id_col: Annotated[str, typer.Option("--id-col", help="The file's series column.")] = (
        "unique_id"
    ),
    time_col: Annotated[str, typer.Option("--time-col", help="The file's time column.")] = "ds",
    target_col: Annotated[str, typer.Option("--target-col", help="The file's value column.")] = "y",
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Forecast cost by team, project, provider … (or a file's series) with 80% and 95%
    intervals; each series' model is chosen by a rolling-origin backtest, whose error is
    shown beside it.

    Usage is forecast by the model; recurring fees continue on their schedule; one-time
    purchases are not extrapolated. A forecast of the ledger is stored in it and reused
    when asked again with the same data and settings.

    CSV columns: unique_id, ds, yhat, lo80, hi80, lo95, hi95, model.

    Examples:

      infracast forecast --by team --horizon 90 --freq D

      infracast forecast --by provider --freq MS --horizon 3 --format csv

      infracast forecast --input gpu_hours.csv --horizon 48 --freq h
    """
    opened = nullcontext(None) if input_file is not None else open_ledger(ledger)
    with opened as led:
        result = forecast_series(
            led,
            input=input_file,
            by=by,
            horizon=horizon,
            freq=freq,
            model=model,
            level=level or LEVEL,
            start=start,
            end=end,
            filters=filters or [],
            id_col=id_col,
            time_col=time_col,
            target_col=target_col,
        )
    _render(result, fmt)


def _render(result: CostForecast, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=result.to_json())
        return
    if fmt is OutputFormat.csv:
        render(result.to_rows(), fmt, console=out)
        return
    frame = result.forecast
    choices = {c["unique_id"]: c for c in result.choices}
    low, high = f"lo{max(result.level)}", f"hi{max(result.level)}"
    rows = []
    for uid, part in frame.groupby("unique_id", sort=True):
        choice = choices.get(str(uid), {})
        mase = choice.get("mase")
        rows.append(
            {
                "series": uid,
                "from": part["ds"].min().date().isoformat(),
                "to": part["ds"].max().date().isoformat(),
                "total": float(part["yhat"].sum()),
                f"sum of {low}": float(part[low].sum()),
                f"sum of {high}": float(part[high].sum()),
                "model": part["model"].iloc[0],
                "backtest MASE": "n/a" if mase is None else f"{mase:.2f}",
            }
        )
    stored = "reused" if result.reused else "stored"
    title = f"Forecast of {result.horizon} periods ({result.freq})"
    if result.forecast_id:
        title += f", {stored} as forecast {result.forecast_id}"
    money = ("total", f"sum of {low}", f"sum of {high}")
    render(rows, fmt, console=out, title=title, money=money)
    err.print(
        f"(the sums of the bounds are wider than the {max(result.level)}% interval of the total; "
        "per period: --format csv)",
        highlight=False,
    )
    for note in result.notes:
        err.print(f"[dim]· {note}[/dim]", highlight=False)
