"""prepare(): a long frame checked, renamed, put on its frequency's grid, or refused with a hint."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from infracast.forecast import ForecastError, infer_freq, normalise_freq, prepare, season_length
from infracast.forecast.frames import require_length, weekly_season

MakeFrame = Callable[..., pd.DataFrame]


def test_a_clean_frame_passes_through_sorted_and_typed(make_frame: MakeFrame) -> None:
    df = pd.concat([make_frame([3, 4, 5], uid="b"), make_frame([1, 2, 3], uid="a")])
    series = prepare(df, freq="D")
    assert list(series.df.columns) == ["unique_id", "ds", "y"]
    assert list(series.df["unique_id"]) == ["a", "a", "a", "b", "b", "b"]
    assert series.df["y"].dtype == np.float64
    assert (series.freq, series.season_length, series.drivers) == ("D", 7, ())


def test_a_frame_without_an_id_column_is_one_series_named_by_default() -> None:
    df = pd.DataFrame({"day": pd.date_range("2026-01-01", periods=3), "cost": [1.0, 2.0, 3.0]})
    series = prepare(df, time_col="day", target_col="cost", default_id="gpu_spend", freq="D")
    assert set(series.df["unique_id"]) == {"gpu_spend"}
    assert list(series.df["y"]) == [1.0, 2.0, 3.0]
    assert any("one series" in note for note in series.notes)


def test_other_column_names_are_renamed(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3]).rename(columns={"unique_id": "team", "ds": "day", "y": "cost"})
    series = prepare(df, id_col="team", time_col="day", target_col="cost")
    assert list(series.df.columns) == ["unique_id", "ds", "y"]


def test_a_missing_column_is_named_with_the_columns_present(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3]).rename(columns={"y": "cost"})
    with pytest.raises(ForecastError) as caught:
        prepare(df)
    assert 'no target column "y"' in caught.value.message
    assert "cost" in (caught.value.hint or "") and "target_col=" in (caught.value.hint or "")
    assert caught.value.field == "target_col"


def test_a_non_numeric_target_is_refused_with_examples(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3]).astype({"y": object})
    df.loc[1, "y"] = "$2"
    with pytest.raises(ForecastError, match=r"1 non-numeric values \(e.g. '\$2'\)") as caught:
        prepare(df, freq="D")
    assert "numbers only" in (caught.value.hint or "")


def test_duplicate_series_and_times_are_refused(make_frame: MakeFrame) -> None:
    df = pd.concat([make_frame([1, 2, 3]), make_frame([5], start="2026-01-02")])
    with pytest.raises(ForecastError, match="2 rows share a") as caught:
        prepare(df, freq="D")
    assert "groupby" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("typed", "alias"),
    [
        ("5min", "5min"),
        ("5T", "5min"),
        ("h", "h"),
        ("H", "h"),
        ("D", "D"),
        ("d", "D"),
        ("W", "W-SUN"),
        ("w-mon", "W-MON"),
        ("MS", "MS"),
        ("M", "ME"),
        ("QS", "QS-JAN"),
    ],
)
def test_frequency_aliases_are_normalised(typed: str, alias: str) -> None:
    assert normalise_freq(typed) == alias


@pytest.mark.parametrize("typed", ["5min", "H", "d", "W", "w-mon", "MS", "M", "QS", "YS", "B"])
def test_normalising_twice_changes_nothing(typed: str) -> None:
    once = normalise_freq(typed)
    assert normalise_freq(once) == once


def test_an_unknown_frequency_lists_the_valid_ones() -> None:
    with pytest.raises(ForecastError, match='unknown frequency "fortnight"') as caught:
        normalise_freq("fortnight")
    assert "5min" in (caught.value.hint or "") and "MS" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("freq", "season"),
    [
        *[("5min", 288), ("15min", 96), ("h", 24), ("H", 24), ("D", 7), ("B", 5)],
        *[("W", 52), ("MS", 12), ("QS", 4), ("YS", 1), ("2D", 1)],
    ],
)
def test_season_length_follows_the_frequency(freq: str, season: int) -> None:
    assert season_length(freq) == season


@pytest.mark.parametrize(
    ("freq", "week"),
    [("h", 168), ("30min", 336), ("D", 7), ("W", 52), ("MS", 12), ("2D", 1)],
)
def test_the_weekly_season_counts_the_periods_of_a_week(freq: str, week: int) -> None:
    # 24 hours x 7 days; 48 half hours x 7; longer periods keep their main season
    assert weekly_season(freq) == week


@pytest.mark.parametrize("freq", ["D", "h", "MS", "W-SUN", "5min"])
def test_the_frequency_is_inferred_when_not_given(make_frame: MakeFrame, freq: str) -> None:
    series = prepare(make_frame(np.arange(10.0), freq=freq))
    assert series.freq == freq
    assert f"frequency inferred from the data: {freq}." in series.notes


def test_the_most_common_frequency_wins(make_frame: MakeFrame) -> None:
    df = pd.concat(
        [make_frame(np.ones(5), uid=u) for u in "abc"] + [make_frame(np.ones(5), uid="d", freq="h")]
    )
    assert infer_freq(df) == "D"


def test_missing_periods_are_refused_with_the_ways_to_fill_them(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3, 4, 5]).drop(index=2)  # 2026-01-03 is missing
    with pytest.raises(ForecastError, match="1 periods are missing") as caught:
        prepare(df, freq="D")
    assert "2026-01-03" in caught.value.message
    assert 'gaps="zero"' in (caught.value.hint or "")


def test_missing_periods_are_filled_with_zero_or_interpolated(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3, 4, 5]).drop(index=2)
    assert list(prepare(df, freq="D", gaps="zero").df["y"]) == [1, 2, 0, 4, 5]
    filled = prepare(df, freq="D", gaps="interpolate")
    assert list(filled.df["y"]) == [1, 2, 3, 4, 5]
    assert "1 missing periods filled (interpolate)." in filled.notes


def test_an_empty_target_counts_as_a_missing_period(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3, 4])
    df.loc[1, "y"] = np.nan
    assert list(prepare(df, freq="D", gaps="zero").df["y"]) == [1, 0, 3, 4]


def test_timestamps_off_the_grid_are_refused(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3])
    df.loc[1, "ds"] = pd.Timestamp("2026-01-02 13:00")
    with pytest.raises(ForecastError, match="not on the D grid") as caught:
        prepare(df, freq="D")
    assert "floor" in (caught.value.hint or "")


def test_time_zones_are_converted_to_utc(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3], freq="h")
    df["ds"] = df["ds"].dt.tz_localize("Europe/Paris")
    series = prepare(df, freq="h")
    assert series.df["ds"].iloc[0] == pd.Timestamp("2025-12-31 23:00")
    assert series.df["ds"].dt.tz is None


def test_other_columns_are_numeric_drivers(make_frame: MakeFrame) -> None:
    df = make_frame([1, 2, 3]).assign(gpu_hours=[4, 5, 6], note=["x", "y", "z"])
    series = prepare(df, freq="D", drivers=["gpu_hours"])
    assert series.drivers == ("gpu_hours",)
    assert list(series.df.columns) == ["unique_id", "ds", "y", "gpu_hours"]
    with pytest.raises(ForecastError, match='driver "note" has 3 non-numeric'):
        prepare(df, freq="D")
    with pytest.raises(ForecastError, match='unknown driver column "gpu_hour"') as caught:
        prepare(df, freq="D", drivers=["gpu_hour"])
    assert 'Did you mean "gpu_hours"' in caught.value.message


def test_too_short_series_are_named(make_frame: MakeFrame) -> None:
    series = prepare(pd.concat([make_frame(np.ones(9)), make_frame([1, 2], uid="new")]), freq="D")
    with pytest.raises(ForecastError, match='series "new" has 2 observations') as caught:
        require_length(series, 8, 'model "ets"')
    assert 'model="auto"' in (caught.value.hint or "")
