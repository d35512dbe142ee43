"""Placement over the user's files, the price book and the ledger (the library under
``infracast optimize placement``): gather the workloads, offers and caps, call the pure
:func:`infracast.optimize.placement`, and say in the result's assumptions where each input
came from.

- **Workloads**: a CSV or YAML file (the placement contract: ``workload, gpus, hours,
  accelerators`` and the optional columns of
  :class:`~infracast.optimize.placement_inputs.Workload`); or, without one, the ledger's
  cloud GPU workloads of a month (the last complete month, or ``month``): one workload per
  resource of a cloud bill (``x_source = 'focus'``) with GPU-hours on Usage rows, with
  ``gpus = x_gpu_count``, ``hours = Σ x_gpu_hours / gpus``, its ``x_team``, interruptible
  when it ran on spot (PricingCategory Dynamic), accepting only its own ``x_gpu_type``, and
  its current offer: what it paid, ``Σ EffectiveCost / hours`` per instance-hour (pricing
  ``observed``, capacity its one instance), so the baseline is what it actually cost. A spot
  resource's offer stays ``spot`` (only interruptible work may take it) with an
  interruption rate of 0: its interruptions are already in what it paid.
- **Offers**: a CSV or YAML file, else the price book of :class:`PriceSelection` (negotiated
  overrides win over list prices) through :func:`offers_from_price_book`, on demand and spot
  unless ``pricing`` asks for another model (a new 1- or 3-year commitment is the
  commitment planner's question, not a placement's). With a ledger, each commitment with
  unused capacity in the month is an offer at zero marginal cost (pricing ``committed``):
  its accelerator, instance size and region are those of the GPU usage it covered, and its
  capacity is ``floor(unused instance-hours / hours of the month)``, the unused
  instance-hours being its unused CommitmentDiscountQuantity when the unit is hours, else
  its unused cost over the effective price per instance-hour of the usage it covered.
- **Caps**: an optional CSV or YAML of ``team, per (hour|month), amount``.
- **Carbon price** (optional, per tonne of CO2e): each offer without ``co2e_kg_per_hour``
  gets one from the catalog: TDP × GPUs per instance × 1.0 (at TDP) × the provider's
  published PUE (else the estimators' 1.2) × the grid intensity of its region (region,
  country or world; :mod:`infracast.catalog.carbon`) / 10⁶. Price-book offers of
  accelerators without a published TDP (Google's TPUs) are left out, said in the
  assumptions.

The ledger side lives in :mod:`infracast.control.optimizing.placement_ledger` (its queries
in :mod:`infracast.analytics.placement_usage`). An infeasible input raises
:class:`PlacementInfeasibleError` (an ``InfeasibleError`` that
carries the inputs' hash; its :meth:`~PlacementInfeasibleError.to_dict` is the ``--format
json`` answer of the command).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.analytics.carbon import DEFAULT_PUE
from infracast.catalog import PriceSelection, accelerator
from infracast.catalog.carbon import grid_intensity, provider_pue
from infracast.control.optimizing.placement_ledger import (
    ledger_commitments,
    ledger_period,
    ledger_workloads,
)
from infracast.control.optimizing.tables import read_table
from infracast.errors import did_you_mean
from infracast.estimate.carbon import kg_per_instance_hour
from infracast.optimize.exceptions import InfeasibleError, OptimizeError
from infracast.optimize.placement_inputs import BudgetCap, Offer, Workload, offers_from_price_book
from infracast.optimize.placement_model import (
    DEFAULT_EGRESS_PER_GB,
    DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR,
)
from infracast.optimize.placement_plan import inputs_hash
from infracast.optimize.placement_plan import placement as place
from infracast.optimize.placement_result import PlacementResult
from infracast.settings import load_settings

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

BOOK_PRICINGS = ("on_demand", "spot")


MOVE_TO: tuple[str, ...] = ("used", "same", "any")


class PlacementInfeasibleError(InfeasibleError):
    """No plan meets every constraint; the message names the workload and the constraint,
    the hint the nearest change, and ``inputs_hash`` the inputs that were placed."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        field: str | None = None,
        inputs_hash: str,
    ) -> None:
        super().__init__(message, hint=hint, field=field)
        self.inputs_hash = inputs_hash

    def to_dict(self) -> dict[str, Any]:
        """``status: infeasible``, the error's fields and ``inputs_hash``."""
        return {"status": "infeasible", **super().to_dict(), "inputs_hash": self.inputs_hash}


def placement(
    workloads: str | Path | None = None,
    offers: str | Path | None = None,
    *,
    ledger: Ledger | None = None,
    caps: str | Path | None = None,
    prices: str | Path | None = None,
    overrides: str | Path | None = None,
    provider: str | None = None,
    region: str | None = None,
    pricing: str | None = None,
    month: str | None = None,
    move_to: str = "used",
    egress_per_gb: float = DEFAULT_EGRESS_PER_GB,
    spot_interruptions_per_hour: float = DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR,
    time_limit: float = 60.0,
    carbon_price_per_tonne: float | None = None,
) -> PlacementResult:
    """Place the workloads of ``workloads`` (else the ledger's GPU workloads of ``month``) on
    the offers of ``offers`` (else the price book), with the ledger's unused commitments as
    free offers, under the team caps of ``caps``; see the module docstring.

    ``move_to``: the providers the ledger's workloads may move to: ``used`` (those the
    ledger's cloud GPU usage comes from: the company's accounts and contracts), ``same``
    (each its own provider) or ``any`` (every provider of the price book)."""
    notes: list[str] = []
    if move_to not in MOVE_TO:
        raise OptimizeError(
            f"move_to must be one of {', '.join(MOVE_TO)}, got {move_to!r}."
            + did_you_mean(move_to, MOVE_TO),
            hint="used: the providers the ledger already buys GPUs from; same: each "
            "workload's own; any: every provider of the price book.",
            field="move_to",
        )
    book = (prices, overrides, provider, region, pricing)
    if offers is not None and any(v is not None for v in book):
        raise OptimizeError(
            "an offers file replaces the price book: --prices, --overrides, --provider, "
            "--region and --pricing choose prices from the book.",
            hint="Leave out the offers file to price from the book, or those options.",
            field="offers",
        )
    if month is not None and ledger is None:
        raise OptimizeError(
            "month chooses the ledger's month; no ledger was given.",
            hint="Give --ledger FILE, or leave out --month.",
            field="month",
        )
    period = ledger_period(ledger, month) if ledger is not None else None
    current: list[Offer] = []
    if workloads is not None:
        ws = read_table(Path(workloads), Workload, what="the workloads file", key="workloads")
    elif ledger is not None and period is not None:
        ws, current = ledger_workloads(ledger, period, notes, move_to)
    else:
        raise OptimizeError(
            "nothing to place: give a workloads file, or a ledger to read last month's GPU "
            "workloads from.",
            hint="infracast optimize placement workloads.csv, or --ledger FILE.",
            field="workloads",
        )
    if offers is not None:
        os_ = read_table(Path(offers), Offer, what="the offers file", key="offers")
        notes.append(f"offers: the offers file {offers}")
    else:
        selection = PriceSelection.of(
            prices=prices, overrides=overrides, provider=provider, region=region, pricing=pricing
        )
        os_ = book_offers(selection, ws, notes)
    ledger_offers: list[Offer] = []
    if ledger is not None and period is not None:
        ledger_offers = [*current, *ledger_commitments(ledger, period, notes)]
    budget = read_table(Path(caps), BudgetCap, what="the caps file", key="caps") if caps else []
    sources: dict[tuple[str, str | None], str] = {}
    if carbon_price_per_tonne is not None:
        os_, sources = offers_with_co2e(os_, "drop" if offers is None else "keep", notes)
        ledger_offers, more = offers_with_co2e(ledger_offers, "zero", notes)
        sources.update(more)
    os_ = [*os_, *ledger_offers]
    try:
        result = place(
            ws,
            os_,
            budget_caps=budget,
            egress_per_gb=egress_per_gb,
            spot_interruptions_per_hour=spot_interruptions_per_hour,
            time_limit=time_limit,
            carbon_price_per_tonne=carbon_price_per_tonne,
        )
    except InfeasibleError as exc:
        digest = inputs_hash(
            ws, os_, budget, egress_per_gb, spot_interruptions_per_hour, carbon_price_per_tonne
        )
        raise PlacementInfeasibleError(
            exc.message, hint=exc.hint, field=exc.field, inputs_hash=digest
        ) from None
    notes += [
        sources[(a.provider, a.region)]
        for a in result.assignments
        if (a.provider, a.region) in sources
    ]
    return dataclasses.replace(
        result, assumptions=tuple(dict.fromkeys([*notes, *result.assumptions]))
    )


def offers_with_co2e(
    offers: Sequence[Offer], unknown: str, notes: list[str]
) -> tuple[list[Offer], dict[tuple[str, str | None], str]]:
    """``offers`` with ``co2e_kg_per_hour`` filled from the catalog where missing (module
    docstring), and per (provider, region) the line saying which PUE and grid figure it
    took. An accelerator without a TDP: ``drop`` leaves the offer out (the price book's),
    ``zero`` counts 0 kg and says so (the ledger's own offers, which only the workload
    running there takes), ``keep`` leaves it without a figure (an offers file: the
    placement then names it)."""
    out: list[Offer] = []
    zeroed: list[str] = []
    sources: dict[tuple[str, str | None], str] = {}
    dropped: list[str] = []
    for offer in offers:
        if offer.co2e_kg_per_hour is not None:
            out.append(offer)
            continue
        tdp = accelerator(offer.accelerator).tdp_w
        if tdp is None:
            if unknown == "drop":
                dropped.append(offer.offer)
            elif unknown == "zero":
                zeroed.append(offer.offer)
                out.append(offer.model_copy(update={"co2e_kg_per_hour": 0.0}))
            else:
                out.append(offer)  # the placement names it as an offer without a figure
            continue
        published = provider_pue(offer.provider)
        pue = published.pue if published else DEFAULT_PUE
        grid = grid_intensity(offer.provider, offer.region)
        kg = kg_per_instance_hour(tdp, offer.gpus_per_instance, pue, grid.gco2e_per_kwh)
        out.append(offer.model_copy(update={"co2e_kg_per_hour": kg}))
        origin = f"published, {published.year}" if published else "the estimators' default"
        sources[(offer.provider, offer.region)] = (
            f"{offer.provider} {offer.region or '(no region)'}: PUE {pue:g} ({origin}); "
            + grid.describe()
        )
    if offers:
        notes.append(
            "co2e_kg_per_hour of an offer = TDP × GPUs per instance × PUE × grid gCO2e/kWh / "
            "10⁶ (accelerators at TDP; hosts not counted)"
        )
    if zeroed:
        notes.append(
            f"no published TDP, so their emissions are not counted (0 kg): {', '.join(zeroed[:5])}"
            f"{', …' if len(zeroed) > 5 else ''}"
        )
    if dropped:
        notes.append(
            f"left out for the carbon price, no published TDP: {', '.join(dropped[:5])}"
            f"{', …' if len(dropped) > 5 else ''}"
        )
    return out, sources


def book_offers(
    selection: PriceSelection, workloads: Sequence[Workload], notes: list[str]
) -> list[Offer]:
    """The price book's offers for the accelerators the workloads accept (all when one
    accepts any), on demand and spot unless ``selection.pricing`` names a model."""
    book = selection.book()
    options = book.options(
        provider=selection.provider,
        region=selection.region,
        pricing_model=selection.pricing.value if selection.pricing else None,
    )
    if selection.pricing is None:
        options = [o for o in options if o.pricing_model in BOOK_PRICINGS]
        notes.append(
            "offers: the price book's on-demand and spot prices (buying new 1- and 3-year "
            "commitments is left to infracast optimize commitments; --pricing commit_1y "
            "places on their prices)"
        )
    else:
        notes.append(f"offers: the price book's {selection.pricing.value} prices")
    if selection.overrides is not None or load_settings().price_overrides is not None:
        notes.append("negotiated overrides replace the list prices they match")
    wanted = (
        None
        if any(not w.accelerators for w in workloads)
        else {a for w in workloads for a in w.accelerators}
    )
    return offers_from_price_book(options, wanted)
