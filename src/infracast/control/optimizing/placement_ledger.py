"""What a placement reads from the ledger (see :mod:`infracast.control.optimizing._placement`):
the cloud GPU workloads of a month with the offer each one paid, and the commitments with
unused capacity as offers at zero marginal cost."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

from infracast.analytics.commitments import commitment_utilization
from infracast.analytics.movers import latest_complete
from infracast.analytics.periods import Period, parse_period
from infracast.analytics.placement_usage import covered_usage, gpu_resources
from infracast.analytics.scope import to_rows, to_value
from infracast.catalog import canonical_provider, find_accelerator
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.placement_inputs import Offer, Workload

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

_HOURS = {"hour", "hours", "hr", "hrs", "h"}


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
                providers=allowed_providers(move_to, used, row["provider"]),
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


def allowed_providers(move_to: str, used: list[str], own: str | None) -> tuple[str, ...]:
    """The providers a ledger workload may run on (empty: any)."""
    if move_to == "any":
        return ()
    if move_to == "same" and own:
        return (canonical_provider(own),)
    return tuple(used)


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


def ledger_period(ledger: Ledger, month: str | None) -> Period:
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
