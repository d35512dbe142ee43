"""Benchmark: the anomaly rule on labelled real metrics (NAB), against rolling median ± k MAD.

Data: ``../shared/data/anomalies/nab`` (18 real CloudWatch and known-cause series,
30 labelled windows; its README says where they come from). Scoring
(:mod:`infracast.forecast.anomaly_windows`, as ``../shared/tools/score_anomalies.py``):
per series, windows holding at least one flagged point are detected; runs of
consecutive flagged points outside every window are false alarm events, counted per
1,000 points. Target: at least 60% of the windows at no more than 1.0 per 1,000.

Printed in one run, per series and pooled:

- **out of sample**: leave one series out. For each series, the candidate of ``GRID``
  with the most windows detected on the other 17 (false alarms there at most 1.0 per
  1,000; ties to the fewest false alarms, then the first) is scored on the series
  left out; the pooled figure adds those 18 held-out scores. This is the claim.
- **defaults**: :func:`infracast.forecast.anomalies.detect_anomalies` with the shipped
  :class:`AnomalySettings`, which are the same pick made on all 18 series (so these
  figures are in sample).
- **median ± 20 MAD**: the rolling median of the past 288 points ± 20 × 1.4826 × MAD
  (the reference of the data's README: 57% at 34 per 1,000).
- **99% interval**: the same median ± 2.576 × 1.4826 × MAD, the textbook one-step 99%
  interval.

    python -m bench.anomalies
    python -m bench.anomalies --data ../shared/data/anomalies/nab
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from bench._common import ROOT
from infracast.forecast.anomalies import AnomalySettings, score_anomalies
from infracast.forecast.anomaly_rules import events, rule_scores, season_length
from infracast.forecast.anomaly_windows import Window, WindowScore, score_windows

SHARED = Path(os.environ.get("INFRACAST_SHARED_DATA", ROOT.parent / "shared" / "data"))
NAB = SHARED / "anomalies" / "nab"
FA_TARGET = 1.0  # false alarm events per 1,000 points
RECALL_TARGET = 0.6
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Labelled:
    """One NAB series in the long format, with its labelled windows."""

    name: str
    frame: pd.DataFrame  # unique_id, ds, y
    windows: list[Window]

    @property
    def season(self) -> int:
        return season_length(pd.Timedelta(self.frame["ds"].diff().median()))


def load_nab(root: Path = NAB) -> list[Labelled]:
    """Every series of ``labels_windows.json`` under ``root``, as ``unique_id, ds, y``."""
    labels = json.loads((root / "labels_windows.json").read_text())
    out = []
    for name, windows in sorted(labels.items()):
        raw = pd.read_csv(root / name, parse_dates=["timestamp"])
        frame = pd.DataFrame({"unique_id": name, "ds": raw["timestamp"], "y": raw["value"]})
        spans = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in windows]
        out.append(Labelled(name, frame, spans))
    return out


def score_defaults(series: Sequence[Labelled]) -> list[WindowScore]:
    """Each series scored with the shipped defaults, through the public function (all in
    one frame: each series' frequency is its own)."""
    scored = score_anomalies(pd.concat([s.frame for s in series], ignore_index=True))
    by_id = {name: part for name, part in scored.groupby("unique_id", sort=False)}
    return [score_windows(by_id[s.name]["ds"], by_id[s.name]["anomaly"], s.windows) for s in series]


@dataclass(frozen=True)
class Candidate:
    """One point of the grid; the season-relative knobs as in AnomalySettings' defaults."""

    history: int
    width: float
    center_div: int  # center = season // center_div
    band_history: int
    band_margin: float  # inf: no level rule
    cooldown_seasons: float
    min_history_seasons: int

    def settings(self, season: int) -> AnomalySettings:
        return AnomalySettings(
            history=self.history,
            width=self.width,
            center=max(1, season // self.center_div),
            band_history=self.band_history,
            band_margin=self.band_margin,
            cooldown=max(1, round(self.cooldown_seasons * season)),
            min_history=max(self.min_history_seasons * season, 24),
            season_length=season,
        )

    def __str__(self) -> str:
        margin = "off" if np.isinf(self.band_margin) else f"{self.band_margin:g}"
        return (
            f"history {self.history}, width {self.width:g}, center season/{self.center_div}, "
            f"band_history {self.band_history}, band_margin {margin}, cooldown "
            f"{self.cooldown_seasons:g} season, min_history {self.min_history_seasons} seasons"
        )


GRID = [
    Candidate(*values)
    for values in itertools.product(
        (2016, 4032, 8064, 16128),  # history
        (1.0, 1.1, 1.25, 1.5),  # width
        (24, 6),  # center: season // 24 or // 6 (12 or 48 five-minute points)
        (4032, 8064, 16128),  # band_history
        (0.05, 0.1, 0.2, 0.3, float("inf")),  # band_margin
        (0.5, 1.0),  # cooldown, in seasons
        (1, 2),  # min_history, in seasons
    )
]


def grid_table(series: Sequence[Labelled], grid: Sequence[Candidate]) -> list[list[WindowScore]]:
    """``table[c][s]``: candidate ``c`` scored on series ``s``.

    The rules are computed once per series and (center, history, band_history) at
    width 1 and margin 0, then rescaled: the jump score scales as ``1 / width``, the
    level score as ``0.5 / (0.5 + band_margin)`` (anomaly_rules.RuleScores)."""
    table: list[list[WindowScore]] = [[] for _ in grid]
    base = AnomalySettings()
    for s in series:
        y = s.frame["y"].to_numpy(dtype=np.float64)
        cache: dict[tuple[int, int, int], tuple[Floats, Floats]] = {}
        for c, cand in enumerate(grid):
            chosen = cand.settings(s.season)
            assert chosen.center and chosen.cooldown and chosen.min_history is not None
            key = (chosen.center, cand.history, cand.band_history)
            if key not in cache:
                raw = rule_scores(
                    y,
                    center=chosen.center,
                    history=cand.history,
                    width=1.0,
                    smooth=base.smooth,
                    band_history=cand.band_history,
                    band_quantile=base.band_quantile,
                    band_margin=0.0,
                    relative=base.relative,
                )
                cache[key] = (np.nan_to_num(raw.jump), np.nan_to_num(raw.level))
            jump, level = cache[key]
            scaled_jump = jump / cand.width
            scaled_level = level * (0.5 / (0.5 + cand.band_margin))
            score = np.where(np.abs(scaled_level) > np.abs(scaled_jump), scaled_level, scaled_jump)
            flags = events(
                score,
                min_history=chosen.min_history,
                cooldown=chosen.cooldown,
                escalation=chosen.escalation,
            )
            table[c].append(score_windows(s.frame["ds"], flags, s.windows))
    return table


def pick(table: list[list[WindowScore]], series: Sequence[int]) -> int:
    """The candidate with the most windows on ``series`` at most FA_TARGET per 1,000
    (ties: fewest false alarms, then the first)."""
    best, best_key = 0, (-1, 0)
    for c, row in enumerate(table):
        total = sum((row[i] for i in series), WindowScore())
        key = (total.detected, -total.false_alarms)
        if total.false_alarm_rate <= FA_TARGET and key > best_key:
            best, best_key = c, key
    return best


def leave_one_out(table: list[list[WindowScore]], n: int) -> tuple[list[WindowScore], list[int]]:
    """Each series scored by the candidate picked on the others."""
    picks = [pick(table, [j for j in range(n) if j != i]) for i in range(n)]
    return [table[c][i] for i, c in enumerate(picks)], picks


def mad_rule(k: float, window: int = 288) -> Callable[[Floats], Flags]:
    """Flags outside the rolling median of the past ``window`` points ± k × 1.4826 MAD."""

    def flags(y: Floats) -> Flags:
        s = pd.Series(y)
        median = s.rolling(window, min_periods=window // 2).median().shift(1)
        mad = (s - median).abs().rolling(window, min_periods=window // 2).median().shift(1)
        return ((s - median).abs() > k * 1.4826 * mad).to_numpy()

    return flags


def score_rule(series: Sequence[Labelled], rule: Callable[[Floats], Flags]) -> list[WindowScore]:
    return [
        score_windows(s.frame["ds"], rule(s.frame["y"].to_numpy(np.float64)), s.windows)
        for s in series
    ]


def cell(score: WindowScore) -> str:
    return f"{score.detected}/{score.windows} fa {score.false_alarms:3d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=NAB, help="a NAB-layout folder")
    args = parser.parse_args()
    if not (args.data / "labels_windows.json").exists():
        raise SystemExit(f"{args.data}/labels_windows.json is absent (../shared/data?)")
    series = load_nab(args.data)
    points = sum(len(s.frame) for s in series)
    print(
        f"NAB: {len(series)} series, {sum(len(s.windows) for s in series)} labelled windows, "
        f"{points:,} points ({args.data})"
    )
    start = time.perf_counter()
    defaults = score_defaults(series)
    seconds = time.perf_counter() - start
    table = grid_table(series, GRID)
    held_out, picks = leave_one_out(table, len(series))
    overall = pick(table, list(range(len(series))))
    baseline = score_rule(series, mad_rule(20.0))
    textbook = score_rule(series, mad_rule(2.576))

    header = ["series", "points", "out of sample", "defaults", "median±20MAD", "99% interval"]
    print(f"{header[0]:44s} {header[1]:>6s}  " + "  ".join(f"{h:>14s}" for h in header[2:]))
    for i, s in enumerate(series):
        row = [held_out[i], defaults[i], baseline[i], textbook[i]]
        short = s.name.split("/")[-1].removesuffix(".csv")[:44]
        print(f"{short:44s} {len(s.frame):6d}  " + "  ".join(f"{cell(r):>14s}" for r in row))
    pooled = sum(held_out, WindowScore())
    met = pooled.recall >= RECALL_TARGET and pooled.false_alarm_rate <= FA_TARGET
    print("pooled (target: >= 60% of windows at <= 1.0 false alarm events per 1,000 points)")
    print(
        f"  this rule, out of sample (leave one series out, {len(GRID)} candidates): "
        f"{pooled}  target {'met' if met else 'NOT met'}"
    )
    print(f"  this rule, shipped defaults (in sample):  {sum(defaults, WindowScore())}")
    print(f"  rolling median ± 20 MAD (past 288 points): {sum(baseline, WindowScore())}")
    print(f"  one-step 99% interval (median ± 2.576 σ):  {sum(textbook, WindowScore())}")
    print(f"  the pick on all {len(series)} series:      {sum(table[overall], WindowScore())}")
    print(f"    = {GRID[overall]}")
    shipped = GRID[overall].settings(288) == AnomalySettings().for_season(288)
    print(f"    the shipped defaults are {'this pick' if shipped else 'NOT this pick'}")
    print("candidates picked in the 18 folds:")
    for c, times in Counter(picks).most_common():
        print(f"  {times:2d} x {GRID[c]}")
    print(f"defaults: {seconds:.2f} s for {points:,} points ({points / seconds:,.0f} points/s)")


if __name__ == "__main__":
    main()
