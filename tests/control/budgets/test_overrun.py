"""The spread of a period's remaining spend, the overrun probability and the crossing day,
by hand arithmetic."""

from __future__ import annotations

import math
from datetime import date

import pytest

from infracast.control.budgets.overrun import (
    Z80,
    DayForecast,
    Outlook,
    crossing_day,
    outlook,
    remaining_sd,
)


def _day(n: int, sigma: float, yhat: float = 10.0, weight: float = 1.0) -> DayForecast:
    """Day ``n`` of January with an 80% interval of ± 1.2816 σ around ``yhat``."""
    return DayForecast(date(2026, 1, n), yhat, yhat - Z80 * sigma, yhat + Z80 * sigma, weight)


def test_a_days_sigma_is_read_from_its_80_percent_interval() -> None:
    # hi − lo = 2 × 1.2816 × 3: σ = 3
    assert _day(1, 3.0).sigma == pytest.approx(3.0)


def test_ets_level_sum_matches_simple_exponential_smoothing_exactly() -> None:
    # ETS(A,N,N), σ = 2, α = 0.5: σ_h² = 4 (1 + (h − 1) 0.25) = 4, 5, 6; a_j = ασ = 1
    days = [_day(h, math.sqrt(v)) for h, v in ((1, 4.0), (2, 5.0), (3, 6.0))]
    # Var = (2 + 1 × 2)² + (2 + 1 × 1)² + (2 + 0)² = 16 + 9 + 4 = 29;
    # exact: σ² Σ (1 + α(H − j))² = 4 (2² + 1.5² + 1²) = 4 × 7.25 = 29
    assert remaining_sd(days, "ets") == pytest.approx(math.sqrt(29))


def test_naive_sum_is_a_random_walk() -> None:
    # e1 = n1, e2 = n1 + n2, e3 = n1 + n2 + n3: the sum is 3 n1 + 2 n2 + n3, Var = 9 + 4 + 1
    days = [_day(h, math.sqrt(h)) for h in (1, 2, 3)]
    assert remaining_sd(days, "naive") == pytest.approx(math.sqrt(14))


def test_seasonal_naive_sum_is_a_random_walk_per_position_in_the_season() -> None:
    # season 2, 4 days, σ = 1: days 1, 3 share position 0 (e3 = n_a + n_b), days 2, 4
    # position 1: each position sums to 2 n_a + n_b, Var 5; two positions: 10
    days = [_day(h, 1.0 if h <= 2 else math.sqrt(2)) for h in (1, 2, 3, 4)]
    assert remaining_sd(days, "seasonal_naive", season_length=2) == pytest.approx(math.sqrt(10))


def test_independent_and_perfect_are_the_bounds() -> None:
    days = [_day(1, 3.0), _day(2, 4.0)]
    assert remaining_sd(days, structure="independent") == pytest.approx(5.0)  # √(9 + 16)
    assert remaining_sd(days, structure="perfect") == pytest.approx(7.0)  # 3 + 4


def test_the_share_of_a_day_still_to_come_weights_it() -> None:
    # half of day 1 and day 2 to come, both σ = 2, flat: √((0.5 × 2)² + 2²) = √5
    days = [_day(1, 2.0, weight=0.5), _day(2, 2.0)]
    assert remaining_sd(days, "ets") == pytest.approx(math.sqrt(5))


def test_outlook_adds_the_actual_the_weighted_forecast_and_the_fees() -> None:
    days = [
        DayForecast(date(2026, 1, 30), 10.0, 10.0, 10.0, weight=0.5, known=100.0),
        DayForecast(date(2026, 1, 31), 10.0, 10.0, 10.0),
    ]
    # 1,000 + 0.5 × 10 + 100 + 10 = 1,115, no spread
    assert outlook(1000.0, days) == Outlook(1115.0, 0.0)


def test_probability_above_is_the_normal_tail() -> None:
    # mean 110, sd 10, amount 100: z = −1, 1 − Φ(−1) = Φ(1) = 0.841345
    assert Outlook(110.0, 10.0).probability_above(100.0) == pytest.approx(0.841345, abs=1e-6)
    assert Outlook(100.0, 10.0).probability_above(100.0) == pytest.approx(0.5)


def test_probability_without_spread_is_certain() -> None:
    assert Outlook(110.0, 0.0).probability_above(100.0) == 1.0
    assert Outlook(100.0, 0.0).probability_above(100.0) == 0.0  # exceeding, not reaching


def test_crossing_day_is_the_first_day_the_cumulative_reaches_the_amount() -> None:
    steps = [(date(2026, 1, d), 10.0) for d in (20, 21, 22)]
    assert crossing_day(80.0, steps, 100.0) == date(2026, 1, 21)  # 90, 100: reached
    assert crossing_day(0.0, steps, 100.0) is None  # 30 by the end


def test_crossing_day_follows_credits_down_and_up() -> None:
    steps = [(date(2026, 1, 1), 60.0), (date(2026, 1, 2), -30.0), (date(2026, 1, 3), 80.0)]
    assert crossing_day(0.0, steps, 100.0) == date(2026, 1, 3)  # 60, 30, 110
