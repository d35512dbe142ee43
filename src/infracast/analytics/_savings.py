"""Savings as FOCUS defines them, by any dimensions.

- negotiated savings = ListCost − ContractedCost (rate discounts agreed with the provider);
- commitment savings = ContractedCost − EffectiveCost (reservations, savings plans, CUDs);
- total savings = ListCost − EffectiveCost.

Each measure is summed over the charges that have the columns it needs; the
charges without them are counted (``charges_without_list_cost``,
``charges_without_contracted_cost``) so the coverage is visible.

Prepaid purchases are left out and counted (``prepaid_purchases_excluded``):
a Purchase charge with a CommitmentDiscountCategory (a reservation or savings
plan bought) or with EffectiveCost 0 (FOCUS sets it to 0 when the purchase
covers future charges: hardware bought, a licence paid yearly and amortized).
Their cost reaches EffectiveCost through the amortized charges they cover;
counting the purchase as well would show its whole price as savings. The
FinOps toolkit's savings report leaves out commitment purchases the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics.dimensions import check_dimensions, dimensions
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.scope import MONEY, in_scope, to_rows

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

COLUMNS: tuple[str, ...] = (
    "list_cost",
    "contracted_cost",
    "effective_cost",
    "negotiated_savings",
    "commitment_savings",
    "total_savings",
    "savings_rate_pct",
    "charges",
    "charges_without_list_cost",
    "charges_without_contracted_cost",
    "prepaid_purchases_excluded",
)


def savings_by(
    charges: ir.Table,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> ir.Table:
    """Negotiated, commitment and total savings by dimensions and currency, largest first.

    Columns: the dimensions, ``currency``, ``list_cost`` (Σ over charges with a
    ListCost), ``contracted_cost`` (Σ over charges with a ContractedCost),
    ``effective_cost`` (Σ over all), the three savings, ``savings_rate_pct``
    (100 · total savings / list cost, null when list cost is 0), ``charges``
    (those counted), the counts of charges without a list or contracted cost,
    and ``prepaid_purchases_excluded``.
    """
    names = check_dimensions(by)
    scoped = in_scope(charges, start, end, filters)
    lst, con, eff = scoped.ListCost, scoped.ContractedCost, scoped.EffectiveCost
    purchase = scoped.ChargeCategory == "Purchase"
    prepaid = (purchase & (scoped.CommitmentDiscountCategory.notnull() | (eff == 0))).fill_null(
        False
    )
    kept = ~prepaid
    grouped = scoped.group_by(**dimensions(scoped, names), currency=scoped.BillingCurrency)
    out = grouped.aggregate(
        list_cost=_sum0(lst, kept),
        contracted_cost=_sum0(con, kept),
        effective_cost=_sum0(eff, kept),
        negotiated_savings=_sum0(lst - con, kept),
        commitment_savings=_sum0(con - eff, kept),
        total_savings=_sum0(lst - eff, kept),
        charges=_count(kept),
        charges_without_list_cost=_count(kept & lst.isnull()),
        charges_without_contracted_cost=_count(kept & con.isnull()),
        prepaid_purchases_excluded=_count(prepaid),
    )
    rate = out.total_savings.cast("float64") / out.list_cost.cast("float64") * 100
    out = out.mutate(savings_rate_pct=ibis.ifelse(out.list_cost == 0, ibis.null("float64"), rate))
    out = out.select(*names, "currency", *COLUMNS)
    return out.order_by([ibis.desc("total_savings"), "currency", *names])


def savings(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> list[dict[str, Any]]:
    """Run :func:`savings_by` on the ledger's charges; one dict per row, money as Decimal."""
    charges = ledger.ibis().table("charges")
    return to_rows(savings_by(charges, by, start, end, filters))


def _sum0(value: ir.NumericColumn, where: ir.BooleanColumn) -> ir.NumericScalar:
    """Σ over the non-null values of the rows ``where`` holds, 0 (not null) when there are none."""
    return value.sum(where=where).fill_null(ibis.literal(0).cast(MONEY))


def _count(condition: ir.BooleanColumn) -> ir.IntegerScalar:
    """How many rows of the group ``condition`` holds for (0, not null, when none)."""
    return condition.cast("int64").sum().fill_null(0)
