"""`infracast ledger`: upkeep of the ledger itself."""

from __future__ import annotations

from typing import Annotated

import typer

from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.ledger import retag as retag_charges

app = typer.Typer(help="Upkeep of the ledger: re-derive teams and projects.", no_args_is_help=True)


@app.command()
def retag(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Say what would change; write nothing.")
    ] = False,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Re-derive team, project and cost category of stored charges from the current settings.

    Ingest derives x_team and x_project from the team_tags and project_tags settings
    and x_cost_category from the category_rules once, when a file is taken in. After
    changing those settings, run this to apply them to the charges already in the
    ledger (FOCUS bills and assets; manual entries keep theirs), in one transaction.
    The table lists every change of value with its rows.

    Examples:

      INFRACAST_TEAM_TAGS=owner,team infracast ledger retag --dry-run

      infracast ledger retag

      infracast ledger retag --format json
    """
    with open_ledger(ledger, create=False) as led:
        result = retag_charges(led, dry_run=dry_run)
    render(
        [m.__dict__ for m in result.moves],
        fmt,
        console=out,
        title="Would change" if dry_run else "Changed",
        columns=["column", "before", "after", "rows"],
        empty="Nothing to change: team, project and cost category already follow the settings.",
        json_value=result,
    )
    if fmt is not OutputFormat.table:
        return
    if result.counts:
        render(
            [c.__dict__ for c in result.counts],
            fmt,
            console=out,
            title="Rows per value, before and after",
        )
    per_column = ", ".join(f"{k} {v:,}" for k, v in result.changed.items())
    verb = "would change" if dry_run else "changed"
    err.print(
        f"{result.rows_changed:,} of {result.rows_examined:,} charges {verb} ({per_column})."
        + (" Dry run: nothing was written." if dry_run else ""),
        highlight=False,
    )
    for note in result.notes:
        err.print(f"[dim]{note}[/dim]", highlight=False)
