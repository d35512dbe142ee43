"""Thresholds reached and budget status: pure evaluation, checked by hand."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from infracast.control.budgets.thresholds import (
    Crossing,
    crossings,
    fraction_to_pct,
    pct_to_fraction,
    percent_of,
    reached,
    status_of,
)

D = Decimal
DEFAULT_ACTUAL = (D(50), D(80), D(100))


def test_a_threshold_is_reached_at_exactly_its_share() -> None:
    # 80% of 50,000 is 40,000: reached at 40,000.00, not at 39,999.99
    assert reached(D("40000.00"), D(50000), D(80))
    assert not reached(D("39999.99"), D(50000), D(80))


def test_crossings_list_actual_then_forecast_from_the_lowest() -> None:
    # amount 1,000: actual 820 reaches 50% (500) and 80% (800), not 100%;
    # forecast 1,100 reaches 100% (1,000)
    found = crossings(D(1000), D(820), D(1100), DEFAULT_ACTUAL, [D(100)])
    assert found == [
        Crossing("actual", D(50), D(820)),
        Crossing("actual", D(80), D(820)),
        Crossing("forecast", D(100), D(1100)),
    ]
    assert [c.label for c in found] == ["actual 50%", "actual 80%", "forecast 100%"]


def test_fractional_thresholds() -> None:
    # 12.5% of 800 is 100
    assert crossings(D(800), D(100), D(100), [D("12.5")], []) == [
        Crossing("actual", D("12.5"), D(100))
    ]
    assert crossings(D(800), D("99.99"), D(100), [D("12.5")], []) == []


def test_nothing_reached_when_spend_is_low() -> None:
    assert crossings(D(1000), D(100), D(400), DEFAULT_ACTUAL, [D(100)]) == []


def test_status_over_when_actual_exceeds_the_amount() -> None:
    crossed = crossings(D(1000), D("1000.01"), D(1200), DEFAULT_ACTUAL, [D(100)])
    assert status_of(D(1000), D("1000.01"), D(1200), crossed) == "over"


def test_status_warning_at_exactly_the_amount() -> None:
    # spending all of it is not over, but the 100% threshold is reached
    crossed = crossings(D(1000), D(1000), D(1000), DEFAULT_ACTUAL, [D(100)])
    assert status_of(D(1000), D(1000), D(1000), crossed) == "warning"


def test_status_warning_when_only_the_forecast_overruns() -> None:
    # no thresholds at all, forecast 1,001 > 1,000
    assert status_of(D(1000), D(10), D(1001), []) == "warning"


def test_status_ok() -> None:
    crossed = crossings(D(1000), D(100), D(400), DEFAULT_ACTUAL, [D(100)])
    assert status_of(D(1000), D(100), D(400), crossed) == "ok"


def test_percent_of_to_a_tenth() -> None:
    assert percent_of(D(820), D(1000)) == D("82.0")
    assert percent_of(D(1), D(3)) == D("33.3")  # 33.333…
    assert percent_of(D(3100), D(3000)) == D("103.3")  # 103.333…


@given(st.decimals(min_value=D("0.01"), max_value=D(1000), places=2))
def test_threshold_survives_the_ledgers_fraction(pct: Decimal) -> None:
    assert fraction_to_pct(pct_to_fraction(pct)) == pct


@given(
    amount=st.decimals(min_value=D(1), max_value=D(10**6), places=2),
    low=st.decimals(min_value=D(0), max_value=D(10**6), places=2),
    extra=st.decimals(min_value=D(0), max_value=D(10**6), places=2),
)
def test_more_spend_never_reaches_fewer_thresholds(
    amount: Decimal, low: Decimal, extra: Decimal
) -> None:
    thresholds = [D(25), D(50), D("80.5"), D(100), D(150)]
    fewer = {c.threshold_pct for c in crossings(amount, low, low, thresholds, [])}
    more = {c.threshold_pct for c in crossings(amount, low + extra, low, thresholds, [])}
    assert fewer <= more
