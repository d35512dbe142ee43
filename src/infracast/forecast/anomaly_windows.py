"""How a detector is judged against labelled anomaly windows (the NAB way, simplified).

Per series: a labelled window ``[start, end]`` (both ends included) is *detected*
when at least one flagged point falls in it; a *false alarm event* is a run of
consecutive flagged points (consecutive rows of the series) outside every window.
Totals add over series; the false alarm rate is per 1,000 points, so a detector is
not rewarded for flagging a whole incident point by point, nor punished twice for
one long false alarm. ``../shared/tools/score_anomalies.py`` counts the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

Window = tuple[pd.Timestamp, pd.Timestamp]


@dataclass(frozen=True)
class WindowScore:
    """Windows detected and false alarm events, of one series or a sum of series."""

    windows: int = 0
    detected: int = 0
    false_alarms: int = 0
    points: int = 0

    def __add__(self, other: WindowScore) -> WindowScore:
        return WindowScore(
            self.windows + other.windows,
            self.detected + other.detected,
            self.false_alarms + other.false_alarms,
            self.points + other.points,
        )

    @property
    def recall(self) -> float:
        """Share of the windows detected (0 when there are none)."""
        return self.detected / self.windows if self.windows else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """False alarm events per 1,000 points."""
        return 1000.0 * self.false_alarms / self.points if self.points else 0.0

    def __str__(self) -> str:
        return (
            f"windows {self.detected}/{self.windows} = {self.recall:4.0%}, "
            f"false alarm events {self.false_alarms} = {self.false_alarm_rate:.2f} per 1,000 "
            f"points"
        )


def score_windows(
    ds: Sequence[pd.Timestamp] | pd.Series | npt.NDArray[np.datetime64],
    flagged: Sequence[bool] | npt.NDArray[np.bool_],
    windows: Sequence[Window],
) -> WindowScore:
    """Score the flags of one series (``ds`` in time order, ``flagged`` beside it)."""
    times = pd.DatetimeIndex(pd.to_datetime(np.asarray(ds)))
    flags = np.asarray(flagged, dtype=np.bool_)
    if len(flags) != len(times):
        raise ValueError(f"{len(flags)} flags for {len(times)} times")
    inside = np.zeros(len(times), dtype=np.bool_)
    detected = 0
    for start, end in windows:
        in_window = np.asarray((times >= pd.Timestamp(start)) & (times <= pd.Timestamp(end)))
        inside |= in_window
        detected += bool((flags & in_window).any())
    outside = np.flatnonzero(flags & ~inside)
    events = int(len(outside) and 1 + np.count_nonzero(np.diff(outside) != 1))
    return WindowScore(len(windows), detected, events, len(times))
