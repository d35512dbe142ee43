"""Rolling-origin backtests: how well each model would have forecast each series.

For ``n_windows`` cutoffs ``step_size`` periods apart, each model is fitted on the history up to
the cutoff and forecasts the next ``h`` periods; the forecasts are scored against what happened
(utilsforecast's losses) and averaged over the windows: MASE (scaled by the in-sample seasonal
naive error of each window's history), sMAPE, RMSE and the empirical coverage of each interval.
Seasonal naive is always run as the baseline every model is compared with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from utilsforecast.evaluation import evaluate
from utilsforecast.losses import coverage, mase, rmse, smape

from infracast.forecast.exceptions import ForecastError
from infracast.forecast.frames import GapPolicy, SeriesFrame, prepare
from infracast.forecast.models import (
    STATISTICAL,
    check_levels,
    check_model,
    cross_validate,
    needs,
)

BASELINE = "seasonal_naive"
DEFAULT_MODELS: tuple[str, ...] = ("seasonal_naive", "ets", "theta")


@dataclass(frozen=True)
class BacktestResult:
    """Backtest scores.

    ``metrics``: one row per series and model with ``mase``, ``smape`` (0 to 1, as utilsforecast
    defines it), ``rmse``, ``coverage80``... (share of actuals inside each interval) and
    ``relative_mase`` (the model's MASE over seasonal naive's; below 1 beats the baseline).
    ``summary``: one row per model, averaged over series. ``cv``: every backtest forecast.
    """

    metrics: pd.DataFrame
    summary: pd.DataFrame
    cv: pd.DataFrame
    h: int
    n_windows: int
    step_size: int
    level: tuple[int, ...]
    freq: str
    season_length: int
    notes: tuple[str, ...] = field(default=())


def check_horizon(h: int) -> int:
    """``h`` if it is a positive whole number of periods."""
    if isinstance(h, bool) or not isinstance(h, int | np.integer) or h < 1:
        raise ForecastError(
            f"the horizon must be a whole number of periods of at least 1, got {h!r}.",
            hint="Pass e.g. h=30 for 30 days of daily data.",
            field="h",
        )
    return int(h)


def held_out(h: int, n_windows: int, step_size: int) -> int:
    """Periods at the end of each series that the backtest forecasts."""
    return h + (n_windows - 1) * step_size


def score(cv: pd.DataFrame, train: pd.DataFrame, season: int, level: Sequence[int]) -> pd.DataFrame:
    """One model's backtest scored per series: MASE (each window scaled by the mean absolute
    ``season``-lag difference of its own history), sMAPE and coverage averaged over the windows,
    RMSE pooled over them. ``cv`` has ``unique_id, ds, cutoff, y, yhat, lo80, hi80``...;
    ``train`` the history (``unique_id, ds, y``)."""
    wide = cv.rename(
        columns={f"{side}{lv}": f"yhat-{side}-{lv}" for lv in level for side in ("lo", "hi")}
    )
    scored = evaluate(
        wide,
        metrics=[partial(mase, seasonality=season), smape, rmse, coverage],
        models=["yhat"],
        train_df=train,
        level=list(level),
    )
    table = scored.pivot_table(
        index=["unique_id", "cutoff"], columns="metric", values="yhat", dropna=False
    )
    table = table.replace([np.inf, -np.inf], np.nan).rename_axis(columns=None)
    table["rmse"] = table["rmse"] ** 2  # pooled over windows of equal length below
    per_series = table.groupby("unique_id").mean()
    per_series["rmse"] = np.sqrt(per_series["rmse"])
    renamed = {f"coverage_level{lv}": f"coverage{lv}" for lv in level}
    per_series = per_series.rename(columns=renamed)
    cols = ["mase", "smape", "rmse", *renamed.values()]
    return per_series[cols].reset_index()


def calibration(cv: pd.DataFrame, level: Sequence[int]) -> pd.DataFrame:
    """Per series and model, the factor ``f{level}`` that scales each interval's half-widths
    so that it would have held ``level`` % of the backtest's actuals, and ``n`` the points.

    Split conformal prediction with normalised scores (Papadopoulos et al., "Inductive
    confidence machines for regression", ECML 2002; Lei et al., "Distribution-free predictive
    inference for regression", JASA 2018, 5.2): each held-out point scores ``|y - yhat| / w``,
    ``w`` the interval's half-width on the side of ``y``; the factor is the
    ``ceil((n + 1) level / 100)``-th smallest of the ``n`` scores, so the model keeps the shape
    of its intervals (their growth with the horizon) and the backtest sets their scale. NaN
    when ``n`` is too small for that rank (19 points for 95%) or the score is infinite.
    """
    if cv.empty:
        return pd.DataFrame(columns=["unique_id", "model", "n", *(f"f{lv}" for lv in level)])
    error = (cv["y"] - cv["yhat"]).to_numpy(float)
    keys = cv[["unique_id", "model"]]
    scores = {}
    for lv in level:
        width = np.where(error >= 0, cv[f"hi{lv}"] - cv["yhat"], cv["yhat"] - cv[f"lo{lv}"])
        with np.errstate(divide="ignore", invalid="ignore"):
            scores[f"f{lv}"] = np.where(np.abs(error) == 0, 0.0, np.abs(error) / width)
    frame = keys.assign(**scores)
    grouped = frame.groupby(["unique_id", "model"], sort=False)
    out = grouped.size().rename("n").to_frame()
    for lv in level:
        out[f"f{lv}"] = grouped[f"f{lv}"].agg(partial(_conformal_quantile, level=lv))
    return out.reset_index()


def _conformal_quantile(scores: pd.Series, level: int) -> float:
    """The ``ceil((n + 1) level / 100)``-th smallest score; NaN if beyond ``n`` or infinite."""
    values = np.sort(scores.to_numpy(float))
    rank = int(np.ceil((len(values) + 1) * level / 100.0))
    if rank > len(values) or not np.isfinite(values[rank - 1]):
        return float("nan")
    return float(values[rank - 1])


def run_backtest(
    series: SeriesFrame,
    h: int,
    models: Sequence[str],
    *,
    level: Sequence[int] = (80, 95),
    n_windows: int = 2,
    step_size: int | None = None,
    refit: bool = True,
) -> BacktestResult:
    """Backtest ``models`` (plus the seasonal naive baseline) on checked series; each model runs
    on the series long enough for it, the others are listed in ``notes``."""
    h = check_horizon(h)
    level = check_levels(level)
    step = h if step_size is None else int(step_size)
    if n_windows < 1 or step < 1:
        raise ForecastError(
            f"n_windows and step_size must be at least 1, got {n_windows} and {step}.",
            hint="Pass e.g. n_windows=3 (three cutoffs) and step_size=h.",
            field="n_windows",
        )
    names = list(dict.fromkeys([BASELINE, *(check_model(m) for m in models)]))
    lengths = series.lengths
    notes: list[str] = []
    season = series.season_length
    fewest = min(needs(n, series, h) for n in names)
    scored = lengths[lengths >= fewest + held_out(h, n_windows, step)]
    shortest_train = int(scored.min() if len(scored) else 0) - held_out(h, n_windows, step)
    if season > 1 and shortest_train <= season:
        notes.append(f"MASE scaled by the naive error (lag 1): histories too short for {season}.")
        season = 1
    frames, scores = [], []
    train = series.df[["unique_id", "ds", "y"]]
    for name in names:
        needed = needs(name, series, h) + held_out(h, n_windows, step)
        ok = lengths.index[lengths >= needed]
        if len(ok) < len(lengths):
            notes.append(
                f"{name}: {len(lengths) - len(ok)} series shorter than {needed} periods "
                "were not backtested."
            )
        if not len(ok):
            continue
        subset = series.subset(list(ok))
        cv = cross_validate(
            subset, name, h, n_windows=n_windows, step_size=step, level=level,
            refit=refit or name not in STATISTICAL,
        )  # fmt: skip
        frames.append(cv.assign(model=name))
        if name == "regression" and series.drivers:
            notes.append("regression backtested with the drivers' actual values (a known future).")
        scores.append(
            score(cv, train[train["unique_id"].isin(ok)], season, level).assign(model=name)
        )
    cols = [
        "unique_id",
        "ds",
        "cutoff",
        "y",
        "yhat",
        *(f"{s}{lv}" for lv in level for s in ("lo", "hi")),
    ]
    cv_all = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*cols, "model"])
    )
    metrics = _with_baseline(
        pd.concat(scores, ignore_index=True) if scores else pd.DataFrame(), level
    )
    return BacktestResult(
        metrics=metrics,
        summary=summarise(metrics, level),
        cv=cv_all,
        h=h,
        n_windows=n_windows,
        step_size=step,
        level=level,
        freq=series.freq,
        season_length=series.season_length,
        notes=tuple(notes),
    )


def _with_baseline(metrics: pd.DataFrame, level: Sequence[int]) -> pd.DataFrame:
    if metrics.empty:
        scores = ["mase", "smape", "rmse", *(f"coverage{lv}" for lv in level)]
        return pd.DataFrame(columns=["unique_id", "model", *scores, "relative_mase"])
    base = metrics.loc[metrics["model"] == BASELINE, ["unique_id", "mase"]]
    out = metrics.merge(base.rename(columns={"mase": "baseline_mase"}), on="unique_id", how="left")
    out["relative_mase"] = out["mase"] / out["baseline_mase"].replace(0.0, np.nan)
    cols = ["unique_id", "model", *(c for c in metrics.columns if c not in ("unique_id", "model"))]
    return out[[*cols, "relative_mase"]].sort_values(["unique_id", "model"], ignore_index=True)


def summarise(metrics: pd.DataFrame, level: Sequence[int]) -> pd.DataFrame:
    """One row per model: series scored, mean and median MASE, mean sMAPE and RMSE, mean
    coverage per level, and the share of series where the model beats seasonal naive."""
    if metrics.empty:
        return pd.DataFrame(columns=["model", "series", "mase_mean", "mase_median"])
    grouped = metrics.groupby("model", sort=False)
    summary = pd.DataFrame(
        {
            "series": grouped.size(),
            "mase_mean": grouped["mase"].mean(),
            "mase_median": grouped["mase"].median(),
            "smape_mean": grouped["smape"].mean(),
            "rmse_mean": grouped["rmse"].mean(),
            **{f"coverage{lv}": grouped[f"coverage{lv}"].mean() for lv in level},
            "beats_seasonal_naive": grouped["relative_mase"].apply(lambda r: float((r < 1).mean())),
        }
    )
    return summary.sort_values("mase_mean", na_position="last").reset_index()


def backtest(
    df: pd.DataFrame,
    h: int,
    *,
    freq: str | None = None,
    models: Sequence[str] = DEFAULT_MODELS,
    level: Sequence[int] = (80, 95),
    n_windows: int = 3,
    step_size: int | None = None,
    refit: bool = True,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    gaps: GapPolicy = "raise",
) -> BacktestResult:
    """Rolling-origin cross-validation of ``models`` on every series of a long frame.

    ``n_windows`` cutoffs, ``step_size`` periods apart (default ``h``), each forecasting ``h``
    periods; the last window ends at the last observation. Scores per model and series in
    ``metrics``, per model in ``summary``; seasonal naive is always included as the baseline.
    """
    series = prepare(
        df, freq=freq, id_col=id_col, time_col=time_col, target_col=target_col, gaps=gaps
    )
    result = run_backtest(
        series, h, models, level=level, n_windows=n_windows, step_size=step_size, refit=refit
    )
    if result.metrics.empty:
        raise ForecastError(
            f"no series is long enough for a backtest of {n_windows} windows of {h} periods.",
            hint="Lower n_windows or h, or give more history.",
            field="n_windows",
        )
    return BacktestResult(**{**vars(result), "notes": series.notes + result.notes})
