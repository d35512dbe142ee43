"""The usage forecast of a budget is made once per input: asked again with the same data
it is not fitted again, and any change of the data fits it again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

import infracast.forecast
from infracast.control.budgets.forecast import remaining_days
from infracast.control.budgets.forecast_memo import (
    USAGE_FORECASTS,
    ForecastMemo,
    UsageForecast,
    forecast_key,
)
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.spend import SpendScope
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.budgets.fixtures import add_flat, usage_charge

SCOPE = SpendScope(("team=research",), "USD")
FEBRUARY = BudgetPeriod("month", date(2026, 2, 1), date(2026, 3, 1))
AS_OF = datetime(2026, 2, 15)


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The horizons :func:`infracast.forecast.forecast` was fitted for, from an empty memo."""
    real = infracast.forecast.forecast
    made: list[int] = []

    def counting(df: Any, h: int, **kwargs: Any) -> Any:
        made.append(h)
        return real(df, h, **kwargs)

    monkeypatch.setattr(infracast.forecast, "forecast", counting)
    USAGE_FORECASTS.clear()
    yield made
    USAGE_FORECASTS.clear()


def test_the_same_data_is_not_fitted_again(ledger: Ledger, fits: list[int]) -> None:
    add_flat(ledger)
    first = remaining_days(ledger, SCOPE, FEBRUARY, AS_OF)
    again = remaining_days(ledger, SCOPE, FEBRUARY, AS_OF)
    assert fits == [14]  # Feb 15 … Feb 28, fitted once
    assert again == first


def test_one_changed_value_is_fitted_again(ledger: Ledger, fits: list[int]) -> None:
    add_flat(ledger)
    before = remaining_days(ledger, SCOPE, FEBRUARY, AS_OF)
    add_charges(ledger, [usage_charge(date(2026, 2, 10), "1")])  # Feb 10: 100 → 101
    after = remaining_days(ledger, SCOPE, FEBRUARY, AS_OF)
    assert fits == [14, 14]
    assert not isinstance(before, str) and not isinstance(after, str)
    assert after.parts["usage"][date(2026, 2, 10)] == 101.0


def test_another_horizon_is_fitted_again(ledger: Ledger, fits: list[int]) -> None:
    add_flat(ledger)
    remaining_days(ledger, SCOPE, FEBRUARY, AS_OF)
    remaining_days(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 16))
    assert fits == [14, 13]


def test_keys_differ_with_any_input() -> None:
    key = forecast_key(date(2026, 1, 1), [1.0, 2.0], 7, model="auto")
    assert key == forecast_key(date(2026, 1, 1), [1.0, 2.0], 7, model="auto")
    assert key != forecast_key(date(2026, 1, 2), [1.0, 2.0], 7, model="auto")
    assert key != forecast_key(date(2026, 1, 1), [1.0, 2.0000000001], 7, model="auto")
    assert key != forecast_key(date(2026, 1, 1), [1.0, 2.0, 0.0], 7, model="auto")
    assert key != forecast_key(date(2026, 1, 1), [1.0, 2.0], 8, model="auto")
    assert key != forecast_key(date(2026, 1, 1), [1.0, 2.0], 7, model="ets")


def test_the_memo_keeps_the_most_recently_used_entries() -> None:
    memo = ForecastMemo(size=2)
    made: list[str] = []

    def make(name: str) -> UsageForecast:
        made.append(name)
        return UsageForecast((), name, 7)

    for name in ("a", "b", "a", "c", "a", "b"):  # c pushes b out; a stays in use
        memo.get_or_make(name, lambda name=name: make(name))  # type: ignore[misc]
    assert made == ["a", "b", "c", "b"]
    assert len(memo) == 2


def test_the_memo_is_safe_across_threads() -> None:
    memo = ForecastMemo(size=8)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(200):
                name = str((i + offset) % 16)
                got = memo.get_or_make(name, lambda name=name: UsageForecast((), name, 7))  # type: ignore[misc]
                assert got.model == name
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(memo) == 8
