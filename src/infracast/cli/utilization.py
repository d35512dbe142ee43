"""`infracast utilization`: GPU utilization per resource over a window, as the GPU
recommendations read it (percentiles, idle share, a histogram, the monthly cost); one call
of :func:`infracast.analytics.utilization.resource_utilization`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from infracast.analytics.utilization import resource_utilization
from infracast.cli.analytics import FromOption, ToOption
from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    library_default,
    open_ledger,
    out,
    print_plain,
)
from infracast.cli.render import OutputFormat, render

COLUMNS = ("resource", "gpu_type", "gpus", "team", "mean", "p95", "idle_share",
           "0%…100%", "monthly_cost", "currency")  # fmt: skip
BARS = " ▁▂▃▄▅▆▇█"


def utilization(
    resources: Annotated[
        list[str] | None,
        typer.Option("--resource", "-r", help="Only this resource (repeat for more)."),
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    idle_threshold: Annotated[
        float,
        typer.Option("--idle-threshold", help="Utilization below which a sample is idle."),
    ] = library_default(resource_utilization, "idle_threshold"),
    days: Annotated[
        float, typer.Option("--days", help="Without --from/--to: the last N days of samples.")
    ] = library_default(resource_utilization, "days"),
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """GPU utilization per resource over a window: percentiles, idle share, a ten-bin
    histogram (0-10%, ..., 90-100%) and the monthly cost; the distribution the GPU
    recommendations cite.

    Examples:

      infracast utilization

      infracast utilization --resource i-0abc --from 2026-11-17 --to 2026-12-01 --format json
    """
    with open_ledger(ledger, read_only=True, create=False) as led:
        result = resource_utilization(
            led, start=start, end=end, idle_threshold=idle_threshold, days=days,
            resources=resources or (),
        )  # fmt: skip
    if print_plain(fmt, result.to_dict(), [_flat(r) for r in result.rows]):
        return
    window = f"{result.start:%Y-%m-%d} to {result.end:%Y-%m-%d}" if result.start else "no samples"
    render([_table_row(r) for r in result.rows], fmt, console=out, columns=COLUMNS,
           money=("monthly_cost",), title=f"GPU utilization per resource, {window}",
           empty="No usage samples in this window.")  # fmt: skip


def _table_row(row: dict[str, Any]) -> dict[str, Any]:
    """A table row: the resource id's last part, the histogram as a sparkline."""
    counts = row["histogram"]
    top = max(counts) or 1
    spark = "".join(BARS[round(c / top * (len(BARS) - 1))] for c in counts)
    return {**row, "resource": row["resource_id"].rsplit("/", 1)[-1], "0%…100%": spark}


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for CSV and the table: the histogram as counts joined by spaces."""
    return {**row, "histogram": " ".join(str(c) for c in row["histogram"])}
