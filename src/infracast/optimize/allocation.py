"""Allocation under scarcity: share a capacity C (GPU-hours, GPUs) among teams by a policy.

Sets and data: teams i with demand d_i ≥ 0, weight w_i > 0 (default 1), priority p_i (higher
is served first), value per unit v_i, and a guarantee m_i ≤ d_i (default 0). Variables: the
allocations x_i with m_i ≤ x_i ≤ d_i and Σ x_i = min(C, Σ d_i). When C ≥ Σ d_i every team
gets its demand and the policy does not matter; when C < Σ m_i the guarantees cannot be kept
(:class:`InfeasibleError`). Otherwise the guarantees are kept first and the policy decides the
rest:

- ``proportional``: x_i = clip(θ d_i, m_i, d_i), θ such that Σ x_i = C; without guarantees
  every team gets the same share θ = C / Σ d of its demand.
- ``max_min`` (max-min fair, water-filling): x_i = clip(λ w_i, m_i, d_i), λ such that
  Σ x_i = C: no team's allocation can rise without lowering one whose x/w is smaller or
  equal. With weights it is the weighted variant (x_i / w_i is equalised); with the default
  weight 1 the plain one.
- ``priority``: strict order of priority classes, highest first: a class is served in full
  before the next gets more than its guarantees; the class where the capacity runs out shares
  it by weight, water-filled (x_i = clip(λ w_i, m_i, d_i) within the class).
- ``value``: greedy by value per unit, highest first (``priority`` with p_i = v_i); ties share
  by weight. Greedy is optimal here: maximise Σ v_i x_i s.t. Σ x_i ≤ C, m ≤ x ≤ d is a
  fractional knapsack in which every unit weighs the same.

Each policy reduces to one water-filling: find the level t where the non-decreasing,
piecewise-linear S(t) = Σ clip(t s_i, lo_i, hi_i) meets the capacity, by sorting the 2n
breakpoints: O(n log n).

Fairness is Jain's index (Jain, Chiu & Hawe 1984, "A Quantitative Measure of Fairness and
Discrimination for Resource Allocation in Shared Computer Systems", DEC-TR-301):
J(x) = (Σ x_i)² / (n Σ x_i²), between 1/n (one team gets all) and 1 (all equal), computed
here over the teams' satisfaction ratios x_i / d_i (teams with no demand left out).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from infracast.errors import did_you_mean
from infracast.optimize._inputs import Number, check_unique, plain, validate_items
from infracast.optimize.exceptions import InfeasibleError, OptimizeError

POLICIES: tuple[str, ...] = ("proportional", "priority", "value", "max_min")


class TeamDemand(BaseModel):
    """One team's request: ``demand`` in the capacity's unit, ``weight`` (its share in
    ``max_min`` and within a ``priority`` class), ``priority`` (higher first),
    ``value_per_unit`` (for ``value``) and ``minimum`` (a guarantee, at most the demand)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    demand: Number = Field(ge=0)
    weight: Number = Field(1.0, gt=0)
    priority: Number = 0.0
    value_per_unit: Number | None = None
    minimum: Number = Field(0.0, ge=0)


@dataclass(frozen=True)
class Allocation:
    """The allocation: per team (``teams``) its allocation, unmet demand and satisfaction
    (allocation / demand, None for no demand); overall the capacity used (``allocated``),
    ``utilization`` (allocated / capacity, None for a capacity of 0) and Jain's index over
    the satisfaction ratios."""

    policy: str
    capacity: float
    total_demand: float
    allocated: float
    unmet: float
    utilization: float | None
    jain_index: float | None
    total_value: float | None
    teams: list[dict[str, Any]]
    assumptions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "capacity": self.capacity,
            "total_demand": self.total_demand,
            "allocated": self.allocated,
            "unmet": self.unmet,
            "utilization": self.utilization,
            "jain_index": self.jain_index,
            "total_value": self.total_value,
            "teams": [dict(t) for t in self.teams],
            "assumptions": list(self.assumptions),
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per team, in the order given."""
        return [dict(t) for t in self.teams]


def jain_index(values: Sequence[float] | np.ndarray) -> float:
    """Jain's fairness index (Σx)² / (n Σx²) of non-negative values (Jain, Chiu & Hawe
    1984): 1 when all are equal, 1/n when one holds everything. All zeros are equal: 1."""
    x = np.asarray(values, dtype=float)
    if x.size == 0 or not np.all(np.isfinite(x)) or np.any(x < 0):
        raise OptimizeError(
            "Jain's index needs at least one finite, non-negative value.",
            hint="pass the allocations (or satisfaction ratios) of the teams.",
        )
    squares = float(x @ x)
    return 1.0 if squares == 0 else float(x.sum() ** 2 / (x.size * squares))


def water_fill(lo: np.ndarray, hi: np.ndarray, slope: np.ndarray, total: float) -> np.ndarray:
    """x = clip(t · slope, lo, hi) with the level t chosen so that Σ x = total
    (Σ lo ≤ total ≤ Σ hi; slope > 0 where lo < hi). O(n log n): S(t) is piecewise linear with
    a breakpoint where each x_i leaves lo_i (t = lo_i/s_i) and reaches hi_i (t = hi_i/s_i)."""
    lo, hi, slope = (np.asarray(a, dtype=float) for a in (lo, hi, slope))
    if total <= lo.sum():
        return lo.copy()
    if total >= hi.sum():
        return hi.copy()
    free = hi > lo
    s = np.where(free, slope, 1.0)
    starts, ends = lo / s, hi / s
    # an event changes S = const + rate·t: at a start, const −= lo and rate += s; at an end,
    # const += hi and rate −= s (fixed teams, lo = hi, contribute nothing)
    t = np.concatenate([starts[free], ends[free]])
    d_const = np.concatenate([-lo[free], hi[free]])
    d_rate = np.concatenate([s[free], -s[free]])
    order = np.argsort(t, kind="stable")
    t, const, rate = t[order], lo.sum() + np.cumsum(d_const[order]), np.cumsum(d_rate[order])
    level = const + rate * t  # S at each breakpoint
    k = int(np.searchsorted(level, total, side="left"))  # first breakpoint with S ≥ total
    if k == 0:  # cannot happen when Σ lo < total; kept for float ties
        return np.clip(t[0] * slope, lo, hi)
    theta = (total - const[k - 1]) / rate[k - 1] if rate[k - 1] > 0 else t[k]
    return np.clip(theta * s, lo, hi)


def _by_rank(
    lo: np.ndarray, hi: np.ndarray, weight: np.ndarray, rank: np.ndarray, total: float
) -> np.ndarray:
    """Serve classes of equal ``rank`` in full, highest first, above their guarantees ``lo``;
    the class where ``total`` runs out is water-filled by weight."""
    levels = np.unique(rank)[::-1]
    group = np.searchsorted(-levels, -rank)  # 0 for the highest rank
    need = np.bincount(group, weights=hi - lo, minlength=levels.size)
    left = total - lo.sum()
    served = np.concatenate([[0.0], np.cumsum(need)])
    x = np.where(served[group + 1] <= left, hi, lo)
    cut = int(np.searchsorted(served[1:], left, side="right"))  # the class cut short
    if cut < levels.size:
        mine = group == cut
        x[mine] = water_fill(lo[mine], hi[mine], weight[mine], lo[mine].sum() + left - served[cut])
    return x


def allocate(
    teams: Sequence[TeamDemand | Mapping[str, Any]],
    capacity: float,
    policy: str = "max_min",
) -> Allocation:
    """Allocate ``capacity`` among ``teams`` by ``policy`` (one of :data:`POLICIES`).

    Raises :class:`OptimizeError` for bad input (negative demand, unknown policy, a guarantee
    above the demand, ``value`` without every team's value per unit) and
    :class:`InfeasibleError` when the guarantees exceed the capacity.

    Example: ``allocate([{"name": "a", "demand": 6}, {"name": "b", "demand": 2}], 6)`` gives
    a 4 and b 2 (max-min fair).
    """
    if policy not in POLICIES:
        raise OptimizeError(
            f"unknown allocation policy {policy!r}.{did_you_mean(policy, POLICIES)}",
            hint=f"policies: {', '.join(POLICIES)}.",
            field="policy",
        )
    try:
        capacity = float(capacity)
    except (TypeError, ValueError):
        capacity = math.nan
    if not math.isfinite(capacity) or capacity < 0:
        raise OptimizeError(
            f"capacity {capacity!r} is not a finite number ≥ 0.",
            hint="give the capacity in the demands' unit, e.g. 512 (GPU-hours).",
            field="capacity",
        )
    given: list[TeamDemand] = validate_items(TeamDemand, teams, "team")
    if not given:
        raise OptimizeError("no teams were given.", hint="give at least one team and its demand.")
    check_unique([t.name for t in given], "team")
    for t in given:
        if t.minimum > t.demand:
            raise OptimizeError(
                f"team {t.name!r}: its guarantee {t.minimum:g} exceeds its demand {t.demand:g}.",
                hint="lower the minimum to at most the demand.",
                field="minimum",
            )
        if policy == "value" and t.value_per_unit is None:
            raise OptimizeError(
                f"team {t.name!r} has no value_per_unit, which the value policy needs.",
                hint="give every team a value_per_unit, or choose another policy.",
                field="value_per_unit",
            )
    d = np.array([t.demand for t in given])
    m = np.array([t.minimum for t in given])
    w = np.array([t.weight for t in given])
    assumptions: list[str] = []
    if m.sum() > capacity * (1 + 1e-12):
        raise InfeasibleError(
            f"the guarantees sum to {m.sum():g}, more than the capacity {capacity:g} by "
            f"{m.sum() - capacity:g}.",
            hint=f"raise the capacity to {m.sum():g} or lower the teams' minimums.",
            field="capacity",
        )
    total = min(float(capacity), float(d.sum()))
    if capacity >= d.sum():
        assumptions.append("the capacity covers every demand: each team gets its demand.")
        x = d.copy()
    elif policy == "proportional":
        x = water_fill(m, d, d, total)
    elif policy == "max_min":
        x = water_fill(m, d, w, total)
    else:
        key = "priority" if policy == "priority" else "value_per_unit"
        rank = np.array([float(getattr(t, key)) for t in given])
        x = _by_rank(m, d, w, rank, total)
    if policy in ("max_min", "priority", "value") and np.all(w == 1):
        assumptions.append("every weight is 1: teams of equal standing share equally.")
    return _result(given, x, float(capacity), policy, assumptions)


def _result(
    given: list[TeamDemand], x: np.ndarray, capacity: float, policy: str, assumptions: list[str]
) -> Allocation:
    d = np.array([t.demand for t in given])
    asked = d > 0
    ratio = np.divide(x, d, out=np.zeros_like(x), where=asked)
    if not asked.all():
        assumptions.append("teams with no demand are left out of Jain's index.")
    valued = all(t.value_per_unit is not None for t in given)
    rows = []
    for t, xi, ri, ok in zip(given, x, ratio, asked, strict=True):
        v = t.value_per_unit
        rows.append({
            "team": t.name, "demand": plain(t.demand), "weight": plain(t.weight),
            "priority": plain(t.priority), "value_per_unit": None if v is None else plain(v),
            "minimum": plain(t.minimum), "allocation": plain(xi), "unmet": plain(t.demand - xi),
            "satisfaction": plain(ri) if ok else None,
            "value": None if v is None else plain(v * xi),
        })  # fmt: skip
    allocated = float(x.sum())
    values = np.array([t.value_per_unit or 0.0 for t in given])
    return Allocation(
        policy=policy,
        capacity=plain(capacity),
        total_demand=plain(d.sum()),
        allocated=plain(allocated),
        unmet=plain(d.sum() - allocated),
        utilization=plain(allocated / capacity) if capacity > 0 else None,
        jain_index=plain(jain_index(ratio[asked])) if asked.any() else None,
        total_value=plain(float(values @ x)) if valued else None,
        teams=rows,
        assumptions=assumptions,
    )
