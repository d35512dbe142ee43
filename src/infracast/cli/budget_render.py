"""How `infracast budget status` prints: a table with the overrun probability and the
crossing date, the outlook and alert lines, and how each forecast was made."""

from __future__ import annotations

from typing import Any

from infracast.cli.common import err, out
from infracast.cli.render import OutputFormat, render
from infracast.control import BudgetStatus
from infracast.control.budgets.forecast import FORECAST, RUN_RATE, RUN_RATE_FORMULA
from infracast.control.budgets.thresholds import format_pct


def render_status(found: list[BudgetStatus], fmt: OutputFormat) -> None:
    """``found`` as a table (default), JSON (``to_dict``) or CSV."""
    if fmt is not OutputFormat.table:
        rows = [s.to_dict() for s in found] if fmt is OutputFormat.json else None
        render([_status_row(s) for s in found], fmt, console=out, json_value=rows)
        return
    columns = [
        "budget",
        "period",
        "currency",
        "amount",
        "actual",
        "actual_pct",
        "forecast",
        "forecast_pct",
        "p_over",
        "crosses",
        "variance",
        "status",
        "new_alerts",
    ]
    render(
        [_status_row(s, table=True) for s in found],
        fmt,
        console=out,
        title=f"Budgets as of {found[0].as_of:%Y-%m-%d %H:%M} UTC" if found else None,
        columns=columns,
        money=["amount", "actual", "forecast", "variance"],
        empty="No budgets yet; create one with infracast budget set.",
    )
    for s in found:
        if s.outlook:
            out.print(s.outlook + ".", highlight=False)
    for s in found:
        for alert in s.new_alerts:
            out.print(f"[bold]Alert:[/bold] {alert.message}", highlight=False)
    if any(s.forecast_method == RUN_RATE for s in found):
        err.print(f"Forecast: run rate, {RUN_RATE_FORMULA}.", highlight=False)
    models = sorted(
        {
            m.split(":", 1)[1]
            for s in found
            if (m := s.forecast_method or "").startswith(f"{FORECAST}:")
        }
    )
    if models:
        err.print(
            f"Forecast: usage by {', '.join(models)} (chosen by backtest), recurring fees on "
            "their schedule, one-time charges not extrapolated; overrun_probability = "
            "P(period total > amount).",
            highlight=False,
        )
    for s in found:
        for note in s.notes:
            err.print(f"{s.budget}: {note}", highlight=False)


def _status_row(status: BudgetStatus, table: bool = False) -> dict[str, Any]:
    row = status.to_dict()
    row["new_alerts"] = "; ".join(
        f"{kind} "
        + ",".join(format_pct(a.threshold_pct) for a in status.new_alerts if a.kind == kind)
        + "%"
        for kind in dict.fromkeys(a.kind for a in status.new_alerts)
    )
    probability = status.overrun_probability
    if table:  # the table's narrow columns: p_over 84%, crosses 2026-12-16
        row["p_over"] = "" if probability is None else f"{probability * 100:.0f}%"
        row["crosses"] = row["crossing_date"] or ""
    row["other_currencies"] = ", ".join(
        f"{total:,.2f} {code}" for code, total in status.other_currencies.items()
    )
    return row
