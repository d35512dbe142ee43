"""What the ledger already holds for commitment planning: its commitments covering an
accelerator, its owned servers of it, and the share of its GPU-hours that ran on spot (for
:mod:`._commitments`)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from infracast.analytics.commitments import commitment_utilization
from infracast.analytics.periods import Instant
from infracast.analytics.scope import in_scope, to_rows
from infracast.control.optimizing.commitment_demand import same_accelerator
from infracast.errors import ConfigError
from infracast.optimize.commitment_plan import ExistingCommitment

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


def existing_commitments(
    ledger: Ledger,
    accelerator: str | None,
    start: Instant | None,
    end: Instant | None,
    hours: float,
    remaining: int,
    notes: list[str],
) -> tuple[list[ExistingCommitment], list[dict[str, Any]], list[dict[str, Any]]]:
    """The ledger's commitments (utilization rows, coverage) and those holding GPUs of
    ``accelerator`` as :class:`ExistingCommitment` in GPU-hours per period."""
    charges = ledger.ibis().table("charges")
    if start is None and end is None:
        start, end = _last_month(charges)
        if start is None:
            notes.append("the ledger holds no commitment usage: no existing commitment.")
            return [], [], []
    found = commitment_utilization(ledger, start=start, end=end)
    notes += [f"existing commitments ({start} to {end}): {n}" for n in found.notes]
    if accelerator is None or not found.commitments:
        return [], found.commitments, found.coverage
    rows = in_scope(charges, start, end)
    rows = rows.filter(
        rows.CommitmentDiscountId.nullif("").notnull()
        & (rows.ChargeCategory == "Usage")
        & (rows.CommitmentDiscountStatus == "Used")
        & (rows.x_gpu_hours > 0)
    )
    per = to_rows(
        rows.group_by(commitment_id=rows.CommitmentDiscountId, gpu_type=rows.x_gpu_type)
        .aggregate(gpu_hours=rows.x_gpu_hours.sum(), cost=rows.EffectiveCost.sum())
        .order_by(["commitment_id", "gpu_type"])
    )
    util = {r["commitment_id"]: r["utilization"] for r in found.commitments}
    window_hours = _hours(start, end)
    held: list[ExistingCommitment] = []
    for r in per:
        u = util.get(r["commitment_id"])
        if not r["gpu_type"] or not same_accelerator(str(r["gpu_type"]), accelerator) or not u:
            continue
        level = float(r["gpu_hours"]) / float(u) * hours / window_hours
        price = float(r["cost"]) / float(r["gpu_hours"])
        held.append(ExistingCommitment(name=str(r["commitment_id"]), quantity=level,
                                       price=price, remaining_periods=remaining))  # fmt: skip
        notes.append(
            f"existing commitment {r['commitment_id']}: {float(r['gpu_hours']):g} GPU-hours "
            f"of {r['gpu_type']} covered at utilization {float(u):.3g} → {level:.6g} "
            f"GPU-hours a period, assumed in place for {remaining} periods (FOCUS gives no "
            "end date)."
        )
    return held, found.commitments, found.coverage


def owned_capacity(
    ledger: Ledger, accelerator: str, first: str, hours: float, n_t: int, notes: list[str]
) -> list[ExistingCommitment]:
    """The ledger's owned servers of ``accelerator`` as capacity already paid for (price 0 at
    the margin) until their useful life ends: the ledger's GPU-hours forecast counts their
    use too, and a commitment should not buy what the company owns."""
    assets = ledger.ibis().table("assets")
    rows = to_rows(
        assets.select("asset_id", "gpu_type", "gpu_count", "purchase_date", "useful_life_months")
    )
    begin = datetime.fromisoformat(first[:10])
    held: list[ExistingCommitment] = []
    for r in rows:
        if (
            not r["gpu_type"]
            or not same_accelerator(str(r["gpu_type"]), accelerator)
            or not r["gpu_count"]
        ):
            continue
        bought = r["purchase_date"]
        months = int(r["useful_life_months"] or 0)
        end_month = bought.year * 12 + bought.month - 1 + months
        left_h = (datetime(end_month // 12, end_month % 12 + 1, 1) - begin).total_seconds() / 3600
        periods = min(n_t, max(0, math.ceil(left_h / hours)))
        if periods == 0:
            continue
        held.append(ExistingCommitment(name=f"owned {r['asset_id']}",
                                       quantity=float(r["gpu_count"]) * hours, price=0.0,
                                       remaining_periods=periods))  # fmt: skip
    if held:
        gpus = sum(h.quantity for h in held) / hours
        notes.append(
            f"owned: {len(held)} servers with {gpus:g} {accelerator} GPUs (the ledger's assets) "
            "count as capacity already paid for, each until its useful life ends; the demand "
            "forecast includes their use."
        )
    return held


def spot_share(ledger: Ledger, accelerator: str, notes: list[str]) -> float:
    """The share of the ledger's GPU-hours of ``accelerator`` that ran on spot (FOCUS
    PricingCategory Dynamic): what the plan may put on spot, rather than an assumed share
    that work which never ran interrupted could."""
    charges = ledger.ibis().table("charges")
    rows = charges.filter((charges.ChargeCategory == "Usage") & (charges.x_gpu_hours > 0))
    per = to_rows(
        rows.group_by(gpu_type=rows.x_gpu_type, spot=rows.PricingCategory == "Dynamic").aggregate(
            gpu_hours=rows.x_gpu_hours.sum()
        )
    )
    mine = [r for r in per if r["gpu_type"] and same_accelerator(str(r["gpu_type"]), accelerator)]
    total = sum(float(r["gpu_hours"]) for r in mine)
    spot = sum(float(r["gpu_hours"]) for r in mine if r["spot"])
    share = spot / total if total else 0.0
    notes.append(
        f"spot: at most {share:.1%} of each period's demand, the share of the ledger's "
        f"{accelerator} GPU-hours that ran on spot (--spot-max-share to plan another)."
    )
    return share


def _last_month(charges: Any) -> tuple[str | None, str | None]:
    """[start, end) of the last calendar month holding commitment usage."""
    rows = charges.filter(
        charges.CommitmentDiscountId.nullif("").notnull() & (charges.ChargeCategory == "Usage")
    )
    last = rows.ChargePeriodStart.max().execute()
    if pd.isna(last):  # None, NaN or NaT: the backends say "no rows" differently
        return None, None
    month = datetime(last.year, last.month, 1)
    after = datetime(last.year + last.month // 12, last.month % 12 + 1, 1)
    return month.strftime("%Y-%m-%d"), after.strftime("%Y-%m-%d")


def _hours(start: Instant | None, end: Instant | None) -> float:
    """Hours in ``[start, end)``."""
    from infracast.analytics.periods import parse_range

    lo, hi = parse_range(start, end)
    if lo is None or hi is None:
        raise ConfigError(
            "give both --from and --to to size the existing commitments.",
            hint="e.g. --from 2026-03-01 --to 2026-04-01 (a month of commitment usage).",
        )
    return (hi - lo).total_seconds() / 3600.0
