"""Earned value over time: cumulative PV, EV and AC by month or week, checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from infracast.control.projects._earned_value import PlannedTask, ProjectPlan, TaskProgress
from infracast.control.projects.ev_series import boundaries, planned_curve, series
from infracast.errors import ControlError

D = Decimal

# 3,100 over January (31 days, 100 a day); 2,800 over February (28 days, 100 a day)
PLAN = ProjectPlan(
    "p",
    "USD",
    (
        PlannedTask("jan", D(3100), date(2026, 1, 1), date(2026, 2, 1)),
        PlannedTask("feb", D(2800), date(2026, 2, 1), date(2026, 3, 1)),
    ),
)


def test_monthly_series_is_cumulative_and_cut_at_the_as_of_day() -> None:
    progress = [
        TaskProgress("jan", date(2026, 1, 20), D(50)),  # EV 1,550 from 01-20
        TaskProgress("jan", date(2026, 2, 1), D(100)),  # EV 3,100 from 02-01
        TaskProgress("feb", date(2026, 2, 10), D(25)),  # EV 700 from 02-10
    ]
    ac = {date(2025, 12, 1): D(10), date(2026, 1, 1): D(2000), date(2026, 2, 1): D(1500)}
    points = series(PLAN, progress, ac, date(2026, 2, 15), "month")
    # December starts the series (a charge came before the plan); its PV and EV are 0.
    assert [(p.period, p.as_of) for p in points] == [
        (date(2025, 12, 1), date(2026, 1, 1)),
        (date(2026, 1, 1), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 2, 15)),
    ]
    assert [(p.pv, p.ev, p.ac) for p in points] == [
        (D(0), D(0), D(10)),
        # at 02-01: PV = 3,100; EV = 3,100 (the 02-01 update counts on its day); AC = 2,010
        (D(3100), D(3100), D(2010)),
        # at 02-15: PV = 3,100 + 14 days × 100 = 4,500; EV = 3,100 + 700; AC = 3,510
        (D(4500), D(3800), D(3510)),
    ]


def test_series_is_empty_before_the_first_planned_day() -> None:
    assert series(PLAN, [], {}, date(2026, 1, 1)) == []


def test_weeks_start_on_monday() -> None:
    # 2026-01-01 is a Thursday: its week starts Monday 2025-12-29
    assert boundaries(date(2026, 1, 1), date(2026, 1, 14), "week") == [
        (date(2025, 12, 29), date(2026, 1, 5)),
        (date(2026, 1, 5), date(2026, 1, 12)),
        (date(2026, 1, 12), date(2026, 1, 14)),
    ]


def test_weekly_series_uses_weekly_actuals() -> None:
    ac = {date(2025, 12, 29): D(40), date(2026, 1, 5): D(60)}
    points = series(PLAN, [], ac, date(2026, 1, 8), "week")
    # at 01-05: PV = 4 days × 100 = 400, AC = 40; at 01-08: PV = 700, AC = 100
    assert [(p.as_of, p.pv, p.ac) for p in points] == [
        (date(2026, 1, 5), D(400), D(40)),
        (date(2026, 1, 8), D(700), D(100)),
    ]


def test_planned_curve_runs_from_zero_to_bac() -> None:
    curve = planned_curve(PLAN, "month")
    assert curve == [
        (date(2026, 1, 1), D(0)),
        (date(2026, 2, 1), D(3100)),
        (date(2026, 3, 1), D(5900)),
    ]


def test_unknown_grain_is_refused_with_the_choices() -> None:
    with pytest.raises(ControlError, match=r'unknown series grain "mnth"\. Did you mean "month"'):
        series(PLAN, [], {}, date(2026, 2, 1), "mnth")  # type: ignore[arg-type]
