"""`infracast anomalies`: days whose cost (or a file's points) the past does not explain,
each stored and alerted once, with the dimensions that moved."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.analytics import ByOption, FilterOption, FromOption, ToOption
from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    open_ledger,
    out,
    print_notes,
    print_plain,
)
from infracast.cli.render import OutputFormat, render
from infracast.control.anomalies import DEFAULT_BY, AnomalyScan, driver_text
from infracast.control.anomalies import anomalies as scan_anomalies

BY = ",".join(DEFAULT_BY)


def anomalies(
    by: ByOption = BY,
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="A CSV or Parquet file of series in the long format instead of the ledger "
            "(nothing is stored).",
        ),
    ] = None,
    freq: Annotated[
        str | None,
        typer.Option(
            "--freq",
            help="Pandas-style frequency: 5min, h, D, W, MS. The ledger: D (default), W or "
            "MS; a file: inferred from each series when left out.",
        ),
    ] = None,
    id_col: Annotated[str, typer.Option("--id-col", help="The file's series column.")] = (
        "unique_id"
    ),
    time_col: Annotated[str, typer.Option("--time-col", help="The file's time column.")] = "ds",
    target_col: Annotated[str, typer.Option("--target-col", help="The file's value column.")] = "y",
    min_share: Annotated[
        float | None,
        typer.Option(
            "--min-share",
            help="Keep a flag only when its change is at least this share of the scope's "
            "typical daily total (default: 0.01 on the ledger, 0 for a file).",
        ),
    ] = None,
    direction: Annotated[
        str | None,
        typer.Option(
            "--direction",
            help="up (cost above what was expected: the ledger's default), down or both "
            "(a file's default).",
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            help="POST anomalies not alerted yet to this URL (signed with "
            "INFRACAST_WEBHOOK_SECRET if set); retried by the next run until delivered.",
        ),
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Find cost anomalies: days a series' cost leaves what its past allows,
    each explained by the team, service, SKU, region or resource that moved.

    The ledger's daily usage cost is scanned by team, project and service
    (--by), against the same weekday of the four weeks before, for spend
    above what was expected (--direction); a change below 1% of the scope's
    typical daily cost is not reported (--min-share). Each anomaly is stored
    once and alerted once: "new" marks those this run found first. With
    --input any regular series (minutes to months) is scanned instead and
    nothing is stored.

    JSON: an array of {unique_id, ds, y, expected, lo, hi, score, rule},
    plus on the ledger new and drivers [{dimension, value, change, share}].
    CSV: the same columns, drivers as one text column (the top three). See
    docs/anomalies.md.

    Examples:

      infracast anomalies

      infracast anomalies --by provider,project --from 2026-06-01 --format json

      infracast anomalies --input cpu.csv --time-col timestamp --target-col value --freq 5min
    """
    opened = nullcontext(None) if input_file is not None else open_ledger(ledger)
    with opened as led:
        result = scan_anomalies(
            led,
            input=input_file,
            by=by,
            start=start,
            end=end,
            filters=filters or [],
            freq=freq,
            id_col=id_col,
            time_col=time_col,
            target_col=target_col,
            min_share=min_share,
            direction=direction,
            webhook=webhook,
        )
    _render(result, fmt)


def _render(result: AnomalyScan, fmt: OutputFormat) -> None:
    if print_plain(fmt, result.to_json(), result.to_rows()):
        return
    rows = []
    for row in result.to_json():
        shown = {
            "series": row["unique_id"],
            "day": str(row["ds"])[:19].replace("T00:00:00", ""),
            "y": row["y"],
            "expected": row["expected"],
            "score": f"{row['score']:+.1f}",
        }
        if "drivers" in row:
            shown["new"] = "new" if row.get("new") else ""
            shown["top drivers"] = driver_text(row["drivers"], top=2)
        rows.append(shown)
    title = f"{len(rows)} anomalies in {result.series} series ({result.points:,} points)"
    if result.scope_key is not None:
        title += f", {result.new} new"
    render(rows, fmt, console=out, title=title, money=("y", "expected"))
    print_notes(result.notes)
