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

An infeasible input raises :class:`PlacementInfeasibleError` (an ``InfeasibleError`` that
carries the inputs' hash; its :meth:`~PlacementInfeasibleError.to_dict` is the ``--format
json`` answer of the command).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from infracast.analytics.carbon import DEFAULT_PUE
from infracast.analytics.commitments import commitment_utilization
from infracast.analytics.dimensions import dimension
from infracast.analytics.movers import latest_complete
from infracast.analytics.periods import Period, parse_period
from infracast.analytics.scope import in_scope, to_rows, to_value
from infracast.catalog import PriceSelection, accelerator, canonical_provider, find_accelerator
from infracast.catalog.carbon import grid_intensity, provider_pue
from infracast.control.optimizing.tables import read_table
from infracast.errors import did_you_mean
from infracast.estimate.carbon import kg_per_instance_hour
from infracast.optimize.exceptions import InfeasibleError, OptimizeError
from infracast.optimize.placement_inputs import BudgetCap, Offer, Workload, offers_from_price_book
from infracast.optimize.placement_model import (
    DEFAULT_EGRESS_PER_GB,
    DEFAULT_SPOT_INTERRUPTIONS_PER_HOUR,
)
from infracast.optimize.placement_plan import PlacementResult, inputs_hash
from infracast.optimize.placement_plan import placement as place
from infracast.settings import load_settings

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

BOOK_PRICINGS = ("on_demand", "spot")
_HOURS = {"hour", "hours", "hr", "hrs", "h"}


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
    period = _period(ledger, month) if ledger is not None else None
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


def ledger_workloads(
    ledger: Ledger, period: Period, notes: list[str], move_to: str = "used"
) -> tuple[list[Workload], list[Offer]]:
    """The cloud GPU workloads of ``period`` and each one's current (observed) offer, free to
    move to the providers ``move_to`` names (see :func:`placement`)."""
    charges = ledger.ibis().table("charges")
    rows = to_rows(gpu_resources(charges, period.start, period.end))
    used = sorted({canonical_provider(r["provider"]) for r in rows if r["provider"]})
    month = period.start.strftime("%Y-%m")
    workloads: list[Workload] = []
    current: list[Offer] = []
    skipped: list[str] = []
    for row in rows:
        found = find_accelerator(row["gpu_type"] or "")
        gpus = row["gpus"] or 0.0
        if found is None or gpus < 1 or not float(gpus).is_integer():
            skipped.append(f"{row['resource']} ({row['gpu_type'] or 'no GPU type'}, {gpus:g} GPUs)")
            continue
        hours = row["gpu_hours"] / gpus
        name = f"observed/{row['resource']}"
        current.append(
            Offer(
                offer=name,
                provider=canonical_provider(row["provider"] or "(unknown)"),
                region=row["region"],
                accelerator=found.name,
                gpus_per_instance=int(gpus),
                price_per_hour=float(Decimal(row["cost"] or 0) / Decimal(repr(hours))),
                # a spot instance stays spot (only interruptible work may take it), its
                # interruptions already in what it paid: rate 0 adds no rework
                pricing="spot" if row["spot"] else "observed",
                interruption_rate_per_hour=0.0 if row["spot"] else None,
                capacity_instances=1,
                currency=row["currency"],
            )
        )
        workloads.append(
            Workload(
                workload=row["resource"],
                gpus=int(gpus),
                hours=hours,
                accelerators=(found.name,),
                interruptible=bool(row["spot"]),
                providers=_allowed(move_to, used, row["provider"]),
                team=row["team"],
                current_offer=name,
            )
        )
    if not workloads:
        raise OptimizeError(
            f"the ledger holds no cloud GPU usage to place in {month}"
            + (f" (left out: {', '.join(skipped[:5])})" if skipped else "")
            + ".",
            hint="Choose another --month, or give a workloads file.",
            field="month",
        )
    notes.append(
        f"workloads: the ledger's cloud GPU resources with usage in {month}, each on its own "
        "accelerator for Σ x_gpu_hours / x_gpu_count hours, all at once, in any region (the "
        "ledger holds no data residency); interruptible when it ran on spot (PricingCategory "
        "Dynamic)"
    )
    notes.append(
        {
            "used": f"workloads may move to the providers the ledger buys GPUs from: "
            f"{', '.join(used)} (move_to any: every provider of the price book)",
            "same": "each workload stays with its own provider (move_to same)",
            "any": "workloads may move to any provider of the price book (move_to any)",
        }[move_to]
    )
    notes.append(
        "current offers: what each resource paid, Σ EffectiveCost / instance-hours (amortized "
        "commitments included), pricing observed (spot for a spot resource, which only "
        "interruptible work may take, its interruptions already paid for), capacity its one "
        "instance"
    )
    notes.append("on-premises GPUs (asset charges) are owned, not placed: not workloads")
    if skipped:
        notes.append(
            f"left out (GPU type not in the catalog, or not whole GPUs): {', '.join(skipped[:5])}"
            + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        )
    return workloads, current


def _allowed(move_to: str, used: list[str], own: str | None) -> tuple[str, ...]:
    """The providers a ledger workload may run on (empty: any)."""
    if move_to == "any":
        return ()
    if move_to == "same" and own:
        return (canonical_provider(own),)
    return tuple(used)


def gpu_resources(charges: ir.Table, start: datetime, end: datetime) -> ir.Table:
    """Per cloud resource with GPU-hours on Usage rows in ``[start, end)``: its provider,
    region, currency, GPU type and count, GPU-hours, effective cost, team and whether it ran
    on spot (the Unused rows of commitments are not usage of a resource)."""
    rows = in_scope(charges, start, end)
    rows = rows.filter(
        (rows.ChargeCategory == "Usage")
        & (rows.x_gpu_hours > 0)
        & (rows.x_source == "focus")
        & rows.ResourceId.nullif("").notnull()
        & (rows.CommitmentDiscountStatus != "Unused").fill_null(True)
    )
    out = rows.group_by(
        resource=rows.ResourceId,
        provider=dimension(rows, "provider"),
        region=dimension(rows, "region"),
        currency=rows.BillingCurrency,
    ).aggregate(
        gpu_type=rows.x_gpu_type.nullif("").mode(),
        gpus=rows.x_gpu_count.max(),
        gpu_hours=rows.x_gpu_hours.sum(),
        cost=rows.EffectiveCost.sum(),
        team=rows.x_team.nullif("").mode(),
        spot=(rows.PricingCategory == "Dynamic").fill_null(False).any(),
    )
    return out.order_by(["resource", "currency"])


def covered_usage(charges: ir.Table, start: datetime, end: datetime) -> ir.Table:
    """Per commitment, the GPU usage it covered in ``[start, end)`` (its Used rows): GPU type,
    GPUs per instance, region, instance-hours and effective cost."""
    rows = in_scope(charges, start, end)
    rows = rows.filter(
        (rows.ChargeCategory == "Usage")
        & (rows.CommitmentDiscountStatus == "Used")
        & (rows.x_gpu_hours > 0)
        & (rows.x_gpu_count > 0)
    )
    return rows.group_by(commitment_id=rows.CommitmentDiscountId).aggregate(
        gpu_type=rows.x_gpu_type.nullif("").mode(),
        gpus=rows.x_gpu_count.max(),
        region=dimension(rows, "region").mode(),
        instance_hours=(rows.x_gpu_hours / rows.x_gpu_count).sum(),
        cost=rows.EffectiveCost.sum(),
    )


def ledger_commitments(ledger: Ledger, period: Period, notes: list[str]) -> list[Offer]:
    """The commitments with unused capacity in ``period`` as offers at zero marginal cost."""
    usage = commitment_utilization(ledger, start=period.start, end=period.end)
    unused = [
        c
        for c in usage.commitments
        if (c["unused_cost"] or 0) > 0 or (c["unused_quantity"] or 0) > 0
    ]
    if not unused:
        return []
    charges = ledger.ibis().table("charges")
    covered = {
        r["commitment_id"]: r for r in to_rows(covered_usage(charges, period.start, period.end))
    }
    hours = (period.end - period.start).total_seconds() / 3600
    out: list[Offer] = []
    left: list[str] = []
    for c in unused:
        cid, cover = c["commitment_id"], covered.get(c["commitment_id"])
        found = find_accelerator((cover or {}).get("gpu_type") or "")
        gpus = float((cover or {}).get("gpus") or 0)
        if cover is None or found is None or gpus < 1 or not gpus.is_integer():
            left.append(f"{cid} (covered no GPU usage of a known type)")
            continue
        rate = float(cover["cost"] or 0) / cover["instance_hours"]
        if (c["unit"] or "").strip().lower() in _HOURS and c["unused_quantity"] is not None:
            idle = float(c["unused_quantity"])
        elif rate > 0:
            idle = float(c["unused_cost"]) / rate
        else:
            left.append(f"{cid} (no price to turn its unused cost into hours)")
            continue
        capacity = math.floor(idle / hours + 1e-9)
        if capacity < 1:
            left.append(f"{cid} ({idle:,.0f} instance-hours unused: under one instance all month)")
            continue
        out.append(
            Offer(
                offer=f"committed/{cid}",
                provider=canonical_provider(c["provider"] or "(unknown)"),
                region=cover["region"],
                accelerator=found.name,
                gpus_per_instance=int(gpus),
                price_per_hour=rate,
                pricing="committed",
                capacity_instances=capacity,
                committed=True,
                currency=c["currency"],
            )
        )
    if out:
        notes.append(
            "committed offers: the ledger's commitments with unused capacity, free at the "
            "margin; accelerator, instance size and region of the GPU usage each covered; "
            f"capacity floor(unused instance-hours / {hours:g} h), unused instance-hours its "
            "unused quantity in hours, else unused cost / effective price per instance-hour"
        )
    if left:
        notes.append(f"commitments with unused capacity not offered: {', '.join(left[:5])}")
    return out


def _period(ledger: Ledger, month: str | None) -> Period:
    """The month named, else the last complete month of the ledger's charges."""
    if month is not None:
        return parse_period(month, "month")
    charges = ledger.ibis().table("charges")
    if to_value(charges.count()) == 0:
        raise OptimizeError(
            "the ledger holds no charges: no GPU workloads or commitments to read.",
            hint="Ingest a bill first (infracast ingest FILE), or give a workloads file.",
            field="ledger",
        )
    return latest_complete(charges, "month")
