"""Demand per interval from timed observations (pure numpy: the trace files are read by
:mod:`infracast.control.optimizing.autoscaling_inputs`).

Intervals start at whole multiples of the interval since 1970 (``origin`` = the first time
rounded down), so minutes align with the clock; the grid ends with the interval holding the
last observation.

- :func:`binned_demand`: amounts (requests, tokens) arriving at given times, summed per
  interval and divided by its length: a rate per second.
- :func:`held_rates`: rates sampled at given times, by series (containers); each sample
  holds until its series' next (at most ``hold`` seconds), and the total rate, a step
  function, is integrated exactly between the interval edges (its running integral at the
  events, interpolated linearly at the edges, where it is linear).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np

from infracast.optimize.autoscaling import DemandTrace, Unit


def _grid(first: float, last: float, interval: float) -> tuple[float, int]:
    origin = math.floor(first / interval) * interval
    return origin, int((last - origin) // interval) + 1


def _start(origin: float) -> datetime:
    return datetime.fromtimestamp(origin, tz=UTC).replace(tzinfo=None)


def binned_demand(ts: np.ndarray, weights: np.ndarray, interval: float, unit: Unit) -> DemandTrace:
    """Amounts summed per interval, as a rate per second."""
    origin, n = _grid(float(ts.min()), float(ts.max()), interval)
    index = ((ts - origin) // interval).astype(np.int64)
    sums = np.bincount(index, weights=weights, minlength=n)
    return DemandTrace(sums / interval, float(interval), unit, _start(origin))


def held_rates(
    ts: np.ndarray,
    values: np.ndarray,
    series: np.ndarray,
    hold: float,
    interval: float,
    unit: Unit,
    last_hold: float | None = None,
) -> DemandTrace:
    """The sum over ``series`` of rates held from each sample to that series' next (at most
    ``hold`` seconds; the last one ``last_hold``, else to the end of its interval), averaged
    per interval: the integral of a step function, read at the interval edges."""
    order = np.lexsort((ts, series))
    t, v, s = ts[order], values[order], series[order]
    same_next = np.concatenate([s[1:] == s[:-1], [False]])
    following = np.concatenate([t[1:], [np.inf]])
    origin, n = _grid(float(t.min()), float(t.max()), interval)
    end_of_grid = origin + n * interval
    tail = end_of_grid if last_hold is None else t + last_hold
    end = np.where(same_next, np.minimum(following, t + hold), tail)
    end = np.minimum(end, end_of_grid)
    times = np.concatenate([t, end])
    deltas = np.concatenate([v, -v])
    by_time = np.argsort(times, kind="stable")
    times, deltas = times[by_time], deltas[by_time]
    level = np.cumsum(deltas)  # the total rate after each event
    area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(times))])
    edges = origin + np.arange(n + 1) * interval
    integral = np.interp(edges, times, area, left=0.0, right=float(area[-1]))
    return DemandTrace(np.maximum(np.diff(integral), 0.0) / interval, float(interval), unit,
                       _start(origin))  # fmt: skip
