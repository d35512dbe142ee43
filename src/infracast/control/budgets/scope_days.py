"""A budget scope's spend by day, currency and part of its cost, in one query of the
daily rollup: what :func:`~infracast.control.budgets.spend.spend`,
:func:`~infracast.control.budgets.daily.daily_parts` and the recurring fees' lookup
would each ask of it.

Evaluating a budget reads its scope three times (the actual spend, the daily parts the
forecast starts from, the recurring fees that may still be current) over spans that all
end where spend is counted until. On the daily rollup one grouped query answers all
three with the very same figures: per day, currency and part (the structure of the cost,
:func:`~infracast.analytics.series.cost_part`), Σ metric and the latest ChargePeriodEnd.
Sums over days are exact (decimals added in a context wide enough for every digit), and
a day's sum is the sum the other queries group by. Spans it does not cover (a bound
inside a day, a start before ``since``) are read as before.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis

from infracast.analytics.rollup import costs_source, is_rollup
from infracast.analytics.scope import in_scope, to_rows
from infracast.analytics.series import PARTS, cost_part
from infracast.control._money import plain_decimal
from infracast.control.budgets.queries import built
from infracast.control.budgets.spend import METRIC_BASES, Spend, SpendScope

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from infracast.ledger.connection import Ledger

# Digits enough to add every day's decimal(38, 18) sum without rounding.
_EXACT = decimal.Context(prec=120, traps=[decimal.Inexact, decimal.InvalidOperation])


@dataclass(frozen=True)
class DayRow:
    """The scope's charges of one day, currency and part: Σ metric, the latest end."""

    day: date
    currency: str
    part: str
    total: Decimal
    latest_end: datetime | None


@dataclass(frozen=True)
class ScopeDays:
    """The scope's days in ``[since, end)`` (every charge of them), and before ``since``
    only the recurring charges still running at ``end`` (the fees that may be current)."""

    scope: SpendScope
    since: datetime
    end: datetime
    rows: tuple[DayRow, ...]

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether sums over ``[start, end)`` are exact from these rows."""
        return self.since <= start and end <= self.end and _midnight(start) and _midnight(end)

    def spend(self, start: datetime, end: datetime) -> Spend:
        """As :func:`~infracast.control.budgets.spend.spend` over ``[start, end)``."""
        totals: dict[str, Decimal] = {}
        for row in self._within(start, end):
            totals[row.currency] = _EXACT.add(totals.get(row.currency, Decimal(0)), row.total)
        found = {code: plain_decimal(total) for code, total in totals.items()}
        own = found.pop(self.scope.currency, Decimal(0))
        return Spend(own, self.scope.currency, {c: found[c] for c in sorted(found, key=str)})

    def parts(self, start: datetime, end: datetime) -> dict[str, dict[date, float]]:
        """As :func:`~infracast.control.budgets.daily.daily_parts` over ``[start, end)``."""
        out: dict[str, dict[date, float]] = {part: {} for part in PARTS}
        for row in self._within(start, end):
            if row.currency == self.scope.currency:
                out[row.part][row.day] = float(row.total)
        return out

    def first_fee_day(self) -> datetime | None:
        """A day no recurring fee current at ``end`` started before (None: no fee is
        current); see :func:`infracast.control.budgets.daily.recurring_due`."""
        days = [
            row.day
            for row in self.rows
            if row.part == "recurring"
            and row.currency == self.scope.currency
            and row.latest_end is not None
            and row.latest_end >= self.end
        ]
        return datetime.combine(min(days), datetime.min.time()) if days else None

    def _within(self, start: datetime, end: datetime) -> list[DayRow]:
        if not self.covers(start, end):
            raise ValueError(f"[{start}, {end}) is not covered by [{self.since}, {self.end})")
        return [row for row in self.rows if start.date() <= row.day < end.date()]


def scope_days(
    ledger: Ledger, scope: SpendScope, since: datetime, end: datetime
) -> ScopeDays | None:
    """The scope's days from ``since`` to ``end`` in one query of the daily rollup; None
    when the rollup cannot answer exactly (bounds inside a day, a filter on a dimension
    it does not keep, a rollup out of step)."""
    if end <= since:
        return None
    table = costs_source(ledger, (), since, end, scope.filters)
    if not is_rollup(table):
        return None
    key = ("scope_days", scope, since, end)
    rows = to_rows(built(ledger, table, key, lambda t: _grouped(t, scope, since, end)))
    return ScopeDays(scope, since, end, tuple(_row(row) for row in rows))


def _grouped(rollup: ir.Table, scope: SpendScope, since: datetime, end: datetime) -> ir.Table:
    scoped = in_scope(rollup, None, end, scope.filters)
    running = (scoped.ChargeFrequency.upper() == "RECURRING") & (
        scoped.ChargePeriodEnd >= ibis.literal(end)
    )
    scoped = scoped.filter((scoped.ChargePeriodStart >= ibis.literal(since)) | running)
    return scoped.group_by(
        day=scoped.ChargePeriodStart.truncate("D"),
        currency=scoped.BillingCurrency,
        part=cost_part(scoped),
    ).aggregate(
        total=scoped[METRIC_BASES[scope.metric]].sum(),
        latest_end=scoped.ChargePeriodEnd.max(),
    )


def _row(row: dict[str, Any]) -> DayRow:
    day = row["day"]
    return DayRow(
        day=day.date() if isinstance(day, datetime) else day,
        currency=row["currency"],
        part=row["part"],
        total=row["total"] if row["total"] is not None else Decimal(0),
        latest_end=row["latest_end"],
    )


def _midnight(bound: datetime) -> bool:
    return bound == datetime(bound.year, bound.month, bound.day)
