"""`infracast ingest`: bills, GPU usage samples, asset registers and manual entries in."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from infracast.cli.common import FormatOption, LedgerOption, err, library_default, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.ledger import sources
from infracast.ledger.records import IngestResult
from infracast.ledger.records import ingests as ingests_


class Kind(StrEnum):
    """What the files hold."""

    focus = "focus"
    usage = "usage"
    assets = "assets"
    manual = "manual"


class _Bar:
    """A Rich progress bar that appears only once a file has taken a couple of seconds."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, label: str, pct: float) -> None:
        if not self.enabled:
            return
        if self.progress is None:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>5.1f}%"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self.progress.start()
        if label not in self.tasks:
            self.tasks[label] = self.progress.add_task(Path(label).name, total=100)
        self.progress.update(self.tasks[label], completed=pct)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _row(result: IngestResult) -> dict[str, Any]:
    return {
        "file": Path(result.file).name,
        "ingest": result.ingest_id,
        "status": result.status,
        "focus": result.focus_version or "",
        "read": result.rows_read,
        "ingested": result.rows_ingested,
        "quarantined": result.rows_quarantined,
        "warned": result.rows_with_warnings,
    }


def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders or quoted globs (CSV, CSV.gz, Parquet; "
            "YAML or CSV for assets and manual entries).",
            show_default=False,
        ),
    ],
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="What the files hold.")] = Kind.focus,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="FOCUS: the file restates a bill; swap exactly what it covers (provider, "
            "billing period, billing account, invoice). Assets, manual: the file is the whole "
            "register, drop ids it no longer names.",
        ),
    ] = False,
    replace_account: Annotated[
        bool,
        typer.Option(
            "--replace-account",
            help="FOCUS: like --replace, and also every other invoice of the file's billing "
            "accounts in its billing periods.",
        ),
    ] = False,
    replace_period: Annotated[
        bool,
        typer.Option(
            "--replace-period",
            help="FOCUS: like --replace, and also every other billing account of the file's "
            "providers in its billing periods (e.g. an account that left the bill).",
        ),
    ] = False,
    append: Annotated[
        bool,
        typer.Option("--append", help="The file is another part of an export already ingested."),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="FOCUS: report what would be ingested and replaced; change nothing.",
        ),
    ] = False,
    day_first: Annotated[
        bool, typer.Option("--day-first", help="Read slash dates as D/M/Y instead of M/D/Y.")
    ] = False,
    through: Annotated[
        str | None,
        typer.Option(
            help="Assets and manual entries: generate charges up to this date "
            "(YYYY-MM-DD; default: the end of this month)."
        ),
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Ingest billing exports and other cost sources into the ledger.

    FOCUS 1.0–1.3 exports (AWS, Azure, Google Cloud, OCI…) are validated row by row:
    rows that cannot be counted go to quarantine with their reason, countable rows
    that break a FOCUS rule are kept with a warning. Each file commits in one
    transaction; the same content twice is a no-op.

    Examples:

      infracast ingest exports/aws/2026-05.parquet

      infracast ingest exports/ --format json

      infracast ingest 'exports/**/*.csv.gz' --replace

      infracast ingest restated/2026-05.csv --replace-period --dry-run

      infracast ingest dcgm/ --kind usage

      infracast ingest assets.yaml --kind assets --through 2026-12-31
    """
    width = sources.replace_width(replace, replace_account, replace_period)
    # refuse what cannot be ingested before the ledger is opened (or created, or waited for)
    sources.check_ingest(paths, kind=kind.value, replace=width, dry_run=dry_run, through=through)
    bar = _Bar(enabled=err.is_terminal)
    with open_ledger(ledger) as led:
        try:
            results = sources.ingest(
                led,
                paths,
                kind=kind.value,
                replace=width,
                append=append,
                dry_run=dry_run,
                day_first=day_first,
                through=through,
                progress=bar,
            )
        finally:
            bar.stop()
    render([_row(r) for r in results], fmt, console=out, title="Ingest", json_value=results)
    if fmt is OutputFormat.table:
        _explain(results)
    rejected = [r for r in results if r.status == "rejected"]
    for r in rejected:
        err.print(f"[red]Rejected[/red] {escape(r.file)}: {escape(r.message)}", highlight=False)
    if any(r.rows_quarantined for r in results) and fmt is OutputFormat.table:
        err.print(
            "Quarantined rows: infracast quarantine list "
            "(to fix them: infracast quarantine export FILE.csv)"
        )
    if rejected:
        raise typer.Exit(1)


def _explain(results: list[IngestResult]) -> None:
    """Warnings, notes, messages and replaced scopes of a table-format ingest, on stderr."""
    for r in results:
        name = Path(r.file).name
        if r.warnings:
            listed = ", ".join(f"{k} ({v})" for k, v in r.warnings.items())
            err.print(f"{name}: rows kept with warnings: {listed}", markup=False)
        for note in r.notes:
            err.print(f"[dim]{escape(name)}: {escape(note)}[/dim]")
        if r.replaced:
            verb = "would replace" if r.dry_run else "replaced"
            err.print(f"{name} {verb}:", markup=False)
            for s in r.replaced:
                err.print(
                    f"  {s.label()}: {s.rows} row{'s' if s.rows != 1 else ''}, "
                    f"billed {s.billed_cost.normalize():f} "
                    f"{s.currency}, effective {s.effective_cost.normalize():f} {s.currency} "
                    f"(ingest {', '.join(map(str, s.ingest_ids))})",
                    markup=False,
                    highlight=False,
                )
        elif r.message and r.status != "rejected":
            err.print(f"{name}: {r.message}", markup=False, highlight=False)
    if any(r.dry_run for r in results):
        err.print("Dry run: nothing was changed in the ledger.")


def ingests(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show the N latest.")
    ] = library_default(ingests_, "limit"),
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The ingest log: every file taken in, with its counts and status, newest first.

    Examples:

      infracast ingests

      infracast ingests --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        rows = ingests_(led, limit=limit)
    if fmt is OutputFormat.table:
        rows = [
            {
                "ingest": r["ingest_id"],
                "kind": r["kind"],
                "file": Path(r["source"]).name,
                "status": r["status"]
                + (f" (superseded by {r['superseded_by']})" if r["superseded_by"] else ""),
                "read": r["rows_read"],
                "ingested": r["rows_ingested"],
                "quarantined": r["rows_quarantined"],
                "warned": r["rows_with_warnings"],
                "at": r["started_at"],
            }
            for r in rows
        ]
    render(rows, fmt, console=out, title="Ingests", empty="Nothing ingested yet.")
