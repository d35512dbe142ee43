"""Series in the long format (``unique_id``, ``ds``, ``y``, optional drivers): checked, renamed,
their frequency normalised or inferred, gaps filled or refused.

Every function of the forecast package takes its input through :func:`prepare`, so the same
frame gives the same clear error whichever model is asked for.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from utilsforecast.preprocessing import fill_gaps

from infracast.errors import did_you_mean
from infracast.forecast.exceptions import ForecastError

GapPolicy = Literal["raise", "zero", "interpolate"]
GAP_POLICIES: tuple[str, ...] = ("raise", "zero", "interpolate")

# Spellings users type, to the alias pandas 2.2+ uses without a deprecation warning.
_UNIT_ALIASES = {
    "min": "min", "T": "min", "h": "h", "H": "h", "d": "D", "D": "D", "B": "B", "b": "B",
    "w": "W", "W": "W", "MS": "MS", "M": "ME", "ME": "ME", "QS": "QS", "Q": "QE", "QE": "QE",
    "YS": "YS", "AS": "YS", "Y": "YE", "A": "YE", "YE": "YE",
}  # fmt: skip
EXAMPLE_FREQS = "5min, 15min, h, D, B, W, MS, QS, YS"
_DAY_SECONDS = 86_400


@dataclass(frozen=True)
class SeriesFrame:
    """A checked long frame and what was learnt or assumed about it.

    ``df`` has the columns ``unique_id`` (str), ``ds`` (naive UTC timestamps), ``y`` (float) and
    the driver columns, sorted by series and time, one row per period with no gaps.
    """

    df: pd.DataFrame
    freq: str
    season_length: int
    drivers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def lengths(self) -> pd.Series:
        """Number of observations of each series, indexed by ``unique_id``."""
        return self.df.groupby("unique_id", sort=False).size()

    def subset(self, ids: Sequence[str]) -> SeriesFrame:
        """The same series, restricted to ``ids``."""
        keep = self.df["unique_id"].isin(list(ids))
        return SeriesFrame(
            self.df[keep].reset_index(drop=True),
            self.freq,
            self.season_length,
            self.drivers,
            self.notes,
        )


def normalise_freq(freq: str) -> str:
    """The pandas alias for a frequency a user typed: ``H`` → ``h``, ``d`` → ``D``,
    ``M`` → ``ME``, ``5T`` → ``5min``; ``W``, ``MS``, ``QS`` and anchored forms pass through."""
    text = str(freq).strip()
    match = re.fullmatch(r"(\d*)\s*([A-Za-z]+)(-[A-Za-z]{3})?", text)
    if match:
        count, unit, anchor = match.groups()
        unit = _UNIT_ALIASES.get(unit, _UNIT_ALIASES.get(unit.upper(), unit))
        text = f"{count}{unit}{(anchor or '').upper()}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            offset = to_offset(text)
    except ValueError:
        offset = None
    if offset is None:
        raise ForecastError(
            f'unknown frequency "{freq}".' + did_you_mean(str(freq), EXAMPLE_FREQS.split(", ")),
            hint=f"Use a pandas alias such as {EXAMPLE_FREQS}, or omit freq to infer it.",
            field="freq",
        )
    return str(offset.freqstr)


def season_length(freq: str) -> int:
    """The main seasonal period of a frequency: the daily cycle below a day (``5min`` → 288,
    ``h`` → 24), the weekly cycle of days (``D`` → 7, ``B`` → 5), the yearly cycle above
    (``W`` → 52, ``MS`` → 12, ``QS`` → 4); 1 (no season) otherwise."""
    offset = to_offset(normalise_freq(freq))
    name = offset.name.split("-")[0]
    if name == "D":
        return 7 if offset.n == 1 else 1
    if isinstance(offset, pd.offsets.Tick):
        seconds = pd.Timedelta(offset).total_seconds()
        per_day = _DAY_SECONDS / seconds
        return int(per_day) if per_day > 1 and per_day.is_integer() else 1
    yearly = {"B": 5, "W": 52, "MS": 12, "ME": 12, "QS": 4, "QE": 4}
    if offset.n == 1 and name in yearly:
        return yearly[name]
    return 1


def weekly_season(freq: str) -> int:
    """Periods in a week for frequencies that divide a day (``h`` → 168, ``D`` → 7), else
    :func:`season_length` (``W`` → 52, ``MS`` → 12): the longer cycle of sub-daily data,
    whose demand repeats by the week as well as by the day."""
    offset = to_offset(normalise_freq(freq))
    if isinstance(offset, pd.offsets.Tick):
        per_day = _DAY_SECONDS / pd.Timedelta(offset).total_seconds()
        if per_day >= 1 and per_day.is_integer():
            return 7 * int(per_day)
    return season_length(freq)


def infer_freq(df: pd.DataFrame) -> str:
    """The most common frequency pandas infers per series of a long frame (``ds`` sorted)."""
    found: Counter[str] = Counter()
    for _, ds in df.groupby("unique_id", sort=False)["ds"]:
        if len(ds) >= 3:
            guess = pd.infer_freq(pd.DatetimeIndex(ds))
            if guess:
                found[normalise_freq(guess)] += 1
    if found:
        return found.most_common(1)[0][0]
    steps = df.groupby("unique_id", sort=False)["ds"].diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    if len(steps):  # irregular series: the most common step between observations
        return normalise_freq(to_offset(steps.mode().iloc[0]).freqstr)
    raise ForecastError(
        "cannot infer the frequency: no series has two distinct timestamps.",
        hint=f"Pass freq explicitly (one of {EXAMPLE_FREQS}).",
        field="freq",
    )


def _rename(
    df: pd.DataFrame, id_col: str, time_col: str, target_col: str, default_id: str
) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    for col, role in ((time_col, "time"), (target_col, "target")):
        if col not in df.columns:
            raise ForecastError(
                f'the frame has no {role} column "{col}".' + did_you_mean(col, map(str, df)),
                hint=f"Columns present: {', '.join(map(str, df.columns))}. "
                f"Name the {role} column with {role}_col=.",
                field=f"{role}_col",
            )
    out = df.rename(columns={time_col: "ds", target_col: "y"})
    if id_col in df.columns:
        out = out.rename(columns={id_col: "unique_id"})
    else:
        out = out.assign(unique_id=default_id)
        notes.append(f'no "{id_col}" column: the frame is one series named "{default_id}".')
    return out, notes


def _clean_types(df: pd.DataFrame, drivers: list[str]) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    df = df.copy()
    df["unique_id"] = df["unique_id"].astype(str)
    try:
        ds = pd.to_datetime(df["ds"])
    except (ValueError, TypeError) as err:
        raise ForecastError(
            f"the time column has values that are not dates ({err}).",
            hint="Give ISO dates or timestamps, e.g. 2026-01-31 or 2026-01-31T13:00:00Z.",
            field="time_col",
        ) from None
    if ds.dt.tz is not None:
        ds = ds.dt.tz_convert("UTC").dt.tz_localize(None)
        notes.append("timestamps converted to UTC and stored without a time zone.")
    df["ds"] = ds
    for col in ["y", *drivers]:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            examples = ", ".join(repr(v) for v in df.loc[bad, col].head(3))
            what = "target" if col == "y" else f'driver "{col}"'
            raise ForecastError(
                f"the {what} has {int(bad.sum())} non-numeric values (e.g. {examples}).",
                hint="Clean or drop those rows; numbers only (no currency symbols or units).",
                field="target_col" if col == "y" else col,
            )
        df[col] = values.astype(float)
    return df, notes


def _fill(df: pd.DataFrame, freq: str, gaps: str, drivers: list[str]) -> tuple[pd.DataFrame, str]:
    """Put every series on the grid of ``freq``; fill the holes by ``gaps`` or refuse."""
    observed = df.dropna(subset=["y"])
    full = fill_gaps(observed[["unique_id", "ds"]], freq=freq, start="per_serie", end="per_serie")
    off_grid = observed.merge(full, on=["unique_id", "ds"], how="left", indicator=True)
    off_grid = off_grid[off_grid["_merge"] == "left_only"]
    if len(off_grid):
        first = off_grid.iloc[0]
        raise ForecastError(
            f"{len(off_grid)} timestamps are not on the {freq} grid "
            f'(e.g. {first["ds"]} in series "{first["unique_id"]}").',
            hint=f"Aggregate to the period first (e.g. df.ds.dt.floor('{freq}') then sum), "
            "or pass the freq the data is really at.",
            field="freq",
        )
    merged = full.merge(df, on=["unique_id", "ds"], how="left")
    missing = merged["y"].isna()
    if not missing.any():
        return merged, ""
    if gaps == "raise":
        where = merged.loc[missing].iloc[0]
        raise ForecastError(
            f"{int(missing.sum())} periods are missing or empty at freq {freq} "
            f'(first: {where["ds"]} in series "{where["unique_id"]}").',
            hint='Pass gaps="zero" when a missing period means no cost, or '
            'gaps="interpolate" to fill it linearly; or check freq.',
            field="gaps",
        )
    cols = ["y", *drivers]
    if gaps == "zero":
        merged[cols] = merged[cols].fillna(0.0)
    else:
        merged[cols] = merged.groupby("unique_id", sort=False)[cols].transform(
            lambda s: s.interpolate(limit_direction="both")
        )
    return merged, f"{int(missing.sum())} missing periods filled ({gaps})."


def prepare(
    df: pd.DataFrame,
    *,
    freq: str | None = None,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    default_id: str = "total",
    drivers: Sequence[str] | None = None,
    gaps: GapPolicy = "raise",
) -> SeriesFrame:
    """Check and normalise a long frame of one or more series.

    Columns are renamed to ``unique_id``, ``ds``, ``y``; a frame without ``id_col`` is one series
    named ``default_id``. ``drivers`` are the other columns kept (default: every other column;
    they must be numeric). ``freq`` is a pandas alias (``H``/``h``, ``d``/``D``, ``W``, ``MS``
    ...), inferred from the data when None. Missing periods (absent rows or an empty ``y``) are
    refused, or filled with zero or by linear interpolation (``gaps``).
    """
    if not isinstance(df, pd.DataFrame):
        raise ForecastError(
            f"expected a pandas DataFrame, got {type(df).__name__}.",
            hint="Pass a long frame with columns unique_id, ds, y (pd.DataFrame(...)).",
        )
    if gaps not in GAP_POLICIES:
        raise ForecastError(
            f'unknown gaps policy "{gaps}".' + did_you_mean(str(gaps), GAP_POLICIES),
            hint=f"Use one of: {', '.join(GAP_POLICIES)}.",
            field="gaps",
        )
    if df.empty:
        raise ForecastError(
            "the frame has no rows.", hint="Give at least two periods of history per series."
        )
    out, notes = _rename(df, id_col, time_col, target_col, default_id)
    others = [c for c in out.columns if c not in ("unique_id", "ds", "y")]
    chosen = list(others if drivers is None else drivers)
    unknown = [d for d in chosen if d not in others]
    if unknown:
        raise ForecastError(
            f'unknown driver column "{unknown[0]}".' + did_you_mean(unknown[0], others),
            hint=f"Driver columns must be in the frame; present: {', '.join(others) or 'none'}.",
            field="drivers",
        )
    out, more = _clean_types(out[["unique_id", "ds", "y", *chosen]], chosen)
    notes += more
    dup = out.duplicated(subset=["unique_id", "ds"], keep=False)
    if dup.any():
        first = out.loc[dup].iloc[0]
        raise ForecastError(
            f"{int(dup.sum())} rows share a (unique_id, ds) pair "
            f'(e.g. series "{first["unique_id"]}" at {first["ds"]}).',
            hint="Aggregate first, e.g. df.groupby(['unique_id', 'ds'], as_index=False).sum().",
            field="time_col",
        )
    out = out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    if freq is None:
        freq = infer_freq(out.dropna(subset=["y"]))
        notes.append(f"frequency inferred from the data: {freq}.")
    else:
        freq = normalise_freq(freq)
    out, filled = _fill(out, freq, gaps, chosen)
    if filled:
        notes.append(filled)
    if chosen and out[chosen].isna().to_numpy().any():
        raise ForecastError(
            "driver columns have empty values.",
            hint='Fill them (df[cols].interpolate()) or pass gaps="interpolate".',
            field="drivers",
        )
    out["y"] = out["y"].astype(np.float64)
    return SeriesFrame(out, freq, season_length(freq), tuple(chosen), tuple(notes))


def require_length(series: SeriesFrame, needed: int, why: str) -> None:
    """Refuse series shorter than ``needed`` observations, naming them and the reason."""
    lengths = series.lengths
    short = lengths[lengths < needed]
    if len(short):
        name, n = str(short.index[0]), int(short.iloc[0])
        raise ForecastError(
            f'series "{name}" has {n} observations; {why} needs at least {needed} '
            f"({len(short)} series are this short).",
            hint='Use model="auto" (it falls back to naive models for short series), '
            "a shorter horizon, or fewer backtest windows.",
            field="h",
        )
