"""The anomaly rule: hand-checked arithmetic, planted incidents at four frequencies,
causality, input errors, and the pooled NAB figures of the shipped defaults."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infracast.errors import InfracastError
from infracast.forecast.anomalies import (
    AnomalyError,
    AnomalySettings,
    detect_anomalies,
    score_anomalies,
)
from infracast.forecast.anomaly_filters import heading, lead_in, lead_periods, material
from infracast.forecast.anomaly_rules import events, season_length
from infracast.forecast.anomaly_windows import WindowScore, score_windows
from tests.conftest import shared_path

NO_LEVEL = {"band_margin": 1e9}  # a band so wide the level rule never fires


def frame(y: list[float] | np.ndarray, freq: str = "5min", uid: str = "gpu") -> pd.DataFrame:
    ds = pd.date_range("2026-01-05", periods=len(y), freq=freq)
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": np.asarray(y, dtype=float)})


def planted(n: int, season: int, spike: int, shift: int, seed: int = 7) -> np.ndarray:
    """A daily-shaped seasonal metric with noise, +30 at ``spike``, +25 from ``shift`` on."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 + 10 * np.sin(2 * np.pi * t / season) + rng.normal(0.0, 1.0, n)
    y[spike] += 30.0
    y[shift:] += 25.0
    return y


# -- the arithmetic, by hand ---------------------------------------------------------


def test_a_spike_is_scored_against_the_median_and_the_largest_past_residual() -> None:
    # center 3, history 4, width 1. Residuals e_t = y_t - median of the previous 3 points:
    #   t1: 12 - 10 = 2;  t2: 10 - median(10, 12) = -1;  t3: 11 - median(10, 12, 10) = 1;
    #   t4: 10 - median(12, 10, 11) = -1;  t5: 40 - median(10, 11, 10) = 30.
    # At t5 the 4 past residuals (a full history: no stretch) are at most 2 above and 1
    # below: [lo, hi] = [9, 12] and score = 30 / (12 - 10) = 15.
    # At t4 only 3 residuals precede: the interval is stretched by sqrt(ln 4 / ln 3),
    # so the score is -1 / 1 / sqrt(ln 4 / ln 3) = -0.79, inside.
    settings = AnomalySettings(
        center=3, history=4, width=1.0, min_history=3, cooldown=1, **NO_LEVEL
    )
    scored = score_anomalies(frame([10, 12, 10, 11, 10, 40]), settings=settings)
    last = scored.iloc[5]
    assert (last["expected"], last["lo"], last["hi"], last["score"]) == (10, 9, 12, 15)
    assert last["rule"] == "jump" and last["anomaly"]
    assert scored["score"].iloc[4] == pytest.approx(-1 / np.sqrt(np.log(4) / np.log(3)))
    assert scored["anomaly"].tolist() == [False] * 5 + [True]
    assert np.isnan(scored["score"].iloc[0])


def test_width_scales_the_interval_around_the_expected_value() -> None:
    settings = AnomalySettings(center=3, history=4, width=2.0, min_history=3, **NO_LEVEL)
    last = score_anomalies(frame([10, 12, 10, 11, 10, 40]), settings=settings).iloc[5]
    assert (last["lo"], last["hi"], last["score"]) == (8, 14, 7.5)  # 10 - 2·1, 10 + 2·2, 30/4


def test_a_cooldown_makes_one_incident_one_event() -> None:
    # candidates at 3, 4, 5 and 9; cooldown 4: 3 is flagged, 4 and 5 fall within it,
    # 9 is 6 points after 3 and starts a new event. Nothing before min_history = 2.
    # With min_history 0: 0 is flagged, 3 is within its cooldown, 4 is 4 points later
    # (flagged), 5 within that one's, 9 new. |score| = 1 is on the edge, not outside.
    score = np.array([5, 0, 0, 2, 3, -4, 0, 0, 1, 2, 0], dtype=float)
    once = {"cooldown": 4, "escalation": 100.0}
    assert np.flatnonzero(events(score, min_history=2, **once)).tolist() == [3, 9]
    assert np.flatnonzero(events(score, min_history=0, **once)).tolist() == [0, 4, 9]


def test_a_larger_incident_is_not_masked_by_the_cooldown_of_a_smaller_one() -> None:
    # escalation 2: after the flag at 3 (|score| 2), 4 (3 < 2·2) stays quiet, 5 (4 ≥ 2·2)
    # is flagged and restarts the cooldown, so 8 (|score| 6 < 2·4) stays quiet.
    score = np.array([0, 0, 0, 2, 3, -4, 0, 0, 6, 0], dtype=float)
    flags = events(score, min_history=0, cooldown=4, escalation=2.0)
    assert np.flatnonzero(flags).tolist() == [3, 5]


def test_scoring_against_windows_counts_detected_windows_and_false_alarm_runs() -> None:
    # 10 points, one window over points 2..4. Flags at 0, 1, 3, 6, 8, 9: the window is
    # detected (3); outside, 0-1, 6 and 8-9 are three runs: 3 events in 10 points.
    ds = pd.date_range("2026-01-01", periods=10, freq="h")
    flags = np.isin(np.arange(10), [0, 1, 3, 6, 8, 9])
    got = score_windows(ds, flags, [(ds[2], ds[4])])
    assert got == WindowScore(windows=1, detected=1, false_alarms=3, points=10)
    assert got.recall == 1.0 and got.false_alarm_rate == 300.0
    assert score_windows(ds, np.zeros(10, bool), [(ds[2], ds[4])]).detected == 0
    assert (got + got).false_alarms == 6


def test_season_follows_the_sampling_step() -> None:
    assert season_length(pd.Timedelta(minutes=5)) == 288
    assert season_length(pd.Timedelta(hours=1)) == 24
    assert season_length(pd.Timedelta(days=1)) == 7
    assert season_length(pd.Timedelta(days=7)) == 52
    assert season_length(pd.Timedelta(days=31)) == 12
    assert season_length(pd.Timedelta(minutes=7)) == 1  # no whole number per day


# -- planted incidents ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("freq", "season", "n", "spike", "shift"),
    [
        ("5min", 288, 3000, 1500, 2200),
        ("h", 24, 400, 200, 300),
        ("D", 7, 200, 100, 150),
        ("MS", 12, 96, 50, 75),
    ],
)
def test_a_spike_and_a_level_shift_are_flagged_and_nothing_else(
    freq: str, season: int, n: int, spike: int, shift: int
) -> None:
    df = frame(planted(n, season, spike, shift), freq=freq)
    flagged = detect_anomalies(df)
    positions = df.index[df["ds"].isin(flagged["ds"])].tolist()
    assert len(positions) == 2, flagged
    assert spike <= positions[0] <= spike + 2
    assert shift <= positions[1] <= shift + 3
    assert list(flagged.columns) == [
        "unique_id",
        "ds",
        "y",
        "expected",
        "lo",
        "hi",
        "score",
        "rule",
    ]
    assert (flagged["score"] > 1).all()  # both above the band
    assert ((flagged["y"] > flagged["hi"]) | (flagged["rule"] == "level")).all()


def test_a_slow_excursion_is_flagged_by_the_level_rule() -> None:
    # a noisy flat metric, then a ramp down by 0.1 per point: no single step stands out
    rng = np.random.default_rng(3)
    y = 50 + rng.normal(0.0, 1.0, 2000)
    y[1500:] -= 0.1 * np.arange(500)
    flagged = detect_anomalies(frame(y, freq="5min"))
    assert len(flagged) == 1
    first = flagged.iloc[0]
    assert first["rule"] == "level" and first["score"] < -1
    assert first["lo"] <= first["y"] <= first["hi"]  # inside the jump interval
    assert first["y"] > 50 - 0.1 * 300  # well before the bottom of the ramp


def test_clean_seasonal_series_raise_fewer_than_one_false_alarm_per_1000_points() -> None:
    # 20 seeded series of 4,000 five-minute points, 3,424 scored each (after two days):
    # a new record either side of 8,064 residuals has a chance of about 2 / 8,065 per
    # point, 0.25 per 1,000 points; measured: 8 in 68,480 points (0.12 per 1,000).
    rng = np.random.default_rng(11)
    t = np.arange(4000)
    series = [
        frame(100 + 10 * np.sin(2 * np.pi * t / 288) + rng.normal(0.0, 1.0, len(t)), uid=str(i))
        for i in range(20)
    ]
    flagged = detect_anomalies(pd.concat(series, ignore_index=True))
    assert 1000 * len(flagged) / (20 * (4000 - 576)) < 0.5


def test_relative_residuals_keep_a_growing_cost_with_growing_noise_quieter() -> None:
    # 10 seeded daily costs doubling in a year with 5% noise: the noise grows with the
    # cost, so absolute residuals keep setting records; relative ones much less
    # (measured: 40 flags and 17).
    rng = np.random.default_rng(5)
    t = np.arange(730)
    costs = pd.concat(
        [
            frame((1000 + 1000 * t / 365) * rng.normal(1.0, 0.05, len(t)), "D", str(i))
            for i in range(10)
        ],
        ignore_index=True,
    )
    absolute = len(detect_anomalies(costs))
    relative = len(detect_anomalies(costs, settings=AnomalySettings(relative=True)))
    assert relative < absolute / 1.5, (relative, absolute)


@pytest.mark.parametrize("relative", [False, True])
def test_scores_are_causal(relative: bool) -> None:
    y = planted(1200, 24, 600, 900)
    settings = AnomalySettings(relative=relative)
    full = score_anomalies(frame(y, freq="h"), settings=settings)
    for cut in (100, 650, 950):
        part = score_anomalies(frame(y[:cut], freq="h"), settings=settings)
        pd.testing.assert_frame_equal(part, full.iloc[:cut])


def test_seasonal_compares_each_day_with_the_same_weekday_of_past_weeks() -> None:
    # Weekdays 100, weekends 60, for 8 weeks; then one Monday of 130. Against the median of
    # the four Mondays before (100) the residual is +30; the weekly swing of 40 is gone, so
    # the Monday is the only flag, and the first 4 weeks (no baseline yet) are unscored.
    week = [100.0] * 5 + [60.0] * 2
    y = np.array(week * 8 + [130.0] + week[1:])
    settings = AnomalySettings(seasonal=4, min_history=7)
    scored = score_anomalies(frame(y, freq="D"), settings=settings)
    assert scored["score"].iloc[:28].isna().all()
    assert scored["expected"].iloc[56] == pytest.approx(100.0)
    assert list(scored.index[scored["anomaly"]]) == [56]
    without = score_anomalies(frame(y, freq="D"), settings=AnomalySettings(min_history=7))
    assert without["anomaly"].sum() > 1  # the weekly swing itself is flagged


def test_seasonal_scores_are_causal() -> None:
    y = planted(400, 7, 200, 300)
    settings = AnomalySettings(seasonal=4)
    full = score_anomalies(frame(y, freq="D"), settings=settings)
    part = score_anomalies(frame(y[:250], freq="D"), settings=settings)
    pd.testing.assert_frame_equal(part, full.iloc[:250])


def test_series_in_one_frame_are_scored_independently() -> None:
    a = frame(planted(600, 24, 300, 450, seed=1), freq="h", uid="a")
    b = frame(planted(400, 7, 200, 300, seed=2), freq="D", uid="b")
    both = score_anomalies(pd.concat([b, a], ignore_index=True))
    alone = pd.concat([score_anomalies(a), score_anomalies(b)], ignore_index=True)
    pd.testing.assert_frame_equal(both, alone)  # each with its own frequency


def test_missing_values_are_kept_unscored_and_skipped() -> None:
    y = planted(400, 24, 200, 300)
    holed = y.copy()
    holed[[50, 201, 250]] = np.nan
    scored = score_anomalies(frame(holed, freq="h"))
    assert len(scored) == 400
    assert scored.loc[[50, 201, 250], "score"].isna().all()
    assert not scored.loc[[50, 201, 250], "anomaly"].any()
    assert scored.loc[200, "anomaly"]


def test_an_empty_frame_gives_an_empty_result() -> None:
    empty = frame([])
    assert list(score_anomalies(empty).columns)[-1] == "anomaly"
    assert detect_anomalies(empty).empty


# -- errors ---------------------------------------------------------------------------


def test_a_missing_column_names_it_and_suggests_the_rename() -> None:
    df = frame([1.0, 2.0]).rename(columns={"y": "value"})
    with pytest.raises(AnomalyError) as caught:
        detect_anomalies(df)
    error = caught.value
    assert isinstance(error, InfracastError) and isinstance(error, ValueError)
    assert error.field == "y" and "no column y" in error.message
    assert error.hint is not None and "rename" in error.hint


def test_a_non_numeric_value_names_its_row() -> None:
    df = frame([1.0, 2.0, 3.0]).astype({"y": object})
    df.loc[1, "y"] = "n/a"
    with pytest.raises(AnomalyError, match="row 2 has 'n/a'") as caught:
        detect_anomalies(df)
    assert caught.value.field == "y" and caught.value.row == 2


def test_a_row_without_a_series_name_is_refused() -> None:
    df = frame([1.0, 2.0, 3.0]).astype({"unique_id": object})
    df.loc[2, "unique_id"] = None
    with pytest.raises(AnomalyError, match="unique_id is missing at row 3"):
        detect_anomalies(df)


def test_timestamps_as_text_are_parsed_and_nonsense_is_refused() -> None:
    df = frame([1.0, 2.0, 3.0])
    as_text = df.assign(ds=df["ds"].astype(str))
    pd.testing.assert_frame_equal(score_anomalies(as_text), score_anomalies(df))
    with pytest.raises(AnomalyError, match="timestamps") as caught:
        detect_anomalies(df.assign(ds=["a", "b", "c"]))
    assert caught.value.field == "ds"


def test_an_unknown_frequency_is_refused_with_examples() -> None:
    with pytest.raises(AnomalyError, match="unknown frequency 'fortnightly'") as caught:
        detect_anomalies(frame([1.0, 2.0]), freq="fortnightly")
    assert caught.value.hint is not None and "5min" in caught.value.hint


def test_settings_refuse_unknown_knobs() -> None:
    with pytest.raises(ValueError, match="extra"):
        AnomalySettings(window=5)  # type: ignore[call-arg]


# -- real labelled metrics ------------------------------------------------------------


@pytest.mark.shared
def test_the_defaults_meet_the_target_on_the_labelled_nab_metrics() -> None:
    from bench.anomalies import load_nab, score_defaults

    series = load_nab(shared_path("anomalies", "nab"))
    pooled = sum(score_defaults(series), WindowScore())
    assert pooled.windows == 30
    assert pooled.recall >= 0.6, pooled
    assert pooled.false_alarm_rate <= 1.0, pooled


# -- what a cost scan adds around the detector ---------------------------------------


def test_a_new_series_is_led_in_with_zeros_back_to_its_billed_start() -> None:
    # "new" starts 2026-01-10; its bills cover it from 2026-01-07: three zeros are added
    # (lead 5 would reach back to 2026-01-05, before the bills). "old" is left alone.
    new = frame([5.0, 6.0], freq="D", uid="new").assign(ds=pd.date_range("2026-01-10", periods=2))
    old = frame([1.0, 1.0], freq="D", uid="old")
    covered = {"new": pd.Timestamp("2026-01-07"), "old": pd.Timestamp("2026-01-05")}
    out = lead_in(pd.concat([new, old]), covered, lead=5, freq="D")
    led = out[out["unique_id"] == "new"]
    assert list(led["ds"].dt.day) == [7, 8, 9, 10, 11]
    assert list(led["y"]) == [0.0, 0.0, 0.0, 5.0, 6.0]
    assert len(out[out["unique_id"] == "old"]) == 2


def test_lead_periods_cover_the_seasonal_baseline_and_min_history() -> None:
    # daily: 4 weeks of baseline (28) + min_history max(2 × 7, 24) = 24, + the point itself
    assert lead_periods(AnomalySettings(seasonal=4), "D") == 53
    assert lead_periods(AnomalySettings(), "D") == 25


def test_heading_keeps_one_direction_and_material_drops_small_changes() -> None:
    found = pd.DataFrame(
        {
            "unique_id": ["a", "a", "a"],
            "ds": pd.to_datetime(["2026-01-29", "2026-01-30", "2026-01-31"]),
            "y": [150.0, 50.0, 104.0],
            "expected": [100.0, 100.0, 100.0],
            "lo": [80.0, 80.0, 80.0],
            "hi": [120.0, 120.0, 120.0],
            "score": [3.0, -3.0, 1.5],
        }
    )
    assert list(heading(found, "up")["y"]) == [150.0, 104.0]
    assert list(heading(found, "down")["y"]) == [50.0]
    # the total is 1,000 a day: 1% is 10, so the +4 of the last day is immaterial
    data = pd.DataFrame({"ds": pd.date_range("2026-01-01", periods=31), "y": 1000.0})
    assert list(material(found, data, 0.01, "D")["y"]) == [150.0, 50.0]


def test_material_measures_a_zero_width_interval_in_the_floor() -> None:
    # a series flat at zero: interval [0, 0]; its first 2,265 would score ~1e12 in a
    # half-width of 1e-9; the scope's typical day is 15,000, 1% of it 150: 2,265 / 150
    found = pd.DataFrame(
        {
            "unique_id": ["dev", "busy"],
            "ds": pd.to_datetime(["2026-03-12", "2026-03-12"]),
            "y": [2265.0, 900.0],
            "expected": [0.0, 500.0],
            "lo": [0.0, 300.0],
            "hi": [0.0, 700.0],  # busy: half-width 200 > 150, its score is kept
            "score": [2.265e12, 2.0],
        }
    )
    data = pd.DataFrame({"ds": pd.date_range("2026-02-01", periods=40), "y": 15000.0})
    out = material(found, data, 0.01, "D")
    assert out["score"].tolist() == pytest.approx([2265.0 / 150.0, 2.0])


def test_freq_aliases_a_user_types_score_as_pandas_spells_them() -> None:
    import warnings

    ds = pd.date_range("2026-01-01", periods=72, freq="h")
    df = pd.DataFrame({"unique_id": "a", "ds": ds, "y": np.arange(72.0) % 24})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 'H' is deprecated in pandas: it must not reach it
        upper = score_anomalies(df, freq="H")
    pd.testing.assert_frame_equal(upper, score_anomalies(df, freq="h"))
