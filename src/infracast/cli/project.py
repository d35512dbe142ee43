"""`infracast project …`: projects with tasks and progress, their earned value; add and remove."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.control import (
    EarnedValue,
    EarnedValueMetrics,
    add_project,
    list_projects,
    project_status,
    rebudget_suggestions,
    record_progress,
    remove_project,
)

app = typer.Typer(
    help="Projects with tasks and progress: earned value (PV, EV, AC, CPI, SPI, EAC).",
    no_args_is_help=True,
)


class SeriesBy(StrEnum):
    """The period of the earned-value series."""

    month = "month"
    week = "week"


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Day of the status, YYYY-MM-DD: everything before its start counts "
        "(default: today, UTC).",
        show_default=False,
    ),
]
_TASK_COLUMNS = [
    "task",
    "planned_cost",
    "planned_start",
    "planned_end",
    "percent_complete",
    "pv",
    "ev",
    "ac",
    "cpi",
    "spi",
    "eac",
    "estimate_to_complete",
]
_TASK_MONEY = ("planned_cost", "pv", "ev", "ac", "eac", "estimate_to_complete")


def _notes(lines: Sequence[str]) -> None:
    for line in lines:
        err.print(f"[dim]{line}[/dim]", highlight=False)


@app.command()
def add(
    file: Annotated[Path, typer.Argument(help="Project YAML: project, currency, tasks.")],
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Add a project with its tasks from a YAML file; adding it again updates it.

    Tasks no longer in the file are removed with their progress updates;
    progress of the other tasks is kept. The file's format is in
    docs/earned-value.md.

    Example:

      infracast project add atlas-13b.yaml
    """
    with open_ledger(ledger) as led:
        change = add_project(led, file)
    row = change.to_dict()
    render([row], fmt, console=out, title="Project stored", money=("bac",), json_value=row)


@app.command()
def progress(
    project: Annotated[str, typer.Argument(help="Project id (its x_project).")],
    task: Annotated[str, typer.Argument(help="Task name.")],
    percent: Annotated[float, typer.Argument(help="Percent complete, 0 to 100.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Day the percent is as of, YYYY-MM-DD (default: today, UTC).",
            show_default=False,
        ),
    ] = None,
    etc: Annotated[
        str | None,
        typer.Option(
            "--etc",
            help="The team's estimate to complete (cost still to come), in the project's currency.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the update.")] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record a task's progress: percent complete as of a day, optionally the team's ETC.

    One update per task and day: recording again on the same day replaces it.
    EV uses each task's latest update on or before the as-of day.

    Examples:

      infracast project progress atlas-13b pretrain 40 --as-of 2026-02-15

      infracast project progress atlas-13b pretrain 55 --etc 42000 --note "restarted at step 80k"
    """
    with open_ledger(ledger) as led:
        update = record_progress(
            led, project, task, percent, as_of=as_of, estimate_to_complete=etc, note=note
        )
    row = update.to_dict()
    render(
        [row],
        fmt,
        console=out,
        title="Progress recorded",
        money=("estimate_to_complete",),
        json_value=row,
    )


@app.command("list")
def list_command(ledger: LedgerOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """List the tracked projects: currency, BAC, tasks, planned span, last progress.

    A stored project that today's rules refuse (written by an older version or
    by hand) is listed with its problem: add it again from its file, or remove it.

    Example:

      infracast project list --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        found = list_projects(led)
    rows = [p.to_dict() for p in found]
    invalid = [p for p in found if p.problem]
    if fmt is OutputFormat.table and not invalid:
        rows = [{k: v for k, v in row.items() if k != "problem"} for row in rows]
    render(
        rows,
        fmt,
        console=out,
        title="Projects",
        money=("bac",),
        empty="No project yet; add one with: infracast project add FILE.yaml",
    )
    if fmt is OutputFormat.table:
        for p in invalid:
            err.print(
                f"{p.project}: invalid: {p.problem} Add it again from its file, or remove it "
                f"with infracast project remove {p.project}.",
                highlight=False,
            )


@app.command()
def remove(
    project: Annotated[str, typer.Argument(help="Project id (its x_project).")],
    ledger: LedgerOption = None,
) -> None:
    """Stop tracking a project: delete it with its tasks and progress, valid or not.

    Its charges stay in the ledger; only the plan and the progress go.

    Example:

      infracast project remove atlas-13b
    """
    with open_ledger(ledger) as led:
        removed = remove_project(led, project)
    err.print(
        f"Removed project {removed.project} ({removed.tasks} tasks and their progress).",
        highlight=False,
    )


def _figure(value: Decimal | None, money: bool) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.2f}" if money else f"{value:.4f}"


def _metric_rows(m: EarnedValueMetrics) -> list[dict[str, Any]]:
    figures: list[tuple[str, Decimal | None, bool, str]] = [
        ("BAC", m.bac, True, "budget at completion"),
        ("PV", m.pv, True, "planned value"),
        ("EV", m.ev, True, "earned value: Σ planned cost × % complete"),
        ("AC", m.ac, True, "actual cost"),
        ("CV", m.cv, True, "EV − AC"),
        ("SV", m.sv, True, "EV − PV"),
        ("CPI", m.cpi, False, "EV / AC"),
        ("SPI", m.spi, False, "EV / PV"),
    ]
    for e in m.estimates:
        figures.append((f"EAC ({e.method})", e.eac, True, e.formula if e.eac else e.note or ""))
    figures += [
        ("ETC", m.etc, True, "EAC (cpi) − AC"),
        ("VAC", m.vac, True, "BAC − EAC (cpi)"),
        ("TCPI", m.tcpi, False, "(BAC − EV) / (BAC − AC)"),
    ]
    return [
        {"figure": name, "value": _figure(value, money), "meaning": meaning}
        for name, value, money, meaning in figures
    ]


def _status_table(earned: EarnedValue, series: list[dict[str, Any]], by: str) -> None:
    m = earned.metrics
    title = f"{earned.name or earned.project}: earned value as of {earned.as_of} ({m.currency})"
    render(_metric_rows(m), OutputFormat.table, console=out, title=title)
    render(
        [t.to_dict() for t in earned.tasks],
        OutputFormat.table,
        console=out,
        title="Tasks",
        columns=_TASK_COLUMNS,
        money=_TASK_MONEY,
    )
    render(
        series,
        OutputFormat.table,
        console=out,
        title=f"Cumulative by {by} (each row counts everything before its as_of)",
        money=("pv", "ev", "ac"),
        empty="No series yet: the as-of day is before the project's first planned day.",
    )
    _notes([*m.notes, *earned.assumptions])


@app.command()
def status(
    project: Annotated[str, typer.Argument(help="Project id (its x_project).")],
    as_of: AsOfOption = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also draw the S-curves to FILE.png or FILE.html."),
    ] = None,
    by: Annotated[SeriesBy, typer.Option("--by", help="Period of the series.")] = SeriesBy.month,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Earned value of a project: PV, EV, AC, CV, SV, CPI, SPI, EAC, ETC, VAC, TCPI.

    Shows the figures, one row per task, and the cumulative series by month or
    week up to the as-of day. JSON holds all three (keys as in the tables, the
    series under "series"); CSV prints the task rows and a last "(project)" row.
    Formulas and sources: docs/earned-value.md.

    Examples:

      infracast project status atlas-13b --as-of 2026-03-01

      infracast project status atlas-13b --by week --chart atlas.html --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        result = project_status(led, project, as_of, by=by.value, chart=chart)
    if result.chart is not None:
        err.print(f"Chart written to {result.chart}", highlight=False)
    earned = result.earned
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=result.to_dict())
    elif fmt is OutputFormat.csv:
        m = earned.metrics
        total = {
            "task": "(project)",
            "pv": m.pv,
            "ev": m.ev,
            "ac": m.ac,
            "cpi": m.cpi,
            "spi": m.spi,
            "eac": m.eac,
            "planned_cost": m.bac,
        }
        rows = [t.to_dict() for t in earned.tasks] + [total]
        render(rows, fmt, console=out, columns=_TASK_COLUMNS)
    else:
        _status_table(earned, [p.to_dict() for p in result.series], by.value)


@app.command()
def rebudget(
    as_of: AsOfOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Suggest budget moves from under-spending projects or tasks to overrunning ones.

    A project, or a task with its own actuals (filters), overruns when its EAC
    (BAC / CPI) exceeds its budget; others whose EAC is below their budget can
    give the difference. Moves stay within the same total: among projects of
    one currency, or among the tasks of one project. Overruns the under-spends
    cannot cover are reported. Nothing in the ledger changes. CSV: the moves.

    Example:

      infracast project rebudget --as-of 2026-03-01
    """
    with open_ledger(ledger, read_only=True) as led:
        result = rebudget_suggestions(led, as_of)
    if fmt is not OutputFormat.table:
        moves = [m.to_dict() for m in result.moves]
        render(
            moves,
            fmt,
            console=out,
            columns=["level", "from", "to", "amount", "currency"],
            json_value=result.to_dict(),
        )
        return
    render(
        [s.to_dict() for s in result.scopes],
        fmt,
        console=out,
        title=f"Budgets and estimates at completion as of {result.as_of}",
        money=("budget", "eac", "variance", "suggested_budget"),
        empty="No project yet; add one with: infracast project add FILE.yaml",
    )
    render(
        [m.to_dict() for m in result.moves],
        fmt,
        console=out,
        title="Suggested moves (totals unchanged)",
        money=("amount",),
        empty="No move suggested.",
    )
    for shortfall in result.shortfalls:
        err.print(f"[yellow]Not enough:[/yellow] {shortfall.message}", highlight=False)
    _notes(result.notes)
