"""`infracast optimize`: where and how to buy compute (placement, commitments), the resource
LP, and allocation under scarcity. Each command is one call of
:mod:`infracast.control.optimizing`; the tables are drawn by
:mod:`infracast.cli.optimize_render`."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.common import FormatOption, LedgerOption, library_default, open_ledger
from infracast.cli.optimize_autoscaling import autoscaling
from infracast.cli.optimize_commitments import commitments
from infracast.cli.optimize_placement import placement
from infracast.cli.optimize_render import render_allocation, render_resources
from infracast.cli.render import OutputFormat
from infracast.control.optimizing import allocate as allocate_teams
from infracast.control.optimizing import resources as solve_resources

app = typer.Typer(no_args_is_help=True, help="Optimize where and how compute is bought.")

app.command("placement")(placement)
app.command("commitments")(commitments)
app.command("autoscaling")(autoscaling)

InputArgument = Annotated[Path, typer.Argument(help="The input file: CSV, or YAML.")]


@app.command("resources")
def resources(
    input: InputArgument,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="The most money to spend on resources (the file's own budget: otherwise).",
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The resource LP: buy each resource's demand at least cost within its capacity; with
    projects and a budget (YAML), the portfolio form that prices unmet demand.

    CSV columns: name, unit, unit_cost, demand, and optionally capacity, currency, integer,
    unmet_penalty.

    Examples:

      infracast optimize resources resources.csv

      infracast optimize resources portfolio.yaml --budget 120000
    """
    render_resources(solve_resources(input, budget=budget), fmt)


@app.command("allocate")
def allocate(
    capacity: Annotated[
        float, typer.Option("--capacity", "-c", help="What there is to share (GPUs, GPU-hours…).")
    ],
    input: Annotated[
        Path | None,
        typer.Argument(
            help="Teams (CSV or YAML): name, demand, optionally weight, priority, "
            "value_per_unit, minimum. Without it, the ledger's GPU-hours forecast by team."
        ),
    ] = None,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            "-p",
            help="proportional, priority (strict, by the priority column), value (by "
            "value_per_unit) or max_min (max-min fair, by weight).",
        ),
    ] = library_default(allocate_teams, "policy"),
    freq: Annotated[
        str,
        typer.Option("--freq", help="Without a file: the period forecast, MS (a month), W or D."),
    ] = library_default(allocate_teams, "freq"),
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Share a scarce capacity among teams by a policy everyone can read, with each team's
    unmet demand and Jain's fairness index.

    Columns: name, demand, and optionally weight, priority, value_per_unit, minimum.

    Examples:

      infracast optimize allocate teams.csv --capacity 64

      infracast optimize allocate teams.csv --capacity 64 --policy priority

      infracast optimize allocate --capacity 40000 --freq MS   # next month's forecast
    """
    opened = nullcontext(None) if input is not None else open_ledger(ledger, read_only=True)
    with opened as led:
        result = allocate_teams(input, capacity=capacity, policy=policy, ledger=led, freq=freq)
    render_allocation(result, fmt)
