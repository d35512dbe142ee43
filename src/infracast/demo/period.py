"""The generated period: months as hour offsets from its start (UTC, half-open).

Every time inside the generator is an integer hour ``h`` counted from the
period's first midnight; SQL turns it back into a timestamp with
``start + h * INTERVAL 1 HOUR``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Month:
    """One billing month of the period."""

    label: str  # YYYY-MM
    start_h: int
    end_h: int  # exclusive

    @property
    def hours(self) -> int:
        return self.end_h - self.start_h

    @property
    def days(self) -> int:
        return self.hours // 24


@dataclass(frozen=True)
class Period:
    """``months`` calendar months from ``start`` (the first of a month)."""

    start: date
    months: tuple[Month, ...]

    @classmethod
    def of(cls, start: date, months: int) -> Period:
        out = []
        year, month = start.year, start.month
        for _ in range(months):
            nxt_year, nxt_month = (year + 1, 1) if month == 12 else (year, month + 1)
            out.append(
                Month(
                    f"{year:04d}-{month:02d}",
                    _hours_between(start, date(year, month, 1)),
                    _hours_between(start, date(nxt_year, nxt_month, 1)),
                )
            )
            year, month = nxt_year, nxt_month
        return cls(start, tuple(out))

    @property
    def hours(self) -> int:
        return self.months[-1].end_h

    @property
    def days(self) -> int:
        return self.hours // 24

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.start + timedelta(hours=self.hours)

    @property
    def start_weekday(self) -> int:
        """Weekday of the first day, Monday = 0."""
        return self.start.weekday()

    def timestamp(self, h: int) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day) + timedelta(hours=h)

    def month_of(self, h: int) -> Month:
        for month in self.months:
            if month.start_h <= h < month.end_h:
                return month
        raise ValueError(f"hour {h} is outside the period")

    def month_offset(self, months: int) -> date:
        """The first day of the month ``months`` after (or before) the start month."""
        index = self.start.year * 12 + self.start.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)

    def sql_start(self) -> str:
        """The start as a SQL TIMESTAMP literal."""
        return f"TIMESTAMP '{self.start.isoformat()} 00:00:00'"


def _hours_between(a: date, b: date) -> int:
    return (b - a).days * 24
