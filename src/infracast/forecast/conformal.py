"""Auto's intervals rescaled to the backtest errors of the choice, without its selection bias.

``model="auto"`` keeps, per series, the candidate with the smallest backtest errors; those
very errors understate its errors to come, so they cannot calibrate its intervals. Here each
backtest window is scored with the model that auto would have chosen *without* that window
(the lowest mean absolute error over the other windows): cross-fitting, as in cross-conformal
prediction (Vovk, "Cross-conformal predictors", Ann. Math. Artif. Intell. 2015) and the
jackknife+ (Barber et al., Ann. Statist. 2021). Each held-out point scores ``|y - yhat| / w``,
``w`` that model's interval half-width on the side of ``y`` (normalised split conformal:
Papadopoulos et al. 2002; Lei et al., JASA 2018, 5.2; over rolling windows as in
Stankeviciute et al., NeurIPS 2021), and the interval's half-widths are multiplied by a
quantile ``f`` of the scores, which keeps the model's growth of the interval with the horizon.

The quantile is the training-conditional one (Vovk, "Conditional validity of inductive
conformal predictors", ACML 2012, Prop. 2a): the smallest rank ``k`` of the ``n`` scores with
``P(Binomial(n, L) >= k) <= DELTA``, so that the interval holds at least ``L`` of future points
with probability ``1 - DELTA`` (the scores of one window are correlated, so the plain rank
``ceil((n + 1) L)`` is too optimistic). Where ``n`` is too small for that rank the plain rank is
used and the interval only widened (``f`` at least 1), and where ``n`` is too small for that
too (19 points at 95%) the model's interval stays. So an interval is narrowed only on enough
scores for the training-conditional rank: 45 at 95% (``0.95 ** 45 <= 0.1``), 11 at 80%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np
import pandas as pd

DELTA = 0.1  # 1 - the confidence that the calibrated interval holds its level (Vovk 2012)


@lru_cache(maxsize=4096)
def conformal_rank(n: int, level: int, delta: float | None = DELTA) -> int:
    """The rank (1-based) of the score that calibrates ``n`` scores at ``level`` %.

    ``delta=None``: the marginal rank ``ceil((n + 1) L)`` (Lei et al. 2018). Otherwise the
    smallest ``k`` with ``P(Binomial(n, L) >= k) <= delta`` (Vovk 2012). ``n + 1`` when no
    rank of ``n`` scores will do."""
    p = level / 100.0
    marginal = math.ceil((n + 1) * p - 1e-9)
    if delta is None or marginal > n:
        return marginal
    tail = 0.0  # P(Binomial(n, p) >= k), summed from k = n downwards
    for k in range(n, 0, -1):
        log_pmf = (
            math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p)
        )  # fmt: skip
        if tail + math.exp(log_pmf) > delta:
            return k + 1
        tail += math.exp(log_pmf)
    return 1


def crossfit_choice(cv: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per series and backtest window (``cutoff``), the model with the lowest mean absolute
    error over the *other* windows (ties: earlier in ``order``); a single window keeps its
    own. ``cv`` holds every candidate's backtest (``unique_id, cutoff, model, y, yhat``)."""
    err = cv.assign(_abs=(cv["y"] - cv["yhat"]).abs())
    per = err.groupby(["unique_id", "model", "cutoff"], sort=False)["_abs"].mean().reset_index()
    per["_windows"] = per.groupby(["unique_id", "model"])["cutoff"].transform("size")
    most = per.groupby("unique_id")["_windows"].transform("max")
    per = per[per["_windows"] == most]  # models backtested on every window of the series
    total = per.groupby(["unique_id", "model"])["_abs"].transform("sum")
    n = per["_windows"]
    per["_others"] = np.where(n > 1, (total - per["_abs"]) / (n - 1).clip(lower=1), per["_abs"])
    per["_order"] = per["model"].map({m: i for i, m in enumerate(order)}).fillna(len(order))
    ranked = per.sort_values(["unique_id", "cutoff", "_others", "_order"])
    best = ranked.groupby(["unique_id", "cutoff"], sort=False).head(1)
    return best[["unique_id", "cutoff", "model"]].reset_index(drop=True)


def scores(cv: pd.DataFrame, level: Sequence[int]) -> pd.DataFrame:
    """``|y - yhat| / w`` per backtest point and level (``s80, s95``...), ``w`` the interval's
    half-width on the side of ``y``; 0 where the error is 0, infinite where ``w`` is 0."""
    error = (cv["y"] - cv["yhat"]).to_numpy(float)
    out = cv[["unique_id"]].copy()
    for lv in level:
        width = np.where(error >= 0, cv[f"hi{lv}"] - cv["yhat"], cv["yhat"] - cv[f"lo{lv}"])
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"s{lv}"] = np.where(error == 0, 0.0, np.abs(error) / width)
    return out


def factors(cv: pd.DataFrame, order: Sequence[str], level: Sequence[int]) -> pd.DataFrame:
    """Per series ``n`` (points scored) and ``f80, f95``... (NaN: keep the model's interval)
    from the cross-fitted scores (module docstring)."""
    cols = ["unique_id", "n", *(f"f{lv}" for lv in level)]
    if cv.empty:
        return pd.DataFrame(columns=cols)
    chosen = crossfit_choice(cv, order)
    held = cv.merge(chosen, on=["unique_id", "cutoff", "model"], how="inner")
    scored = scores(held, level)
    rows = []
    for uid, group in scored.groupby("unique_id", sort=False):
        row: dict[str, object] = {"unique_id": uid, "n": len(group)}
        for lv in level:
            row[f"f{lv}"] = _factor(group[f"s{lv}"].to_numpy(float), lv)
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def _factor(values: np.ndarray, level: int) -> float:
    """The calibrating factor of one series' scores at one level (module docstring)."""
    values = np.sort(values[~np.isnan(values)])
    n = len(values)
    rank, narrow = conformal_rank(n, level), True
    if rank > n:  # too few for the training-conditional rank: the marginal one, widening only
        rank, narrow = conformal_rank(n, level, None), False
    if rank > n or not np.isfinite(values[rank - 1]):
        return float("nan")
    f = float(values[rank - 1])
    return f if narrow else max(f, 1.0)


def calibrate(
    fcst: pd.DataFrame, cv: pd.DataFrame, order: Sequence[str], level: tuple[int, ...]
) -> tuple[pd.DataFrame, list[str]]:
    """Each series' intervals in ``fcst`` (``unique_id, yhat, lo80``...) scaled about ``yhat``
    by its :func:`factors`; nested levels stay nested. Returns the frame and notes."""
    table = factors(cv, order, level)
    out = fcst.merge(table, on="unique_id", how="left")
    notes = []
    for lv in level:
        f, lo, hi, mid = out[f"f{lv}"], out[f"lo{lv}"], out[f"hi{lv}"], out["yhat"]
        done = f.notna() & (f != 1.0) & (hi > lo)  # a point interval stays a point
        if not done.any():
            continue
        out.loc[done, f"lo{lv}"] = (mid - f * (mid - lo))[done]
        out.loc[done, f"hi{lv}"] = (mid + f * (hi - mid))[done]
        per_series = out.loc[done].groupby("unique_id")[f"f{lv}"].first()
        wider, narrower = int((per_series > 1).sum()), int((per_series < 1).sum())
        notes.append(
            f"{lv}% intervals rescaled to cross-fitted backtest errors (conformal): "
            f"{wider} series widened, {narrower} narrowed; median factor "
            f"{per_series.median():.2f}."
        )
    for inner, outer in pairwise(level):
        out[f"lo{outer}"] = np.minimum(out[f"lo{outer}"], out[f"lo{inner}"])
        out[f"hi{outer}"] = np.maximum(out[f"hi{outer}"], out[f"hi{inner}"])
    return out[fcst.columns], notes
