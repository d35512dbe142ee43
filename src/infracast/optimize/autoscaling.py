"""Autoscaling simulation: replay a demand trace against a serving configuration under
several scaling policies and report, per policy, its cost, its SLO violations, the queueing
delay it adds and its utilization, and the cheapest policy that meets the SLO.

Model (a fluid model per interval; every policy is replayed against the same trace):

- Demand: d_t ≥ 0, t = 0..T−1, the mean rate in interval t of length Δ seconds, in the
  trace's unit per second (requests/s or tokens/s).
- Serving: one replica serves μ units/s at the latency target (``replica_throughput``, from
  the inference estimate or given), costs p per replica-hour and needs s seconds from launch
  to serving (``startup_seconds``). A policy sizes for a demand estimate D with
  n(D) = ⌈D / (μ·ρ)⌉ replicas at the target utilization ρ, clipped to [min, max] replicas.
- Provisioned replicas r_t (paid): the policy's decision at the start of interval t.
  Replica-hours = Σ r_t·Δ / 3600; cost = p × replica-hours.
- Ready replicas: a replica serves s seconds after its launch, and the replicas stopped
  first are the newest (last in, first out), so the replicas ready at time τ are the
  fewest provisioned at any moment of [τ − s, τ]. With s = k·Δ + f (0 ≤ f < Δ), interval t
  has on average e_t = (f/Δ)·min(r_{t−k−1..t}) + (1 − f/Δ)·min(r_{t−k..t}) ready replicas
  (before the trace the fleet is r_0, already warm). Capacity c_t = μ·e_t.
- Queue (fluid, first in first out): backlog b_0 = 0, b_{t+1} = max(0, b_t + (d_t − c_t)·Δ)
  units. The added queueing delay of interval t is b_{t+1} / c_t seconds (the time the
  capacity takes to serve what waits at its end). Served_t = min(b_t + d_t·Δ, c_t·Δ).
- Violation: an interval whose demand exceeds its capacity, d_t > c_t. The SLO holds when
  the share of such intervals is at most ``max_violation_share`` and the added delay at
  ``delay_percentile`` of the intervals (99 by default; 100 is the largest) at most
  ``max_delay_seconds``.
- Utilization = Σ served / Σ capacity·Δ over the trace (what the paid-for ready capacity
  did; the replicas starting up are paid and serve nothing).

Policies (:data:`SCALING_POLICIES`; :mod:`infracast.optimize.autoscaling_policies` writes each out):
``static_peak`` (n for the trace's peak at ρ = 1, all the time: the baseline),
``reactive`` (each interval, n for the last interval's demand; down only after a cooldown),
``scheduled`` (n per hour of the day from the peaks of a training window, launched
start-up ahead) and ``forecast`` (n for a forecast of each interval, launched start-up
ahead: a recent-max and seasonal-naive forecast in numpy, or the caller's forecast).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from infracast.optimize.autoscaling_policies import SCALING_POLICIES, decide
from infracast.optimize.exceptions import OptimizeError

Unit = Literal["requests", "tokens"]


class ServingConfig(BaseModel):
    """One replica of the serving deployment and the bounds of the fleet."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    replica_throughput: float = Field(
        gt=0, allow_inf_nan=False, description="units/s one replica serves at the latency target"
    )
    price_per_replica_hour: float = Field(ge=0, allow_inf_nan=False)
    startup_seconds: float = Field(default=300.0, ge=0, allow_inf_nan=False)
    min_replicas: int = Field(default=1, ge=1)
    max_replicas: int | None = Field(default=None, ge=1)
    target_utilization: float = Field(default=0.8, gt=0, le=1, allow_inf_nan=False)
    currency: str = "USD"


class SLO(BaseModel):
    """The service level a policy must meet: at most ``max_violation_share`` of the
    intervals over capacity, and the added delay at ``delay_percentile`` (100: the largest)
    at most ``max_delay_seconds``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    max_violation_share: float = Field(default=0.01, ge=0, le=1, allow_inf_nan=False)
    max_delay_seconds: float = Field(default=2.0, ge=0, allow_inf_nan=False)
    delay_percentile: float = Field(default=99.0, gt=0, le=100, allow_inf_nan=False)


class ScalingSettings(BaseModel):
    """The policies' own settings (docs/recommend.md gives their defaults' reasons)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    cooldown_seconds: float = Field(default=300.0, ge=0, allow_inf_nan=False)
    train_share: float = Field(default=0.5, gt=0, le=1, allow_inf_nan=False)
    forecast_window_seconds: float = Field(default=600.0, gt=0, allow_inf_nan=False)
    season_seconds: float = Field(default=86_400.0, gt=0, allow_inf_nan=False)


@dataclass(frozen=True)
class DemandTrace:
    """Demand per interval: ``rate`` (T,) in ``unit`` per second, intervals of
    ``interval_seconds`` from ``start`` (UTC; None: an unknown day, hour 0)."""

    rate: np.ndarray
    interval_seconds: float
    unit: Unit = "requests"
    start: datetime | None = None

    def hour_of_day(self) -> np.ndarray:
        """The hour of the day (0–23) each interval starts in."""
        first = 0.0 if self.start is None else self.start.hour * 3600.0 + self.start.minute * 60.0
        first += 0.0 if self.start is None else self.start.second
        seconds = first + np.arange(self.rate.size) * self.interval_seconds
        return ((seconds % 86_400.0) // 3600.0).astype(np.int64)


@dataclass(frozen=True)
class ScalingOutcome:
    """One policy replayed over the trace (the module docstring defines each figure)."""

    policy: str
    replica_hours: float
    cost: float
    mean_replicas: float
    max_replicas: int
    violation_intervals: int
    violation_share: float
    delay_mean_seconds: float
    delay_p95_seconds: float
    delay_p99_seconds: float
    delay_max_seconds: float
    slo_delay_seconds: float  # the delay at the SLO's percentile
    utilization: float
    unserved_at_end: float  # units still queued when the trace ends
    cost_ratio: float | None  # cost ÷ the static-peak cost
    meets_slo: bool
    seconds: float  # wall time of the policy's decisions and replay
    provisioned: np.ndarray = field(repr=False, compare=False)
    capacity: np.ndarray = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        skip = {"provisioned", "capacity"}
        return {k: _plain(getattr(self, k)) for k in self.__dataclass_fields__ if k not in skip}


@dataclass(frozen=True)
class AutoscalingResult:
    """Every policy's outcome, the cheapest that meets the SLO, and what was assumed."""

    unit: str
    interval_seconds: float
    intervals: int
    demand_mean: float
    demand_peak: float
    config: ServingConfig
    slo: SLO
    settings: ScalingSettings
    outcomes: list[ScalingOutcome]
    best_policy: str | None
    currency: str
    assumptions: list[str] = field(default_factory=list)

    def outcome(self, policy: str) -> ScalingOutcome:
        return next(o for o in self.outcomes if o.policy == policy)

    def to_rows(self) -> list[dict[str, Any]]:
        return [o.to_dict() for o in self.outcomes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "interval_seconds": _plain(self.interval_seconds),
            "intervals": self.intervals,
            "demand_mean": _plain(self.demand_mean),
            "demand_peak": _plain(self.demand_peak),
            "currency": self.currency,
            "config": self.config.model_dump(),
            "slo": self.slo.model_dump(),
            "settings": self.settings.model_dump(),
            "best_policy": self.best_policy,
            "policies": self.to_rows(),
            "assumptions": list(self.assumptions),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return round(float(value), 9) + 0.0
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def simulate_autoscaling(
    trace: DemandTrace,
    config: ServingConfig,
    slo: SLO | None = None,
    *,
    settings: ScalingSettings | None = None,
    policies: tuple[str, ...] = SCALING_POLICIES,
    forecast: np.ndarray | None = None,
) -> AutoscalingResult:
    """Replay ``trace`` under each of ``policies`` (see the module docstring).

    ``forecast`` (T,), when given, is the demand rate of each interval as forecast
    start-up ahead; the ``forecast`` policy then uses it instead of its own.
    """
    slo = slo or SLO()
    settings = settings or ScalingSettings()
    d = _checked(trace, config, forecast, policies)
    assumptions = _assumptions(trace, config, settings, forecast is not None)
    outcomes: list[ScalingOutcome] = []
    base_cost: float | None = None
    for name in policies:
        began = time.perf_counter()
        r = decide(name, trace, config, settings, forecast, assumptions)
        ready = ready_replicas(r, config.startup_seconds, trace.interval_seconds)
        out = replay(d, r, ready, config, trace.interval_seconds)
        outcomes.append(_outcome(name, out, slo, time.perf_counter() - began))
        if name == "static_peak":
            base_cost = outcomes[-1].cost
    if base_cost is not None:
        outcomes = [_with_ratio(o, base_cost) for o in outcomes]
    meeting = [o for o in outcomes if o.meets_slo]
    best = min(meeting, key=lambda o: (o.cost, policies.index(o.policy))) if meeting else None
    if best is None:
        assumptions.append("no policy meets the SLO: raise max replicas, lower the target "
                           "utilization (more headroom), or loosen the SLO.")  # fmt: skip
    return AutoscalingResult(
        unit=trace.unit,
        interval_seconds=trace.interval_seconds,
        intervals=int(d.size),
        demand_mean=float(d.mean()),
        demand_peak=float(d.max()),
        config=config,
        slo=slo,
        settings=settings,
        outcomes=outcomes,
        best_policy=None if best is None else best.policy,
        currency=config.currency,
        assumptions=assumptions,
    )


def _checked(
    trace: DemandTrace,
    config: ServingConfig,
    forecast: np.ndarray | None,
    policies: tuple[str, ...],
) -> np.ndarray:
    d = np.asarray(trace.rate, dtype=float)
    if d.ndim != 1 or d.size == 0:
        raise OptimizeError(
            "the demand trace is empty.",
            hint="give at least one interval of demand.",
            field="demand",
        )
    if not np.all(np.isfinite(d)) or (d < 0).any():
        bad = int(np.flatnonzero(~np.isfinite(d) | (d < 0))[0])
        raise OptimizeError(
            f"the demand of interval {bad} is {d[bad]}; demand must be finite and ≥ 0.",
            hint="check the trace's values (a missing value is not 0: fill it or drop it).",
            field="demand",
        )
    if not (math.isfinite(trace.interval_seconds) and trace.interval_seconds > 0):
        raise OptimizeError(
            f"the interval is {trace.interval_seconds} s; it must be positive.",
            hint="give the interval length in seconds, e.g. 60.",
            field="interval",
        )
    if config.max_replicas is not None and config.max_replicas < config.min_replicas:
        raise OptimizeError(
            f"max replicas {config.max_replicas} is below min replicas {config.min_replicas}.",
            hint="raise max replicas or lower min replicas.",
            field="max_replicas",
        )
    unknown = [p for p in policies if p not in SCALING_POLICIES]
    if unknown or not policies:
        raise OptimizeError(
            f"unknown policy {unknown[0] if unknown else '(none)'}.",
            hint=f"choose among {', '.join(SCALING_POLICIES)}.",
            field="policies",
        )
    if forecast is not None and np.shape(forecast) != d.shape:
        raise OptimizeError(
            f"the forecast has {np.size(forecast)} values for {d.size} intervals.",
            hint="give one forecast value per interval of the trace.",
            field="forecast",
        )
    return d


def ready_replicas(r: np.ndarray, startup_seconds: float, interval_seconds: float) -> np.ndarray:
    """e_t: the mean number of ready replicas in each interval (the module docstring)."""
    k, rest = divmod(float(startup_seconds), float(interval_seconds))
    k_int, f = int(k), rest / interval_seconds
    padded = np.concatenate([np.full(k_int + 1, r[0], dtype=float), r.astype(float)])
    full = _window_min(padded, k_int + 1)[1:]  # min over r_{t−k..t}
    if f == 0:
        return full
    wide = _window_min(padded, k_int + 2)  # min over r_{t−k−1..t}
    return f * wide + (1.0 - f) * full


def _window_min(x: np.ndarray, width: int) -> np.ndarray:
    """min over each window of ``width`` ending at x[width−1..]."""
    return np.lib.stride_tricks.sliding_window_view(x, width).min(axis=1)


@dataclass(frozen=True)
class Replay:
    """The per-interval figures of one replay."""

    provisioned: np.ndarray
    capacity: np.ndarray  # units/s
    backlog: np.ndarray  # units queued at the end of each interval
    delay: np.ndarray  # seconds
    served: np.ndarray  # units
    over: np.ndarray  # bool: demand above capacity
    interval_seconds: float
    price: float


def replay(
    d: np.ndarray,
    r: np.ndarray,
    ready: np.ndarray,
    config: ServingConfig,
    interval_seconds: float,
) -> Replay:
    """The fluid queue over the trace, vectorized: b_{t+1} = S_{t+1} − min(0, min_{j≤t+1} S_j)
    with S the running sum of (d − c)·Δ (Lindley's recursion in closed form)."""
    dt = float(interval_seconds)
    c = ready * config.replica_throughput
    s = np.concatenate([[0.0], np.cumsum((d - c) * dt)])
    low = np.minimum.accumulate(np.minimum(s, 0.0))
    b = s - low  # b[t] backlog at the start of interval t; b[0] = 0
    b_end = np.where(b[1:] < 1e-9 * max(1.0, float(d.max()) * dt), 0.0, b[1:])
    served = np.minimum(b[:-1] + d * dt, c * dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        delay = np.where(b_end > 0, b_end / c, 0.0)
    over = d > c * (1 + 1e-12) + 1e-12
    return Replay(r, c, b_end, delay, served, over, dt, config.price_per_replica_hour)


def _outcome(name: str, run: Replay, slo: SLO, seconds: float) -> ScalingOutcome:
    dt = run.interval_seconds
    hours = float(run.provisioned.sum()) * dt / 3600.0
    over = int(run.over.sum())
    share = over / run.provisioned.size
    delay_max = float(run.delay.max())
    slo_delay = float(np.percentile(run.delay, slo.delay_percentile))
    cap_total = float(run.capacity.sum()) * dt
    util = float(run.served.sum()) / cap_total if cap_total > 0 else 0.0
    return ScalingOutcome(
        policy=name,
        replica_hours=hours,
        cost=hours * run.price,
        mean_replicas=float(run.provisioned.mean()),
        max_replicas=int(run.provisioned.max()),
        violation_intervals=over,
        violation_share=share,
        delay_mean_seconds=float(run.delay.mean()),
        delay_p95_seconds=float(np.percentile(run.delay, 95)),
        delay_p99_seconds=float(np.percentile(run.delay, 99)),
        delay_max_seconds=delay_max,
        slo_delay_seconds=slo_delay,
        utilization=util,
        unserved_at_end=float(run.backlog[-1]),
        cost_ratio=None,
        meets_slo=share <= slo.max_violation_share + 1e-12
        and slo_delay <= slo.max_delay_seconds + 1e-9,
        seconds=seconds,
        provisioned=run.provisioned,
        capacity=run.capacity,
    )


def _with_ratio(o: ScalingOutcome, base: float) -> ScalingOutcome:
    return dataclasses.replace(o, cost_ratio=o.cost / base if base > 0 else None)


def _assumptions(
    trace: DemandTrace, config: ServingConfig, settings: ScalingSettings, given: bool
) -> list[str]:
    u = f"{trace.unit}/s"
    notes = [
        f"one replica serves {config.replica_throughput:g} {u} at the latency target and "
        f"costs {config.price_per_replica_hour:g} {config.currency} an hour; it serves "
        f"{config.startup_seconds:g} s after its launch, and is paid from its launch.",
        f"policies size for their demand estimate at {config.target_utilization:.0%} "
        "utilization (static_peak at 100 %: the peak is known).",
        "the fleet starts warm, sized as each policy's first decision; a fluid queue carries "
        "the demand above capacity to the next intervals (nothing is dropped).",
        f"reactive: sizes each interval for the last interval's demand (a rate metric, not "
        f"saturated CPU), scales down only to the largest size wanted in the last "
        f"{settings.cooldown_seconds:g} s.",
        f"scheduled: replicas per hour of the day from the peaks of the first "
        f"{settings.train_share:.0%} of the trace (in-sample there).",
    ]
    if given:
        notes.append("forecast: the forecast given, taken as made start-up ahead.")
    else:
        notes.append(
            f"forecast: the larger of the last {settings.forecast_window_seconds:g} s' peak "
            f"and the same time {settings.season_seconds:g} s earlier, as known start-up ahead."
        )
    return notes
