"""How `infracast finance` shows its results: one function per command, table, JSON or CSV.

JSON is each result's contract as the library serializes it (``to_json()``); tables
show amounts to the cent and rates in percent; notes and assumptions go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from infracast import finance
from infracast.cli.common import err, out
from infracast.cli.render import OutputFormat, render


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


def print_notes(*groups: Any) -> None:
    for group in groups:
        for note in group:
            err.print(f"- {note}", highlight=False)


@contextmanager
def progress() -> Iterator[Callable[[int, int], None] | None]:
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


def metrics(data: dict[str, Any], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        scalars = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
        render([{**scalars, "irr_roots": ";".join(map(str, data["irr_roots"]))}], fmt, console=out)
        return
    money = ("revenue", "cost", "benefit")
    cumulative = ("pv_benefit", "cumulative_benefit", "cumulative_pv_benefit")
    render(
        data["cashflows"],
        fmt,
        console=out,
        title=f"Cash flows ({data['currency'] or 'no currency'})",
        columns=["t", "period", *money, "discount_factor", *cumulative],
        money=money + cumulative,
    )
    render(_summary(data), fmt, console=out, title=f"Metrics of {data['source']}")
    print_notes([data["irr_note"]] if data["irr_note"] else [], data["notes"], data["assumptions"])


def cashflows(flows: finance.CashFlows, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=flows.to_json())
        return
    if fmt is OutputFormat.csv:
        render(flows.to_csv_rows(), fmt, console=out)
        return
    rows = flows.to_rows()
    render(
        rows,
        fmt,
        console=out,
        title=f"Cash flows of {flows.source} ({flows.currency})",
        money=[k for k in rows[0] if k != "period"],
    )
    print_notes(flows.assumptions)


def sensitivity(result: finance.Sensitivity, fmt: OutputFormat, top: int | None) -> None:
    data = result.to_json(top=top)
    rows = data["inputs"]
    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=data)
        return
    if fmt is OutputFormat.csv:
        render(rows, fmt, console=out, columns=list(rows[0]) if rows else None)
        return
    swing = f"{result.sort_by}_swing"
    columns = ["input", "base_value", "low_value", "high_value", "total_cost_low"]
    columns += ["total_cost_high", "npv_low", "npv_high", swing]
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
    print_notes([f"skipped {s['input']}: {s['reason']}" for s in data["skipped"]])
    print_notes(data["assumptions"])


def simulate(result: finance.Simulation, fmt: OutputFormat) -> None:
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
        print_notes(data["assumptions"])
