"""Discount rates as people write them: a fraction, or a percentage with its sign."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.errors import FinanceError
from infracast.finance import cashflows, metrics
from infracast.finance.rates import as_rate


@pytest.mark.parametrize(("text", "rate"), [("500%", "5"), ("150 %", "1.5"), ("100%", "1")])
def test_a_rate_with_its_percent_sign_may_exceed_a_hundred_percent(text: str, rate: str) -> None:
    # IRR and NPV are defined for any rate above −100 %; the % sign says it is meant
    assert as_rate(text) == Decimal(rate)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("10", "Write 10 % as 0.1 or 10%; a rate above 100 % a year takes its % sign (150%)."),
        ("500", "Write 500 % as 500%; a rate above 100 % a year takes its % sign (150%)."),
    ],
)
def test_a_bare_rate_above_one_is_refused_with_a_hint_that_reads(text: str, hint: str) -> None:
    with pytest.raises(FinanceError, match="more than 100 % a year") as err:
        as_rate(text)
    assert err.value.hint == hint
    assert "% %" not in str(err.value) and "%%" not in str(err.value)


def test_a_rate_at_or_below_minus_a_hundred_percent_is_refused() -> None:
    with pytest.raises(FinanceError, match="must be more than −100 %") as err:
        as_rate("-100%")
    assert "% %" not in str(err.value)


def test_metrics_at_a_rate_above_a_hundred_percent_say_so() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 600}])
    result = metrics(flows, "500%")
    # NPV = −100 + 600 / (1 + 5) = 0
    assert result.npv == Decimal(0)
    assert any("500 % a year is above 100 %" in note for note in result.notes)
