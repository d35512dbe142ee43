"""The run-rate forecast behind budgets, by hand and over a ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from infracast.control.budgets.forecast import RUN_RATE, forecast_period_spend, run_rate
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.spend import Spend, SpendScope, spend
from infracast.ledger.connection import Ledger
from tests.control.budgets.fixtures import add_january

D = Decimal
JANUARY = BudgetPeriod("month", date(2026, 1, 1), date(2026, 2, 1))
SCOPE = SpendScope(("team=research", "cost_category=compute"), "USD")


def test_run_rate_by_hand() -> None:
    # 1,500 in 15 days is 100 a day; 16 days remain: 1,500 + 100 × 16 = 3,100
    assert run_rate(D(1500), D(15), D(16)) == (D("3100.00"), None)


def test_run_rate_over_fractions_of_days() -> None:
    # 100 in 2.5 days is 40 a day; half a day remains: 100 + 40 × 0.5 = 120
    assert run_rate(D(100), D("2.5"), D("0.5")) == (D("120.00"), None)


def test_run_rate_rounds_to_the_cent() -> None:
    # 100 in 3 days is 33.333… a day; 1 day remains: 133.333… -> 133.33
    assert run_rate(D(100), D(3), D(1))[0] == D("133.33")


def test_nothing_elapsed_forecasts_the_actual_with_a_note() -> None:
    forecast, note = run_rate(D(0), D(0), D(31))
    assert forecast == 0
    assert note is not None and "nothing of the period has elapsed" in note


def test_a_finished_period_forecasts_its_actual() -> None:
    forecast, note = run_rate(D(2800), D(31), D(0))
    assert forecast == D(2800)
    assert note is not None and "over" in note


def test_spend_counts_the_scope_in_its_currency_and_reports_the_others(ledger: Ledger) -> None:
    add_january(ledger)
    # Jan 2, 9, 15: 500 each = 1,500 USD; the Jan 16 charge is not before as_of;
    # storage and applied are out of scope; 40 EUR is reported
    found = spend(ledger, SCOPE, datetime(2026, 1, 1), datetime(2026, 1, 16))
    assert found == Spend(D(1500), "USD", {"EUR": D(40)})


def test_spend_reads_billed_cost_when_asked(ledger: Ledger) -> None:
    add_january(ledger)
    billed = SpendScope(SCOPE.filters, "USD", "billed_cost")
    # the Jan 9 charge is billed 600: 500 + 600 + 500 = 1,600
    assert spend(ledger, billed, datetime(2026, 1, 1), datetime(2026, 1, 16)).amount == 1600


def test_forecast_period_spend_reads_the_ledger(ledger: Ledger) -> None:
    add_january(ledger)
    forecast = forecast_period_spend(ledger, SCOPE, JANUARY, datetime(2026, 1, 16), method=RUN_RATE)
    # 1,500 over 15 days, 16 remaining: 3,100
    assert forecast.amount == D("3100.00")
    assert forecast.actual == D(1500)
    assert (forecast.elapsed_days, forecast.remaining_days) == (15, 16)
    assert forecast.method == RUN_RATE
    assert forecast.currency == "USD"


def test_forecast_uses_the_actual_it_is_given(ledger: Ledger) -> None:
    given_actual = Spend(D(620), "USD")
    forecast = forecast_period_spend(
        ledger, SCOPE, JANUARY, datetime(2026, 1, 1, 12), actual=given_actual, method=RUN_RATE
    )
    # 620 in half a day, 30.5 days remain: 620 + 1,240 × 30.5 = 38,440
    assert forecast.amount == D("38440.00")


@given(
    actual=st.decimals(min_value=D(0), max_value=D(10**7), places=2),
    elapsed=st.integers(1, 31),
)
def test_run_rate_is_the_daily_rate_times_the_whole_period(actual: Decimal, elapsed: int) -> None:
    forecast, _ = run_rate(actual, D(elapsed), D(31 - elapsed))
    assert forecast >= actual
    assert abs(forecast - actual / elapsed * 31) <= D("0.005")
