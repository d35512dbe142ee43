"""`infracast optimize placement`: each workload on the offer that runs it at the least expected
cost, one call of :func:`infracast.control.optimizing._placement`, and its table."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from infracast.catalog import PricingModel
from infracast.cli.catalog import OverridesOption, PricesOption, PricingOption, selection_option
from infracast.cli.common import (
    FormatOption,
    LedgerOption,
    library_default,
    open_ledger,
    out,
    print_notes,
    print_plain,
)
from infracast.cli.render import OutputFormat, render
from infracast.control.optimizing._placement import PlacementInfeasibleError
from infracast.control.optimizing._placement import placement as place
from infracast.optimize.placement_result import PlacementResult

COLUMNS = [
    "workload",
    "team",
    "offer",
    "provider",
    "region",
    "accelerator",
    "pricing",
    "instances",
    "hours",
    "cost",
]


def placement(
    workloads: Annotated[
        Path | None,
        typer.Argument(
            help="Workloads (CSV or YAML): workload, gpus, hours, accelerators; without it, "
            "the ledger's cloud GPU workloads of a month."
        ),
    ] = None,
    offers: Annotated[
        Path | None,
        typer.Option(
            "--offers",
            help="Offers (CSV or YAML): offer, provider, region, accelerator, "
            "gpus_per_instance, price_per_hour (default: the price book).",
        ),
    ] = None,
    caps: Annotated[
        Path | None,
        typer.Option("--caps", help="Team budget caps (CSV or YAML): team, per, amount."),
    ] = None,
    provider: Annotated[str | None, selection_option("provider", "--provider", "-p")] = None,
    region: Annotated[str | None, selection_option("region", "--region", "-r")] = None,
    pricing: PricingOption = None,
    prices: PricesOption = None,
    overrides: OverridesOption = None,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="The ledger's month (YYYY-MM) for its workloads and unused commitments "
            "(default: the last complete one).",
        ),
    ] = None,
    move_to: Annotated[
        str,
        typer.Option(
            "--move-to",
            help="Where the ledger's workloads may move: used (the providers the ledger buys "
            "GPUs from), same (each its own provider) or any (every provider of the book).",
        ),
    ] = library_default(place, "move_to"),
    egress_per_gb: Annotated[
        float,
        typer.Option("--egress-per-gb", min=0, help="Price of moving a GB out of data_region."),
    ] = library_default(place, "egress_per_gb"),
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.01, help="Seconds the solver may take.")
    ] = library_default(place, "time_limit"),
    carbon_price: Annotated[
        float | None,
        typer.Option(
            "--carbon-price",
            min=0,
            metavar="USD_PER_TONNE",
            help="Price a tonne of CO2e (in the offers' currency): each offer's energy "
            "(TDP x GPUs x PUE x the region's grid intensity) is added to its cost.",
        ),
    ] = None,
    ledger: LedgerOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Place workloads on the cheapest offers that meet their needs (a MILP), unused
    commitments first, with the savings against the baseline and a greedy plan.

    Needs are accelerators, GPU memory, providers, regions, spot, capacity, deadlines and
    team budget caps; the baseline is each workload on its current offer (else on demand),
    and the plan states its proven gap.

    Without a workloads file, the workloads are the ledger's cloud GPU resources of the
    last complete month (or --month), each priced as it was paid. With a ledger, its
    commitments with unused capacity are offers at no marginal cost.

    An infeasible input names the workload and the constraint, and exits with code 1
    (--format json prints status "infeasible", the message, hint and inputs_hash).

    Examples:

      infracast optimize placement workloads.csv --offers offers.csv

      infracast optimize placement workloads.csv --overrides negotiated.yaml --caps caps.csv

      infracast optimize placement --ledger infracast.duckdb --month 2026-02

      infracast optimize placement workloads.csv --carbon-price 100
    """
    pricing_name = pricing.value if isinstance(pricing, PricingModel) else pricing
    file_only = ledger is None and workloads is not None  # no ledger to read
    opened = nullcontext(None) if file_only else open_ledger(ledger, read_only=True, create=False)
    try:
        with opened as led:
            result = place(
                workloads,
                offers,
                ledger=led,
                caps=caps,
                prices=prices,
                overrides=overrides,
                provider=provider,
                region=region,
                pricing=pricing_name,
                month=month,
                move_to=move_to,
                egress_per_gb=egress_per_gb,
                time_limit=time_limit,
                carbon_price_per_tonne=carbon_price,
            )
    except PlacementInfeasibleError as exc:
        if fmt is OutputFormat.json:
            render([], fmt, console=out, json_value=exc.to_dict())
            raise typer.Exit(exc.exit_code) from None
        raise
    render_placement(result, fmt)


def render_placement(result: PlacementResult, fmt: OutputFormat) -> None:
    if print_plain(fmt, result.to_dict(), result.to_rows()):
        return
    cur = result.currency
    title = f"Placement ({result.status}): {result.objective:,.2f} {cur}"
    if result.baseline_cost is not None and result.savings is not None:
        share = result.savings / result.baseline_cost if result.baseline_cost else 0.0
        title += (
            f"; baseline {result.baseline_cost:,.2f}, saves {result.savings:,.2f} ({share:.1%})"
        )
    if result.greedy_cost is not None:
        title += f"; greedy {result.greedy_cost:,.2f}"
    columns = COLUMNS
    if result.co2e_kg is not None:
        title += f"; {result.co2e_kg:,.1f} kg CO2e"
        if result.carbon_price_per_tonne is not None and result.carbon_cost is not None:
            title += f" (at {result.carbon_price_per_tonne:g}/t: {result.carbon_cost:,.2f})"
        columns = [*COLUMNS, "co2e_kg"]
    title += f"; gap {result.gap:.2%}; solved in {result.solve_seconds:.2f} s"
    render(result.to_rows(), fmt, console=out, title=title, columns=columns, money=("cost",))
    print_notes([f"binds: {_binding(b)}" for b in result.binding] + list(result.assumptions))


def _binding(b: dict[str, Any]) -> str:
    if b["constraint"] == "budget_cap":
        return f"the {b['per']}ly cap of {b['team']} ({b['amount']:,.2f}; used {b['used']:,.2f})"
    n = b["capacity_instances"]
    return f"the capacity of {b['offer']}, used in full ({n} instance{'' if n == 1 else 's'})"
