"""The scaling policies of the autoscaling simulation: each turns a demand trace into the
replicas provisioned (paid) at the start of every interval, using only what it could know.

With μ the replica's throughput, ρ the target utilization and n(D) = ⌈D / (μ·ρ)⌉ clipped to
[min, max] replicas; Δ the interval, s the start-up time and L = ⌈s / Δ⌉ the intervals a
replica takes to be ready:

- ``static_peak``: r_t = n(max d) with ρ = 1 (the fewest replicas that never fall short,
  known only in hindsight: the baseline).
- ``reactive``: want_t = n(d_{t−1}) (want_0 = n(d_0)): scale up as soon as the last
  interval's utilization exceeds ρ; r_t = max(want_{t−m..t}) with m = ⌈cooldown / Δ⌉,
  so the fleet shrinks only to the largest size wanted over the cooldown (the Kubernetes
  HPA's scale-down stabilization window). New replicas serve after s seconds.
- ``scheduled``: want_t = n(peak of the training window's intervals in t's hour of day);
  an hour not seen in the window takes the window's peak. The schedule is known ahead, so
  replicas are launched L intervals early: r_t = max(want_{t..t+L}).
- ``forecast``: want_t = n(f_t), launched L early like ``scheduled``, where f_t is the
  caller's forecast or max(recent_t, seasonal_t): recent_t the peak of the w intervals
  before t − L (w = ⌈window / Δ⌉; before the trace, d_0), seasonal_t the peak of the
  intervals within w of t − P (P = season / Δ; only when P ≥ L + w, so all of it is
  known at t − L).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from infracast.optimize.autoscaling import DemandTrace, ScalingSettings, ServingConfig

SCALING_POLICIES: tuple[str, ...] = ("static_peak", "reactive", "scheduled", "forecast")
_EPS = 1e-9


def replicas_for(rate: np.ndarray, config: ServingConfig, utilization: float) -> np.ndarray:
    """n(D) = ⌈D / (μ·ρ)⌉ clipped to [min, max] replicas (a rounding tolerance of 1e-9)."""
    n = np.ceil(np.asarray(rate, dtype=float) / (config.replica_throughput * utilization) - _EPS)
    high = np.inf if config.max_replicas is None else config.max_replicas
    return np.clip(n, config.min_replicas, high).astype(np.int64)


def decide(
    name: str,
    trace: DemandTrace,
    config: ServingConfig,
    settings: ScalingSettings,
    forecast: np.ndarray | None,
    notes: list[str],
) -> np.ndarray:
    """The replicas provisioned per interval under policy ``name``."""
    d = np.asarray(trace.rate, dtype=float)
    dt = trace.interval_seconds
    rho = config.target_utilization
    lead = math.ceil(config.startup_seconds / dt - _EPS)
    if name == "static_peak":
        return np.full(d.size, replicas_for(np.array([d.max()]), config, 1.0)[0])
    if name == "reactive":
        want = replicas_for(np.concatenate([d[:1], d[:-1]]), config, rho)
        m = math.ceil(settings.cooldown_seconds / dt - _EPS)
        return window_max_back(want, m)
    if name == "scheduled":
        return window_max_ahead(replicas_for(schedule(trace, settings), config, rho), lead)
    if name == "forecast":
        f = (
            np.asarray(forecast, dtype=float)
            if forecast is not None
            else own_forecast(d, dt, lead, settings, notes)
        )
        return window_max_ahead(replicas_for(f, config, rho), lead)
    raise ValueError(f"unknown policy {name!r}")  # checked by simulate_autoscaling


def window_max_back(x: np.ndarray, m: int) -> np.ndarray:
    """max(x_{t−m..t}) (x_0 before the start)."""
    if m <= 0:
        return x.copy()
    padded = np.concatenate([np.full(m, x[0]), x])
    return np.lib.stride_tricks.sliding_window_view(padded, m + 1).max(axis=1)


def window_max_ahead(x: np.ndarray, lead: int) -> np.ndarray:
    """max(x_{t..t+lead}) (the window cut at the end)."""
    if lead <= 0:
        return x.copy()
    return window_max_back(x[::-1], lead)[::-1].copy()


def schedule(trace: DemandTrace, settings: ScalingSettings) -> np.ndarray:
    """The demand the schedule sizes for in each interval: its hour's training peak."""
    d = np.asarray(trace.rate, dtype=float)
    n_train = max(1, math.ceil(settings.train_share * d.size - _EPS))
    hours = trace.hour_of_day()
    peaks = np.full(24, d[:n_train].max())
    seen = np.zeros(24, dtype=bool)
    by_hour = np.full(24, -np.inf)
    np.maximum.at(by_hour, hours[:n_train], d[:n_train])
    seen[np.unique(hours[:n_train])] = True
    peaks[seen] = by_hour[seen]
    return peaks[hours]


def own_forecast(
    d: np.ndarray, dt: float, lead: int, settings: ScalingSettings, notes: list[str]
) -> np.ndarray:
    """f_t = max(recent_t, seasonal_t) as the module docstring defines them."""
    n = d.size
    w = max(1, math.ceil(settings.forecast_window_seconds / dt - _EPS))
    history = np.concatenate([np.full(lead + w, d[0]), d])
    recent = np.lib.stride_tricks.sliding_window_view(history, w).max(axis=1)[:n]
    period = round(settings.season_seconds / dt)
    if period < lead + w or period >= n:
        notes.append("forecast: the trace is too short for its season (or the season too "
                     "short for the start-up): the recent peak only.")  # fmt: skip
        return recent
    # seasonal_t = max d[t−P−w+1 .. t−P+w−1]; -inf where that lies before the trace
    padded = np.concatenate([np.full(period + w - 1, -np.inf), d])
    seasonal = np.lib.stride_tricks.sliding_window_view(padded, 2 * w - 1).max(axis=1)[:n]
    return np.maximum(recent, seasonal)
