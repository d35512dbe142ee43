"""What a budget's scope has spent over a span of time, by currency.

Spend is Σ ``metric`` (EffectiveCost by default, or BilledCost) of the charges
that pass the scope's filters and whose ChargePeriodStart falls in
``[start, end)``. It comes back per currency: a budget counts only its own
currency and reports the others, never converting them.

It is read from the daily rollup when that gives the very same sum
(:func:`infracast.analytics.rollup.costs_source`: filters on the rollup's dimensions,
bounds at midnight UTC, the rollup in step with the charges), else from the charges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from infracast.analytics.rollup import costs_source
from infracast.analytics.scope import in_scope, to_rows
from infracast.control._money import plain_decimal
from infracast.control.budgets.queries import built

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from infracast.ledger.connection import Ledger

# budget metric -> the cost basis of infracast.analytics.scope
METRIC_BASES: dict[str, str] = {"effective_cost": "EffectiveCost", "billed_cost": "BilledCost"}


@dataclass(frozen=True)
class SpendScope:
    """The charges a budget covers: analytics filters, its currency and the cost it sums."""

    filters: tuple[str, ...] = ()
    currency: str = "USD"
    metric: str = "effective_cost"


@dataclass(frozen=True)
class Spend:
    """Spend in the scope's currency, plus what charges in other currencies came to."""

    amount: Decimal
    currency: str
    other_currencies: dict[str, Decimal] = field(default_factory=dict)


def spend(ledger: Ledger, scope: SpendScope, start: datetime, end: datetime) -> Spend:
    """Σ of the scope's metric over ``[start, end)``, split by currency (0 when nothing)."""
    if end <= start:
        return Spend(Decimal(0), scope.currency)
    # Reads the filters' columns, BillingCurrency and a sum of money: the rollup keeps them.
    charges = costs_source(ledger, (), start, end, scope.filters)
    key = ("spend", scope, start, end)
    rows = to_rows(built(ledger, charges, key, lambda t: _by_currency(t, scope, start, end)))
    totals = {row["currency"]: plain_decimal(row["total"] or Decimal(0)) for row in rows}
    own = totals.pop(scope.currency, Decimal(0))
    others = {code: totals[code] for code in sorted(totals, key=str)}
    return Spend(own, scope.currency, others)


def _by_currency(charges: ir.Table, scope: SpendScope, start: datetime, end: datetime) -> ir.Table:
    scoped = in_scope(charges, start, end, scope.filters)
    column = scoped[METRIC_BASES[scope.metric]]
    return scoped.group_by(currency=scoped.BillingCurrency).aggregate(total=column.sum())
