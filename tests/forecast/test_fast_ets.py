"""The vectorized additive ETS: hand-checkable series, equivalent paths, intervals, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infracast.errors import InfracastError
from infracast.forecast._fast_ets import FastETSError, fit_forecast
from infracast.forecast._fast_ets_frame import forecast_frame

WEEK = np.array([3.0, 5.0, 4.0, 6.0, 9.0, 1.0, 2.0])


def _noisy(n: int, length: int = 120, seed: int = 1) -> np.ndarray:
    """Weekly, trended, noisy series (as in bench/forecast.py, smaller)."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    level = rng.uniform(50, 200, n)[:, None]
    slope = rng.normal(0, 0.3, n)[:, None]
    pattern = rng.normal(0, 10, (n, 7))
    return level + slope * t + pattern[:, t % 7] + rng.normal(0, 3, (n, length))


def test_a_constant_series_forecasts_the_constant_with_no_width() -> None:
    result = fit_forecast(np.full((1, 60), 5.0), season_length=7, h=10)
    np.testing.assert_allclose(result.mean, 5.0, atol=1e-9)
    assert np.all(result.upper[95] - result.lower[95] < 1e-6)
    assert result.form[0] == "ANA"  # no error to explain: the fewest parameters win


def test_a_pure_weekly_pattern_is_repeated() -> None:
    y = np.tile(WEEK, 8)[None, :]  # 56 days, day 56 is WEEK[0] again
    result = fit_forecast(y, season_length=7, h=14)
    np.testing.assert_allclose(result.mean[0], np.tile(WEEK, 2), atol=1e-6)


def test_a_linear_trend_is_extended() -> None:
    # y_t = 10 + 2 t for t = 0 .. 49, so y_49 = 108; the next days are 110, 112, ...
    # and the 5th step ahead is 10 + 2 * 54 = 118. Holt's AAA fits it with zero error.
    y = (10.0 + 2.0 * np.arange(50))[None, :]
    result = fit_forecast(y, season_length=7, h=5)
    np.testing.assert_allclose(result.mean[0], [110, 112, 114, 116, 118], atol=1e-6)
    assert result.form[0] == "AAA"


def test_a_linear_trend_is_extended_without_season() -> None:
    y = (10.0 + 2.0 * np.arange(20))[None, :]  # y_19 = 48, next 50 and 52
    result = fit_forecast(y, season_length=1, h=2)
    np.testing.assert_allclose(result.mean[0], [50, 52], atol=1e-6)
    assert result.form[0] == "AAN"


def test_fitting_many_series_at_once_equals_fitting_each_alone() -> None:
    y = _noisy(6)
    together = fit_forecast(y, season_length=7, h=14, chunk_size=4, threads=2)
    for i in range(len(y)):
        alone = fit_forecast(y[i : i + 1], season_length=7, h=14, threads=1)
        assert alone.form[0] == together.form[i]
        np.testing.assert_allclose(alone.mean[0], together.mean[i], rtol=1e-6)
        np.testing.assert_allclose(alone.upper[95][0], together.upper[95][i], rtol=1e-6)
        np.testing.assert_allclose(alone.alpha[0], together.alpha[i], rtol=1e-6)


def test_shifting_and_scaling_the_series_shifts_and_scales_the_forecast() -> None:
    # The additive model is equivariant: a level of a million and noise of a few units
    # is forecast as well as the same series near zero (the float32 search sees the noise).
    y = _noisy(3)
    near = fit_forecast(y, season_length=7, h=7)
    far = fit_forecast(1e6 + 10.0 * y, season_length=7, h=7)
    np.testing.assert_allclose(far.mean, 1e6 + 10.0 * near.mean, rtol=1e-9)
    np.testing.assert_allclose(far.upper[95] - far.mean, 10 * (near.upper[95] - near.mean))


def test_intervals_nest_and_widen_with_the_horizon() -> None:
    result = fit_forecast(_noisy(5), season_length=7, h=21)
    assert np.all(result.lower[95] <= result.lower[80])
    assert np.all(result.lower[80] <= result.mean)
    assert np.all(result.mean <= result.upper[80])
    assert np.all(result.upper[80] <= result.upper[95])
    width = result.upper[95] - result.lower[95]
    assert np.all(np.diff(width, axis=1) >= -1e-9)


def test_the_95_interval_of_one_form_is_1_96_sigma_at_one_step() -> None:
    result = fit_forecast(_noisy(3), season_length=7, h=1, combine="select")
    half = (result.upper[95] - result.lower[95])[:, 0] / 2
    np.testing.assert_allclose(half, 1.959964 * np.sqrt(result.sigma2), rtol=1e-5)


def test_left_padding_with_nan_equals_fitting_the_shorter_series_alone() -> None:
    y = _noisy(2, length=100)
    padded = y.copy()
    padded[1, :40] = np.nan  # the second series starts 40 days later
    both = fit_forecast(padded, season_length=7, h=10)
    alone = fit_forecast(y[1:, 40:], season_length=7, h=10)
    np.testing.assert_allclose(both.mean[1], alone.mean[0], rtol=1e-6)
    np.testing.assert_allclose(both.upper[80][1], alone.upper[80][0], rtol=1e-6)
    assert both.fitted is not None and np.isnan(both.fitted[1, :40]).all()


def test_an_interior_missing_value_is_stepped_over() -> None:
    y = _noisy(1)
    y[0, 60] = np.nan
    result = fit_forecast(y, season_length=7, h=7)
    assert np.isfinite(result.mean).all()
    assert np.isfinite(result.upper[95]).all()


def test_the_frame_api_handles_series_of_unequal_length_and_end() -> None:
    y = _noisy(2, length=90)
    days = pd.date_range("2026-01-01", periods=90, freq="D")
    df = pd.concat(
        [
            pd.DataFrame({"unique_id": "a", "ds": days, "y": y[0]}),
            pd.DataFrame({"unique_id": "b", "ds": days[:70], "y": y[1, 20:]}),  # ends early
        ]
    ).sample(frac=1.0, random_state=0)  # any row order
    out = forecast_frame(df, h=5, season_length=7)
    assert list(out.columns) == ["unique_id", "ds", "yhat", "lo80", "hi80", "lo95", "hi95"]
    b = out[out["unique_id"] == "b"]
    assert list(b["ds"]) == list(pd.date_range(days[70], periods=5, freq="D"))
    alone = fit_forecast(y[1:, 20:], season_length=7, h=5)
    np.testing.assert_allclose(b["yhat"], alone.mean[0], rtol=1e-6)
    np.testing.assert_allclose(b["hi95"], alone.upper[95][0], rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"season_length": 0}, "season_length"),
        ({"h": 0}, "horizon"),
        ({"levels": (80, 100)}, "levels"),
        ({"y": np.ones(30)}, "2-D"),
        ({"y": np.ones((1, 10))}, "fewer than 15"),
        ({"y": np.r_[np.ones(29), np.nan][None, :]}, "ends with NaN"),
        ({"y": np.r_[np.ones(29), np.inf][None, :]}, "infinite"),
    ],
)
def test_invalid_input_is_a_clear_error(kwargs: dict[str, object], words: str) -> None:
    args: dict[str, object] = {"y": np.ones((1, 30)), "season_length": 7, "h": 3}
    args.update(kwargs)
    with pytest.raises(FastETSError, match=words) as caught:
        fit_forecast(**args)  # type: ignore[arg-type]
    assert isinstance(caught.value, InfracastError) and isinstance(caught.value, ValueError)
    assert caught.value.hint


def test_a_frame_without_y_is_a_clear_error() -> None:
    df = pd.DataFrame({"unique_id": ["a"], "ds": [pd.Timestamp("2026-01-01")]})
    with pytest.raises(FastETSError, match=r"lacks the column\(s\) \['y'\]"):
        forecast_frame(df, h=3, season_length=7)


def test_the_frame_api_keeps_whole_days_across_a_dst_change() -> None:
    days = pd.date_range("2026-03-01", periods=60, freq="D", tz="Europe/Paris")  # DST 29 March
    df = pd.DataFrame({"unique_id": "a", "ds": days, "y": _noisy(1, length=60)[0]})
    out = forecast_frame(df, h=3, season_length=7)
    assert list(out["ds"]) == list(pd.date_range("2026-04-30", periods=3, tz="Europe/Paris"))


def test_a_missing_date_in_the_frame_is_a_missing_value() -> None:
    y = _noisy(1, length=60)[0]
    days = pd.date_range("2026-01-01", periods=60, freq="D")
    df = pd.DataFrame({"unique_id": "a", "ds": days, "y": y})
    gap = forecast_frame(df.drop(index=[20, 21]), h=3, season_length=7)
    padded = y.copy()
    padded[20:22] = np.nan
    np.testing.assert_allclose(gap["yhat"], fit_forecast(padded[None, :], 7, 3).mean[0])
