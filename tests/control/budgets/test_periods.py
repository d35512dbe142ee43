"""Budget periods: month, quarter, year counted from the start; a project's whole life."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from infracast.control.budgets.periods import (
    BudgetPeriod,
    add_months,
    boundary_problem,
    period_at,
)


def test_month_period_contains_as_of() -> None:
    period = period_at("month", date(2026, 1, 1), None, datetime(2026, 3, 15, 12))
    assert period == BudgetPeriod("month", date(2026, 3, 1), date(2026, 4, 1), 2)
    assert period.label == "2026-03"


def test_midnight_of_the_first_belongs_to_the_new_month() -> None:
    period = period_at("month", date(2026, 1, 1), None, datetime(2026, 2, 1))
    assert period is not None and period.start == date(2026, 2, 1)


def test_quarters_are_counted_from_the_start_not_the_calendar() -> None:
    # start Feb 1: quarters Feb-Apr, May-Jul; June 10 is in the second
    period = period_at("quarter", date(2026, 2, 1), None, datetime(2026, 6, 10))
    assert period == BudgetPeriod("quarter", date(2026, 5, 1), date(2026, 8, 1), 1)
    assert period.label == "2026-05-01/2026-08-01"


def test_fiscal_year_from_april() -> None:
    period = period_at("year", date(2025, 4, 1), None, datetime(2026, 3, 31, 23))
    assert period is not None
    assert (period.start, period.end) == (date(2025, 4, 1), date(2026, 4, 1))


def test_no_period_before_the_start() -> None:
    assert period_at("month", date(2026, 1, 1), None, datetime(2025, 12, 31, 23)) is None


def test_after_the_end_the_last_period_stays() -> None:
    # months Jan, Feb, Mar (end Apr 1 exclusive); as of June: March, the last
    period = period_at("month", date(2026, 1, 1), date(2026, 4, 1), datetime(2026, 6, 1))
    assert period == BudgetPeriod("month", date(2026, 3, 1), date(2026, 4, 1), 2)


def test_project_budget_is_one_period_over_its_whole_life() -> None:
    period = period_at("project", date(2026, 1, 10), date(2026, 7, 10), datetime(2026, 5, 2))
    assert period == BudgetPeriod("project", date(2026, 1, 10), date(2026, 7, 10), 0)


def test_elapsed_and_remaining_days_of_january() -> None:
    january = BudgetPeriod("month", date(2026, 1, 1), date(2026, 2, 1))
    # as of Jan 16 00:00: Jan 1..15 elapsed (15 days), 16 of 31 remain
    assert january.elapsed_days(datetime(2026, 1, 16)) == 15
    assert january.remaining_days(datetime(2026, 1, 16)) == 16
    # noon of Jan 16: 15.5 and 15.5
    assert january.elapsed_days(datetime(2026, 1, 16, 12)) == Decimal("15.5")
    assert january.remaining_days(datetime(2026, 1, 16, 12)) == Decimal("15.5")


def test_days_are_clipped_to_the_period() -> None:
    january = BudgetPeriod("month", date(2026, 1, 1), date(2026, 2, 1))
    assert january.elapsed_days(datetime(2026, 3, 1)) == 31
    assert january.remaining_days(datetime(2026, 3, 1)) == 0
    assert january.elapsed_days(datetime(2025, 12, 1)) == 0


def test_add_months_crosses_years() -> None:
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


def test_a_project_budget_needs_an_end() -> None:
    problem = boundary_problem("project", date(2026, 1, 1), None)
    assert problem is not None and "needs an end" in problem


def test_recurring_budgets_start_on_a_first() -> None:
    problem = boundary_problem("month", date(2026, 1, 15), None)
    assert problem is not None and "first of a month" in problem


def test_end_must_close_a_whole_period_and_names_the_next_one() -> None:
    # quarters from Jan: Jan-Mar, Apr-Jun; May 1 is inside the second, July 1 closes it
    problem = boundary_problem("quarter", date(2026, 1, 1), date(2026, 5, 1))
    assert problem is not None and "use 2026-07-01" in problem
    assert boundary_problem("quarter", date(2026, 1, 1), date(2026, 7, 1)) is None


def test_end_before_start_is_refused() -> None:
    problem = boundary_problem("project", date(2026, 3, 1), date(2026, 3, 1))
    assert problem is not None and "not after start" in problem


@given(
    kind=st.sampled_from(["month", "quarter", "year"]),
    start_month=st.integers(0, 47),
    offset_hours=st.integers(0, 24 * 365 * 4),
)
def test_the_period_contains_as_of_and_its_days_add_up(
    kind: str, start_month: int, offset_hours: int
) -> None:
    start = add_months(date(2024, 1, 1), start_month)
    as_of = datetime(start.year, start.month, start.day) + timedelta(hours=offset_hours)
    period = period_at(kind, start, None, as_of)
    assert period is not None
    assert period.start_instant <= as_of < period.end_instant
    total = (period.end - period.start).days
    assert period.elapsed_days(as_of) + period.remaining_days(as_of) == total
    # the period before ends where this one starts (periods tile the time line)
    if period.index:
        before = period_at(kind, start, None, period.start_instant - timedelta(microseconds=1))
        assert before is not None and before.end == period.start
