"""backtest(): rolling-origin forecasts scored per model and series, against seasonal naive."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from infracast.forecast import ForecastError, backtest
from infracast.forecast.backtesting import calibration, score
from infracast.forecast.conformal import calibrate, conformal_rank, crossfit_choice, factors

MakeFrame = Callable[..., pd.DataFrame]


def test_a_perfect_forecast_scores_zero() -> None:
    train = pd.DataFrame(
        {"unique_id": "a", "ds": pd.date_range("2026-01-01", periods=4), "y": [1.0, 2, 4, 7]}
    )
    cv = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.date_range("2026-01-05", periods=2),
            "cutoff": pd.Timestamp("2026-01-04"),
            "y": [10.0, 12.0],
            "yhat": [10.0, 12.0],
            "lo80": [9.0, 11.0],
            "hi80": [11.0, 13.0],
        }
    )
    perfect = score(cv, train, 1, (80,)).iloc[0]
    assert (perfect["mase"], perfect["smape"], perfect["rmse"], perfect["coverage80"]) == (
        0,
        0,
        0,
        1,
    )
    # last value 7 for both days: errors 3 and 5, MAE 4; in-sample naive errors 1, 2, 3, scale 2
    naive = score(cv.assign(yhat=7.0, lo80=6.0, hi80=8.0), train, 1, (80,)).iloc[0]
    assert naive["mase"] == pytest.approx(2.0)
    assert naive["rmse"] == pytest.approx(np.sqrt((9 + 25) / 2))
    assert naive["smape"] == pytest.approx((3 / 17 + 5 / 19) / 2)
    assert naive["coverage80"] == 0


def test_naive_on_a_walk_of_unit_steps_has_a_mase_of_one(make_frame: MakeFrame) -> None:
    # windows at cutoffs 2 and 3: forecasts 2 and 3 for actuals 3 and 2, errors 1 and 1;
    # every in-sample step is ±1, so each window's scale is 1 and its MASE 1
    df = make_frame([0, 1, 0, 1, 2, 3, 2])
    result = backtest(df, 1, models=["naive"], n_windows=2, freq="D")
    naive = result.metrics.set_index("model").loc["naive"]
    assert naive["mase"] == pytest.approx(1.0)
    assert naive["smape"] == pytest.approx((1 / 5 + 1 / 5) / 2)
    assert naive["rmse"] == pytest.approx(1.0)
    assert "MASE scaled by the naive error (lag 1): histories too short for 7." in result.notes


def test_the_windows_roll_forward_to_the_last_observation(make_frame: MakeFrame) -> None:
    result = backtest(make_frame(np.arange(30.0)), 3, models=["naive"], n_windows=3, step_size=2)
    # the last window forecasts days 28-30 from day 27; the two before it start 2 and 4 earlier
    cutoffs = sorted(result.cv["cutoff"].unique())
    assert [c.day for c in cutoffs] == [23, 25, 27]
    assert result.cv["ds"].max() == pd.Timestamp("2026-01-30")
    assert (result.n_windows, result.step_size, result.h) == (3, 2, 3)


def test_seasonal_naive_is_always_the_baseline(random_walks: pd.DataFrame) -> None:
    result = backtest(random_walks, 7, models=["naive"], n_windows=2)
    assert set(result.metrics["model"]) == {"naive", "seasonal_naive"}
    baseline = result.metrics[result.metrics["model"] == "seasonal_naive"]
    assert np.allclose(baseline["relative_mase"], 1.0)
    naive = result.metrics[result.metrics["model"] == "naive"].set_index("unique_id")
    ratio = naive["mase"] / baseline.set_index("unique_id")["mase"]
    assert np.allclose(naive["relative_mase"], ratio)
    assert list(result.summary["model"]) == sorted(
        ["naive", "seasonal_naive"],
        key=lambda m: result.summary.set_index("model").loc[m, "mase_mean"],
    )
    assert set(result.summary.columns) >= {"series", "mase_mean", "coverage80", "coverage95"}
    assert result.summary.set_index("model").loc["seasonal_naive", "beats_seasonal_naive"] == 0


def test_coverage_is_near_nominal_for_naive_on_gaussian_random_walks(
    random_walks: pd.DataFrame,
) -> None:
    # naive's intervals are exact for a Gaussian random walk: 30 series x 4 windows x 7 days
    result = backtest(random_walks, 7, models=["naive"], n_windows=4)
    naive = result.summary.set_index("model").loc["naive"]
    assert 0.70 <= naive["coverage80"] <= 0.90
    assert 0.88 <= naive["coverage95"] <= 0.995
    assert 0.7 <= naive["mase_mean"] <= 1.6  # on a random walk naive is as good as it gets


def test_series_too_short_for_a_window_are_skipped_and_noted(make_frame: MakeFrame) -> None:
    df = pd.concat([make_frame(np.arange(30.0)), make_frame([1, 2, 3], uid="new")])
    result = backtest(df, 3, models=["naive"], n_windows=2)
    assert set(result.metrics["unique_id"]) == {"a"}
    # naive needs 2 periods of history, then h + (n_windows - 1) * step_size = 3 + 3 held out
    assert "naive: 1 series shorter than 8 periods were not backtested." in result.notes


def test_no_series_long_enough_is_an_error(make_frame: MakeFrame) -> None:
    with pytest.raises(ForecastError, match="no series is long enough") as caught:
        backtest(make_frame([1, 2, 3, 4]), 7, models=["naive"], n_windows=3)
    assert "n_windows" in (caught.value.hint or "")


def test_the_horizon_must_be_a_positive_whole_number(make_frame: MakeFrame) -> None:
    with pytest.raises(ForecastError, match="whole number of periods"):
        backtest(make_frame(np.arange(30.0)), 0, models=["naive"])


def _cv(errors: list[float]) -> pd.DataFrame:
    """Backtest rows with yhat 0 and 95% bounds -1 and +2 (half-widths 1 below, 2 above)."""
    n = len(errors)
    return pd.DataFrame(
        {
            "unique_id": "a",
            "model": "ets",
            "y": errors,
            "yhat": 0.0,
            "lo95": -1.0,
            "hi95": [2.0] * n,
        }
    )


def test_calibration_is_the_conformal_quantile_of_the_scaled_errors() -> None:
    # 19 points: scores |y| / half-width on the side of y; rank ceil(20 * 0.95) = 19, the
    # largest. Above: 0.2 .. 3.4 over 2 -> 0.1 .. 1.7; below: -0.9 over 1 -> 0.9.
    errors = [0.2 * k for k in range(1, 18)] + [-0.9, 0.0]
    factors = calibration(_cv(errors), [95])
    assert factors.loc[0, "n"] == 19
    assert factors.loc[0, "f95"] == pytest.approx(1.7)


def test_calibration_needs_enough_points_for_the_level() -> None:
    # 18 points: rank ceil(19 * 0.95) = 19 is beyond them, so no factor
    factors = calibration(_cv([0.5] * 18), [95])
    assert np.isnan(factors.loc[0, "f95"])


def test_the_marginal_conformal_rank_is_ceil_of_n_plus_one_times_the_level() -> None:
    # ceil(20 * 0.95) = 19; ceil(5 * 0.5) = 3; 18 points are too few at 95%: rank 19 > 18
    assert conformal_rank(19, 95, None) == 19
    assert conformal_rank(4, 50, None) == 3
    assert conformal_rank(18, 95, None) == 19


def test_the_training_conditional_rank_holds_the_level_with_probability_one_minus_delta() -> None:
    # n = 4, L = 50%: P(Bin(4, .5) >= 4) = 1/16 = 0.0625 <= 0.1 but P(>= 3) = 5/16 > 0.1
    assert conformal_rank(4, 50, 0.1) == 4
    # at 95% it needs 0.95 ** n <= 0.1: 0.95 ** 45 = 0.0994 fits, 0.95 ** 44 = 0.1047 does not
    assert conformal_rank(45, 95, 0.1) == 45
    assert conformal_rank(44, 95, 0.1) == 45


def _two_models(errors_a: list[float], errors_b: list[float]) -> pd.DataFrame:
    """One point per window (cutoffs 0, 1, 2...) of models a and b; yhat 0, 95% bounds +-1."""
    rows = [
        {"unique_id": "s", "cutoff": k, "model": m, "y": e, "yhat": 0.0, "lo95": -1.0, "hi95": 1.0}
        for m, errors in (("a", errors_a), ("b", errors_b))
        for k, e in enumerate(errors)
    ]
    return pd.DataFrame(rows)


def test_each_window_is_scored_with_the_model_chosen_without_it() -> None:
    # mean |error| over the other windows: leaving out window 0, a has (0 + 10) / 2 = 5 and
    # b has 1: b; window 1 likewise b; leaving out window 2, a has 0 and b has 1: a
    chosen = crossfit_choice(_two_models([0.0, 0.0, 10.0], [1.0, 1.0, 1.0]), ["a", "b"])
    assert list(chosen["model"]) == ["b", "b", "a"]


def test_a_tie_goes_to_the_earlier_candidate() -> None:
    chosen = crossfit_choice(_two_models([1.0, 1.0], [1.0, -1.0]), ["b", "a"])
    assert list(chosen["model"]) == ["b", "b"]


def test_intervals_narrow_only_on_enough_scores() -> None:
    # every |error| is 0.5 against a half-width of 1: all scores 0.5. 45 scores allow the
    # training-conditional rank (45), so the 95% interval halves; with 44 the marginal rank
    # is used and the interval may only widen: factor 1.
    enough = factors(_two_models([0.5] * 45, [5.0] * 45), ["a", "b"], [95])
    few = factors(_two_models([0.5] * 44, [5.0] * 44), ["a", "b"], [95])
    assert (enough.loc[0, "n"], enough.loc[0, "f95"]) == (45, pytest.approx(0.5))
    assert (few.loc[0, "n"], few.loc[0, "f95"]) == (44, pytest.approx(1.0))


def test_intervals_widen_to_errors_beyond_them_even_on_few_scores() -> None:
    # 19 scores 0.1, 0.2 ... 1.9 (errors over half-widths of 1): the marginal rank 19 is the
    # largest, 1.9; the forecast's half-widths of 2 become 3.8 about yhat = 10
    cv = _two_models([0.1 * k for k in range(1, 20)], [9.0] * 19)
    fcst = pd.DataFrame({"unique_id": ["s"], "yhat": [10.0], "lo95": [8.0], "hi95": [12.0]})
    out, notes = calibrate(fcst, cv, ["a", "b"], (95,))
    assert out.loc[0, "lo95"] == pytest.approx(10 - 3.8)
    assert out.loc[0, "hi95"] == pytest.approx(10 + 3.8)
    assert "1 series widened, 0 narrowed" in notes[0]


def test_too_few_scores_keep_the_models_interval() -> None:
    # 18 scores: no rank of them is a 95% quantile
    fcst = pd.DataFrame({"unique_id": ["s"], "yhat": [10.0], "lo95": [8.0], "hi95": [12.0]})
    out, notes = calibrate(fcst, _two_models([3.0] * 18, [9.0] * 18), ["a", "b"], (95,))
    assert (out.loc[0, "lo95"], out.loc[0, "hi95"], notes) == (8.0, 12.0, [])
