"""`infracast finance …`: ROI, NPV, IRR, payback, sensitivity and Monte Carlo of cash flows.

Every command takes its cash flows from one source: ``--cashflows FILE.csv``,
``--project-spec FILE.yaml`` (a project budget by month) or ``--from-ledger
--project P`` (actual cost by month), with revenue added from ``--revenue
FILE.csv`` and/or ``--finance-spec FILE.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from infracast import finance
from infracast.cli.analytics import FilterOption, FromOption, ToOption
from infracast.cli.common import FormatOption, LedgerOption, err, out
from infracast.cli.finance_sources import (
    CashflowsOption,
    ConventionChoice,
    ConventionOption,
    CurrencyOption,
    FinanceSpecOption,
    FromLedgerOption,
    IndirectOption,
    PeriodsOption,
    ProjectOption,
    ProjectSpecOption,
    RateOption,
    RevenueOption,
    flows_of,
    read_yaml,
    source,
)
from infracast.cli.render import OutputFormat, render
from infracast.errors import ConfigError, FinanceError
from infracast.finance.cashflows import COLUMNS
from infracast.finance.montecarlo import Progress

app = typer.Typer(
    help="ROI, NPV, IRR, payback, sensitivity and Monte Carlo risk of cash flows.",
    no_args_is_help=True,
)


def _summary(data: dict[str, Any]) -> list[dict[str, str]]:
    """The metrics as readable text: amounts to the cent, rates in %, payback in periods."""
    cur, unit = data["currency"] or "", f"{data['period_unit']}s"

    def pct(value: float | None) -> str:
        return "(none)" if value is None else f"{value:.2%}"

    def periods(value: float | None) -> str:
        return "never" if value is None else f"{value:.2f} {unit}"

    rows = {
        "NPV": f"{data['npv']:,.2f} {cur}",
        "IRR (annual)": pct(data["irr"])
        + (
            f"  roots: {', '.join(pct(r) for r in data['irr_roots'])}"
            if data["irr"] is None and data["irr_roots"]
            else ""
        ),
        "ROI": pct(data["roi"]),
        "benefit-cost ratio": "(none)"
        if data["benefit_cost_ratio"] is None
        else f"{data['benefit_cost_ratio']:.3f}",
        "payback": periods(data["payback_period"]),
        "discounted payback": periods(data["discounted_payback_period"]),
        "total revenue / cost": f"{data['total_revenue']:,.2f} / {data['total_cost']:,.2f} {cur}",
        "PV revenue / cost": f"{data['pv_revenue']:,.2f} / {data['pv_cost']:,.2f} {cur}",
        "rate": f"{float(data['rate']):.2%} a year"
        + (
            f", {data['periodic_rate']:.4%} a {data['period_unit']}"
            if data["periods_per_year"] > 1
            else ""
        ),
        "convention": data["convention"],
    }
    return [{"metric": k, "value": v} for k, v in rows.items()]


def _print_notes(*groups: Any) -> None:
    for group in groups:
        for note in group:
            err.print(f"- {note}", highlight=False)


# --- commands --------------------------------------------------------------------------


@app.command()
def metrics(
    rate: RateOption,
    cashflows: CashflowsOption = None,
    project_spec: ProjectSpecOption = None,
    from_ledger: FromLedgerOption = False,
    project: ProjectOption = None,
    revenue: RevenueOption = None,
    finance_spec: FinanceSpecOption = None,
    periods_per_year: PeriodsOption = None,
    convention: ConventionOption = ConventionChoice.t0_undiscounted,
    currency: CurrencyOption = None,
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    indirect_categories: IndirectOption = None,
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
    src = source(
        cashflows,
        project_spec,
        from_ledger,
        project,
        revenue,
        finance_spec,
        currency,
        ledger,
        start,
        end,
        filters,
        indirect_categories,
    )
    result = finance.metrics(
        flows_of(src), rate, periods_per_year=periods_per_year, convention=convention.value
    )
    data = result.to_json()
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    scalars = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    scalars["irr_roots"] = ";".join(str(r) for r in data["irr_roots"])
    if fmt is OutputFormat.csv:
        render([scalars], fmt, console=out)
        return
    money = (
        "revenue",
        "cost",
        "benefit",
        "pv_benefit",
        "cumulative_benefit",
        "cumulative_pv_benefit",
    )
    render(
        data["cashflows"],
        fmt,
        console=out,
        title=f"Cash flows ({data['currency'] or 'no currency'})",
        columns=["t", "period", *money[:3], "discount_factor", *money[3:]],
        money=money,
    )
    render(_summary(data), fmt, console=out, title=f"Metrics of {data['source']}")
    _print_notes([data["irr_note"]] if data["irr_note"] else [], data["notes"], data["assumptions"])


@app.command("cashflows")
def cashflows_command(
    cashflows: CashflowsOption = None,
    project_spec: ProjectSpecOption = None,
    from_ledger: FromLedgerOption = False,
    project: ProjectOption = None,
    revenue: RevenueOption = None,
    finance_spec: FinanceSpecOption = None,
    currency: CurrencyOption = None,
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    indirect_categories: IndirectOption = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the cash flows a source gives, period by period (CSV output reads back in).

    Examples:

      infracast finance cashflows --from-ledger --project support-copilot --format csv > flows.csv

      infracast finance cashflows --project-spec examples/project.yaml
        --finance-spec examples/finance.yaml
    """
    src = source(
        cashflows,
        project_spec,
        from_ledger,
        project,
        revenue,
        finance_spec,
        currency,
        ledger,
        start,
        end,
        filters,
        indirect_categories,
    )
    flows = flows_of(src)
    rows = flows.to_rows()
    if fmt is OutputFormat.json:
        data = {
            "source": flows.source,
            "currency": flows.currency,
            "period_unit": flows.unit,
            "cashflows": rows,
            "assumptions": list(flows.assumptions),
        }
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        columns = ["period", *COLUMNS]
        render(
            [{**r, "currency": flows.currency} for r in rows],
            fmt,
            console=out,
            columns=[*columns, "currency"] if flows.currency else columns,
        )
        return
    render(
        rows,
        fmt,
        console=out,
        title=f"Cash flows of {flows.source} ({flows.currency})",
        money=[k for k in rows[0] if k != "period"],
    )
    _print_notes(flows.assumptions)


def _chart(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the chart {path}: {exc.strerror}.",
            hint="Check that its folder exists and can be written.",
        ) from None
    err.print(f"Wrote {path}", highlight=False)


@app.command("sensitivity")
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
    pct: Annotated[float, typer.Option("--pct", help="Move each input by ± this percent.")] = 20.0,
    sort_by: Annotated[
        str, typer.Option("--sort-by", help="Sort by the swing of npv or total_cost.")
    ] = "npv",
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write a tornado chart: FILE.png or FILE.html.")
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Show the N largest.")
    ] = None,
    cashflows: CashflowsOption = None,
    project_spec: ProjectSpecOption = None,
    from_ledger: FromLedgerOption = False,
    project: ProjectOption = None,
    revenue: RevenueOption = None,
    finance_spec: FinanceSpecOption = None,
    periods_per_year: PeriodsOption = None,
    convention: ConventionOption = ConventionChoice.t0_undiscounted,
    currency: CurrencyOption = None,
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    indirect_categories: IndirectOption = None,
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
    kind = finance.chart_format(chart) if chart else None
    src = source(
        cashflows,
        project_spec,
        from_ledger,
        project,
        revenue,
        finance_spec,
        currency,
        ledger,
        start,
        end,
        filters,
        indirect_categories,
    )
    if sort_by not in ("npv", "total_cost"):
        raise FinanceError(f"cannot sort by {sort_by!r}.", hint="Use npv or total_cost.")
    result = finance.sensitivity(
        src.cashflows,
        project_spec=src.spec,
        rate=rate,
        inputs=inputs,
        pct=pct,
        sort_by="npv" if sort_by == "npv" else "total_cost",
        periods_per_year=periods_per_year,
        convention=convention.value,
    )
    if chart and kind:
        _chart(chart, finance.tornado_chart(result, kind, metric=result.sort_by, top=top or 20))
    data = result.to_json()
    rows = data["inputs"][:top] if top else data["inputs"]
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value={**data, "inputs": rows})
        return
    if fmt is OutputFormat.csv:
        render(rows, fmt, console=out, columns=list(data["inputs"][0]) if rows else None)
        return
    swing = f"{result.sort_by}_swing"
    columns = [
        "input",
        "base_value",
        "low_value",
        "high_value",
        "total_cost_low",
        "total_cost_high",
        "npv_low",
        "npv_high",
        swing,
    ]
    if any(r["note"] for r in rows):
        columns.append("note")
    render(
        rows,
        fmt,
        console=out,
        columns=columns,
        money=columns[4:9],
        title=f"Sensitivity (each input ±{result.pct}% alone): base total cost "
        f"{result.base_total_cost:,.2f}, base NPV {result.base_npv:,.2f} {result.currency or ''}",
    )
    if fmt is OutputFormat.table:
        _print_notes(
            [f"skipped {s['input']}: {s['reason']}" for s in data["skipped"]], data["assumptions"]
        )


@app.command()
def simulate(
    rate: RateOption,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            "-v",
            help="NAME=DIST:PARAMS (repeatable): triangular:low,mode,high, pert:low,mode,high, "
            "normal:mean,sd, lognormal:mu,sigma, uniform:low,high. NAME: rate, cost, revenue, "
            "cost_direct, … (factors of 1) or a spec path like people.0.fte.",
        ),
    ] = None,
    risk: Annotated[
        Path | None,
        typer.Option("--risk", help="YAML with vary: {NAME: {dist: …}}, samples, seed, budget."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", help="Default 10,000 (500 when the spec is re-budgeted)."),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default 0).")] = None,
    budget: Annotated[
        str | None, typer.Option("--budget", help="Total-cost budget: P(total cost > budget).")
    ] = None,
    histogram: Annotated[
        Path | None, typer.Option("--histogram", help="Write a histogram: FILE.png or .html.")
    ] = None,
    cdf: Annotated[
        Path | None, typer.Option("--cdf", help="Write a cumulative distribution: .png or .html.")
    ] = None,
    chart_of: Annotated[
        str, typer.Option("--chart-of", help="Chart total_cost or npv.")
    ] = "total_cost",
    cashflows: CashflowsOption = None,
    project_spec: ProjectSpecOption = None,
    from_ledger: FromLedgerOption = False,
    project: ProjectOption = None,
    revenue: RevenueOption = None,
    finance_spec: FinanceSpecOption = None,
    periods_per_year: PeriodsOption = None,
    convention: ConventionOption = ConventionChoice.t0_undiscounted,
    currency: CurrencyOption = None,
    start: FromOption = None,
    end: ToOption = None,
    filters: FilterOption = None,
    indirect_categories: IndirectOption = None,
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
    if chart_of not in ("total_cost", "npv"):
        raise FinanceError(f"cannot chart {chart_of!r}.", hint="Use total_cost or npv.")
    for path in (histogram, cdf):
        if path:
            finance.chart_format(path)  # a wrong suffix fails before the simulation runs
    settings: dict[str, Any] = read_yaml(risk, "--risk") if risk else {}
    unknown = set(settings) - {"vary", "samples", "seed", "budget"}
    if unknown:
        raise ConfigError(
            f"{risk}: unknown keys {', '.join(sorted(unknown))}.",
            hint="A risk file has vary, samples, seed and budget.",
        )
    inputs: dict[str, Any] = dict(settings.get("vary") or {})
    for item in vary or []:
        name, sep, dist = item.partition("=")
        if not sep:
            raise ConfigError(
                f"--vary {item!r} is not NAME=DIST:PARAMS.",
                hint="For example: --vary cost=triangular:0.9,1,1.3",
            )
        inputs[name.strip()] = dist.strip()
    src = source(
        cashflows,
        project_spec,
        from_ledger,
        project,
        revenue,
        finance_spec,
        currency,
        ledger,
        start,
        end,
        filters,
        indirect_categories,
    )
    limit = budget if budget is not None else settings.get("budget")
    with _progress(fmt) as progress:
        result = finance.simulate(
            src.cashflows,
            project_spec=src.spec,
            rate=rate,
            vary=inputs,
            samples=samples or settings.get("samples"),
            seed=seed if seed is not None else int(settings.get("seed", 0)),
            budget=None if limit is None else str(limit),
            periods_per_year=periods_per_year,
            convention=convention.value,
            progress=progress,
        )
    values = result.total_costs if chart_of == "total_cost" else result.npvs
    spread = result.total_cost if chart_of == "total_cost" else result.npv
    marks = [("P10", spread.p10), ("P50", spread.p50), ("P90", spread.p90)]
    if result.budget is not None and chart_of == "total_cost":
        marks.append(("budget", result.budget))
    label = f"{'total cost' if chart_of == 'total_cost' else 'NPV'} ({result.currency or ''})"
    for path, shape in ((histogram, "histogram"), (cdf, "cdf")):
        if path:
            chart = finance.distribution_chart(
                values,
                "histogram" if shape == "histogram" else "cdf",
                finance.chart_format(path),
                label=label,
                marks=marks,
            )
            _chart(path, chart)
    data = result.to_json()
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    rows = [{"quantity": k, **data[k]} for k in ("total_cost", "npv")]
    render(
        rows,
        fmt,
        console=out,
        money=("mean", "sd", "p10", "p50", "p90"),
        title=f"Monte Carlo: {result.samples:,} samples, seed {result.seed} "
        f"({result.method}), {result.currency or ''}",
    )
    if fmt is OutputFormat.table:
        if result.probability_over_budget is not None:
            err.print(f"P(total cost > {result.budget:,}) = {result.probability_over_budget:.1%}")
        err.print(f"P(NPV < 0) = {result.probability_negative_npv:.1%}")
        _print_notes(data["assumptions"])


@contextmanager
def _progress(fmt: OutputFormat) -> Iterator[Progress | None]:
    """A progress bar on stderr for long per-sample runs (a terminal only)."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(console=err, transient=True) as bar:
        task = bar.add_task("Simulating", total=None)

        def advance(done: int, total: int) -> None:
            if done % 10 == 0 or done == total:
                bar.update(task, completed=done, total=total)

        yield advance
