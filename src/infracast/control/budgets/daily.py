"""What a budget's scope spent day by day, by the structure of its cost, and the recurring
fees it will be charged next: the inputs of the forecast behind budgets.

The charges of a scope (its filters, its currency, its metric) split by FOCUS
``ChargeFrequency`` and ``ChargeCategory`` as every cost forecast splits them
(:func:`infracast.analytics.series.cost_part`): **recurring** fees (people, support
plans, contracts, amortization, commitment fees, whatever their category),
**one_time** charges (other purchases, adjustments, credits) and **usage**, the part
a model forecasts. A recurring fee current at ``as_of`` renews on its own schedule
(:mod:`infracast.forecast.structure`: a monthly fee monthly, a quarterly contract
quarterly).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from infracast.analytics.scope import in_scope, to_rows
from infracast.analytics.series import cost_part, recurring_charges
from infracast.control.budgets.spend import METRIC_BASES, SpendScope

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

PARTS: tuple[str, ...] = ("usage", "recurring", "one_time")
Daily = dict[date, float]


def daily_parts(
    ledger: Ledger, scope: SpendScope, start: datetime, end: datetime
) -> dict[str, Daily]:
    """Per part, the scope's spend per UTC day of ChargePeriodStart in ``[start, end)``,
    in the scope's currency (days without charges are absent)."""
    out: dict[str, Daily] = {part: {} for part in PARTS}
    if end <= start:
        return out
    charges = ledger.ibis().table("charges")
    scoped = in_scope(charges, start, end, scope.filters)
    scoped = scoped.filter(scoped.BillingCurrency == scope.currency)
    cost = scoped[METRIC_BASES[scope.metric]]
    grouped = scoped.group_by(
        part=cost_part(scoped), day=scoped.ChargePeriodStart.truncate("D")
    ).aggregate(total=cost.sum())
    for row in to_rows(grouped):
        day = row["day"]
        key = day.date() if isinstance(day, datetime) else day
        out[row["part"]][key] = float(row["total"] or 0)
    return out


def recurring_due(ledger: Ledger, scope: SpendScope, as_of: datetime, until: datetime) -> Daily:
    """The recurring fees of the scope due in ``[as_of, until)``, per UTC day: each fee
    current at ``as_of`` renews when its charge period ends
    (:func:`infracast.forecast.structure.recurring_schedule`)."""
    from infracast.forecast.structure import recurring_schedule

    if until <= as_of:
        return {}
    basis = "billed" if scope.metric == "billed_cost" else "effective"
    fees = recurring_charges(ledger, (), as_of, None, scope.filters, basis, scope.currency)
    due = recurring_schedule(fees, as_of, until, "D")
    return {ts.date(): float(y) for ts, y in zip(due["ds"], due["y"], strict=True) if y}


def days_between(first: date, end: date) -> list[date]:
    """The days of ``[first, end)``."""
    return [first + timedelta(days=i) for i in range((end - first).days)]
