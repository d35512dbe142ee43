"""`infracast quarantine`: what could not be counted, and the way back in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.common import FormatOption, LedgerOption, err, library_default, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.ledger.quarantine import export_quarantine, list_quarantine

app = typer.Typer(
    help="Rows that could not be counted: list them, export them to fix.", no_args_is_help=True
)


@app.command("list")
def list_(
    ingest: Annotated[
        int | None, typer.Option("--ingest", "-i", help="Only this ingest id.")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help="Only this reason code.")
    ] = None,
    rows: Annotated[
        bool, typer.Option("--rows", help="One line per row instead of per reason.")
    ] = False,
    limit: Annotated[
        int, typer.Option(min=1, help="With --rows: at most this many rows.")
    ] = library_default(list_quarantine, "limit"),
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List quarantined rows by ingest and reason (or row by row with --rows).

    Examples:

      infracast quarantine list

      infracast quarantine list --ingest 3 --rows

      infracast quarantine list --reason invalid_cost --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        data = list_quarantine(led, ingest_id=ingest, reason=reason, rows=rows, limit=limit)
    if rows:
        columns = [
            "quarantine_id",
            "ingest_id",
            "source",
            "row_number",
            "reason",
            "detail",
            "resolved_by_ingest_id",
        ]
        render(
            data,
            fmt,
            console=out,
            title="Quarantined rows",
            columns=columns if fmt is OutputFormat.table else None,
            empty="No quarantined rows.",
        )
        return
    if fmt is OutputFormat.table:
        for row in data:
            row["source"] = Path(row["source"]).name
            row["example"] = row["example"][:70] + ("…" if len(row["example"]) > 70 else "")
    render(
        data,
        fmt,
        console=out,
        title="Quarantine by ingest and reason",
        money=["billed_cost"],
        empty="No quarantined rows.",
    )


@app.command()
def export(
    out_file: Annotated[Path, typer.Argument(help="CSV file to write.", show_default=False)],
    ingest: Annotated[
        int | None, typer.Option("--ingest", "-i", help="Only this ingest id.")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help="Only this reason code.")
    ] = None,
    ledger: LedgerOption = None,
) -> None:
    """Export unresolved quarantined rows as CSV, to fix and ingest again.

    The file has the source columns plus x_quarantine_id. Fix the values, keep
    x_quarantine_id, and run `infracast ingest FILE`: the fixed rows count once.

    Example:

      infracast quarantine export fix-me.csv --ingest 3
    """
    with open_ledger(ledger) as led:
        written = export_quarantine(led, out_file, ingest_id=ingest, reason=reason)
    err.print(f"Wrote {written} row(s) to {out_file}. Fix them, then: infracast ingest {out_file}")
    malformed = out_file.with_suffix(".malformed-lines.txt")
    if malformed.exists():
        err.print(f"Lines that could not be read as CSV records are in {malformed}.")
