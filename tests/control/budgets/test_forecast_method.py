"""The forecast method behind budgets: usage forecast, recurring fees on their schedule,
one-time charges as they are; the probability of an overrun and the crossing day.

The scope spends a flat 100 USD a day of usage from 2025-12-01 and a 1,000 USD monthly
fee on each 1st (charge period the month), so every model forecasts 100 a day with no
spread and every figure is hand arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from infracast.control.budgets.forecast import (
    MIN_HISTORY_DAYS,
    RUN_RATE,
    check_method,
    forecast_period_spend,
)
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.spend import SpendScope
from infracast.errors import ConfigError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.budgets.fixtures import add_flat, usage_charge

D = Decimal
SCOPE = SpendScope(("team=research",), "USD")
FEBRUARY = BudgetPeriod("month", date(2026, 2, 1), date(2026, 3, 1))


def test_forecast_is_the_usage_forecast_plus_the_fees_due(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15), amount=D(3000))
    # actual: fee 1,000 + 14 days × 100 = 2,400; 14 days remain × 100 = 1,400; the next
    # fee is due Mar 1, after the period: 3,800
    assert found.actual == D(2400)
    assert found.amount == D("3800.00")
    assert found.method.startswith("forecast:")
    # 2,400 + 100 a day reaches 3,000 after 6 days: Feb 15 … Feb 20
    assert found.crossing_date == date(2026, 2, 20)
    assert found.overrun_probability == 1  # no spread, 3,800 > 3,000


def test_the_run_rate_inflates_the_fee_charged_on_the_first(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(
        ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15), method=RUN_RATE, amount=D(3000)
    )
    # 2,400 / 14 × 28 = 4,800 (the 1,000 fee counted twice); no distribution
    assert found.amount == D("4800.00") and found.method == RUN_RATE
    assert found.overrun_probability is None
    # 2,400 + 171.43 a day reaches 3,000 after 3.5 days: during Feb 18
    assert found.crossing_date == date(2026, 2, 18)


def test_a_budget_not_reached_has_no_crossing_date(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15), amount=D(5000))
    assert found.crossing_date is None and found.overrun_probability == 0


def test_a_budget_already_reached_is_dated_by_its_actual_spend(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15), amount=D(2000))
    # Feb 1: 1,000 + 100; then 100 a day: 2,000 on Feb 10 (1,000 + 10 × 100)
    assert found.crossing_date == date(2026, 2, 10)
    assert found.overrun_probability == 1


def test_nothing_elapsed_forecasts_the_whole_period_from_the_history(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 1), amount=D(3000))
    # nothing spent yet; January's fee ends Feb 1 and renews then: 1,000 + 28 × 100
    assert found.actual == 0
    assert found.amount == D("3800.00")
    assert found.note is None


def test_part_of_a_day_elapsed_forecasts_the_rest_of_it(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15, 12))
    # actual counts the Feb 15 charge (at 00:00): 2,500; half of Feb 15 is still to
    # come (50) and 13 whole days (1,300): 3,850
    assert found.actual == D(2500)
    assert found.amount == D("3850.00")


def test_a_finished_period_is_its_actual(ledger: Ledger) -> None:
    add_flat(ledger)
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 3, 5), amount=D(3000))
    # 1,000 + 28 × 100 = 3,800, certain; reached on Feb 20 (1,000 + 20 × 100)
    assert found.amount == found.actual == D(3800)
    assert found.note is not None and "over" in found.note
    assert found.overrun_probability == 1 and found.crossing_date == date(2026, 2, 20)


def test_too_little_history_falls_back_to_the_run_rate_with_a_note(ledger: Ledger) -> None:
    add_flat(ledger, first=date(2026, 2, 1))
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15), amount=D(3000))
    assert found.method == RUN_RATE
    assert found.amount == D("4800.00")
    assert found.note is not None and f"{MIN_HISTORY_DAYS} needed" in found.note


def test_one_time_charges_count_as_actual_and_are_not_extrapolated(ledger: Ledger) -> None:
    add_flat(ledger)
    credit = {"ChargeCategory": "Credit", "ChargeFrequency": "One-Time"}
    add_charges(
        ledger,
        [
            usage_charge(date(2026, 2, 3), "-500", **credit),
            usage_charge(date(2026, 1, 3), "-500", **credit),
        ],
    )
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15))
    # 2,400 − 500 = 1,900 spent; the rest as before (1,400): 3,300
    assert found.actual == D(1900)
    assert found.amount == D("3300.00")


def test_other_currencies_are_not_forecast(ledger: Ledger) -> None:
    add_flat(ledger)
    add_charges(
        ledger, [usage_charge(date(2026, 1, d), "900", BillingCurrency="EUR") for d in range(1, 29)]
    )
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15))
    assert found.amount == D("3800.00")


def test_credit_days_in_the_usage_are_forecast_below_zero(ledger: Ledger) -> None:
    # usage alternates +100 and −100 a day: a forecast may go below zero, and is not clipped
    first = date(2025, 12, 1)
    add_charges(
        ledger,
        [usage_charge(first + timedelta(days=i), "100" if i % 2 else "-100") for i in range(76)],
    )
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15), amount=D(10))
    assert found.method.startswith("forecast:")
    assert abs(found.amount - found.actual) <= D(200)  # about zero over 14 days
    assert found.overrun_probability is not None


def test_an_unknown_method_is_an_error_with_the_choices() -> None:
    with pytest.raises(ConfigError, match=r'unknown forecast method "runrate".*run_rate'):
        check_method("runrate")


def test_sparse_usage_falls_back_to_the_run_rate_with_a_note(ledger: Ledger) -> None:
    # usage on 5 days in 76: a weekly model would repeat each lone charge every week
    add_charges(
        ledger, [usage_charge(date(2025, 12, 1) + timedelta(days=15 * i)) for i in range(5)]
    )
    found = forecast_period_spend(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15))
    assert found.method == RUN_RATE
    assert found.note is not None and "too sparse" in found.note
