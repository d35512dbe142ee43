"""The two causal rules behind :func:`infracast.forecast.detect_anomalies`, on one series.

Everything here works on the observed values of one series in time order
(``numpy`` in, ``numpy`` out) and looks only backwards: the score of point ``t``
depends on ``y[0..t]`` alone, so appending points never changes an earlier score.

**Jump rule** (a sudden change against the recent past). The expected value is
the median of the previous ``center`` points (robust to the spikes it is meant
to find); the residual is ``e_t = y_t - expected_t``. The interval is::

    lo_t = expected_t - width * max(-e_s for the previous `history` points, e_s < 0)
    hi_t = expected_t + width * max( e_s for the previous `history` points, e_s > 0)

that is the largest one-step residual of the same sign seen in the last
``history`` points, widened by ``width`` (and stretched while the series is
young, below). For exchangeable residuals this is the
split-conformal one-step interval at level ``history / (history + 1)`` per side
(a point exceeds the largest of ``history`` earlier ones with probability
``1 / (history + 1)``), so ``history`` sets the false alarm rate whatever the
scale, skew or frequency of the metric, and ``width > 1`` asks for a clear new
record. Each side has its own scale, so a metric that often jumps up (a CPU
going to 100%) can still be caught dropping. Its score is the residual in
half-widths of the interval: ``e_t / (hi_t - expected_t)`` above,
``e_t / (expected_t - lo_t)`` below; ``|score| > 1`` is outside.

With ``relative`` the residuals are first divided by the metric's size
(``|expected_t|`` plus the median of ``|y|`` so far), so that noise growing with
a growing metric (a cost that doubles, its noise with it) does not set records:
on 2-year daily series growing 50% a year with 2% noise it halves the false
flags (3.5 to 1.8 per series; 0.7 on a flat one) but costs one NAB window (23
of 30 in sample, 67% out of sample at 0.63 per 1,000 against 70% at 0.29), so
it is off by default.

**Level rule** (a sustained excursion, e.g. a slow fall of a temperature that
no single step reveals). The level is the median of the last ``smooth`` points
(``t`` included); the band is the ``band_quantile`` and ``1 - band_quantile``
quantiles of the ``band_history`` points before those, widened on each side by
``band_margin`` times its width. Its score is the level's signed distance from
the band's middle in half-widths of the widened band; ``|score| > 1`` is outside.

**Short histories.** While fewer than ``history`` residuals precede a point, the
interval is stretched by ``sqrt(ln history / ln k)`` for its ``k`` past residuals:
the largest of ``k`` light-tailed draws grows like ``sqrt(2 ln k)``, so a young
series (monthly costs, a new metric) is held to about the record of ``history``
points rather than to the record of its few.

**Events.** A point is a candidate when either score is beyond ±1 and at least
``min_history`` points precede it; a candidate becomes an anomaly unless one was
flagged in the previous ``cooldown - 1`` points, so one incident is one event,
or its ``|score|`` is at least ``escalation`` times that flag's, so a small
incident cannot mask a larger one. Residuals of flagged points stay in the
history: after a large spike the bar is higher for ``history`` points, which
keeps an incident's aftershocks quiet.

**Limits.** A steadily growing metric sets new highs, which the level rule
sees as excursions, and if its noise grows with it, record residuals too:
measured on 40 seeded series each, a daily cost growing 50% a year raises 3.5
false flags in two years (1.8 with ``relative``; 0.7 if flat), a monthly one
growing 3% a month about two in four years. Detrending the level rule (a rolling
straight line on a log scale) removed most of them but lost three NAB windows,
and was left out; for costs, ``relative`` or a forecast's residuals are the
better input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

JUMP = "jump"
LEVEL = "level"


@dataclass(frozen=True)
class RuleScores:
    """The two rules' scores of every point of one series, and the jump interval.

    ``jump`` and ``level`` are the two scores (see the module docstring; the jump
    score scales as ``1 / width``, the level score as ``1 / (1 + 2 band_margin)``);
    ``expected``, ``lo`` and ``hi`` are the one-step interval of the jump rule.
    NaN where no history exists yet (the first point).
    """

    expected: FloatArray
    lo: FloatArray
    hi: FloatArray
    jump: FloatArray
    level: FloatArray

    def score(self) -> tuple[FloatArray, npt.NDArray[np.str_]]:
        """The score that decides (the larger in size of the two) and the rule it is from."""
        jump = np.nan_to_num(self.jump, nan=0.0)
        level = np.nan_to_num(self.level, nan=0.0)
        use_level = np.abs(level) > np.abs(jump)
        score = np.where(use_level, self.level, self.jump)
        return score, np.where(use_level, LEVEL, JUMP)


def _floor(scale: FloatArray, reference: FloatArray) -> FloatArray:
    """A scale that is never zero (a flat history): any change from it scores very high."""
    tiny = 1e-9 * (1.0 + np.abs(np.nan_to_num(reference)))
    return np.maximum(scale, tiny)


def rule_scores(
    values: FloatArray,
    *,
    center: int,
    history: int,
    width: float,
    smooth: int,
    band_history: int,
    band_quantile: float,
    band_margin: float,
    relative: bool = False,
) -> RuleScores:
    """Score every point of ``values`` (one series, time order, no NaN) by both rules."""
    y = pd.Series(np.asarray(values, dtype=np.float64))
    expected, lo, hi, jump = _jump(
        y, center=center, history=history, width=width, relative=relative
    )
    level = _level(
        y,
        smooth=smooth,
        band_history=band_history,
        band_quantile=band_quantile,
        band_margin=band_margin,
    )
    return RuleScores(expected=expected, lo=lo, hi=hi, jump=jump, level=level)


def _jump(
    y: pd.Series, *, center: int, history: int, width: float, relative: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    expected = y.rolling(center, min_periods=1).median().shift(1)
    exp = expected.to_numpy()
    if relative:  # residuals in units of the metric's size: noise that grows with it
        unit = (expected.abs() + y.abs().expanding().median().shift(1)).to_numpy()
        unit = _floor(unit, exp)
    else:
        unit = np.ones(len(y))
    resid = (y - expected) / unit
    past_up = resid.clip(lower=0.0).rolling(history, min_periods=1).max().shift(1).to_numpy()
    past_down = (-resid).clip(lower=0.0).rolling(history, min_periods=1).max().shift(1).to_numpy()
    scale = width * short_history_factor(len(y), history) * unit
    up = _floor(scale * past_up, exp)
    down = _floor(scale * past_down, exp)
    e = (y - expected).to_numpy()
    with np.errstate(invalid="ignore"):
        jump = np.where(e >= 0, e / up, e / down)
    return exp, exp - down, exp + up, jump


def _level(
    y: pd.Series, *, smooth: int, band_history: int, band_quantile: float, band_margin: float
) -> FloatArray:
    level = y.rolling(smooth, min_periods=1).median().to_numpy()
    past = y.shift(smooth).rolling(band_history, min_periods=1)
    band_lo = past.quantile(band_quantile).to_numpy()
    band_hi = past.quantile(1.0 - band_quantile).to_numpy()
    middle = (band_lo + band_hi) / 2.0
    half = _floor((band_hi - band_lo) * (0.5 + band_margin), middle)
    return np.asarray((level - middle) / half, dtype=np.float64)


def short_history_factor(n: int, history: int) -> FloatArray:
    """How much wider the interval is at each of ``n`` points while fewer than ``history``
    residuals precede it: ``sqrt(ln history / ln k)`` for ``k`` past residuals (1 once
    ``k = history``). The largest of ``k`` draws of a light-tailed residual grows like
    ``sqrt(2 ln k)``, so this stretches the record of a short history to the record
    expected of ``history`` points, keeping the false alarm rate of a young series near
    that of an old one."""
    past = np.clip(np.arange(n) - 1, 2, max(history, 2))
    return np.asarray(np.sqrt(np.log(max(history, 2)) / np.log(past)), dtype=np.float64)


def events(
    score: FloatArray, *, min_history: int, cooldown: int, escalation: float = 2.0
) -> BoolArray:
    """Flag the candidates (``|score| > 1`` after ``min_history`` points) that start an event:
    none within ``cooldown`` points after the previous flag, unless ``|score|`` is at least
    ``escalation`` times that flag's (a small incident must not mask a larger one)."""
    size = np.nan_to_num(np.abs(score), nan=0.0)
    flags = np.zeros(len(score), dtype=np.bool_)
    last, last_size = -(10**18), 0.0
    for i in np.flatnonzero(size > 1.0).tolist():
        if i >= min_history and (i - last >= cooldown or size[i] >= escalation * last_size):
            flags[i] = True
            last, last_size = i, float(size[i])
    return flags


def season_length(step: pd.Timedelta) -> int:
    """The season (points per cycle) of a sampling step: a day for sub-daily steps, a week
    for daily, a year for weekly, monthly and quarterly; 1 when none applies."""
    day = pd.Timedelta(days=1)
    if step <= pd.Timedelta(0):
        return 1
    if step < day:
        per_day = day / step
        return round(per_day) if abs(per_day - round(per_day)) < 1e-6 else 1
    days = step / day
    for low, high, season in ((0.9, 1.1, 7), (6.5, 7.5, 52), (27.5, 31.5, 12), (89, 93, 4)):
        if low <= days <= high:
            return season
    return 1
