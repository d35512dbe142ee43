"""`infracast plan …`: estimates and project budgets saved as plans, compared with actuals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from infracast.cli.common import FormatOption, LedgerOption, err, open_ledger, out
from infracast.cli.render import OutputFormat, render
from infracast.control import (
    Plan,
    PlanRequest,
    compare_plans,
    finish_plan,
    list_plans,
    plan_feedback,
    remove_plan,
    save_plan,
    show_plan,
)
from infracast.control.plans.compare import DIMENSIONS

app = typer.Typer(
    help="Plans saved from estimates and project budgets, compared with what was actually spent.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(help="The plan's name.", show_default=False)]
LINE_COLUMNS = (
    "month",
    "phase",
    "cost_category",
    "amount",
    "currency",
    "price_source",
    "price_as_of",
)
SUMMARY_COLUMNS = (
    "plan",
    "project",
    "source",
    "status",
    "total",
    "currency",
    "starts",
    "ends",
    "months",
    "description",
)


def _help(field: str) -> str | None:
    return PlanRequest.model_fields[field].description


def _short(text: Any, width: int = 60) -> Any:
    if isinstance(text, str) and len(text) > width:
        return text[: width - 1] + "…"
    return text


def _print_plan(plan: Plan, fmt: OutputFormat, *, title: str) -> None:
    """Table: the summary, its lines, its assumptions. JSON: the plan. CSV: its lines."""
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=plan.to_dict())
        return
    lines = [line.to_dict() for line in plan.lines]
    if fmt is OutputFormat.csv:
        render(lines, fmt, console=out, columns=LINE_COLUMNS)
        return
    summary = {**plan.summary(), "total": f"{plan.total:,.2f}"}
    render(
        [{"field": k, "value": summary[k]} for k in (*SUMMARY_COLUMNS, "created_at")],
        fmt,
        console=out,
        title=title,
    )
    phased = any(line["phase"] for line in lines)
    render(
        [{**line, "price_source": _short(line["price_source"])} for line in lines],
        fmt,
        console=out,
        title="Planned charges (full price sources: --format json or csv)",
        columns=[c for c in LINE_COLUMNS if phased or c != "phase"],
        money=("amount",),
    )
    for note in plan.assumptions:
        err.print(f"[dim]· {note}[/dim]", highlight=False)


@app.command()
def save(
    name: NameArgument,
    estimate: Annotated[
        Path | None, typer.Option("--estimate", "-e", help=_help("estimate"))
    ] = None,
    project_spec: Annotated[
        Path | None, typer.Option("--project-spec", help=_help("project_spec"))
    ] = None,
    project: Annotated[str | None, typer.Option("--project", "-p", help=_help("project"))] = None,
    start: Annotated[str | None, typer.Option("--start", help=_help("start"))] = None,
    pricing: Annotated[str | None, typer.Option("--pricing", help=_help("pricing"))] = None,
    provider: Annotated[str | None, typer.Option("--provider", help=_help("provider"))] = None,
    region: Annotated[str | None, typer.Option("--region", help=_help("region"))] = None,
    instance_type: Annotated[
        str | None, typer.Option("--instance-type", help=_help("instance_type"))
    ] = None,
    months: Annotated[int | None, typer.Option("--months", help=_help("months"), min=1)] = None,
    energy: Annotated[bool, typer.Option("--energy", help=_help("energy"))] = False,
    description: Annotated[
        str | None, typer.Option("--description", help=_help("description"))
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help=_help("replace"))] = False,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Save an estimate or a project budget as a plan: planned charges by month and category.

    From an estimate, one of its price options (--pricing, --provider, --region,
    --instance-type narrow them to one) is spread over the run's wall-clock hours
    from --start, pro rata by the hours in each month; a serving estimate costs
    its monthly cost in each of --months months. From a project spec, the budget's
    lines by month, category and phase (month 1 = the spec's start, or --start).
    Every line keeps the price source and date it was made with.

    Examples:

      infracast estimate training --params 7B --tokens 1T -a H100 --format json > run.json

      infracast plan save atlas-7b --estimate run.json --project atlas-7b --start 2026-03
        --pricing on_demand --provider AWS

      infracast plan save support --project-spec examples/project.yaml --start 2026-01
    """
    with open_ledger(ledger) as led:
        plan = save_plan(
            led,
            name,
            estimate=estimate,
            project_spec=project_spec,
            project=project,
            start=start,
            pricing=pricing,
            provider=provider,
            region=region,
            instance_type=instance_type,
            months=months,
            energy=energy,
            description=description,
            replace=replace,
        )
    _print_plan(plan, fmt, title=f"Saved plan {plan.name}")


@app.command("list")
def list_(
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Only plans of this project.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Only active or finished plans.")
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the plans: project, source, status, total, months and description.

    JSON: an array of objects with plan, project, source, status, total,
    currency, starts, ends, months, description, created_at and finished_at.

    Examples:

      infracast plan list

      infracast plan list --status finished --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        plans = list_plans(led, project=project, status=status)
    rows = [p.summary() for p in plans]
    if fmt is OutputFormat.table:
        rows = [{k: _short(r[k], 50) for k in SUMMARY_COLUMNS} for r in rows]
    render(
        rows,
        fmt,
        console=out,
        title="Plans",
        money=("total",),
        empty="No plans yet: infracast plan save NAME --estimate FILE.json --project P "
        "--start YYYY-MM",
    )


@app.command()
def show(
    name: NameArgument, ledger: LedgerOption = None, fmt: FormatOption = OutputFormat.table
) -> None:
    """Show a plan: its summary, planned charges with their price sources, and assumptions.

    JSON: the summary keys of plan list, plus features, assumptions and lines
    (month, project, cost_category, phase, amount, currency, price_source,
    price_as_of). CSV: the lines.

    Example:

      infracast plan show atlas-7b --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        plan = show_plan(led, name)
    _print_plan(plan, fmt, title=f"Plan {plan.name}")


@app.command()
def compare(
    name: Annotated[
        str | None,
        typer.Argument(
            help="The plan (default: every plan, or those of --project).", show_default=False
        ),
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Every plan of this project.")
    ] = None,
    by: Annotated[
        str, typer.Option("--by", "-b", help="Any of project, month, category (comma-separated).")
    ] = ",".join(DIMENSIONS),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Compare to date: charges before it, the plan to it (YYYY-MM-DD, UTC).",
        ),
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Plan against actual: planned, actual, variance (actual − planned) and variance %.

    Actual is the effective cost of the charges tagged with the plan's project,
    by month of ChargePeriodStart and cost category. A month or category with
    spend but no plan (or a plan but no spend) is shown, not dropped; charges in
    another currency are rows of their own.

    JSON: an object with plans, projects, by, as_of, rows, totals (per currency)
    and notes; each row has the --by keys, planned, actual, variance,
    variance_pct and currency. CSV: the rows.

    Examples:

      infracast plan compare atlas-7b

      infracast plan compare --project atlas-7b --by month --as-of 2026-04-15 --format json
    """
    with open_ledger(ledger, read_only=True) as led:
        result = compare_plans(led, name, project=project, by=by, as_of=as_of)
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=result.to_dict())
        return
    rows = [r.to_dict() for r in result.rows]
    if fmt is OutputFormat.csv:
        render(rows, fmt, console=out, columns=[*result.by, *_AMOUNTS])
        return
    money = ("planned", "actual", "variance")
    render(
        rows,
        fmt,
        console=out,
        title=f"Plan against actual: {', '.join(result.plans)}",
        columns=[*result.by, *_AMOUNTS],
        money=money,
    )
    render(
        [r.to_dict() for r in result.totals],
        fmt,
        console=out,
        title="Totals",
        columns=list(_AMOUNTS),
        money=money,
    )
    for note in result.notes:
        err.print(f"[dim]· {note}[/dim]", highlight=False)


_AMOUNTS = ("planned", "actual", "variance", "variance_pct", "currency")


@app.command()
def finish(name: NameArgument, ledger: LedgerOption = None) -> None:
    """Mark a plan finished: its charges are all in, so its actual cost can train estimates.

    Example:

      infracast plan finish atlas-7b
    """
    with open_ledger(ledger) as led:
        plan = finish_plan(led, name)
    err.print(
        f"Plan {plan.name} is finished; infracast plan feedback --out past.csv writes its "
        "actual cost as a training row.",
        highlight=False,
    )


@app.command()
def remove(name: NameArgument, ledger: LedgerOption = None) -> None:
    """Delete a plan and its planned charges (the charges in the ledger stay).

    Example:

      infracast plan remove atlas-7b-draft
    """
    with open_ledger(ledger) as led:
        plan = remove_plan(led, name)
    err.print(
        f"Removed plan {plan.name} ({len(plan.lines)} planned lines, {plan.total:,.2f} "
        f"{plan.currency}).",
        highlight=False,
    )


@app.command()
def feedback(
    out_file: Annotated[
        Path, typer.Option("--out", "-o", help="The CSV to write (one row per finished plan).")
    ],
    append: Annotated[
        bool,
        typer.Option("--append", help="Keep the file's rows; a plan already in it is replaced."),
    ] = False,
    currency: Annotated[
        str | None,
        typer.Option("--currency", help="Only plans in this currency (one file, one currency)."),
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Write finished plans as training rows for the learned estimator: features, planned_cost
    and actual_cost (the target).

    Columns with the same value in every row are left out (a constant cannot
    explain a cost); the notes say which. Fit on the file with infracast
    estimate learned FILE.csv (target actual_cost) once it has 8 or more rows.

    Examples:

      infracast plan feedback --out past-projects.csv

      infracast plan feedback --out past-projects.csv --append

      infracast estimate learned past-projects.csv
    """
    with open_ledger(ledger, read_only=True) as led:
        result = plan_feedback(led, out_file, append=append, currency=currency)
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=result.to_dict())
        return
    render(
        list(result.rows),
        fmt,
        console=out,
        columns=list(result.columns),
        title=(f"{len(result.rows)} training rows in {result.currency} written to {result.path}"),
        money=("planned_cost", "actual_cost"),
    )
    for note in result.notes:
        err.print(f"[dim]· {note}[/dim]", highlight=False)
