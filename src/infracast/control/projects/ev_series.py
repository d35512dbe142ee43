"""Earned value over time: cumulative PV, EV and AC at the end of each month or week.

Pure: the actual cost arrives already summed by period (the ledger query lives in
:mod:`infracast.control.projects.tracking`). A point stands for everything before its
``as_of`` instant (the start of that day, UTC): the end of its period, or the
as-of date for the last, unfinished period. Weeks start on Monday (ISO 8601).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from infracast.analytics.periods import period_of
from infracast.control.projects._earned_value import (
    ZERO,
    ProjectPlan,
    TaskProgress,
    cents,
    earned,
    latest_progress,
    planned_value,
)
from infracast.errors import ControlError, did_you_mean

SeriesGrain = Literal["month", "week"]
SERIES_GRAINS: tuple[str, ...] = ("month", "week")


def check_series_grain(grain: str) -> SeriesGrain:
    """``grain`` if it is month or week; else a ControlError naming the choices."""
    if grain not in SERIES_GRAINS:
        raise ControlError(
            f'unknown series grain "{grain}".{did_you_mean(grain, SERIES_GRAINS)}',
            hint="Use --by month or --by week.",
        )
    return grain  # type: ignore[return-value]


@dataclass(frozen=True)
class SeriesPoint:
    """Cumulative PV, EV and AC of everything before ``as_of``; ``period`` is its first day."""

    period: date
    as_of: date
    pv: Decimal
    ev: Decimal
    ac: Decimal

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def period_start(day: date, grain: SeriesGrain) -> date:
    """The first day of the month, or the Monday of the week, that holds ``day``."""
    return period_of(datetime(day.year, day.month, day.day), grain).start.date()


def boundaries(first: date, until: date, grain: SeriesGrain) -> list[tuple[date, date]]:
    """``(period start, point)`` for each period from the one holding ``first`` to ``until``.

    The point is the period's exclusive end, or ``until`` for the period it cuts.
    """
    out: list[tuple[date, date]] = []
    start = period_start(first, grain)
    while start < until:
        end = period_of(datetime(start.year, start.month, start.day), grain).end.date()
        out.append((start, min(end, until)))
        start = end
    return out


def pv_at(plan: ProjectPlan, at: date) -> Decimal:
    """The project's PV at the start of ``at`` (Σ of its tasks', unrounded)."""
    return sum((planned_value(t, at) for t in plan.tasks), ZERO)


def ev_at(plan: ProjectPlan, progress: Sequence[TaskProgress], at: date) -> Decimal:
    """The project's EV from each task's latest progress on or before ``at`` (unrounded)."""
    return sum((earned(t, latest_progress(progress, t.task, at)) for t in plan.tasks), ZERO)


def series(
    plan: ProjectPlan,
    progress: Sequence[TaskProgress],
    ac_by_period: Mapping[date, Decimal],
    as_of: date,
    grain: SeriesGrain = "month",
) -> list[SeriesPoint]:
    """Cumulative PV, EV and AC at each period's end up to ``as_of``.

    ``ac_by_period`` maps each period's first day to the actual cost charged in
    it (before ``as_of``). The series starts with the period of the first planned
    start or the first charge, whichever is earlier; it is empty when that is not
    before ``as_of``.
    """
    grain = check_series_grain(grain)
    starts = [d for d in (plan.planned_start, *ac_by_period) if d is not None]
    if not starts:
        return []
    points: list[SeriesPoint] = []
    for start, point in boundaries(min(starts), as_of, grain):
        ac = sum((v for k, v in ac_by_period.items() if k <= start), ZERO)
        points.append(
            SeriesPoint(
                period=start,
                as_of=point,
                pv=cents(pv_at(plan, point)),
                ev=cents(ev_at(plan, progress, point)),
                ac=cents(ac),
            )
        )
    return points


def planned_curve(plan: ProjectPlan, grain: SeriesGrain = "month") -> list[tuple[date, Decimal]]:
    """PV from the first planned start to the last planned end: the classic S-curve of the plan.

    Points at every period end and at every task's start and end, where PV
    changes slope; between them PV is linear, so the curve is exact. It starts
    at 0 and ends at Σ task costs.
    """
    first, last = plan.planned_start, plan.planned_end
    if first is None or last is None:
        return []
    days = {point for _, point in boundaries(first, last, grain)}
    days |= {t.planned_start for t in plan.tasks} | {t.planned_end for t in plan.tasks}
    return [(day, cents(pv_at(plan, day))) for day in sorted(days)]
