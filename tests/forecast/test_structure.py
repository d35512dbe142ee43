"""Recurring fees continue on their schedule; nothing else is extrapolated by rule."""

from __future__ import annotations

import pandas as pd

from infracast.forecast.structure import recurring_forecast


def _daily(start: str, end: str, fee_days: dict[int, float]) -> pd.DataFrame:
    days = pd.date_range(start, end, freq="D")
    return pd.DataFrame({"ds": days, "y": [fee_days.get(d.day, 0.0) for d in days]})


def test_a_monthly_fee_comes_back_on_its_day() -> None:
    history = _daily("2026-01-01", "2026-03-20", {1: 100.0, 15: 40.0})
    future = pd.date_range("2026-03-21", "2026-05-16", freq="D")
    out = recurring_forecast(history, future, "D")
    charged = {d.date().isoformat(): v for d, v in out.items() if v}
    # the month up to Mar 20 holds the fee of Mar 1 and Mar 15 (and Feb 21+: none)
    assert charged == {"2026-04-01": 100.0, "2026-04-15": 40.0, "2026-05-01": 100.0,
                       "2026-05-15": 40.0}  # fmt: skip
    assert out.sum() == 280.0


def test_a_fee_on_the_31st_falls_on_the_last_day_of_a_short_month() -> None:
    history = _daily("2026-01-01", "2026-01-31", {31: 10.0})
    out = recurring_forecast(history, pd.date_range("2026-02-01", "2026-03-31", freq="D"), "D")
    assert {d.date().isoformat() for d, v in out.items() if v} == {"2026-02-28", "2026-03-31"}


def test_a_fee_that_stopped_two_months_ago_does_not_come_back() -> None:
    history = _daily("2026-01-01", "2026-03-31", {})
    history.loc[0, "y"] = 50.0  # charged on Jan 1 only
    out = recurring_forecast(history, pd.date_range("2026-04-01", periods=30, freq="D"), "D")
    assert out.sum() == 0.0


def test_monthly_and_weekly_grains_repeat_the_last_cycle() -> None:
    months = pd.DataFrame(
        {"ds": pd.date_range("2026-01-01", periods=3, freq="MS"), "y": [10.0, 12.0, 12.0]}
    )
    future = pd.date_range("2026-04-01", periods=2, freq="MS")
    assert recurring_forecast(months, future, "MS").tolist() == [12.0, 12.0]
    weeks = pd.DataFrame(
        {"ds": pd.date_range("2026-01-05", periods=6, freq="W-MON"), "y": [0, 0, 4, 4, 8, 8.0]}
    )
    nexts = pd.date_range("2026-02-16", periods=2, freq="W-MON")
    assert recurring_forecast(weeks, nexts, "W-MON").tolist() == [6.0, 6.0]  # (4+4+8+8)/4


def test_no_fees_forecast_zero() -> None:
    empty = pd.DataFrame({"ds": pd.to_datetime([]), "y": []})
    out = recurring_forecast(empty, pd.date_range("2026-01-01", periods=3, freq="D"), "D")
    assert out.tolist() == [0.0, 0.0, 0.0]
