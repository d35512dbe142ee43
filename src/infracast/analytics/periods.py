"""Periods of time for analytics: UTC instants, half-open ``[start, end)`` ranges, grains.

The ledger stores timestamps as UTC without an offset, so every instant here is
a naive ``datetime`` meaning UTC. A value with an offset is converted to UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from infracast.errors import QueryError, did_you_mean

Grain = Literal["day", "week", "month"]
GRAINS: tuple[str, ...] = ("day", "week", "month")

Instant = str | date | datetime


@dataclass(frozen=True)
class Period:
    """A half-open UTC range ``[start, end)``."""

    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """The period's first day as an ISO date (``2026-02-01``)."""
        return self.start.date().isoformat()


def parse_instant(value: Instant | None, *, name: str = "start") -> datetime | None:
    """A naive UTC ``datetime`` from an ISO string, a date or a datetime (None stays None).

    Strings may be ``YYYY-MM`` (the first of the month), ``YYYY-MM-DD`` or a
    full ISO 8601 timestamp; one with an offset is converted to UTC.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc_naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    try:
        if len(text) == 7 and text[4] == "-":
            return datetime.strptime(text, "%Y-%m")
        return _utc_naive(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise QueryError(
            f'{name} "{value}" is not a date.',
            hint=f"Write {name} as YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp "
            "(2026-03, 2026-03-01, 2026-03-01T00:00:00Z).",
        ) from None


def parse_range(
    start: Instant | None,
    end: Instant | None,
    *,
    names: tuple[str, str] = ("start", "end"),
) -> tuple[datetime | None, datetime | None]:
    """Parse ``start`` and ``end`` and check that ``start < end`` when both are given.

    ``names`` are what the caller calls the two bounds in its messages: a command passes
    its flags (``("--from", "--to")``), so the error names what the user typed.
    """
    first, last = names
    lo = parse_instant(start, name=first)
    hi = parse_instant(end, name=last)
    if lo is not None and hi is not None and lo >= hi:
        raise QueryError(
            f"the period is empty: {first} {lo.isoformat()} is not before {last} {hi.isoformat()}.",
            hint=f"Periods are half-open [{first}, {last}): {last} is the first instant not "
            f"included ({first} 2026-01 {last} 2026-02 is January).",
        )
    return lo, hi


def check_grain(grain: str) -> Grain:
    """Return ``grain`` if it is one of day, week, month; else raise QueryError."""
    if grain not in GRAINS:
        raise QueryError(
            f'unknown grain "{grain}".{did_you_mean(grain, GRAINS)}',
            hint=f"Use one of: {', '.join(GRAINS)}.",
        )
    return grain  # type: ignore[return-value]


def period_of(instant: datetime, grain: Grain) -> Period:
    """The period of ``grain`` that contains ``instant`` (weeks start on Monday, ISO 8601)."""
    day = datetime(instant.year, instant.month, instant.day)
    if grain == "day":
        return Period(day, day + timedelta(days=1))
    if grain == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=7))
    first = day.replace(day=1)
    return Period(first, _next_month(first))


def previous(period: Period, grain: Grain) -> Period:
    """The period of ``grain`` just before ``period``."""
    return period_of(period.start - timedelta(microseconds=1), grain)


def parse_period(value: Instant, grain: Grain) -> Period:
    """The period of ``grain`` named by ``value``: the one containing that date.

    ``2026-02`` names February for the month grain; weeks may also be written
    ``2026-W07`` (ISO week).
    """
    text = str(value).strip() if isinstance(value, str) else None
    if text is not None and len(text) >= 7 and text[4:6].upper() == "-W":
        try:
            monday = datetime.strptime(text.upper() + "-1", "%G-W%V-%u")
        except ValueError:
            raise QueryError(
                f'period "{value}" is not an ISO week.',
                hint="Write a week as YYYY-Www (2026-W07) or any date inside it.",
            ) from None
        return period_of(monday, grain)
    instant = parse_instant(value, name="period")
    if instant is None:
        raise QueryError("no period was given.", hint="Pass a date inside the period (2026-02).")
    return period_of(instant, grain)


def _next_month(first: datetime) -> datetime:
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
