"""forecast(): a named model or the best backtested one per series, with what made it."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from infracast.forecast import ForecastError, forecast, prepare
from infracast.forecast.models import fit_predict

from .conftest import WEEK

MakeFrame = Callable[..., pd.DataFrame]
COLUMNS = ["unique_id", "ds", "yhat", "lo80", "hi80", "lo95", "hi95", "model"]


def test_auto_picks_seasonal_naive_on_a_pure_seasonal_series(seasonal: pd.DataFrame) -> None:
    result = forecast(seasonal, 7)
    assert list(result.choices["model"]) == ["seasonal_naive"]
    assert list(result.forecast["yhat"]) == list(WEEK)
    # a history that repeats exactly has a zero MASE scale: the tie-break (RMSE) decides
    assert result.choices["reason"].iloc[0].startswith("lowest backtest RMSE among")
    assert result.choices["reason"].iloc[0].endswith("MASE undefined (flat history)")


def test_auto_picks_a_trended_model_on_a_trend(trended: pd.DataFrame) -> None:
    result = forecast(trended, 7)
    chosen = result.choices["model"].iloc[0]
    assert chosen in {"ets", "theta", "global"}
    # the line 10 + 2t goes on: days 60-66 are near 130-142
    assert np.allclose(result.forecast["yhat"], 10 + 2 * np.arange(60, 67), rtol=0.05)
    assert result.choices["mase"].iloc[0] < 1
    assert result.choices["reason"].iloc[0].startswith("lowest backtest MASE among")


def test_the_forecast_has_exactly_the_agreed_columns(trended: pd.DataFrame) -> None:
    result = forecast(trended, 5, model="naive")
    assert list(result.forecast.columns) == COLUMNS
    assert list(forecast(trended, 5, model="naive", level=[90]).forecast.columns) == [
        "unique_id",
        "ds",
        "yhat",
        "lo90",
        "hi90",
        "model",
    ]


def test_intervals_nest_around_the_forecast(seasonal: pd.DataFrame, trended: pd.DataFrame) -> None:
    both = pd.concat([seasonal.assign(unique_id="weekly"), trended])
    out = forecast(both, 7).forecast
    assert (out["lo95"] <= out["lo80"] + 1e-9).all() and (out["lo80"] <= out["yhat"] + 1e-9).all()
    assert (out["yhat"] <= out["hi80"] + 1e-9).all() and (out["hi80"] <= out["hi95"] + 1e-9).all()


def test_a_series_too_short_to_backtest_falls_back_and_says_why(
    make_frame: MakeFrame, trended: pd.DataFrame
) -> None:
    df = pd.concat([trended, make_frame([3, 4, 5, 4, 3, 4, 5, 4, 3, 4], uid="new")])
    choices = forecast(df, 7).choices.set_index("unique_id")
    # 10 days: one week and more of history, not enough for a 7-day backtest window
    assert choices.loc["new", "model"] == "seasonal_naive"
    assert choices.loc["new", "reason"].startswith("too short to backtest (10 periods")
    assert np.isnan(choices.loc["new", "mase"])
    tiny = forecast(make_frame([3, 4, 5]), 2).choices.iloc[0]
    assert tiny["model"] == "naive" and "naive by default" in tiny["reason"]


def test_a_named_model_is_backtested_beside_its_forecast(trended: pd.DataFrame) -> None:
    result = forecast(trended, 7, model="theta")
    choice = result.choices.iloc[0]
    assert (choice["model"], choice["reason"]) == ("theta", "model=theta")
    assert 0 <= choice["mase"] < 1 and 0 <= choice["coverage80"] <= 1
    assert "theta: native prediction intervals." in result.notes
    assert forecast(trended, 7, model="theta", evaluate=False).backtest is None


def test_forecast_agrees_with_the_model_fitted_directly(trended: pd.DataFrame) -> None:
    via_forecast = forecast(trended, 7, model="ets", evaluate=False).forecast
    direct = fit_predict(prepare(trended), "ets", 7)
    pd.testing.assert_frame_equal(via_forecast.drop(columns="model"), direct)


def test_regression_uses_future_drivers_given_under_the_users_column_names(
    make_frame: MakeFrame,
) -> None:
    rng = np.random.default_rng(5)
    tokens = rng.uniform(1, 2, 40)
    history = make_frame(4 * tokens).rename(columns={"unique_id": "team", "ds": "day"})
    history = history.rename(columns={"y": "cost"}).assign(tokens=tokens)
    future = pd.DataFrame(
        {"team": "a", "day": pd.date_range("2026-02-10", periods=2), "tokens": [1.0, 3.0]}
    )
    result = forecast(
        history, 2, model="regression", X_df=future, id_col="team", time_col="day",
        target_col="cost", evaluate=False,
    )  # fmt: skip
    assert np.allclose(result.forecast["yhat"], [4.0, 12.0], atol=0.05)


def test_auto_without_future_drivers_says_they_were_unused(make_frame: MakeFrame) -> None:
    df = make_frame(np.tile(WEEK, 6)).assign(gpu_hours=1.0)
    result = forecast(df, 7, candidates=["seasonal_naive", "naive"])
    assert "drivers gpu_hours unused: no X_df with their future values." not in result.notes
    result = forecast(df, 7)
    assert "drivers gpu_hours unused: no X_df with their future values." in result.notes


def test_json_and_rows_carry_the_forecast_and_its_provenance(seasonal: pd.DataFrame) -> None:
    result = forecast(seasonal, 2, model="seasonal_naive")
    doc = json.loads(result.to_json())
    assert list(doc) == ["h", "freq", "season_length", "level", "forecast", "choices", "notes"]
    assert doc["forecast"][0] == {
        "unique_id": "a",
        "ds": "2026-03-02T00:00:00",
        "yhat": 10.0,
        "lo80": doc["forecast"][0]["lo80"],
        "hi80": doc["forecast"][0]["hi80"],
        "lo95": doc["forecast"][0]["lo95"],
        "hi95": doc["forecast"][0]["hi95"],
        "model": "seasonal_naive",
    }
    choice = doc["choices"][0]
    window = ["train_start", "train_end", "n_obs"]
    scores = ["mase", "coverage80", "coverage95"]
    assert list(choice) == ["unique_id", "model", "reason", *window, *scores]
    assert (choice["train_start"], choice["train_end"], choice["n_obs"]) == (
        "2026-01-05T00:00:00",
        "2026-03-01T00:00:00",
        56,
    )
    assert result.to_rows() == doc["forecast"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "prophet"}, 'unknown model "prophet"'),
        ({"level": (80, 101)}, "whole percentages"),
        ({"candidates": ["seasonal_naive", "etz"]}, 'Did you mean "ets"'),
    ],
)
def test_bad_arguments_are_refused_with_a_hint(
    seasonal: pd.DataFrame, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ForecastError, match=message) as caught:
        forecast(seasonal, 7, **kwargs)  # type: ignore[arg-type]
    assert caught.value.hint


def test_auto_tries_the_week_before_on_hourly_data(make_frame: MakeFrame) -> None:
    # three weeks repeating one seeded week of 168 different hours: only the value a week
    # earlier forecasts it exactly (the day before does not)
    week = np.random.default_rng(5).uniform(0, 10, 168)
    result = forecast(make_frame(np.tile(week, 3), freq="h"), 24)
    assert list(result.choices["model"]) == ["weekly_naive"]
    assert np.allclose(result.forecast["yhat"], week[:24])
    assert "among ets, seasonal_naive, weekly_naive" in result.choices["reason"].iloc[0]


def test_auto_on_hourly_data_too_short_for_a_week_does_not_try_it(make_frame: MakeFrame) -> None:
    # 200 hours: a week and one hour (169) plus the 72 held out do not fit
    result = forecast(make_frame(np.arange(200.0) % 24, freq="h"), 24)
    assert "weekly_naive" not in result.choices["reason"].iloc[0]


def test_auto_rescales_intervals_to_its_cross_fitted_backtest_errors(
    random_walks: pd.DataFrame,
) -> None:
    result = forecast(random_walks, 7)
    merged = result.forecast.merge(
        pd.concat(
            fit_predict(prepare(random_walks[random_walks["unique_id"] == uid]), str(m), 7)
            for uid, m in zip(result.choices["unique_id"], result.choices["model"], strict=True)
        ),
        on=["unique_id", "ds"],
        suffixes=("", "_model"),
    )
    assert (merged["yhat"] == merged["yhat_model"]).all()
    # 80%: one factor per series scales both half-widths of the model's interval
    above = (merged["hi80"] - merged["yhat"]) / (merged["hi80_model"] - merged["yhat"])
    below = (merged["yhat"] - merged["lo80"]) / (merged["yhat"] - merged["lo80_model"])
    assert np.allclose(above, below)
    assert np.allclose(above.groupby(merged["unique_id"]).std().fillna(0.0), 0.0, atol=1e-9)
    # 95%: 3 windows of 7 give 21 scores, fewer than the 45 needed to narrow: never narrower
    assert (merged["lo95"] <= merged["lo95_model"] + 1e-9).all()
    assert (merged["hi95"] >= merged["hi95_model"] - 1e-9).all()
    assert (merged["hi95"] > merged["hi95_model"] + 1e-9).any()
    assert any("rescaled to cross-fitted backtest errors" in note for note in result.notes)


def test_auto_on_hourly_data_backtests_a_week_of_daily_cutoffs(make_frame: MakeFrame) -> None:
    # 500 hours: the week before needs 169 hours, then 7 windows of 24 hold out 168: 337 fit
    result = forecast(make_frame(np.arange(500.0) % 24 + 0.1 * np.arange(500.0), freq="h"), 24)
    assert result.backtest is not None and result.backtest.n_windows == 7
    assert "(7 windows of 24)" in result.choices["reason"].iloc[0]
    # 300 hours: (300 - 169 - 24) // 24 + 1 = 5 windows fit with the week before
    short = forecast(make_frame(np.arange(300.0) % 24, freq="h"), 24)
    assert short.backtest is not None and short.backtest.n_windows == 5
    # daily data keeps 3, and an explicit n_windows is kept
    daily = forecast(make_frame(np.arange(300.0) % 7), 7).backtest
    assert daily is not None and daily.n_windows == 3
    given = forecast(make_frame(np.arange(500.0) % 24, freq="h"), 24, n_windows=3).backtest
    assert given is not None and given.n_windows == 3
