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

Both read the daily rollup (:mod:`infracast.analytics.rollup`) where it gives the very
same figures: the daily parts need only the day of ChargePeriodStart, the filters'
columns, BillingCurrency, ChargeCategory, ChargeFrequency and a sum of money, all of which
it keeps, so with day-aligned bounds they are summed from it (or taken from the scope's
days, :mod:`~infracast.control.budgets.scope_days`, read once per budget). The recurring
fees current at ``as_of`` need each fee's own charge period, which the rollup does not
keep (it holds the latest end per day): it only tells which fees may be current (none,
or none that started before a day), and the fees themselves are read from the charges.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from infracast.analytics.rollup import costs_source
from infracast.analytics.scope import in_scope, to_rows
from infracast.analytics.series import cost_part, recurring_charges
from infracast.control.budgets.queries import built
from infracast.control.budgets.scope_days import ScopeDays
from infracast.control.budgets.spend import METRIC_BASES, SpendScope

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from infracast.ledger.connection import Ledger

PARTS: tuple[str, ...] = ("usage", "recurring", "one_time")
Daily = dict[date, float]


def daily_parts(
    ledger: Ledger,
    scope: SpendScope,
    start: datetime,
    end: datetime,
    *,
    days: ScopeDays | None = None,
) -> dict[str, Daily]:
    """Per part, the scope's spend per UTC day of ChargePeriodStart in ``[start, end)``,
    in the scope's currency (days without charges are absent); from ``days`` when they
    cover the span."""
    out: dict[str, Daily] = {part: {} for part in PARTS}
    if end <= start:
        return out
    if days is not None and days.covers(start, end):
        return days.parts(start, end)
    charges = costs_source(ledger, (), start, end, scope.filters)
    key = ("daily_parts", scope, start, end)
    grouped = built(ledger, charges, key, lambda table: _by_part_and_day(table, scope, start, end))
    for row in to_rows(grouped):
        day = row["day"]
        out[row["part"]][day.date() if isinstance(day, datetime) else day] = float(
            row["total"] or 0
        )
    return out


def _by_part_and_day(
    charges: ir.Table, scope: SpendScope, start: datetime, end: datetime
) -> ir.Table:
    scoped = in_scope(charges, start, end, scope.filters)
    scoped = scoped.filter(scoped.BillingCurrency == scope.currency)
    cost = scoped[METRIC_BASES[scope.metric]]
    return scoped.group_by(
        part=cost_part(scoped), day=scoped.ChargePeriodStart.truncate("D")
    ).aggregate(total=cost.sum())


def recurring_due(
    ledger: Ledger,
    scope: SpendScope,
    as_of: datetime,
    until: datetime,
    *,
    days: ScopeDays | None = None,
) -> Daily:
    """The recurring fees of the scope due in ``[as_of, until)``, per UTC day: each fee
    current at ``as_of`` renews when its charge period ends
    (:func:`infracast.forecast.structure.recurring_schedule`).

    ``days``, the scope's days up to ``as_of`` from the rollup, tell which fees may be
    current: none (nothing to read), or none that started before a day (the charges are
    read from it on)."""
    from infracast.forecast.structure import recurring_schedule

    if until <= as_of:
        return {}
    since = None
    if days is not None and days.end == as_of:
        since = days.first_fee_day()
        if since is None:
            return {}
    basis = "billed" if scope.metric == "billed_cost" else "effective"
    fees = recurring_charges(ledger, (), as_of, since, scope.filters, basis, scope.currency)
    due = recurring_schedule(fees, as_of, until, "D")
    return {ts.date(): float(y) for ts, y in zip(due["ds"], due["y"], strict=True) if y}


def days_between(first: date, end: date) -> list[date]:
    """The days of ``[first, end)``."""
    return [first + timedelta(days=i) for i in range((end - first).days)]
