"""Demand scenarios for commitment planning: paths of demand per period with their
probabilities, from sample paths, quantile paths or a forecast's central intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from infracast.optimize.exceptions import OptimizeError


@dataclass(frozen=True)
class DemandScenarios:
    """Demand paths: ``demand`` (S × T, units per period, ≥ 0) and ``probabilities`` (S,
    summing to 1); ``notes`` say how they were built."""

    demand: np.ndarray
    probabilities: np.ndarray
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        d = np.asarray(self.demand, dtype=float)
        if d.ndim == 1:
            d = d[None, :]
        if d.ndim != 2 or d.size == 0:
            raise OptimizeError(
                f"demand must be a matrix of scenarios × periods; got shape {d.shape}.",
                hint="give one row per scenario and one column per period.",
                field="demand",
            )
        bad = np.argwhere(~np.isfinite(d) | (d < 0))
        if bad.size:
            s, t = (int(i) for i in bad[0])
            raise OptimizeError(
                f"demand of scenario {s + 1}, period {t + 1} is {d[s, t]}: it must be a "
                "finite number ≥ 0.",
                hint="clip negative forecasts at 0 and fill missing periods.",
                field="demand",
            )
        p = np.asarray(self.probabilities, dtype=float).ravel()
        if p.shape != (d.shape[0],) or not np.all(np.isfinite(p)) or np.any(p < 0):
            raise OptimizeError(
                f"{p.size} probabilities for {d.shape[0]} scenarios, or some are negative.",
                hint="give one probability ≥ 0 per scenario (or none: equally likely).",
                field="probabilities",
            )
        if abs(p.sum() - 1.0) > 1e-6:
            raise OptimizeError(
                f"the scenario probabilities sum to {p.sum():.6g}, not 1.",
                hint="divide each probability by their sum.",
                field="probabilities",
            )
        object.__setattr__(self, "demand", d)
        object.__setattr__(self, "probabilities", p)

    @classmethod
    def from_paths(
        cls, paths: Any, probabilities: Sequence[float] | np.ndarray | None = None
    ) -> DemandScenarios:
        """Sample paths (S × T; one path is one scenario); equally likely when no
        ``probabilities`` are given."""
        d = np.asarray(paths, dtype=float)
        d = d[None, :] if d.ndim == 1 else d
        if probabilities is not None:
            return cls(d, np.asarray(probabilities, dtype=float))
        n = d.shape[0] if d.ndim == 2 else 1
        return cls(d, np.full(n, 1.0 / max(n, 1)), (f"the {n} scenarios are equally likely.",))

    @classmethod
    def from_quantiles(cls, levels: Sequence[float], values: Any) -> DemandScenarios:
        """One scenario per quantile level: the path of that quantile in every period
        (``values``: levels × T). Level q_i gets the probability of the interval between the
        midpoints to its neighbours (0 and 1 at the ends): levels 0.1, 0.5, 0.9 weigh 0.3,
        0.4, 0.3. The paths are comonotone (a high period goes with high periods), which
        overstates the spread of a total, the safe side for a commitment held over time."""
        q = np.asarray(levels, dtype=float).ravel()
        v = np.asarray(values, dtype=float)
        v = v[None, :] if v.ndim == 1 else v
        if q.size == 0 or np.any((q <= 0) | (q >= 1)) or v.shape[0] != q.size:
            raise OptimizeError(
                f"{q.size} quantile levels for {v.shape[0]} rows of values, or a level "
                "outside (0, 1).",
                hint="give levels such as 0.1, 0.5, 0.9 and one row of values per level.",
                field="levels",
            )
        order = np.argsort(q)
        q, v = q[order], np.sort(v[order], axis=0)  # sorted per period: no crossing quantiles
        if np.any(np.diff(q) == 0):
            raise OptimizeError("quantile levels repeat.", hint="give each level once.")
        edges = np.concatenate([[0.0], (q[1:] + q[:-1]) / 2, [1.0]])
        notes = [
            f"scenarios are the quantile paths at levels {', '.join(f'{x:g}' for x in q)} "
            f"weighted {', '.join(f'{w:.3g}' for w in np.diff(edges))} (midpoint rule), "
            "comonotone across periods.",
        ]
        if np.any(v < 0):
            notes.append("negative quantiles of demand were clipped at 0.")
        return cls(np.clip(v, 0, None), np.diff(edges), tuple(notes))

    @classmethod
    def from_intervals(
        cls, median: Any, intervals: Mapping[float, tuple[Any, Any]]
    ) -> DemandScenarios:
        """From a forecast's point forecast (taken as the median) and central intervals
        ``{80: (lo80, hi80), 95: (lo95, hi95)}``: the level-L interval's bounds are the
        quantiles (1 − L/100)/2 and (1 + L/100)/2; then :meth:`from_quantiles`."""
        levels, rows = [0.5], [np.asarray(median, dtype=float)]
        for level, (lo, hi) in intervals.items():
            a = (1 - float(level) / 100) / 2
            if not 0 < a < 0.5:
                raise OptimizeError(
                    f"interval level {level} is not between 0 and 100.",
                    hint="name intervals by their coverage in percent, e.g. 80 and 95.",
                    field="intervals",
                )
            levels += [a, 1 - a]
            rows += [np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)]
        out = cls.from_quantiles(levels, np.vstack(rows))
        note = "the point forecast is taken as the median."
        return cls(out.demand, out.probabilities, (*out.notes, note))
