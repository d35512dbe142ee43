"""The ``ets`` model: the vectorized exponential smoothing of :mod:`._fast_ets` behind the
interface every model has (``fit_predict`` and ``cross_validate`` over a
:class:`~infracast.forecast.frames.SeriesFrame`).

All series are fitted in one call; the rolling-origin backtest makes one call per
window, on every series cut at its own cutoff (the last ``h + (n_windows - 1 - k) ·
step_size`` periods of window ``k`` held out, as statsforecast's cross-validation
does). Series shorter than two seasons and one period are fitted without a season.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from infracast.forecast._fast_ets_frame import forecast_frame
from infracast.forecast.exceptions import FastETSError
from infracast.forecast.frames import SeriesFrame


def _by_season(series: SeriesFrame) -> list[tuple[pd.DataFrame, int]]:
    """The frame split into the series long enough for the season and the rest."""
    m = series.season_length
    df = series.df[["unique_id", "ds", "y"]]
    if m <= 1:
        return [(df, 1)]
    lengths = df.groupby("unique_id", sort=False)["y"].transform("size")
    long_enough = lengths >= max(2 * m, 4) + 1
    parts = [(df[long_enough], m), (df[~long_enough], 1)]
    return [(part, season) for part, season in parts if not part.empty]


def ets_fit_predict(series: SeriesFrame, h: int, level: Sequence[int]) -> pd.DataFrame:
    """``unique_id, ds, yhat`` and the intervals, ``h`` periods past each series' end.

    Times go to the fitter as period numbers on one calendar of ``series.freq`` (months
    and weeks are not a fixed number of seconds) and come back as dates."""
    first = series.df["ds"].min()
    periods = len(pd.date_range(first, series.df["ds"].max(), freq=series.freq))
    grid = pd.date_range(first, periods=periods + h + 1, freq=series.freq)
    parts = []
    for part, season in _by_season(series):
        numbered = part.assign(ds=grid.get_indexer(part["ds"]))
        if (numbered["ds"] < 0).any():
            raise FastETSError(
                f"some times are not on the {series.freq} calendar that starts {first}.",
                hint="Give every series the same frequency and anchor (e.g. month starts).",
                field="ds",
            )
        parts.append(forecast_frame(numbered, h, season, level=tuple(level)))
    out = pd.concat(parts, ignore_index=True)
    out["ds"] = grid[out["ds"].to_numpy()]
    return out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def ets_cross_validate(
    series: SeriesFrame, h: int, n_windows: int, step_size: int, level: Sequence[int]
) -> pd.DataFrame:
    """Rolling-origin forecasts: ``unique_id, ds, cutoff, y, yhat`` and the intervals."""
    df = series.df[["unique_id", "ds", "y"]].reset_index(drop=True)
    position = df.groupby("unique_id", sort=False).cumcount().to_numpy()
    length = df.groupby("unique_id", sort=False)["y"].transform("size").to_numpy()
    windows = []
    for k in range(n_windows):
        end = length - h - (n_windows - 1 - k) * step_size  # rows of history per series
        train = df[position < end]
        test = df[(position >= end) & (position < end + h)]
        cutoffs = train.groupby("unique_id", sort=False)["ds"].max().rename("cutoff")
        cut = SeriesFrame(train.reset_index(drop=True), series.freq, series.season_length)
        predicted = ets_fit_predict(cut, h, level)
        merged = predicted.merge(test, on=["unique_id", "ds"], how="inner")
        windows.append(merged.join(cutoffs, on="unique_id"))
    out = pd.concat(windows, ignore_index=True)
    bounds = [c for c in out.columns if c[:2] in ("lo", "hi") and c[2:].isdigit()]
    cols = ["unique_id", "ds", "cutoff", "y", "yhat", *bounds]
    out = out[cols].sort_values(["unique_id", "cutoff", "ds"], kind="stable")
    out["y"] = out["y"].astype(np.float64)
    return out.reset_index(drop=True)
