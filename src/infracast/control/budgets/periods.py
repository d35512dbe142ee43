"""The periods of a budget: months, quarters, years, or a project's whole life.

Periods are half-open ``[start, end)`` in UTC. Recurring periods are counted
from the budget's first day, so a quarterly budget starting 2026-02-01 has the
periods February–April, May–July and so on, and a fiscal year starting in April
is a yearly budget starting 2026-04-01. A project budget has one period: its
whole life, ``[start, end)``.

Pure: dates in, dates out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

PeriodKind = Literal["month", "quarter", "year", "project"]
PERIOD_KINDS: tuple[str, ...] = ("month", "quarter", "year", "project")
MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
_DAY_SECONDS = Decimal(86400)


@dataclass(frozen=True)
class BudgetPeriod:
    """One period of a budget: ``[start, end)``, the ``index``-th since the budget's start."""

    kind: str
    start: date
    end: date
    index: int = 0

    @property
    def label(self) -> str:
        """``2026-01`` for a calendar month; ``2026-01-01/2026-04-01`` (ISO interval) otherwise."""
        if self.kind == "month" and self.start.day == 1:
            return self.start.strftime("%Y-%m")
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def start_instant(self) -> datetime:
        """The period's first instant (UTC midnight of ``start``)."""
        return datetime(self.start.year, self.start.month, self.start.day)

    @property
    def end_instant(self) -> datetime:
        """The first instant after the period (UTC midnight of ``end``)."""
        return datetime(self.end.year, self.end.month, self.end.day)

    def counted_until(self, as_of: datetime) -> datetime:
        """``as_of`` clipped to the period: spend is counted over ``[start, this)``."""
        return min(max(as_of, self.start_instant), self.end_instant)

    def elapsed_days(self, as_of: datetime) -> Decimal:
        """Days of the period before ``as_of`` (fractional when ``as_of`` is not midnight)."""
        return _days(self.counted_until(as_of) - self.start_instant)

    def remaining_days(self, as_of: datetime) -> Decimal:
        """Days of the period from ``as_of`` to its end."""
        return _days(self.end_instant - self.counted_until(as_of))


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (``day`` is a first)."""
    total = day.year * 12 + (day.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def boundary_problem(kind: str, start: date, end: date | None) -> str | None:
    """Why ``start``/``end`` cannot bound periods of ``kind``, or None when they can."""
    if end is not None and end <= start:
        return (
            f"end {end} is not after start {start} (the end is exclusive: the first day "
            "not budgeted)"
        )
    if kind == "project":
        return None if end is not None else "a project budget needs an end (its whole life)"
    if start.day != 1:
        return f"a {kind}ly budget starts on the first of a month, not {start}"
    if end is not None:
        step = MONTHS[kind]
        months = months_between(start, end)
        if end.day != 1 or months % step:
            later = add_months(start, (months // step + 1) * step)
            return (
                f"end {end} does not close a whole {kind} counted from {start}; "
                f"budgets count whole periods (use {later}, exclusive)"
            )
    return None


def period_at(kind: str, start: date, end: date | None, as_of: datetime) -> BudgetPeriod | None:
    """The period containing ``as_of``; the last one if the budget has ended; None before start.

    ``as_of`` is a naive UTC instant; the period containing it is the one whose
    ``[start, end)`` holds it (at midnight of the 1st, the new month).
    """
    first = datetime(start.year, start.month, start.day)
    if as_of < first:
        return None
    if kind == "project":
        if end is None:
            raise ValueError("a project budget needs an end")
        return BudgetPeriod(kind, start, end, 0)
    step = MONTHS[kind]
    index = months_between(start, as_of.date()) // step
    if end is not None:
        last = months_between(start, end) // step - 1
        index = min(index, last)
    lo = add_months(start, index * step)
    return BudgetPeriod(kind, lo, add_months(lo, step), index)


def _days(span: timedelta) -> Decimal:
    return Decimal(span.days * 86400 + span.seconds) / _DAY_SECONDS
