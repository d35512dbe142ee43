"""`infracast recommend`: the recommendations ranked by savings, their status, and what the
accepted ones actually saved. Each command is one call of :mod:`infracast.recommend`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    err,
    open_ledger,
    out,
    print_notes,
    print_plain,
)
from infracast.cli.render import OutputFormat, render
from infracast.recommend import accept as accept_rec
from infracast.recommend import dismiss as dismiss_rec
from infracast.recommend import done as done_rec
from infracast.recommend import realized_savings, recommend
from infracast.recommend import reopen as reopen_rec
from infracast.recommend.record import KINDS, Recommendation, csv_row, total_savings
from infracast.recommend.status import StatusChange

app = typer.Typer(
    help="Recommendations with evidence, ranked by monthly savings; accept, dismiss, track.",
    invoke_without_command=True,
)
IdArgument = Annotated[str, typer.Argument(help="The recommendation's id (first column).")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why, for the record.")]


@app.callback(invoke_without_command=True)
def recommend_cmd(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help=f"Only this kind: {', '.join(KINDS)}.")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", "-t", help="Only this team's.")] = None,
    min_savings: Annotated[
        float | None,
        typer.Option("--min-savings", help="Only those saving at least this much a month."),
    ] = None,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="active (open and accepted), all, open, accepted, dismissed or done.",
        ),
    ] = "active",
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh/--stored", help="Run the rules again (default), or list what is stored."
        ),
    ] = True,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the recommendations, highest expected monthly savings first.

    Examples:

      infracast recommend

      infracast recommend --kind idle_gpu --team research --min-savings 500

      infracast recommend --format json

      infracast recommend accept idle_gpu-3f9a2c1b0d --effective 2026-12-01
    """
    if ctx.invoked_subcommand is not None:
        return
    notes: list[str] = []
    with open_ledger(ledger, create=False) as led:
        found = recommend(led, kind=kind, team=team, min_savings=min_savings, status=status,
                          refresh=refresh, notes=notes)  # fmt: skip
    if not print_plain(fmt, [r.to_dict() for r in found], [csv_row(r) for r in found]):
        render_recommendations(found)
    print_notes(notes)


def render_recommendations(found: list[Recommendation]) -> None:
    """The ranked table (ids whole: they are what accept and dismiss take) and the total
    expected savings per currency."""
    if not found:
        out.print("No recommendations.")
        return
    table = Table(header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("team", no_wrap=True)
    table.add_column("saves / month", justify="right", no_wrap=True)
    table.add_column("range", justify="right", no_wrap=True)
    table.add_column("conf.", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("action", ratio=1, min_width=30)
    for r in found:
        table.add_row(
            r.id, r.kind, r.team or "", f"{r.expected_monthly_savings:,.2f} {r.currency}",
            f"{r.savings_low:,.0f}–{r.savings_high:,.0f}", f"{r.confidence:.0%}", r.status,
            r.title,
        )  # fmt: skip
    out.print(table)
    for currency, total in sorted(total_savings(found).items()):
        out.print(f"Total expected savings: {total:,.2f} {currency} a month", highlight=False)
    err.print(
        "[dim]· each one's evidence and the command that reproduces it: "
        "infracast recommend --format json[/dim]",
        highlight=False,
    )


def _show(change: StatusChange, fmt: OutputFormat) -> None:
    value = change.to_dict()
    if print_plain(fmt, value, [value]):
        return
    out.print(f"{change.id}: {change.status}", highlight=False)
    if change.effective_from is not None:
        rate = value["baseline_run_rate"] or "no charges in the 30 days before"
        out.print(f"effective from {value['effective_from']}; run rate before: {rate}",
                  highlight=False)  # fmt: skip


@app.command("accept")
def accept(
    rec_id: IdArgument,
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            help="When the change took effect, YYYY-MM-DD (default: the end of the ledger's data).",
        ),
    ] = None,
    note: NoteOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Accept a recommendation: its savings are then measured from the ledger.

    Example:

      infracast recommend accept idle_gpu-3f9a2c1b0d --effective 2026-12-01
    """
    day = _day(effective)
    with open_ledger(ledger, create=False) as led:
        _show(accept_rec(led, rec_id, effective=day, note=note), fmt)


@app.command("dismiss")
def dismiss(rec_id: IdArgument, note: NoteOption = None, ledger: LedgerOption = None,
            fmt: FormatOption = OutputFormat.table) -> None:  # fmt: skip
    """Dismiss a recommendation: later runs keep it dismissed.

    Example:

      infracast recommend dismiss share_gpu-9a0c77e1f2 --note "latency-critical"
    """
    with open_ledger(ledger, create=False) as led:
        _show(dismiss_rec(led, rec_id, note=note), fmt)


@app.command("done")
def done(rec_id: IdArgument, note: NoteOption = None, ledger: LedgerOption = None,
         fmt: FormatOption = OutputFormat.table) -> None:  # fmt: skip
    """Mark an accepted recommendation done; its savings stay tracked.

    Example:

      infracast recommend done idle_gpu-3f9a2c1b0d
    """
    with open_ledger(ledger, create=False) as led:
        _show(done_rec(led, rec_id, note=note), fmt)


@app.command("reopen")
def reopen(rec_id: IdArgument, note: NoteOption = None, ledger: LedgerOption = None,
           fmt: FormatOption = OutputFormat.table) -> None:  # fmt: skip
    """Open a dismissed recommendation again.

    Example:

      infracast recommend reopen share_gpu-9a0c77e1f2
    """
    with open_ledger(ledger, create=False) as led:
        _show(reopen_rec(led, rec_id, note=note), fmt)


@app.command("realized")
def realized(
    rec_id: Annotated[str | None, typer.Argument(help="One id (default: all accepted).")] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What accepted recommendations actually saved: the run rate before the change against
    the cost after it, per month, and realized against expected.

    Examples:

      infracast recommend realized

      infracast recommend realized idle_gpu-3f9a2c1b0d --format json
    """
    with open_ledger(ledger, read_only=True, create=False) as led:
        measured = [m.to_dict() for m in realized_savings(led, rec_id)]
    if print_plain(fmt, measured, measured):
        return
    render(measured, OutputFormat.table, console=out, empty="No accepted recommendation yet.")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; give YYYY-MM-DD", param_hint="--effective"
        ) from None
