"""Payback: by hand, discounted, never, and when the benefit dips again."""

from __future__ import annotations

from decimal import Decimal

from infracast.finance import payback


def d(*values: int) -> list[Decimal]:
    return [Decimal(v) for v in values]


def test_payback_interpolates_within_the_period() -> None:
    # cumulative −1000, −600, −200, +200: paid back 200/400 = half way through year 3
    assert payback(d(-1000, 400, 400, 400)).period == 2.5


def test_payback_at_the_end_of_period_convention_is_one_period_later() -> None:
    # the −1000 arrives at t = 1, so cumulative 0, −1000, −600, −200, +200 → 3.5
    assert payback(d(-1000, 400, 400, 400), offset=1).period == 3.5


def test_never_paid_back_is_none() -> None:
    assert payback(d(-1000, 400, 400)).period is None  # ends at −200


def test_never_negative_is_zero() -> None:
    assert payback(d(10, 0, 5)).period == 0.0


def test_payback_is_when_it_stays_paid_back() -> None:
    # cumulative −100, +50 (first reached at 0 + 100/150), −50, +50 (for good at 2 + 50/100)
    result = payback(d(-100, 150, -100, 100))
    assert result.period == 2.5
    assert result.first_reached == 100 / 150
