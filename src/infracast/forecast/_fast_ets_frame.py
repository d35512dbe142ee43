"""The long-frame front of :mod:`infracast.forecast._fast_ets`: series of a long frame
(``unique_id``, ``ds``, ``y``), of any lengths and last dates, aligned into the array
:func:`~infracast.forecast._fast_ets.fit_forecast` fits, and its forecasts back as a
frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from infracast.forecast._fast_ets import Combine, FastETSError, fit_forecast


def forecast_frame(
    df: pd.DataFrame,
    h: int,
    season_length: int,
    level: Sequence[int] = (80, 95),
    *,
    combine: Combine = "akaike",
    threads: int | None = None,
) -> pd.DataFrame:
    """Forecast every series of a long frame (``unique_id``, ``ds``, ``y``) ``h`` steps on.

    Returns ``unique_id, ds, yhat`` and ``lo{level}, hi{level}`` per level, ``h`` rows per
    series, sorted by ``unique_id`` then ``ds``. Series may differ in length and in their
    last date: each is aligned on its own last observation and left-padded with NaN; its
    forecasts start one step after its last ``ds``. ``ds`` must be regular (datetimes or
    numbers with one common step across the frame, e.g. daily); a missing step inside a
    series, or a NaN ``y``, is a missing value the state steps over.
    """
    missing = [c for c in ("unique_id", "ds", "y") if c not in df.columns]
    if missing:
        raise FastETSError(
            f"the frame lacks the column(s) {missing}; it has {list(df.columns)}.",
            hint="Pass a long frame with one row per series and step: unique_id, ds, y.",
            field=missing[0],
        )
    frame = df[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"], kind="stable")
    ids, codes = np.unique(frame["unique_id"].to_numpy(), return_inverse=True)
    ds = frame["ds"]
    is_time = pd.api.types.is_datetime64_any_dtype(ds)
    if not is_time and not pd.api.types.is_numeric_dtype(ds):
        raise FastETSError(
            f"ds must hold datetimes or numbers, got dtype {ds.dtype}.",
            hint="Convert it first, e.g. df['ds'] = pd.to_datetime(df['ds']).",
            field="ds",
        )
    tz = getattr(ds.dt, "tz", None) if is_time else None
    if is_time:  # nanoseconds of the wall-clock time (a day stays a day across DST)
        wall = ds.dt.tz_localize(None) if tz is not None else ds
        stamp = wall.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    else:
        stamp = ds.to_numpy(dtype=float)
    same = codes[1:] == codes[:-1]
    diffs = np.diff(stamp)[same]
    if diffs.size == 0 or (diffs <= 0).any():
        raise FastETSError(
            "ds must increase within each series, with at least two rows per series"
            + (" (a date repeats)." if diffs.size else "."),
            hint="Aggregate duplicate (unique_id, ds) rows first, e.g. with groupby().sum().",
            field="ds",
        )
    step = diffs.min()
    _, first_row = np.unique(codes, return_index=True)
    start = stamp[first_row]  # rows are sorted: the first stamp of each series
    offset = (stamp - start[codes]) / step
    pos = np.rint(offset).astype(np.int64)
    if np.abs(offset - pos).max() > 1e-6:
        raise FastETSError(
            "ds is not regular: the steps within series are not whole multiples of the "
            f"smallest step ({pd.Timedelta(int(step)) if is_time else step}).",
            hint="Resample every series to one frequency first (e.g. daily sums).",
            field="ds",
        )
    length = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(length, codes, pos + 1)
    T = int(length.max())
    y = np.full((len(ids), T), np.nan)
    y[codes, T - length[codes] + pos] = frame["y"].to_numpy(dtype=float)
    ends = np.isfinite(y[:, -1])
    if not ends.all():
        bad = ids[~ends][0]
        raise FastETSError(
            f"series {bad!r} ends with a missing y ({int((~ends).sum())} series do).",
            hint="Drop the trailing rows without a value, or fill them, before forecasting.",
            field="y",
        )
    count = np.isfinite(y).sum(axis=1)
    need = max(2 * season_length, 4) + 1
    if (count < need).any():
        bad = ids[count < need][0]
        raise FastETSError(
            f"series {bad!r} has {int(count[count < need][0])} observations; at least "
            f"{need} are needed (two seasons of {season_length} and one more).",
            hint="Drop or pool the short series, or pass season_length=1 to fit no season.",
            field="y",
        )
    result = fit_forecast(y, season_length, h, level, combine=combine, threads=threads)
    last = start + (length - 1) * step
    future = last[:, None] + step * np.arange(1, h + 1)[None, :]
    out = pd.DataFrame(
        {
            "unique_id": np.repeat(ids, h),
            "ds": future.ravel().astype("datetime64[ns]") if is_time else future.ravel(),
            "yhat": result.mean.ravel(),
        }
    )
    for lev in level:
        out[f"lo{lev}"] = result.lower[lev].ravel()
        out[f"hi{lev}"] = result.upper[lev].ravel()
    if tz is not None:
        out["ds"] = out["ds"].dt.tz_localize(tz)
    elif not is_time and pd.api.types.is_integer_dtype(ds):
        out["ds"] = out["ds"].astype(ds.dtype)
    return out
