"""NPV: hand-checked cases, numpy-financial as an oracle, both conventions, monthly rates."""

from __future__ import annotations

from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infracast.errors import FinanceError
from infracast.finance import npv, periodic_rate
from infracast.finance.rates import as_rate, parse_convention


def test_npv_by_hand() -> None:
    # −200000 + 0/1.1 + 400000/1.1² = −200000 + 330578.5124 = 130578.51
    assert round(npv([-200000, 0, 400000], "0.10"), 2) == Decimal("130578.51")


def test_the_first_flow_is_undiscounted_by_default() -> None:
    # −1000 + 600/1.2 + 720/1.44 = −1000 + 500 + 500 = 0
    assert npv([-1000, 600, 720], "0.2") == 0


def test_the_spreadsheet_convention_discounts_the_first_flow_too() -> None:
    # (−1000 + 1100/1.1) / 1.1 = 0; and 110/1.1 = 100 for a single flow
    assert npv([110], "0.1", convention="end_of_period") == 100
    assert npv([110], "0.1", convention="t0") == 110


@pytest.mark.parametrize(
    "values",
    [[-1000, 300, 400, 500], [-50, 10, 10, 10, 10, 10, 10], [100, -300, 250], [0, 0, 5]],
)
@pytest.mark.parametrize("rate", ["0.05", "0.1", "0.35", "-0.2"])
def test_npv_matches_numpy_financial(values: list[int], rate: str) -> None:
    assert float(npv(values, rate)) == pytest.approx(npf.npv(float(rate), values), rel=1e-12)


def test_a_monthly_series_is_discounted_at_the_rate_compounding_to_the_annual_one() -> None:
    # 12 months at i = 1.1^(1/12) − 1 compound to exactly 10 %: 110 in month 12 is worth 100
    flows = [0] * 12 + [110]
    assert round(npv(flows, "0.1", periods_per_year=12), 10) == 100
    i = periodic_rate(Decimal("0.1"), 12)
    assert float(i) == pytest.approx(1.1 ** (1 / 12) - 1, rel=1e-14)  # 0.797414 %


@pytest.mark.parametrize("text", ["10%", "0.1", 0.1, Decimal("0.1")])
def test_rates_are_read_as_fractions_or_percentages(text: object) -> None:
    assert as_rate(text) == Decimal("0.1")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [("10", "more than 100 %"), ("-1", "more than −100"), ("ten", "not a number")],
)
def test_bad_rates_are_errors(text: str, message: str) -> None:
    with pytest.raises(FinanceError, match=message):
        as_rate(text)


def test_an_unknown_convention_suggests_the_known_ones() -> None:
    with pytest.raises(FinanceError, match='Did you mean "end_of_period"'):
        parse_convention("end_of_periods")


conventional = st.tuples(
    st.integers(1, 10**7),
    st.lists(st.integers(0, 10**7), min_size=1, max_size=30).filter(any),
)
rates = st.decimals(min_value="-0.5", max_value="1", places=4)


@given(conventional, rates, rates)
def test_npv_strictly_decreases_in_the_rate_for_conventional_flows(
    flows: tuple[int, list[int]], r1: Decimal, r2: Decimal
) -> None:
    # one outflow then inflows (at least one positive): every later term falls as r rises
    values = [-flows[0], *flows[1]]
    low, high = sorted((r1, r2))
    if low == high:
        return
    assert npv(values, low) > npv(values, high)
