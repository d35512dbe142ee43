"""Commitments paid for and not used (``commitment_unused``), from the ledger's FOCUS rows.

Over the last ``months`` full months that hold commitment usage (or ``[start, end)``), each
commitment's utilization = used ÷ (used + unused) effective cost
(:func:`infracast.analytics.commitments.commitment_utilization`). A commitment below
``threshold`` (default 80 %) with unused cost U per month is a recommendation:

- **move on-demand usage onto it** when the ledger holds on-demand usage of its scope, X per
  month (EffectiveCost of Usage rows of the same provider and currency, no commitment, not
  spot: PricingCategory neither Dynamic nor Committed; of the same ServiceName as its Used
  rows for a spend commitment, of the same SkuId for a usage commitment such as a
  reservation): moving it reclaims min(U, X) now (expected and low); high adds committing
  the rest, U − min(U, X), less at renewal, so high = U. Commitments matching the same
  usage share its X, most unused first;
- **commit less at renewal** otherwise: expected U (commit what was used); low
  committed − used ÷ threshold per month (commit so that the usage seen would use it at
  the threshold); high U.

Confidence = 0.5 + 0.45 × (threshold − utilization) ÷ threshold; the risk is low for moving
usage (nothing new is bought) and medium at renewal (usage may grow back). ``reproduce`` is
``infracast optimize commitments``' source view: ``infracast commitments --from … --to …``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics.commitments import commitment_utilization
from infracast.analytics.dimensions import dimension
from infracast.analytics.periods import Instant, parse_range
from infracast.analytics.scope import in_scope, to_rows, to_value
from infracast.errors import QueryError
from infracast.recommend.record import Recommendation, Risk, money, ranked

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

DEFAULT_THRESHOLD = 0.8
DEFAULT_MONTHS = 1
RULE = (
    "utilization = used ÷ (used + unused) effective cost of the commitment's Usage rows over "
    "the window; below the threshold the unused cost per month is reclaimable"
)


def commitment_recommendations(
    ledger: Ledger,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    months: int = DEFAULT_MONTHS,
    start: Instant | None = None,
    end: Instant | None = None,
    exclude_resources: Iterable[str] = (),
) -> list[Recommendation]:
    """One ``commitment_unused`` recommendation per commitment used below ``threshold``
    (the module docstring), most savings first; none when the ledger holds no commitments.

    ``exclude_resources``: ResourceIds whose on-demand usage is not counted as movable (those
    another recommendation stops, so their savings are not counted twice)."""
    if not 0.0 < threshold <= 1.0:
        raise QueryError(
            f"commitment utilization threshold {threshold} is not a share within (0, 1].",
            hint="Give it as a fraction: 0.8 for 80 %.",
        )
    if months < 1:
        raise QueryError(
            f"months = {months}: the window needs at least one full month.",
            hint="Use months=1 (the last full month) or more.",
        )
    lo, hi = parse_range(start, end, names=("--from", "--to"))
    if lo is None or hi is None:
        window = last_full_months(ledger, months)
        if window is None:
            return []
        lo, hi = window
    span = _months_between(lo, hi)
    result = commitment_utilization(ledger, start=lo, end=hi, coverage="provider")
    movable = {
        r["commitment_id"]: r
        for r in to_rows(
            on_demand_in_scope(ledger.ibis().table("charges"), lo, hi, exclude_resources)
        )
    }
    owner = owners(ledger.ibis().table("charges"), lo, hi)
    taken: dict[tuple[Any, ...], Decimal] = {}  # on-demand usage already moved, per scope
    out: list[Recommendation] = []
    for row in result.commitments:  # most unused cost first
        utilization = row["utilization"]
        if utilization is None or utilization >= threshold or row["committed_cost"] <= 0:
            continue
        found = movable.get(row["commitment_id"])
        key = (row["provider"], row["currency"], found["scope"] if found else "")
        left = (Decimal(found["cost"]) / span if found else Decimal(0)) - taken.get(key, 0)
        left = max(Decimal(0), left)
        rec = _recommendation(row, span, left, threshold, lo, hi)
        team, project = owner.get(row["commitment_id"], (None, None))
        out.append(replace(rec, team=team, project=project))
        taken[key] = taken.get(key, Decimal(0)) + min(left, Decimal(row["unused_cost"]) / span)
    return ranked(out)


def owners(charges: ir.Table, lo: datetime, hi: datetime) -> dict[str, tuple[Any, Any]]:
    """Per commitment, the team and project of the most EffectiveCost among its charges in
    ``[lo, hi)`` (who pays for it, and so who decides its renewal)."""
    scoped = in_scope(charges, lo, hi)
    rows = scoped.filter(scoped.CommitmentDiscountId.nullif("").notnull())
    sums = rows.group_by(
        commitment_id=rows.CommitmentDiscountId, team=rows.x_team, project=rows.x_project
    ).aggregate(cost=rows.EffectiveCost.sum())
    found: dict[str, tuple[Any, Any]] = {}
    for r in sorted(to_rows(sums), key=lambda r: r["cost"] or 0, reverse=True):
        found.setdefault(r["commitment_id"], (r["team"], r["project"]))
    return found


def on_demand_in_scope(
    charges: ir.Table, lo: datetime, hi: datetime, exclude_resources: Iterable[str] = ()
) -> ir.Table:
    """Per commitment with Used rows in ``[lo, hi)``: ``cost``, the EffectiveCost of the
    on-demand usage of its scope (the module docstring; the ResourceIds of
    ``exclude_resources`` left out), and ``scope``, the services or SKUs it matched (sorted,
    comma-joined), so commitments of one scope share it."""
    scoped = in_scope(charges, lo, hi)
    usage = scoped.filter(scoped.ChargeCategory == "Usage")
    used = usage.filter(
        usage.CommitmentDiscountId.nullif("").notnull() & (usage.CommitmentDiscountStatus == "Used")
    )
    spend = used.CommitmentDiscountCategory == "Spend"
    keys = used.select(
        commitment_id=used.CommitmentDiscountId,
        k_provider=dimension(used, "provider"),
        k_currency=used.BillingCurrency,
        by_service=spend.fill_null(False),
        match=ibis.ifelse(spend.fill_null(False), used.ServiceName, used.SkuId),
    ).distinct()
    keys = keys.filter(keys.match.notnull())
    pricing = usage.PricingCategory.fill_null("Standard")
    od = usage.filter(
        usage.CommitmentDiscountId.nullif("").isnull() & ~pricing.isin(["Dynamic", "Committed"])
    )
    excluded = sorted(set(exclude_resources))
    if excluded:
        od = od.filter(~od.ResourceId.isin(excluded).fill_null(False))
    od = od.select(
        provider=dimension(od, "provider"),
        currency=od.BillingCurrency,
        service=od.ServiceName,
        sku=od.SkuId,
        cost=od.EffectiveCost,
    )
    joined = keys.join(
        od,
        [
            keys.k_provider == od.provider,
            keys.k_currency == od.currency,
            ibis.ifelse(keys.by_service, od.service, od.sku) == keys.match,
        ],
    )
    sums = joined.group_by("commitment_id").aggregate(cost=joined.cost.sum())
    scopes = keys.group_by("commitment_id").aggregate(scope=keys.match.collect().sort().join(","))
    return scopes.join(sums, "commitment_id").select("commitment_id", "scope", "cost")


def last_full_months(ledger: Ledger, months: int) -> tuple[datetime, datetime] | None:
    """The last ``months`` whole months before the month in which commitment usage ends
    (its last ChargePeriodEnd; a period ending exactly at midnight on the 1st closes the
    month before). None without commitment usage."""
    charges = ledger.ibis().table("charges")
    rows = charges.filter(
        charges.CommitmentDiscountId.nullif("").notnull(), charges.ChargeCategory == "Usage"
    )
    last = to_value(rows.ChargePeriodEnd.max())
    if last is None:
        return None
    end = datetime(last.year, last.month, 1)
    return _add_months(end, -months), end


def _add_months(first: datetime, n: int) -> datetime:
    index = first.year * 12 + first.month - 1 + n
    return datetime(index // 12, index % 12 + 1, 1)


def _months_between(lo: datetime, hi: datetime) -> Decimal:
    """Months in ``[lo, hi)``: whole months when both are month starts, else days ÷ 30."""
    if lo.day == hi.day == 1 and lo.time() == hi.time() == datetime.min.time():
        return Decimal((hi.year - lo.year) * 12 + hi.month - lo.month)
    return Decimal(str((hi - lo).total_seconds() / 86400 / 30))


def _recommendation(
    row: dict[str, Any],
    span: Decimal,
    movable: Decimal,
    threshold: float,
    lo: datetime,
    hi: datetime,
) -> Recommendation:
    committed = Decimal(row["committed_cost"]) / span
    used = Decimal(row["used_cost"]) / span
    unused = Decimal(row["unused_cost"]) / span
    utilization = float(row["utilization"])
    name = row["name"] or row["commitment_id"]
    moved = min(unused, movable)
    risk: Risk
    if moved > 0:
        action = "move on-demand usage onto it"
        expected, low, high = moved, moved, unused
        title = (
            f"Move on-demand {row['provider']} usage onto {name}: {utilization:.0%} used, "
            f"{money(unused)} {row['currency']} a month unused"
            + (f" (commit {money(unused - moved)} less at renewal)" if unused > moved else "")
        )
        risk = "low"
    else:
        action = "commit less at renewal"
        expected, high = unused, unused
        low = max(Decimal(0), min(unused, committed - used / Decimal(str(threshold))))
        title = (
            f"Commit less when {name} renews: {utilization:.0%} used, {money(unused)} "
            f"{row['currency']} a month unused and no on-demand usage to move onto it"
        )
        risk = "medium"
    margin = (threshold - utilization) / threshold
    evidence = {
        "rule": RULE,
        "action": action,
        "window": {"start": lo.isoformat(), "end": hi.isoformat(), "months": float(span)},
        "threshold": threshold,
        "commitment": {
            "id": row["commitment_id"],
            "name": row["name"],
            "type": row["type"],
            "category": row["category"],
            "unit": row["unit"],
            "provider": row["provider"],
        },
        "utilization": utilization,
        "per_month": {
            "committed_cost": money(committed),
            "used_cost": money(used),
            "unused_cost": money(unused),
            "on_demand_eligible_cost": money(movable),
            "reclaimable_now": money(moved),
        },
        "on_demand_basis": "EffectiveCost of usage with no commitment and not spot, of the "
        "same provider and currency and of the commitment's services (spend) or SKUs (usage)",
        "cost_basis": "EffectiveCost (amortized) of the commitment's Used and Unused rows",
    }
    return Recommendation(
        kind="commitment_unused",
        scope="resource",
        resource_ids=(row["commitment_id"],),
        title=title,
        baseline_monthly_cost=committed,
        expected_monthly_savings=expected,
        savings_low=low,
        savings_high=high,
        currency=row["currency"],
        confidence=round(0.5 + 0.45 * max(0.0, min(1.0, margin)), 4),
        risk=risk,
        evidence=evidence,
        reproduce=f"infracast commitments --from {lo.date().isoformat()} "
        f"--to {hi.date().isoformat()}",
    )
