"""IRR: one root, none, several; against numpy-financial and by hand."""

from __future__ import annotations

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.finance import irr


def _npv(values: list[float], rate: float) -> float:
    return sum(v / (1 + rate) ** t for t, v in enumerate(values))


def test_irr_by_hand() -> None:
    # −100 + 121/(1+r)² = 0 → (1+r)² = 1.21 → r = 0.1
    result = irr([-100, 0, 121])
    assert result.value == pytest.approx(0.1, abs=1e-12)
    assert result.roots == (result.value,)
    assert result.note is None


@pytest.mark.parametrize(
    "values",
    [
        [-1000, 300, 400, 500],
        [-500000, 150000, 150000, 150000, 150000],
        [-100, 39, 59, 55, 20],
        [-10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],  # about 2.9 %
        [-100, 1000],  # 900 %
        [-100, 50],  # −50 %
    ],
)
def test_irr_matches_numpy_financial_for_conventional_flows(values: list[int]) -> None:
    assert irr(values).value == pytest.approx(npf.irr(values), abs=1e-9)


def test_flows_that_never_change_sign_have_no_irr() -> None:
    result = irr([100, 200, 300])
    assert result.value is None and result.roots == ()
    assert "never change sign" in (result.note or "")
    assert irr([0, 0]).note is not None


def test_two_sign_changes_can_give_two_irrs_and_no_single_answer() -> None:
    # −100 + 230/(1+r) − 132/(1+r)² = 0 ⇔ with x = 1+r: 100x² − 230x + 132 = 0
    # x = (230 ± √(52900 − 52800)) / 200 = (230 ± 10)/200 → r = 0.1 or 0.2
    result = irr([-100, 230, -132])
    assert result.value is None
    assert result.roots == pytest.approx((0.1, 0.2), abs=1e-10)
    assert "2 rates make NPV zero" in (result.note or "")


def test_a_root_where_npv_only_touches_zero_is_found() -> None:
    # −100 + 200/(1+r) − 100/(1+r)² = −100(1 − 1/(1+r))² ≤ 0: zero only at r = 0
    result = irr([-100, 200, -100])
    assert result.value == pytest.approx(0.0, abs=1e-6)


def test_a_sign_change_without_a_root_in_range_says_so() -> None:
    # −1 + 0.001/(1+r): zero at r = −0.999, outside (−0.99, 10]
    result = irr([-1, 0.001])
    assert result.value is None and result.roots == ()
    assert "No rate from -99% to 1000%" in (result.note or "")


def test_long_monthly_series_stay_finite() -> None:
    values = [-1_000_000] + [12_000] * 360  # 30 years of months
    assert irr(values).value == pytest.approx(npf.irr(values), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 10**6),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=24).filter(any),
)
def test_npv_at_the_irr_is_zero(outflow: int, inflows: list[int]) -> None:
    values = [-outflow, *inflows]
    result = irr(values)
    scale = sum(abs(v) for v in values)
    if result.value is None:  # the one root lies outside (−99 %, 1000 %]: no sign change there
        assert result.roots == ()
        assert _npv(values, -0.99 + 1e-9) * _npv(values, 10.0) > 0
        return
    assert len(result.roots) == 1  # conventional flows have one IRR (Descartes)
    assert abs(_npv(values, result.value)) <= 1e-7 * scale
