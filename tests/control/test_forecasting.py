"""Cost forecasts over the ledger: usage by model, recurring fees on their schedule,
one-time charges never extrapolated; stored once and reused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infracast.control.forecasting import forecast_costs
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts as store
from tests.analytics.ledgers import add_charges

WEEK = [10.0, 12.0, 14.0, 13.0, 11.0, 4.0, 3.0]  # Monday to Sunday


def _day(when: pd.Timestamp, cost: float, **row: object) -> dict[str, object]:
    return {
        "ChargePeriodStart": when.isoformat(),
        "ChargePeriodEnd": (when + pd.Timedelta(days=1)).isoformat(),
        "cost": cost,
        "ChargeFrequency": "Usage-Based",
        "x_team": "research",
        **row,
    }


@pytest.fixture
def company(ledger: Ledger) -> Ledger:
    """Ten weeks of a weekly usage pattern from Mon 2026-01-05, a 100 fee on the 1st of
    each month, and a 5,000 purchase on Jan 20."""
    days = pd.date_range("2026-01-05", periods=70, freq="D")
    rows = [_day(d, WEEK[i % 7]) for i, d in enumerate(days)]
    rows += [  # a monthly fee: charged for the month, on its first day
        _day(
            pd.Timestamp(f"2026-0{m}-01"),
            100.0,
            ChargeFrequency="Recurring",
            ChargePeriodEnd=f"2026-0{m + 1}-01T00:00:00",
        )
        for m in (2, 3)
    ]
    rows.append(_day(pd.Timestamp("2026-01-20"), 5000.0, ChargeCategory="Purchase",
                     ChargeFrequency="One-Time"))  # fmt: skip
    add_charges(ledger, rows)
    return ledger


def test_usage_is_forecast_and_the_monthly_fee_comes_back_on_its_day(company: Ledger) -> None:
    result = forecast_costs(company, by="team", horizon=14)
    out = result.forecast.set_index("ds")
    assert list(out.index) == list(pd.date_range("2026-03-16", periods=14, freq="D"))
    # a pure weekly pattern keeps its shape; the horizon ends Mar 29, before the next fee day
    assert not out["model"].str.contains("recurring").any()
    assert np.allclose(out["yhat"].to_numpy()[:7], WEEK, atol=0.5)
    longer = forecast_costs(company, by="team", horizon=21)
    fee_day = longer.forecast.set_index("ds").loc[pd.Timestamp("2026-04-01")]
    assert fee_day["model"].endswith("+recurring")
    assert fee_day["yhat"] == pytest.approx(WEEK[2] + 100.0, abs=0.5)  # a Wednesday + fee
    assert any("one-time" in n and "5,000.00" in n for n in longer.notes)
    assert (longer.forecast["yhat"] < 1000).all()  # the purchase is not extrapolated


def test_intervals_nest_and_the_backtest_is_kept_beside(company: Ledger) -> None:
    result = forecast_costs(company, horizon=7)
    f = result.forecast
    assert ((f.lo95 <= f.lo80) & (f.lo80 <= f.yhat) & (f.yhat <= f.hi80) & (f.hi80 <= f.hi95)).all()
    assert list(f.columns) == ["unique_id", "ds", "yhat", "lo80", "hi80", "lo95", "hi95", "model"]
    (choice,) = result.choices
    assert choice["unique_id"] == "total" and choice["model"] in ("seasonal_naive", "ets")
    # the usage repeats one week exactly: the seasonal-naive scale of MASE is 0, so the
    # choice is made by RMSE and says so
    assert choice["mase"] is None and "RMSE" in choice["reason"]


def test_the_same_forecast_is_stored_once_and_reused(company: Ledger) -> None:
    first = forecast_costs(company, by="team", horizon=7)
    again = forecast_costs(company, by="team", horizon=7)
    assert (first.reused, again.reused) == (False, True)
    assert again.forecast_id == first.forecast_id
    pd.testing.assert_frame_equal(again.forecast, first.forecast, check_dtype=False)
    assert len(store.latest(company.con)) == 1
    other = forecast_costs(company, by="team", horizon=8)  # other settings: a new forecast
    assert not other.reused and len(store.latest(company.con)) == 2
    saved = store.get(company.con, first.forecast_id)
    assert saved is not None and saved["scope"]["by"] == ["team"]
    assert saved["train_start"] == pd.Timestamp("2026-01-05")


def test_an_hourly_ledger_forecast_is_refused_with_the_frequencies_to_use(
    company: Ledger,
) -> None:
    with pytest.raises(QueryError, match='cannot use the frequency "h"') as caught:
        forecast_costs(company, freq="h")
    assert "day (D), week (W) or month (MS)" in (caught.value.hint or "")


def test_an_empty_scope_says_what_to_do(company: Ledger) -> None:
    with pytest.raises(QueryError, match="no charges to forecast"):
        forecast_costs(company, filters=["team=nobody"])
