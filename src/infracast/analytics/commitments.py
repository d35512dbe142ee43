"""The commitments already in the ledger: their utilization and the usage they cover.

FOCUS marks commitment-discount rows with ``CommitmentDiscountId`` (and Name, Type,
Category, Unit) and, on Usage rows, ``CommitmentDiscountStatus``: ``Used`` for usage the
commitment covered, ``Unused`` for the part of the commitment nothing used. Their
EffectiveCost is the amortized commitment, so over a period Σ EffectiveCost of the Used and
Unused rows of a commitment is what it cost (the FOCUS appendix's "amortization balance":
Σ Purchase BilledCost = Σ EffectiveCost of its Used and Unused rows over the term).

Per commitment (id, name, type, category, unit, provider, currency), over the Usage rows of
``[start, end)``:

- ``used_cost`` = Σ EffectiveCost of Used rows; ``unused_cost`` = Σ of Unused rows;
  ``committed_cost`` = used + unused; ``utilization`` = used / committed (the FOCUS use case
  "analyze commitment discount utilization"; null when nothing was committed);
- ``used_quantity`` / ``unused_quantity``: Σ CommitmentDiscountQuantity by status, in
  ``unit`` (hours for a usage commitment, money for a spend one);
- ``covered_contracted_cost``: Σ ContractedCost of the Used rows, what the covered usage
  would have cost without the commitment; ``net_savings`` = that − committed cost;
- ``purchased_cost``: Σ BilledCost of its Purchase rows in the period (as invoiced).

Coverage, per provider and service (or per provider), the AWS and FinOps definition: the
share of commitment-eligible usage that commitments covered, both sides at the rate before
the commitment discount (ContractedCost, else ListCost, else EffectiveCost of the row), so
covered and uncovered usage are measured alike. FOCUS up to 1.3 has no eligibility column
(1.4 drafts add CommitmentProgramEligibilityDetails), so eligible usage is taken as the
Usage rows of the services where some commitment covered usage in the period, less spot and
other market-priced usage (PricingCategory Dynamic) and less the Unused rows themselves:

    coverage = Σ measure(Used rows) / Σ measure(eligible rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.types as ir

from infracast.analytics.dimensions import dimension
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.scope import MONEY, in_scope, to_rows
from infracast.errors import QueryError, did_you_mean

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

CoverageGrain = Literal["service", "provider"]
GRAINS: tuple[str, ...] = ("service", "provider")

NO_COMMITMENTS = (
    "the ledger holds no commitment-discount rows (CommitmentDiscountId) in this period: "
    "no utilization or coverage to report."
)


@dataclass(frozen=True)
class CommitmentUtilization:
    """The result of :func:`commitment_utilization`: one row per commitment (``commitments``,
    most unused cost first), one per coverage group (``coverage``) and ``notes``."""

    commitments: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """The commitments as flat rows (CSV)."""
        return list(self.commitments)

    def to_dict(self) -> dict[str, Any]:
        return {
            "commitments": list(self.commitments),
            "coverage": list(self.coverage),
            "notes": list(self.notes),
        }


def commitments_by(
    charges: ir.Table,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> ir.Table:
    """Utilization per commitment (see the module docstring), most unused cost first."""
    scoped = in_scope(charges, start, end, filters)
    rows = scoped.filter(scoped.CommitmentDiscountId.nullif("").notnull())
    usage = rows.ChargeCategory == "Usage"
    used = usage & (rows.CommitmentDiscountStatus == "Used")
    unused = usage & (rows.CommitmentDiscountStatus == "Unused")
    purchase = rows.ChargeCategory == "Purchase"
    grouped = rows.group_by(
        commitment_id=rows.CommitmentDiscountId,
        name=rows.CommitmentDiscountName,
        type=rows.CommitmentDiscountType,
        category=rows.CommitmentDiscountCategory,
        unit=rows.CommitmentDiscountUnit,
        provider=dimension(rows, "provider"),
        currency=rows.BillingCurrency,
    )
    out = grouped.aggregate(
        used_cost=_sum0(rows.EffectiveCost, used),
        unused_cost=_sum0(rows.EffectiveCost, unused),
        used_quantity=rows.CommitmentDiscountQuantity.sum(where=used),
        unused_quantity=rows.CommitmentDiscountQuantity.sum(where=unused),
        covered_contracted_cost=_sum0(rows.ContractedCost, used),
        purchased_cost=_sum0(rows.BilledCost, purchase),
    )
    committed = out.used_cost + out.unused_cost
    out = out.mutate(
        committed_cost=committed,
        utilization=_ratio(out.used_cost, committed),
        net_savings=out.covered_contracted_cost - committed,
    )
    keys = ["commitment_id", "name", "type", "category", "unit", "provider", "currency"]
    money = ["committed_cost", "used_cost", "unused_cost", "utilization"]
    rest = ["used_quantity", "unused_quantity", "covered_contracted_cost", "net_savings"]
    out = out.select(*keys, *money, *rest, "purchased_cost")
    return out.order_by([ibis.desc("unused_cost"), "provider", "commitment_id"])


def coverage_by(
    charges: ir.Table,
    grain: CoverageGrain | str = "service",
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> ir.Table:
    """Commitment coverage per provider and service (``grain="service"``) or per provider:
    ``eligible_cost``, ``covered_cost``, ``uncovered_cost`` and ``coverage``."""
    grain = _check_grain(grain)
    scoped = in_scope(charges, start, end, filters)
    usage = scoped.filter(scoped.ChargeCategory == "Usage")
    status = usage.CommitmentDiscountStatus
    usage = usage.mutate(
        provider=dimension(usage, "provider"),
        service=dimension(usage, "service"),
        currency=usage.BillingCurrency,
        measure=ibis.coalesce(usage.ContractedCost, usage.ListCost, usage.EffectiveCost),
        is_used=(status == "Used").fill_null(False),
    )
    keys = ["provider", "service", "currency"]
    covered_services = usage.filter(usage.is_used).select(*keys).distinct()
    eligible = usage.filter(
        (status != "Unused").fill_null(True) & (usage.PricingCategory != "Dynamic").fill_null(True)
    )
    eligible = eligible.semi_join(covered_services, keys)
    by = ["provider", "currency"] if grain == "provider" else keys
    out = eligible.group_by(by).aggregate(
        eligible_cost=_sum0(eligible.measure, ibis.literal(True)),
        covered_cost=_sum0(eligible.measure, eligible.is_used),
    )
    out = out.mutate(
        uncovered_cost=out.eligible_cost - out.covered_cost,
        coverage=_ratio(out.covered_cost, out.eligible_cost),
    )
    out = out.select(*by, "eligible_cost", "covered_cost", "uncovered_cost", "coverage")
    return out.order_by([ibis.desc("uncovered_cost"), *by])


def commitment_utilization(
    ledger: Ledger,
    *,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    coverage: CoverageGrain | str = "service",
) -> CommitmentUtilization:
    """Utilization of each commitment in the ledger and the coverage of eligible usage, over
    ``[start, end)``; money as Decimal. An empty result with a note when there are none."""
    charges = ledger.ibis().table("charges")
    rows = to_rows(commitments_by(charges, start, end, filters))
    if not rows:
        _check_grain(coverage)
        return CommitmentUtilization([], [], [NO_COMMITMENTS])
    notes = [
        "utilization = used / (used + unused) effective cost of each commitment's Usage rows.",
        "coverage = covered / eligible usage at the rate before the commitment discount; "
        "eligible = usage (not spot) of the services some commitment covered in the period.",
    ]
    if any(r["used_cost"] == 0 and r["unused_cost"] == 0 for r in rows):
        notes.append("some commitments have only Purchase rows in the period: no utilization.")
    return CommitmentUtilization(
        rows, to_rows(coverage_by(charges, coverage, start, end, filters)), notes
    )


def _check_grain(grain: str) -> CoverageGrain:
    if grain not in GRAINS:
        raise QueryError(
            f'unknown coverage grain "{grain}".{did_you_mean(grain, GRAINS)}',
            hint="Use service (per provider and service) or provider.",
        )
    return grain  # type: ignore[return-value]


def _sum0(value: ir.NumericColumn, where: ir.BooleanValue) -> ir.NumericScalar:
    """Σ over the rows ``where`` holds, 0 (not null) when there are none."""
    return value.sum(where=where).fill_null(ibis.literal(0).cast(MONEY))


def _ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(den == 0, ibis.null("float64"), num.cast("float64") / den.cast("float64"))
