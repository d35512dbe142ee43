"""Anomalies in cost and usage metrics: points a causal one-step rule calls unusual.

:func:`detect_anomalies` takes a long frame (``unique_id``, ``ds``, ``y``; any
regular frequency, minutes to months) and returns the anomalous points with
``expected``, ``lo``, ``hi``, ``score`` and ``rule``; :func:`score_anomalies`
returns every point so a chart can draw the band. Nothing reads a file or the
ledger.

With ``seasonal`` (off by default; on for the ledger's daily cost, see
:mod:`infracast.control.anomalies`) the median of the same phase in the last
``seasonal`` seasons is taken away first and both rules run on what is left;
``expected``, ``lo`` and ``hi`` are given back on the scale of ``y``.

A point is flagged when it is the first of an incident (no flag in the previous
``cooldown`` points, unless it scores ``escalation`` times higher) and either

- it leaves the one-step interval ``[lo, hi]`` around the median of the recent
  points, whose half-widths are the largest residuals of each sign in the last
  ``history`` points times ``width``, stretched while fewer than ``history``
  points precede it (rule ``jump``: spikes, drops, steps); or
- the median of its last ``smooth`` points leaves the band of the past
  ``band_history`` points (rule ``level``: a slow excursion to a level not seen
  for weeks; the point may then lie inside ``[lo, hi]``).

``score`` is signed (positive above), in half-widths of the interval or band of
the rule named in ``rule``: ``|score| > 1`` is outside, and it is the larger in
size of the two rules' scores. Scores are causal: appending points never changes
an earlier one. Details and the reasons: :mod:`infracast.forecast.anomaly_rules`.

Why not the textbook rule "outside the one-step 99% interval": it flags about
1% of the points of a well-behaved metric, ten false alarms per 1,000 points,
where an alert that is read by a person needs fewer than one; on the labelled
NAB metrics it raises 54 per 1,000 and even a rolling median ± 20 MAD 33,
because real metrics are heavy-tailed and often flat (MAD 0). ``python -m bench.anomalies``
measures this rule and those baselines on the same data.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from infracast.errors import did_you_mean
from infracast.forecast.anomaly_rules import events, rule_scores, season_length
from infracast.forecast.exceptions import AnomalyError
from infracast.forecast.frames import normalise_freq

__all__ = [
    "AnomalyError",
    "AnomalySettings",
    "detect_anomalies",
    "score_anomalies",
]

REQUIRED = ("unique_id", "ds", "y")
SCORED = ["unique_id", "ds", "y", "expected", "lo", "hi", "score", "rule", "anomaly"]
FLAGGED = SCORED[:-1]
_FRAME_HINT = (
    "Pass a long frame with one row per series and time: unique_id (series name), "
    "ds (timestamp) and y (number), e.g. df.rename(columns={'timestamp': 'ds', 'value': 'y'})."
)


class AnomalySettings(BaseModel):
    """The detector's knobs; counts are in points of the series.

    Defaults were chosen by ``python -m bench.anomalies`` (2026-12-07) on the 18
    NAB series (realAWSCloudwatch and realKnownCause: 30 labelled windows, 106,232
    5-minute and hourly points) from a grid of 1,920 candidates: picked on 17 series
    and scored on the 18th in turn, the procedure detects 21 of 30 windows (70%) at
    0.29 false alarm events per 1,000 points out of sample; these defaults, its pick
    on all 18 (and in 16 of the 18 folds), detect 24 of 30 (80%) at 0.29.
    ``center``, ``cooldown`` and ``min_history`` follow the season (for 5-minute
    points a day: 48, 288 and 576 points).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    history: int = Field(
        default=8064,
        ge=2,
        description="Points of past residuals the one-step interval is learnt from "
        "(8,064: four weeks of 5-minute points). More points, fewer false alarms.",
    )
    width: float = Field(
        default=1.0,
        gt=0,
        description="The interval's half-widths are the largest past residual of each "
        "sign times this (1: any new record; 1.2: a record by 20%).",
    )
    center: int | None = Field(
        default=None,
        ge=1,
        description="Points whose median is the expected value (default: a sixth of "
        "the season, at least 1).",
    )
    relative: bool = Field(
        default=False,
        description="Measure residuals in units of the metric's size (for metrics whose "
        "noise grows with them, like a growing cost); see anomaly_rules.",
    )
    smooth: int = Field(
        default=6, ge=1, description="Points whose median is the level of the level rule."
    )
    band_history: int = Field(
        default=8064, ge=2, description="Points of the past the level rule's band spans."
    )
    band_quantile: float = Field(
        default=0.01,
        ge=0.0,
        lt=0.5,
        description="The band runs from this quantile of the past to its complement.",
    )
    band_margin: float = Field(
        default=0.1, ge=0.0, description="The band is widened on each side by this times its width."
    )
    cooldown: int | None = Field(
        default=None,
        ge=1,
        description="After a flag, no other for this many points (default: one season).",
    )
    escalation: float = Field(
        default=2.0,
        gt=1.0,
        description="Within a cooldown, a point scoring this many times the last flag's "
        "score is flagged too (a small incident does not mask a larger one).",
    )
    min_history: int | None = Field(
        default=None,
        ge=0,
        description="Points before the first flag (default: two seasons, at least 24).",
    )
    season_length: int | None = Field(
        default=None,
        ge=1,
        description="Points per season (default: from the frequency: a day below daily, "
        "7 for daily, 52 weekly, 12 monthly, 4 quarterly).",
    )
    seasonal: int = Field(
        default=0,
        ge=0,
        description="Seasons whose median at the same phase is taken away first (0: "
        "off). With 4 on daily data each day is compared with the median of the same "
        "weekday of the last four weeks, so a weekly pattern is not an anomaly; the "
        "first seasonal × season points of a series are then unscored.",
    )

    def for_season(self, season: int) -> AnomalySettings:
        """These settings with every default that follows the season filled in."""
        season = self.season_length or season
        return self.model_copy(
            update={
                "season_length": season,
                "center": self.center or max(1, season // 6),
                "cooldown": self.cooldown or season,
                "min_history": (
                    self.min_history if self.min_history is not None else max(2 * season, 24)
                ),
            }
        )


def score_anomalies(
    df: pd.DataFrame, *, freq: str | None = None, settings: AnomalySettings | None = None
) -> pd.DataFrame:
    """Every point of ``df`` scored, for charts and audits.

    Columns: ``unique_id``, ``ds``, ``y``, ``expected``, ``lo``, ``hi`` (the one-step
    interval of the jump rule), ``score`` (signed, ``|score| > 1`` is outside the rule's
    interval or band), ``rule`` (``jump`` or ``level``: whose score it is) and
    ``anomaly`` (flagged: outside, past ``min_history`` and not within ``cooldown`` of
    the previous flag), sorted by ``unique_id`` and ``ds``. ``freq`` is a pandas
    frequency (``5min``, ``h``, ``D``, ``MS``) for every series; by default each series'
    median step of ``ds``.
    Rows whose ``y`` is missing are kept, unscored and never flagged; rows of a series
    at the same ``ds`` (the repeated hour of a daylight-saving change in local-time
    data) are scored in their input order.
    """
    data = _checked(df)
    given = settings or AnomalySettings()
    seasons = _seasons(data, freq)
    parts = [
        _score_series(part, given.for_season(seasons[uid]))
        for uid, part in data.groupby("unique_id", sort=False)
    ]
    if not parts:
        empty = data.assign(expected=np.nan, lo=np.nan, hi=np.nan, score=np.nan)
        return empty.assign(rule=pd.Series(dtype=object), anomaly=pd.Series(dtype=bool))[SCORED]
    return pd.concat(parts, ignore_index=True)[SCORED]


def detect_anomalies(
    df: pd.DataFrame, *, freq: str | None = None, settings: AnomalySettings | None = None
) -> pd.DataFrame:
    """The anomalous points of ``df``: ``unique_id``, ``ds``, ``y``, ``expected``, ``lo``,
    ``hi``, ``score`` and ``rule`` (see :func:`score_anomalies`)."""
    scored = score_anomalies(df, freq=freq, settings=settings)
    return scored.loc[scored["anomaly"], FLAGGED].reset_index(drop=True)


def _score_series(part: pd.DataFrame, settings: AnomalySettings) -> pd.DataFrame:
    assert settings.center and settings.cooldown and settings.min_history is not None
    y = part["y"].to_numpy(dtype=np.float64)
    seen = ~np.isnan(y)
    n = len(y)
    out = {name: np.full(n, np.nan) for name in ("expected", "lo", "hi", "score")}
    rule = np.full(n, None, dtype=object)
    anomaly = np.zeros(n, dtype=np.bool_)
    base = seasonal_baseline(y, settings.season_length or 1, settings.seasonal)
    seen &= ~np.isnan(base)
    if seen.any():
        scores = rule_scores(
            y[seen] - base[seen],
            center=settings.center,
            history=settings.history,
            width=settings.width,
            smooth=settings.smooth,
            band_history=settings.band_history,
            band_quantile=settings.band_quantile,
            band_margin=settings.band_margin,
            relative=settings.relative,
        )
        score, which = scores.score()
        out["expected"][seen] = base[seen] + scores.expected
        out["lo"][seen] = base[seen] + scores.lo
        out["hi"][seen] = base[seen] + scores.hi
        out["score"][seen] = score
        rule[seen] = which.astype(object)
        rule[np.flatnonzero(seen)[np.isnan(score)]] = None
        anomaly[seen] = events(
            score,
            min_history=settings.min_history,
            cooldown=settings.cooldown,
            escalation=settings.escalation,
        )
    return part.assign(**out, rule=rule, anomaly=anomaly)


def seasonal_baseline(y: np.ndarray, season: int, seasons: int) -> np.ndarray:
    """The median of ``y`` at ``season``, ``2 season`` … ``seasons × season`` points back
    (NaN until all of them exist or where one is missing); zeros when ``seasons`` is 0
    or the series has no season. Rows are the points of a regular series, in order."""
    if seasons == 0 or season <= 1:
        return np.zeros(len(y))
    lags = np.full((seasons, len(y)), np.nan)
    for i in range(1, seasons + 1):
        back = i * season
        if back < len(y):
            lags[i - 1, back:] = y[:-back]
    # a NaN lag makes the median NaN: the point is unscored, not compared with fewer weeks
    return np.asarray(np.median(lags, axis=0), dtype=np.float64)


def _checked(df: pd.DataFrame) -> pd.DataFrame:
    """The frame's three columns, typed, sorted by series and time (ties keep their
    order); or a clear error."""
    if not isinstance(df, pd.DataFrame):
        raise AnomalyError(
            f"anomalies need a pandas DataFrame, got {type(df).__name__}", hint=_FRAME_HINT
        )
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        names = [str(c) for c in df.columns]
        guesses = "".join(did_you_mean(c, names) for c in missing)
        raise AnomalyError(
            f"the frame has no column {', '.join(missing)} (it has: {', '.join(names) or 'none'})."
            + guesses,
            hint=_FRAME_HINT,
            field=missing[0],
        )
    data = df[list(REQUIRED)].copy()
    if data["unique_id"].isna().any():
        where = int(np.argmax(data["unique_id"].isna().to_numpy()))
        raise AnomalyError(
            f"column unique_id is missing at row {where + 1}",
            hint="Name every series, e.g. df['unique_id'] = df['unique_id'].fillna('(none)').",
            field="unique_id",
            row=where + 1,
        )
    data["y"] = _numeric_y(data["y"])
    data["ds"] = _times(data["ds"])
    data = data.sort_values(["unique_id", "ds"], kind="mergesort").reset_index(drop=True)
    return data


def _numeric_y(y: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(y) or not pd.api.types.is_numeric_dtype(y):
        as_number = pd.to_numeric(y, errors="coerce")
        bad = as_number.isna() & y.notna()
        if pd.api.types.is_bool_dtype(y) or bad.any():
            where = int(np.argmax(bad.to_numpy())) if bad.any() else 0
            raise AnomalyError(
                f"column y must hold numbers; row {where + 1} has {y.iloc[where]!r}",
                hint="Convert it first, e.g. df['y'] = pd.to_numeric(df['y']); "
                "leave a missing value as NaN (it is skipped).",
                field="y",
                row=where + 1,
            )
        y = as_number
    y = y.astype(np.float64)
    if np.isinf(y.to_numpy()).any():
        where = int(np.argmax(np.isinf(y.to_numpy())))
        raise AnomalyError(
            f"column y has an infinite value at row {where + 1}",
            hint="Replace it with NaN (a missing value is skipped) or the real reading.",
            field="y",
            row=where + 1,
        )
    return y


def _times(ds: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(ds) or pd.api.types.is_integer_dtype(ds):
        times = ds
    else:
        try:
            with warnings.catch_warnings():  # "could not infer format": we say it if it fails
                warnings.simplefilter("ignore", UserWarning)
                times = pd.to_datetime(ds)
        except (ValueError, TypeError) as exc:
            raise AnomalyError(
                f"column ds must hold timestamps (or integer steps): {exc}",
                hint="Parse it first, e.g. df['ds'] = pd.to_datetime(df['ds']).",
                field="ds",
            ) from None
    if times.isna().any():
        where = int(np.argmax(times.isna().to_numpy()))
        raise AnomalyError(
            f"column ds is missing at row {where + 1}",
            hint="Every row needs a time; drop the rows without one.",
            field="ds",
            row=where + 1,
        )
    return times


def _seasons(data: pd.DataFrame, freq: str | None) -> dict[object, int]:
    """Points per season of each series: from ``freq`` or, without it, from the series'
    median step (the frame's median step for a series of one point)."""
    ids = data["unique_id"].unique()
    if freq is not None:
        try:
            offset = pd.tseries.frequencies.to_offset(normalise_freq(freq))  # H → h
        except ValueError:  # ForecastError is one too
            raise AnomalyError(
                f"unknown frequency {freq!r}",
                hint="Use a pandas frequency such as 5min, 15min, h, D, W, MS or QS, "
                "or leave it out to infer it from ds.",
                field="freq",
            ) from None
        start = pd.Timestamp("2001-01-01")
        season = season_length(pd.Timestamp(start + offset) - start)
        return dict.fromkeys(ids, season)
    if not pd.api.types.is_datetime64_any_dtype(data["ds"]):
        return dict.fromkeys(ids, 1)
    steps = data["ds"].diff().where(data["unique_id"].eq(data["unique_id"].shift()))
    steps = steps[steps > pd.Timedelta(0)]
    medians = steps.groupby(data["unique_id"], sort=False).median()
    overall = season_length(pd.Timedelta(steps.median())) if len(steps) else 1
    return {uid: season_length(medians[uid]) if uid in medians else overall for uid in ids}
