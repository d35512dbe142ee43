"""`infracast finance …`: ROI, NPV, IRR, payback, sensitivity and Monte Carlo of cash flows.

Each command parses its options, calls the function of the same name in
:mod:`infracast.control.finance_api` (``finance metrics`` is ``finance_metrics``)
with the same parameters, and renders the result. The options naming where the
cash flows come from are built from the fields of
:class:`~infracast.control.finance_inputs.CashflowSource`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infracast import finance
from infracast.cli import finance_render
from infracast.cli.common import FormatOption, LedgerOption, write_chart
from infracast.cli.finance_sources import (
    CHART_OF,
    CONVENTION,
    PCT,
    SORT_BY,
    ConventionOption,
    PeriodsOption,
    RateOption,
    field_help,
    source_ledger,
    with_source,
)
from infracast.cli.render import OutputFormat
from infracast.control.finance_api import (
    finance_cashflows,
    finance_metrics,
    finance_sensitivity,
    finance_simulate,
)
from infracast.control.finance_inputs import CashflowSource

app = typer.Typer(
    help="ROI, NPV, IRR, payback, sensitivity and Monte Carlo risk of cash flows.",
    no_args_is_help=True,
)


# --- commands ----------------------------------------------------------------------------


@app.command()
@with_source
def metrics(
    rate: RateOption,
    source: CashflowSource,
    periods_per_year: PeriodsOption = None,
    convention: ConventionOption = CONVENTION,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """NPV, IRR, ROI, benefit-cost ratio and payback of cash flows at a discount rate.

    JSON (a stable contract): npv, irr (annual; null when no rate or several make
    NPV zero, see irr_note and irr_roots), roi, benefit_cost_ratio, payback_period,
    discounted_payback_period (periods; null when never paid back), convention and
    the cash flows. Amounts are exact to the cent; rates and ratios are numbers.

    Examples:

      infracast finance metrics --cashflows examples/cashflows.csv --rate 0.10 --format json

      infracast finance metrics --project-spec examples/project.yaml
        --finance-spec examples/finance.yaml --rate 8%

      infracast finance metrics --from-ledger --project support-copilot
        --revenue revenue.csv --rate 0.1
    """
    with source_ledger(source, ledger) as led:
        result = finance_metrics(
            source, rate=rate, periods_per_year=periods_per_year, convention=convention, ledger=led
        )
    finance_render.metrics(result.to_json(), fmt)


@app.command("cashflows")
@with_source
def cashflows_command(
    source: CashflowSource,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the cash flows a source gives, period by period (CSV output reads back in).

    Examples:

      infracast finance cashflows --from-ledger --project support-copilot --format csv > flows.csv

      infracast finance cashflows --project-spec examples/project.yaml
        --finance-spec examples/finance.yaml
    """
    with source_ledger(source, ledger) as led:
        flows = finance_cashflows(source, ledger=led)
    finance_render.cashflows(flows, fmt)


@app.command("sensitivity")
@with_source
def sensitivity_command(
    rate: RateOption,
    inputs: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            "-i",
            help="An input to vary (repeatable): rate, cost, revenue, cost_direct, … or a spec "
            "path like people.0.fte; NAME=LOW:HIGH gives its range. Default: every numeric input.",
        ),
    ] = None,
    pct: Annotated[float, typer.Option("--pct", help="Move each input by ± this percent.")] = PCT,
    sort_by: Annotated[
        finance.Quantity, typer.Option("--sort-by", help="Sort by the swing of npv or total_cost.")
    ] = SORT_BY,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write a tornado chart: FILE.png or FILE.html.")
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Show the N largest.")
    ] = None,
    *,
    source: CashflowSource,
    periods_per_year: PeriodsOption = None,
    convention: ConventionOption = CONVENTION,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """One-at-a-time sensitivity (a tornado): the swing in total cost and NPV per input.

    Each input alone moves to base × (1 ∓ pct/100) or its given LOW:HIGH; a
    project spec is budgeted again for each. Rows are sorted by swing.

    Examples:

      infracast finance sensitivity --project-spec examples/project.yaml --rate 0.1

      infracast finance sensitivity --project-spec examples/project.yaml
        --finance-spec examples/finance.yaml --rate 0.1 -i people.0.fte -i rate=0.05:0.15
        -i contingency_pct=5:25 --chart tornado.png

      infracast finance sensitivity --cashflows examples/cashflows.csv --rate 0.1 --format json
    """
    kind = finance.chart_format(chart) if chart else None  # before any work
    with source_ledger(source, ledger) as led:
        result = finance_sensitivity(
            source,
            rate=rate,
            inputs=inputs,
            pct=pct,
            sort_by=sort_by,
            periods_per_year=periods_per_year,
            convention=convention,
            ledger=led,
        )
    if chart and kind:
        write_chart(chart, finance.tornado_chart(result, kind, top=top))
    finance_render.sensitivity(result, fmt, top)


@app.command()
@with_source
def simulate(
    rate: RateOption,
    vary: Annotated[
        list[str] | None,
        typer.Option("--vary", "-v", help=field_help(finance.RiskSpec, "vary")),
    ] = None,
    risk: Annotated[
        Path | None,
        typer.Option("--risk", help="YAML with vary: {NAME: {dist: …}}, samples, seed, budget."),
    ] = None,
    samples: Annotated[
        int | None, typer.Option("--samples", help=field_help(finance.RiskSpec, "samples"))
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help=field_help(finance.RiskSpec, "seed"))
    ] = None,
    budget: Annotated[
        str | None, typer.Option("--budget", help=field_help(finance.RiskSpec, "budget"))
    ] = None,
    histogram: Annotated[
        Path | None, typer.Option("--histogram", help="Write a histogram: FILE.png or .html.")
    ] = None,
    cdf: Annotated[
        Path | None, typer.Option("--cdf", help="Write a cumulative distribution: .png or .html.")
    ] = None,
    chart_of: Annotated[
        finance.Quantity, typer.Option("--chart-of", help="Chart total_cost or npv.")
    ] = CHART_OF,
    *,
    source: CashflowSource,
    periods_per_year: PeriodsOption = None,
    convention: ConventionOption = CONVENTION,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Monte Carlo: P10/P50/P90 of total cost and NPV, and P(total cost > budget).

    Factors and the rate are sampled all at once (numpy); a spec path budgets
    the project again per sample. The output states the samples and the seed.

    Examples:

      infracast finance simulate --cashflows examples/cashflows.csv --rate 0.1
        --vary cost=triangular:0.9,1,1.4 --vary revenue=pert:0.5,1,1.2 --budget 800000

      infracast finance simulate --project-spec examples/project.yaml --rate 0.1
        --risk examples/risk.yaml --histogram cost.png --cdf cost.html
    """
    # a wrong suffix fails before the simulation runs
    histogram_kind = finance.chart_format(histogram) if histogram else None
    cdf_kind = finance.chart_format(cdf) if cdf else None
    with finance_render.progress() as progress, source_ledger(source, ledger) as led:
        result = finance_simulate(
            source,
            rate=rate,
            vary=vary,
            risk=risk,
            samples=samples,
            seed=seed,
            budget=budget,
            periods_per_year=periods_per_year,
            convention=convention,
            ledger=led,
            progress=progress,
        )
    if histogram and histogram_kind:
        chart = finance.simulation_chart(result, "histogram", histogram_kind, of=chart_of)
        write_chart(histogram, chart)
    if cdf and cdf_kind:
        chart = finance.simulation_chart(result, "cdf", cdf_kind, of=chart_of)
        write_chart(cdf, chart)
    finance_render.simulate(result, fmt)
