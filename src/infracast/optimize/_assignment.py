"""Placement at scale: each workload on exactly one eligible offer, under offer capacities.

The plain placement case, as arrays (one entry per eligible pair, no Python object per pair):

Sets
    workloads ``w = 0..W-1``; offers ``o = 0..O-1``; eligible pairs ``p = (w, o)``.
Data
    ``c_p >= 0`` the expected total cost of ``w`` on ``o``; ``a_p >= 1`` the whole instances
    ``w`` needs on ``o``; ``K_o`` the instances of ``o`` available at once (``inf`` unlimited).
Variables
    ``x_p`` binary: ``w`` runs on ``o``.
Objective
    minimise ``sum_p c_p x_p``.
Constraints
    ``sum_{p in w} x_p = 1`` for every workload (exactly one offer);
    ``sum_{p in o} a_p x_p <= K_o`` for every offer with a finite capacity.

Small models (fewer than ``FULL_MILP_PAIRS`` pairs) go to HiGHS whole. Big ones (HiGHS needs
minutes for the LP relaxation alone of a 3M-column model) are solved in three stages:

1. **LP and bound** by column generation (:mod:`infracast.optimize._colgen`): the LP
   relaxation over a growing set of pairs, priced over all pairs; the bound is the best
   Lagrangian ``L(lam) = sum_w min_{p in w} (c_p + lam_o a_p) - sum_o lam_o K_o`` met, valid
   for the FULL model at any ``lam >= 0``. From ``SAMPLE_MIN`` workloads it starts from the
   prices of a random sample's LP (capacities scaled alike). It stops once ``L`` is within a
   fifth of the gap of the restricted LP (or the LP is the full one's).
2. **Plan.** The greedy plan under the LP's reduced costs (workloads with the most instances
   first, each on its pair of least reduced cost that still fits; those left unplaced go
   first in another pass), improved by local search (:mod:`infracast.optimize._local_search`:
   shifts and two-move chains) over each workload's ``LOCAL_PAIRS`` pairs of least reduced
   cost and the LP's; the greedy plan under cost when the first leaves a workload unplaced.
3. **MILP, only if needed.** Unless the plan is already within the gap, HiGHS on the MILP
   over each workload's ``MILP_PAIRS`` columns of least reduced cost, started from the plan
   and stopped once a plan is within the gap of the bound.

**Proven gap.** ``gap = (objective - bound) / objective``. Moreover, any plan cheaper than
the plan found, ``z``, uses only pairs with ``c_p + lam_o a_p - min_{q in w}(...) <=
z - L(lam)``; when all of them were in the MILP, its own bound holds for the full model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from infracast.optimize._colgen import SAMPLE_MIN, Master, column_generation
from infracast.optimize._greedy import greedy, repaired_greedy
from infracast.optimize._local_search import improve
from infracast.optimize._pairs import Pairs, by_workload, cheapest, columns
from infracast.optimize._pairs import group as _group
from infracast.optimize._pairs import lagrangian as _lagrangian
from infracast.optimize._pairs import rows as _rows
from infracast.optimize._solver import solve
from infracast.optimize.exceptions import OptimizeError

FULL_MILP_PAIRS = 200_000  # above this, column generation (measured: bench/optimize.py)
START_PAIRS = 4  # k: each workload's cheapest pairs in the first restricted LP
LOCAL_PAIRS = 20  # each workload's pairs of least reduced cost open to local search
MILP_PAIRS = 4  # each workload's columns of least reduced cost kept for the MILP
LP_SHARE = 0.8  # of the time limit, at most, for column generation
Method = Literal["auto", "milp", "colgen"]
AssignmentStatus = Literal["optimal", "feasible", "infeasible"]


@dataclass(frozen=True)
class AssignmentSolution:
    """A plan and how good it is.

    ``choice``: per workload, the index (into the input pair arrays) of its pair, -1 when the
    workload is unplaced (only when ``status`` is ``infeasible``). ``objective``: the plan's
    cost (NaN without a plan); ``bound``: a lower bound valid for the full model; ``gap``:
    ``(objective - bound) / objective`` (NaN without a plan). ``status`` is ``optimal`` when
    the gap is within the requested tolerance (HiGHS's meaning), ``feasible`` when a plan
    exists with a larger gap, ``infeasible`` when no plan exists or none was found.
    ``relaxation``: the full model's LP relaxation value when column generation proved it
    (NaN otherwise); ``iterations``: pricing rounds; ``columns``: pairs in the final LP.
    """

    status: AssignmentStatus
    choice: np.ndarray
    objective: float
    bound: float
    gap: float
    seconds: float
    method: str
    iterations: int = 0
    columns: int = 0
    relaxation: float = float("nan")
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        def num(v: float) -> float | None:
            return float(v) if np.isfinite(v) else None

        return {
            "status": self.status,
            "objective": num(self.objective),
            "bound": num(self.bound),
            "gap": num(self.gap),
            "seconds": round(float(self.seconds), 6),
            "method": self.method,
            "iterations": int(self.iterations),
            "columns": int(self.columns),
            "relaxation": num(self.relaxation),
            "choice": [int(c) for c in self.choice],
            "notes": list(self.notes),
        }


def lagrangian_value(
    pair_w: np.ndarray,
    pair_o: np.ndarray,
    pair_cost: np.ndarray,
    pair_instances: np.ndarray,
    capacity: np.ndarray,
    n_workloads: int,
    lam: np.ndarray,
) -> float:
    """``L(lam)``: a lower bound on every feasible plan's cost for any ``lam >= 0``
    (``lam`` is ignored on offers of unlimited capacity). ``inf`` when a workload has no
    usable pair."""
    pairs = _group(pair_w, pair_o, pair_cost, pair_instances, capacity, n_workloads)
    if np.any(np.diff(pairs.start) == 0):
        return float("inf")
    lam = np.where(pairs.finite, np.maximum(np.asarray(lam, dtype=float), 0.0), 0.0)
    return _lagrangian(pairs, pairs.c + lam[pairs.o] * pairs.a, lam)


def greedy_assignment(
    pair_w: np.ndarray,
    pair_o: np.ndarray,
    pair_cost: np.ndarray,
    pair_instances: np.ndarray,
    capacity: np.ndarray,
    n_workloads: int,
    *,
    order: np.ndarray | None = None,
    key: np.ndarray | None = None,
) -> np.ndarray:
    """Cheapest-first greedy: workloads in ``order`` (default: most instances first), each on
    its pair of least ``key`` (default: cost) that still fits; the pair index per workload,
    -1 where nothing fits. No repair: this is the reference heuristic."""
    pairs = _group(pair_w, pair_o, pair_cost, pair_instances, capacity, n_workloads)
    k = pairs.c if key is None else np.asarray(key, dtype=float)[pairs.index]
    chosen = greedy(pairs, k, order)
    return np.where(chosen >= 0, pairs.index[np.maximum(chosen, 0)], -1)


def _milp(
    pairs: Pairs,
    keep: np.ndarray,
    time_limit: float,
    gap: float,
    start: np.ndarray | None,
    stop_at: float | None = None,
    left: np.ndarray | None = None,
) -> tuple[str, np.ndarray, float]:
    """The MILP over the pairs at ``keep``, from the plan ``start`` (positions) if given:
    status, chosen position per workload (-1 without a plan) and HiGHS's bound (valid for
    this subset only). ``left``: capacities (default the offers'); workloads without a pair in
    ``keep`` stay out (-1)."""
    x0 = None if start is None else np.isin(keep, start).astype(float)
    lower, upper = _rows(pairs, keep, pairs.capacity if left is None else left)
    solution = solve(
        pairs.c[keep], columns(pairs, keep), lower, upper, np.zeros(keep.size),
        np.ones(keep.size), integer=np.ones(keep.size, dtype=bool),
        time_limit=max(time_limit, 0.1), mip_gap=gap, start=x0, stop_at=stop_at,
    )  # fmt: skip
    chosen = np.full(pairs.n_workloads, -1, dtype=np.int64)
    if solution.has_solution:
        on = np.flatnonzero(solution.x > 0.5)
        chosen[pairs.w[keep[on]]] = keep[on]
    return solution.status, chosen, solution.bound


def solve_assignment(
    pair_w: np.ndarray,
    pair_o: np.ndarray,
    pair_cost: np.ndarray,
    pair_instances: np.ndarray,
    capacity: np.ndarray,
    n_workloads: int,
    *,
    time_limit: float = 60.0,
    gap: float = 0.005,
    method: Method = "auto",
    k: int = START_PAIRS,
    sample_from: int = SAMPLE_MIN,
) -> AssignmentSolution:
    """The cheapest plan placing each workload on one eligible pair within capacities.

    ``method``: ``milp`` (the whole model to HiGHS), ``colgen`` (column generation, the
    module docstring) or ``auto`` (``milp`` below ``FULL_MILP_PAIRS`` pairs). ``gap``: the
    relative gap, proven against the full model, at which to stop; ``k``: pairs per workload
    in the first restricted LP; ``sample_from``: from this many workloads, column generation
    starts from the prices of a sample's LP (``_colgen``). Raises :class:`OptimizeError` on
    malformed arrays.
    """
    start = time.perf_counter()
    pairs = _group(pair_w, pair_o, pair_cost, pair_instances, capacity, n_workloads)
    dropped = int(np.asarray(pair_w).size - pairs.w.size)
    notes = (
        [f"{dropped} pairs need more instances than their offer has; left out"] if dropped else []
    )
    stranded = np.flatnonzero(np.diff(pairs.start) == 0)
    if stranded.size:
        notes.append(f"workloads without a usable pair: {stranded[:10].tolist()}")
        none = np.full(n_workloads, -1, dtype=np.int64)
        return _finish(pairs, start, none, np.inf, gap, "none", notes)
    if method == "auto":
        method = "milp" if pairs.c.size < FULL_MILP_PAIRS else "colgen"
    if method == "milp":
        everything = np.arange(pairs.c.size)
        status, chosen, bound = _milp(pairs, everything, time_limit, gap, None)
        if status == "time_limit":
            notes.append("no plan found within the time limit; not proven infeasible")
        return _finish(pairs, start, chosen, bound, gap, "milp", notes, optimal=status)
    if method != "colgen":
        raise OptimizeError(
            f"unknown method {method!r}", field="method", hint="use auto, milp or colgen"
        )
    return _colgen(pairs, start, time_limit, gap, k, sample_from, notes)


def _colgen(
    pairs: Pairs,
    start: float,
    time_limit: float,
    gap: float,
    k: int,
    sample_from: int,
    notes: list[str],
) -> AssignmentSolution:
    deadline = start + time_limit
    n_w = pairs.n_workloads
    master = column_generation(pairs, start + LP_SHARE * time_limit, 0.2 * gap, k, sample_from)
    notes.append(
        f"column generation: {master.rounds} LP rounds, {master.cols.size} of {pairs.c.size}"
        f" pairs, {'converged' if master.converged else 'stopped'}"
        f" ({time.perf_counter() - start:.1f} s in)"
    )
    solution = master.solution
    relaxation = solution.objective if master.converged and solution is not None else np.nan
    if master.converged and master.artificial(n_w) > 1e-9:
        # the LP needs an artificial column: no plan, or M too small; the whole model decides
        notes.append("the LP relaxation leaves a workload unplaced: the whole MILP decides")
        everything, remaining = np.arange(pairs.c.size), deadline - time.perf_counter()
        status, chosen, bound = _milp(pairs, everything, remaining, gap, None)
        return _finish(pairs, start, chosen, bound, gap, "colgen+milp", notes, optimal=status)
    rc = _reduced_costs(pairs, master)
    incumbent = _plan(pairs, master, rc, deadline)
    upper_cost, bound = pairs.cost(incumbent), master.bound
    seconds = time.perf_counter() - start
    notes.append(f"plan by greedy under reduced costs and local search ({seconds:.1f} s in)")
    short = not np.isfinite(upper_cost) or upper_cost - bound > gap * upper_cost
    if short and time.perf_counter() < deadline:
        support = master.cols[master.x(n_w) > 1e-9]
        if (incumbent >= 0).all():
            keep = np.union1d(cheapest(pairs, rc, MILP_PAIRS, master.cols), support)
        else:  # no plan yet: wider, beyond the LP's columns
            keep = np.union1d(cheapest(pairs, rc, LOCAL_PAIRS), support)
        if (incumbent >= 0).all():
            keep = np.union1d(keep, incumbent)
        status, chosen, milp_bound = _milp(
            pairs, keep, deadline - time.perf_counter(), max(0.5 * gap, 1e-6),
            incumbent if (incumbent >= 0).all() else None, bound / (1 - gap),
        )  # fmt: skip
        if pairs.cost(chosen) < upper_cost:
            incumbent, upper_cost = chosen, pairs.cost(chosen)
        gaps = _lagrangian_gaps(pairs, master)
        survivors = gaps <= (upper_cost - bound) * (1 + 1e-9) + 1e-9
        survivors[keep] = False
        if np.isfinite(upper_cost) and np.isfinite(milp_bound) and not survivors.any():
            notes.append("every pair that could improve the plan was in the MILP")
            bound = max(bound, min(milp_bound, upper_cost))
        notes.append(f"MILP over {keep.size} pairs: {status}")
    return _finish(
        pairs, start, incumbent, bound, gap, "colgen", notes, master.rounds,
        master.cols.size, relaxation,
    )  # fmt: skip


def _reduced_costs(pairs: Pairs, master: Master) -> np.ndarray:
    """``c_p - u_w + lam_o a_p`` at the last LP's duals (at the bound's prices, ``u_w`` the
    workload's least adjusted cost, when no LP was solved)."""
    n_w = pairs.n_workloads
    lam = np.zeros(pairs.capacity.size)
    if master.solution is not None:
        lam[pairs.finite] = np.maximum(-master.solution.row_duals[n_w:], 0.0)
        return pairs.adjusted(lam) - master.solution.row_duals[:n_w][pairs.w]
    lam = master.lam if master.lam.size else lam
    adjusted = pairs.adjusted(lam)
    return adjusted - np.repeat(np.minimum.reduceat(adjusted, pairs.start[:-1]),
                                np.diff(pairs.start))  # fmt: skip


def _lagrangian_gaps(pairs: Pairs, master: Master) -> np.ndarray:
    """Per pair, ``c_p + lam_o a_p - min_{q in w}(c_q + lam_o a_q)`` at the bound's prices:
    a plan costing ``z`` uses only pairs with this at most ``z - L(lam)``."""
    lam = master.lam if master.lam.size else np.zeros(pairs.capacity.size)
    adjusted = pairs.adjusted(lam)
    return adjusted - np.repeat(np.minimum.reduceat(adjusted, pairs.start[:-1]),
                                np.diff(pairs.start))  # fmt: skip


def _plan(pairs: Pairs, master: Master, rc: np.ndarray, deadline: float) -> np.ndarray:
    """The repaired greedy plan under the reduced costs ``rc`` improved by local search over
    each workload's ``LOCAL_PAIRS`` pairs of least ``rc`` and the LP's columns; the repaired
    greedy plan under cost when that one leaves a workload unplaced. (The LP rounded,
    workloads at 1 fixed, then local search, came out dearer: 0.58% against 0.46% at
    10,000 x 1,000.)"""
    by_rc = by_workload(pairs, rc)
    plan = repaired_greedy(pairs, rc, by_key=by_rc)
    if not (plan >= 0).all():
        return repaired_greedy(pairs, pairs.c)
    rank = np.empty(by_rc.size, dtype=np.int64)
    rank[by_rc] = np.arange(by_rc.size) - pairs.start[pairs.w[by_rc]]
    among = np.union1d(np.flatnonzero(rank < LOCAL_PAIRS), master.cols)
    return improve(pairs, plan, np.union1d(among, plan), deadline)


def _finish(
    pairs: Pairs,
    start: float,
    chosen: np.ndarray,
    bound: float,
    gap: float,
    method: str,
    notes: list[str],
    rounds: int = 0,
    columns: int = 0,
    relaxation: float = float("nan"),
    optimal: str = "",
) -> AssignmentSolution:
    """The result; ``optimal`` is HiGHS's status when it solved the whole model."""
    seconds = time.perf_counter() - start
    choice = np.where(chosen >= 0, pairs.index[np.maximum(chosen, 0)], -1)
    if (chosen < 0).any():
        return AssignmentSolution(
            "infeasible", choice, float("nan"), bound, float("nan"), seconds, method, rounds,
            columns, relaxation, tuple(notes),
        )  # fmt: skip
    objective = float(pairs.c[chosen].sum())
    bound = min(bound, objective)
    achieved = (objective - bound) / max(abs(objective), 1e-9)
    ok = achieved <= gap * (1 + 1e-9) or optimal == "optimal"
    return AssignmentSolution(
        "optimal" if ok else "feasible", choice, objective, bound, max(achieved, 0.0), seconds,
        method, rounds, columns, relaxation, tuple(notes),
    )  # fmt: skip
