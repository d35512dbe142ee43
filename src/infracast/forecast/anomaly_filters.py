"""What a cost scan does around the detector: new series led in with zeros, one direction
kept, immaterial changes dropped. Pure functions of frames in the long format
(``unique_id``, ``ds``, ``y``); :mod:`infracast.control.anomalies` applies them to the
ledger's cost, and a notebook can apply them to any frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from infracast.forecast.anomalies import AnomalySettings
from infracast.forecast.anomaly_rules import season_length

__all__ = ["heading", "lead_in", "lead_periods", "material"]


def lead_in(
    series: pd.DataFrame, covered_from: dict[str, pd.Timestamp], lead: int, freq: str
) -> pd.DataFrame:
    """Each series with zeros in the ``lead`` periods before its first one, but not before
    ``covered_from[unique_id]`` (the first period its providers' bills cover): no charge
    in a billed period is no cost, so a series that appears (a new cluster, a new
    project) is scored against the zeros before it instead of going unscored while it
    builds a history. Before the bills begin nothing is known, and nothing is added."""
    offset = pd.tseries.frequencies.to_offset(freq)
    pieces = [series]
    for uid, first in series.groupby("unique_id", sort=False)["ds"].min().items():
        since = covered_from.get(str(uid))
        if since is None or since >= first:
            continue
        grid = pd.date_range(end=first - offset, periods=lead, freq=freq)
        grid = grid[grid >= since]
        if len(grid):
            pieces.append(pd.DataFrame({"unique_id": uid, "ds": grid, "y": 0.0}))
    out = pd.concat(pieces, ignore_index=True)
    return out.sort_values(["unique_id", "ds"], kind="mergesort").reset_index(drop=True)


def lead_periods(settings: AnomalySettings, freq: str) -> int:
    """Periods of history a new series needs to be scored: its seasonal baseline's
    seasons and the detector's ``min_history``."""
    origin = pd.Timestamp("2001-01-01")
    step = pd.Timestamp(origin + pd.tseries.frequencies.to_offset(freq)) - origin
    full = settings.for_season(season_length(step))
    assert full.season_length is not None and full.min_history is not None
    return full.seasonal * full.season_length + full.min_history + 1


def heading(found: pd.DataFrame, direction: str) -> pd.DataFrame:
    """The anomalies of one ``direction``: ``up`` keeps a point above what was expected
    with a positive score, ``down`` one below with a negative score, ``both`` all."""
    if direction == "both" or found.empty:
        return found
    sign = 1.0 if direction == "up" else -1.0
    keep = (sign * found["score"] > 0) & (sign * (found["y"] - found["expected"]) > 0)
    return found[keep.to_numpy()].reset_index(drop=True)


def material(
    found: pd.DataFrame, data: pd.DataFrame, min_share: float, freq: str | None
) -> pd.DataFrame:
    """The anomalies whose change ``|y - expected|`` is at least ``min_share`` of the
    median total of all series over the 28 periods before (a typical day of the scope).

    The same floor bounds the half-width a kept anomaly's ``score`` is measured in: a
    series flat at zero has an interval of width zero, and its first cost would score
    in the trillions; measured against the smallest change that matters it scores
    ``change / floor`` (a first 2,265.29 on a scope whose 1% is 150: +15.1)."""
    if found.empty or not min_share:
        return found
    total = data.groupby("ds")["y"].sum().sort_index()
    typical = total.abs().rolling(28, min_periods=1).median().shift(1)
    floor = min_share * typical.reindex(pd.DatetimeIndex(found["ds"])).to_numpy()
    change = (found["y"] - found["expected"]).to_numpy()
    keep = ~(np.abs(change) < floor)
    out = found[keep].reset_index(drop=True)
    floor, change = floor[keep], change[keep]
    half = np.where(change >= 0, out["hi"] - out["expected"], out["expected"] - out["lo"])
    narrow = half < floor
    out.loc[narrow, "score"] = change[narrow] / floor[narrow]
    return out
