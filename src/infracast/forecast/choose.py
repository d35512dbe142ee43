"""Forecast every series with a named model, or with the model that backtests best for it.

``model="auto"`` runs a rolling-origin backtest of cheap candidates on each series and keeps,
per series, the one with the lowest MASE (ties: lower RMSE, then the simpler model). Series too
short to backtest get seasonal naive (naive when shorter than a season and one), and say so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from infracast.forecast.backtesting import (
    BacktestResult,
    check_horizon,
    held_out,
    run_backtest,
)
from infracast.forecast.conformal import calibrate
from infracast.forecast.frames import (
    GapPolicy,
    SeriesFrame,
    prepare,
    require_length,
    weekly_season,
)
from infracast.forecast.models import (
    INTERVALS,
    check_levels,
    check_model,
    fit_predict,
    interval_columns,
    min_length,
    needs,
)

# The default candidates of model="auto". Theta and the global model are not among them:
# on generated daily series (bench/forecast.py, seed 1, 1,000 series) adding Theta made
# auto's mean MASE worse (0.7764 against 0.7686 with 3 windows: a lucky backtest picks it
# where ETS is better), and the global model changed nothing for twice the time.
# candidates= puts them in.
AUTO_CANDIDATES: tuple[str, ...] = ("seasonal_naive", "ets")
# Backtest windows of auto: N_WINDOWS, or for data below a day as many as make a week of
# cutoffs (7 windows of 24 hours), when the series are long enough; see _auto_windows.
N_WINDOWS = 3
# Sub-daily demand repeats by the week as well as by the day; with hourly data auto also
# tries the value a week earlier (weekly_naive) when a series is long enough to backtest
# it. Added for the weekly cycle of cluster demand, not tuned on bench/traces.py's scores.


@dataclass(frozen=True)
class ForecastResult:
    """A forecast with what made it.

    ``forecast``: ``unique_id, ds, yhat, lo80, hi80, lo95, hi95, model`` (for the levels asked).
    ``choices``: per series the model used, why, its training window (``train_start``,
    ``train_end``, ``n_obs``) and its backtest ``mase`` and ``coverage80``... (empty when it
    could not be backtested). ``notes``: every default assumed and fallback taken.
    """

    forecast: pd.DataFrame
    choices: pd.DataFrame
    h: int
    freq: str
    season_length: int
    level: tuple[int, ...]
    notes: tuple[str, ...] = ()
    backtest: BacktestResult | None = field(default=None, repr=False)

    def to_rows(self) -> list[dict[str, Any]]:
        """The forecast as flat rows (CSV), dates as ISO strings."""
        return [_plain(row) for row in self.forecast.to_dict(orient="records")]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: snake_case keys, stable order."""
        return {
            "h": self.h,
            "freq": self.freq,
            "season_length": self.season_length,
            "level": list(self.level),
            "forecast": self.to_rows(),
            "choices": [_plain(r) for r in self.choices.to_dict(orient="records")],
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as a JSON string (missing numbers as null)."""
        return json.dumps(self.to_dict(), indent=indent)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: numpy scalars to Python, timestamps to ISO text, NaN to None."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, pd.Timestamp):
            value = value.isoformat()
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            value = None
        out[str(key)] = value
    return out


def _fallback(series: SeriesFrame, h: int, ids: Sequence[str]) -> dict[str, str]:
    """Seasonal naive for series with a season of history and one more, naive otherwise."""
    lengths = series.lengths.loc[list(ids)]
    m = series.season_length
    return {
        str(uid): "seasonal_naive" if m > 1 and n >= min_length("seasonal_naive", m, h) else "naive"
        for uid, n in lengths.items()
    }


def _pick(metrics: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per series the candidate with the lowest MASE; ties to lower RMSE, then earlier in order."""
    ranked = metrics.assign(
        _mase=metrics["mase"].fillna(np.inf),
        _rmse=metrics["rmse"].fillna(np.inf),
        _order=metrics["model"].map({m: i for i, m in enumerate(order)}),
    ).sort_values(["unique_id", "_mase", "_rmse", "_order"])
    return (
        ranked.groupby("unique_id", sort=False).head(1).drop(columns=["_mase", "_rmse", "_order"])
    )


def _candidates(
    series: SeriesFrame, given: Sequence[str] | None, X_df: pd.DataFrame | None, h: int, room: int
) -> tuple[list[str], list[str]]:
    """The candidates of auto; ``room``: the periods the backtest holds out."""
    notes: list[str] = []
    if given is not None:
        return [check_model(c) for c in given], notes
    chosen = list(AUTO_CANDIDATES)
    weekly = weekly_season(series.freq) > series.season_length
    if weekly and series.lengths.max() >= needs("weekly_naive", series, h) + room:
        chosen.append("weekly_naive")
    if series.drivers and X_df is not None:
        chosen.append("regression")
    elif series.drivers:
        notes.append(
            f"drivers {', '.join(series.drivers)} unused: no X_df with their future values."
        )
    return chosen, notes


def _auto_windows(series: SeriesFrame, h: int, step: int) -> int:
    """Auto's backtest windows: ``N_WINDOWS``, or for data below a day enough cutoffs to span
    a week (``ceil(week / step)``, 7 for hourly data and ``h=24``), so that the choice sees
    every day of the week rather than the last three; fewer (never under ``N_WINDOWS``) when
    the shortest series or the week-before candidate would not fit them. Chosen over 3
    windows and a mean of the two best candidates by leave-one-trace-out on
    bench/traces.py (bench/RESULTS.md)."""
    week = weekly_season(series.freq)
    if week <= series.season_length:
        return N_WINDOWS
    wanted = -(-week // step)
    shortest = int(series.lengths.min()) - needs("seasonal_naive", series, h) - h
    longest = int(series.lengths.max()) - needs("weekly_naive", series, h) - h
    fits = min(shortest, longest) // step + 1
    return max(N_WINDOWS, min(wanted, fits))


def _auto(
    series: SeriesFrame,
    h: int,
    level: tuple[int, ...],
    candidates: list[str],
    n_windows: int,
    step: int,
) -> tuple[pd.DataFrame, BacktestResult]:
    """Backtest the candidates; return per series (model, reason, scores)."""
    result = run_backtest(
        series, h, candidates, level=level, n_windows=n_windows, step_size=step, refit=False
    )
    scored = result.metrics[result.metrics["model"].isin(candidates)]
    best = _pick(scored, candidates)
    tried = scored.groupby("unique_id")["model"].apply(lambda s: ", ".join(s))
    windows = f"({n_windows} windows of {h})"
    best["reason"] = [
        f"lowest backtest MASE among {tried[uid]} {windows}"
        if np.isfinite(mase)
        else f"lowest backtest RMSE among {tried[uid]} {windows}; MASE undefined (flat history)"
        for uid, mase in zip(best["unique_id"], best["mase"].astype(float), strict=True)
    ]
    short = sorted(set(series.df["unique_id"]) - set(best["unique_id"]))
    if short:
        shortest = {c: needs(c, series, h) for c in candidates}
        need = min(shortest.values()) + held_out(h, n_windows, step)
        fallback = _fallback(series, h, short)
        rows = [
            {
                "unique_id": uid,
                "model": model,
                "reason": f"too short to backtest ({int(series.lengths[uid])} periods, "
                f"{need} needed): {model.replace('_', ' ')} by default",
            }
            for uid, model in fallback.items()
        ]
        best = pd.concat([best, pd.DataFrame(rows)], ignore_index=True)
    return best, result


def _fit_by_choice(
    series: SeriesFrame,
    h: int,
    level: tuple[int, ...],
    choice: pd.DataFrame,
    X_df: pd.DataFrame | None,
) -> pd.DataFrame:
    parts = []
    for name, group in choice.groupby("model", sort=False):
        ids = list(group["unique_id"])
        if name == "global":  # the pooled model learns from every series long enough for it
            need = min_length("global", series.season_length, h)
            pool = sorted(set(series.lengths.index[series.lengths >= need]) | set(ids))
            out = fit_predict(series.subset(pool), "global", h, level)
            out = out[out["unique_id"].isin(ids)]
        else:
            out = fit_predict(series.subset(ids), str(name), h, level, X_df=X_df)
        parts.append(out.assign(model=name))
    cols = ["unique_id", "ds", "yhat", *interval_columns(level), "model"]
    return pd.concat(parts, ignore_index=True)[cols].sort_values(
        ["unique_id", "ds"], ignore_index=True
    )


def _rename_future(X_df: pd.DataFrame, id_col: str, time_col: str, default_id: str) -> pd.DataFrame:
    out = X_df.rename(columns={id_col: "unique_id", time_col: "ds"})
    return out if "unique_id" in out.columns else out.assign(unique_id=default_id)


def forecast(
    df: pd.DataFrame,
    h: int,
    *,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    X_df: pd.DataFrame | None = None,
    candidates: Sequence[str] | None = None,
    n_windows: int | None = None,
    step_size: int | None = None,
    evaluate: bool = True,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    default_id: str = "total",
    drivers: Sequence[str] | None = None,
    gaps: GapPolicy = "raise",
) -> ForecastResult:
    """Forecast ``h`` periods of every series in a long frame, with intervals at ``level``.

    ``model`` is one of ``naive, seasonal_naive, weekly_naive, ets, theta, arima,
    regression, global``, or ``"auto"``: per series, the candidate (default
    ``seasonal_naive, ets``, plus ``weekly_naive`` for data below a day and ``regression``
    when drivers and ``X_df`` are given) with the lowest MASE over ``n_windows``
    rolling-origin windows (default 3; for data below a day a week of cutoffs when the
    history allows), its intervals rescaled to the cross-fitted backtest errors
    (:mod:`infracast.forecast.conformal`). A named model is also backtested on ``n_windows``
    (default 3; ``evaluate=False`` skips it) so its MASE and coverage stand beside the
    forecast. ``X_df`` holds the future driver values (columns ``unique_id, ds`` and the
    drivers) that ``regression`` needs.
    """
    h = check_horizon(h)
    levels = check_levels(level)
    if model != "auto":
        check_model(model)
    series = prepare(
        df, freq=freq, id_col=id_col, time_col=time_col, target_col=target_col,
        default_id=default_id, drivers=drivers, gaps=gaps,
    )  # fmt: skip
    require_length(series, 2, "any forecast")
    future = None if X_df is None else _rename_future(X_df, id_col, time_col, default_id)
    step = h if step_size is None else step_size
    notes = list(series.notes)
    result: BacktestResult | None = None
    if model == "auto":
        windows = _auto_windows(series, h, step) if n_windows is None else n_windows
        names, more = _candidates(series, candidates, future, h, held_out(h, windows, step))
        notes += more
        choice, result = _auto(series, h, levels, names, windows, step)
    else:
        if series.drivers and model != "regression":
            notes.append(f"drivers {', '.join(series.drivers)} unused: only regression uses them.")
        ids = sorted(set(series.df["unique_id"]))
        choice = pd.DataFrame({"unique_id": ids, "model": model, "reason": f"model={model}"})
        if evaluate:
            result = run_backtest(
                series, h, [model], level=levels, n_windows=n_windows or N_WINDOWS, step_size=step
            )
    if result is not None:
        notes += result.notes
        scores = result.metrics.drop(columns=["relative_mase"], errors="ignore")
        choice = choice[["unique_id", "model", "reason"]].merge(
            scores, on=["unique_id", "model"], how="left"
        )
    fcst = _fit_by_choice(series, h, levels, choice, future)
    for name in sorted(set(choice["model"])):
        notes.append(f"{name}: {INTERVALS[name]} prediction intervals.")
    if model == "auto" and result is not None:
        tried = result.cv[result.cv["model"].isin(names)]
        fcst, more = calibrate(fcst, tried, names, levels)
        notes += more
    window = series.df.groupby("unique_id")["ds"].agg(
        train_start="min", train_end="max", n_obs="size"
    )
    choice = choice.merge(window.reset_index(), on="unique_id", how="left")
    keep = ["unique_id", "model", "reason", "train_start", "train_end", "n_obs", "mase"]
    keep += [f"coverage{lv}" for lv in levels]
    choice = choice.reindex(columns=keep).sort_values("unique_id", ignore_index=True)
    return ForecastResult(
        forecast=fcst,
        choices=choice,
        h=h,
        freq=series.freq,
        season_length=series.season_length,
        level=levels,
        notes=tuple(dict.fromkeys(notes)),
        backtest=result,
    )
