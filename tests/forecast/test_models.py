"""Each model by name: hand-checkable forecasts, intervals at every level, clear refusals."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.forecast import MODELS, ForecastError, prepare
from infracast.forecast.models import (
    INTERVALS,
    check_levels,
    cross_validate,
    fit_predict,
    min_length,
)

from .conftest import WEEK

MakeFrame = Callable[..., pd.DataFrame]


def test_naive_forecast_is_the_last_value(make_frame: MakeFrame) -> None:
    series = prepare(make_frame([5, 9, 7, 8, 6]), freq="D")
    out = fit_predict(series, "naive", 3)
    assert list(out["yhat"]) == [6.0, 6.0, 6.0]
    assert list(out["ds"]) == list(pd.date_range("2026-01-06", periods=3))


def test_seasonal_naive_repeats_the_last_season(seasonal: pd.DataFrame) -> None:
    out = fit_predict(prepare(seasonal), "seasonal_naive", 10)
    # eight whole weeks of history from a Monday: the next ten days are WEEK, then WEEK[:3]
    assert list(out["yhat"]) == [*WEEK, *WEEK[:3]]


def test_weekly_naive_repeats_the_hour_one_week_earlier(make_frame: MakeFrame) -> None:
    # three weeks of hourly values 0 .. 503: the forecast of hour 504 + k is hour 336 + k
    out = fit_predict(prepare(make_frame(np.arange(504.0), freq="h")), "weekly_naive", 24)
    assert out["yhat"].tolist() == list(np.arange(336.0, 360.0))
    assert out["ds"].iloc[0] == pd.Timestamp("2026-01-22 00:00")


def test_weekly_naive_needs_a_week_and_one_hour() -> None:
    assert min_length("weekly_naive", 24, 24, week=168) == 169
    assert min_length("weekly_naive", 7, 7) == 8  # daily data: the season is the week


def test_intervals_widen_with_the_level_and_the_horizon(make_frame: MakeFrame) -> None:
    # naive on a random walk: y_hat ± z σ √k, with σ the sd of the steps (all 1 or -1 here)
    series = prepare(make_frame([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), freq="D")
    out = fit_predict(series, "naive", 4, level=(50, 80, 95))
    intervals = ["lo50", "hi50", "lo80", "hi80", "lo95", "hi95"]
    assert list(out.columns) == ["unique_id", "ds", "yhat", *intervals]
    width = out["hi95"] - out["lo95"]
    assert np.allclose(width / width.iloc[0], np.sqrt([1, 2, 3, 4]))
    assert (out["hi50"] - out["lo50"] < out["hi80"] - out["lo80"]).all()


@pytest.mark.parametrize("name", MODELS)
def test_every_model_gives_nested_intervals(name: str, trended: pd.DataFrame) -> None:
    out = fit_predict(prepare(trended), name, 7)
    assert list(out.columns) == ["unique_id", "ds", "yhat", "lo80", "hi80", "lo95", "hi95"]
    assert len(out) == 7 and out.notna().all().all()
    ordered = [out["lo95"], out["lo80"], out["yhat"], out["hi80"], out["hi95"]]
    for lower, upper in itertools.pairwise(ordered):
        assert (lower <= upper + 1e-9).all()


def test_statistical_models_have_native_intervals_and_learned_ones_conformal() -> None:
    assert INTERVALS == {
        "naive": "native",
        "seasonal_naive": "native",
        "weekly_naive": "native",
        "ets": "native",
        "theta": "native",
        "arima": "native",
        "regression": "conformal",
        "global": "conformal",
    }


def test_regression_follows_its_driver(make_frame: MakeFrame) -> None:
    rng = np.random.default_rng(3)
    gpu_hours = rng.uniform(10, 20, 40)
    df = make_frame(5 + 3 * gpu_hours + rng.normal(0, 0.01, 40)).assign(gpu_hours=gpu_hours)
    future = pd.DataFrame(
        {"unique_id": "a", "ds": pd.date_range("2026-02-10", periods=3), "gpu_hours": [0, 10, 30]}
    )
    out = fit_predict(prepare(df, freq="D"), "regression", 3, X_df=future)
    # y = 5 + 3 x: 5, 35 and 95 (the day-of-week and trend terms stay near zero)
    assert np.allclose(out["yhat"], [5, 35, 95], atol=0.5)


def test_regression_with_drivers_needs_their_future_values(make_frame: MakeFrame) -> None:
    df = make_frame(np.arange(40.0)).assign(gpu_hours=np.arange(40.0))
    with pytest.raises(ForecastError, match=r"needs their future values") as caught:
        fit_predict(prepare(df, freq="D"), "regression", 3)
    assert "X_df" in (caught.value.hint or "") and caught.value.field == "X_df"
    partial = pd.DataFrame({"unique_id": "a", "ds": [pd.Timestamp("2026-02-10")], "gpu_hours": 1})
    with pytest.raises(ForecastError, match="no driver values for 2 forecast periods"):
        fit_predict(prepare(df, freq="D"), "regression", 3, X_df=partial)


def test_calendar_only_regression_continues_a_trend(make_frame: MakeFrame) -> None:
    series = prepare(make_frame(10 + 2 * np.arange(40.0)), freq="D")
    out = fit_predict(series, "regression", 3)
    assert np.allclose(out["yhat"], [90, 92, 94], atol=1e-6)


def test_cross_validation_forecasts_each_window_from_its_past(make_frame: MakeFrame) -> None:
    series = prepare(make_frame(np.arange(20.0)), freq="D")
    cv = cross_validate(series, "naive", 2, n_windows=3, step_size=2)
    assert list(cv.columns[:5]) == ["unique_id", "ds", "cutoff", "y", "yhat"]
    # cutoffs on days 14, 16, 18 (0-based values 13, 15, 17); naive repeats the cutoff's value
    assert list(cv["yhat"]) == [13, 13, 15, 15, 17, 17]
    assert list(cv["y"]) == [14, 15, 16, 17, 18, 19]


def test_an_unknown_model_suggests_the_closest(make_frame: MakeFrame) -> None:
    with pytest.raises(ForecastError, match=r'unknown model "thetaa"\. Did you mean "theta"'):
        fit_predict(prepare(make_frame([1, 2, 3]), freq="D"), "thetaa", 1)


def test_a_series_too_short_for_the_model_is_refused(make_frame: MakeFrame) -> None:
    with pytest.raises(ForecastError, match='has 5 observations; model "seasonal_naive" needs'):
        fit_predict(prepare(make_frame([1, 2, 3, 4, 5]), freq="D"), "seasonal_naive", 1)


@pytest.mark.parametrize("level", [(0,), (100,), (80.5,), ()])
def test_levels_must_be_whole_percentages(level: tuple[float, ...]) -> None:
    with pytest.raises(ForecastError, match="whole percentages"):
        check_levels(level)


def test_levels_are_sorted_and_distinct() -> None:
    assert check_levels([95, 80, 95.0]) == (80, 95)


@settings(max_examples=25, deadline=None)
@given(
    steps=st.lists(st.floats(-100, 100), min_size=9, max_size=30),
    name=st.sampled_from(["naive", "seasonal_naive"]),
)
def test_intervals_nest_whatever_the_history(steps: list[float], name: str) -> None:
    df = pd.DataFrame(
        {"unique_id": "a", "ds": pd.date_range("2026-01-01", periods=len(steps)), "y": steps}
    )
    out = fit_predict(prepare(df, freq="D"), name, 5)
    assert (out["lo95"] <= out["lo80"] + 1e-9).all() and (out["lo80"] <= out["yhat"] + 1e-9).all()
    assert (out["yhat"] <= out["hi80"] + 1e-9).all() and (out["hi80"] <= out["hi95"] + 1e-9).all()


def test_the_ets_backtest_holds_out_the_windows_statsforecast_does(
    random_walks: pd.DataFrame,
) -> None:
    # series of unequal length: the cutoffs are per series, counted from each end
    uneven = random_walks[~((random_walks.unique_id == "s00") & (random_walks.ds < "2026-01-11"))]
    series = prepare(uneven, freq="D")
    keys = ["unique_id", "ds", "cutoff"]
    ets = cross_validate(series, "ets", 7, n_windows=3, step_size=5)
    naive = cross_validate(series, "naive", 7, n_windows=3, step_size=5)
    ets, naive = (f.sort_values(keys).reset_index(drop=True) for f in (ets, naive))
    assert ets[keys].equals(naive[keys]) and len(ets) == 30 * 3 * 7
    assert np.allclose(ets["y"], naive["y"])


def test_an_ets_backtest_window_is_the_forecast_from_its_cutoff(trended: pd.DataFrame) -> None:
    series = prepare(trended, freq="D")
    cv = cross_validate(series, "ets", 5, n_windows=2, step_size=5)
    first = cv[cv.cutoff == cv.cutoff.min()]
    history = prepare(trended[trended.ds <= first.cutoff.iloc[0]], freq="D")
    direct = fit_predict(history, "ets", 5)
    assert np.allclose(first["yhat"].to_numpy(), direct["yhat"].to_numpy())
    assert np.allclose(first["lo95"].to_numpy(), direct["lo95"].to_numpy())
