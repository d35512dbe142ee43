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
minutes for the LP relaxation alone of a 3M-column model) by column generation:

1. **Restricted master LP.** The LP relaxation over a few columns: each workload's ``k``
   cheapest pairs under ``c_p + lam_o a_p`` (``lam`` from a few subgradient steps on ``L``
   below), the greedy plan's pairs, and one artificial column per workload (cost ``M``,
   large) that keeps it feasible. It lives in one HiGHS object (``_solver.ColumnLP``) and
   is re-run from its last basis after columns are added.
2. **Pricing.** With ``u_w`` the assignment rows' duals and ``lam_o = -dual >= 0`` the
   capacity rows', a pair's reduced cost is ``r_p = c_p - u_w + lam_o a_p``, computed for
   ALL pairs in a few vectorized passes; each workload's most negative ones join the LP. When
   none is negative the restricted LP's optimum is the full LP relaxation's.
3. **Bound.** Relaxing capacity with prices ``lam >= 0`` leaves one choice per workload:
   ``L(lam) = sum_w min_{p in w} (c_p + lam_o a_p) - sum_o lam_o K_o``. For any feasible plan
   ``x``, ``sum c x >= sum (c + lam a) x - lam K >= L(lam)``, so ``L`` at every round's
   ``lam`` bounds the FULL model from below; the best is kept. At convergence it equals the
   full LP relaxation (LP duality), the strongest bound of this kind.
4. **Plan.** The best of the greedy plan and the LP solution rounded (workloads at 1 keep
   their pair; the others share the capacity left in a small MILP), then, unless it is
   already within the gap, HiGHS on the MILP over each workload's columns of least reduced
   cost, started from that plan and stopped once a plan is within the gap of the bound.
5. **Proven gap.** ``gap = (objective - bound) / objective``. Moreover, any plan cheaper than
   the plan found, ``z``, uses only pairs with ``c_p + lam_o a_p - min_{q in w}(...) <=
   z - L(lam)``; when all of them were in the MILP, its own bound holds for the full model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse

from infracast.optimize._solver import ColumnLP, Solution, solve
from infracast.optimize.exceptions import OptimizeError

FULL_MILP_PAIRS = 200_000  # above this, column generation (measured: bench/optimize.py)
START_PAIRS = 4  # k: each workload's cheapest pairs in the first restricted LP
PRICED_PAIRS = 2  # pairs of most negative reduced cost added per workload and round
SUBGRADIENT_STEPS = 40  # for the first restricted LP's columns (measured: bench/optimize.py)
MILP_PAIRS = 4  # each workload's columns of least reduced cost kept for the MILP
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


@dataclass(frozen=True)
class _Pairs:
    """The pairs sorted by workload: ``start[w]:start[w+1]`` are ``w``'s; ``index`` maps back
    to the caller's arrays. Usable pairs only (``a_p <= K_o``)."""

    index: np.ndarray  # int64, position in the input arrays
    w: np.ndarray  # int32
    o: np.ndarray  # int32
    c: np.ndarray  # float64
    a: np.ndarray  # float32 (instances, whole numbers: exact below 2**24)
    start: np.ndarray  # int64, W + 1
    capacity: np.ndarray  # float64, O
    finite: np.ndarray  # bool, O: offers with a capacity row

    @property
    def n_workloads(self) -> int:
        return int(self.start.size - 1)


def _group(
    pair_w: np.ndarray,
    pair_o: np.ndarray,
    pair_cost: np.ndarray,
    pair_instances: np.ndarray,
    capacity: np.ndarray,
    n_workloads: int,
) -> _Pairs:
    w = np.asarray(pair_w)
    o = np.asarray(pair_o)
    c = np.asarray(pair_cost, dtype=np.float64)
    a = np.asarray(pair_instances)
    cap = np.asarray(capacity, dtype=np.float64)
    n = w.size
    if not (o.size == c.size == a.size == n) or w.ndim != 1:
        raise OptimizeError(
            f"the pair arrays differ in length (workload {w.size}, offer {o.size}, "
            f"cost {c.size}, instances {a.size})",
            hint="give one entry per eligible (workload, offer) pair in each array",
        )
    if n_workloads < 0 or (n and (w.min() < 0 or w.max() >= n_workloads)):
        raise OptimizeError(
            f"a pair names a workload outside 0..{n_workloads - 1}", field="pair_w",
            hint="number workloads from 0 and pass n_workloads",
        )  # fmt: skip
    if n and (o.min() < 0 or o.max() >= cap.size):
        raise OptimizeError(
            f"a pair names an offer outside 0..{cap.size - 1}", field="pair_o",
            hint="give one capacity per offer (np.inf for unlimited)",
        )  # fmt: skip
    if not np.all(np.isfinite(c)) or (n and c.min() < 0):
        raise OptimizeError(
            "pair costs must be finite and non-negative", field="pair_cost",
            hint="leave ineligible pairs out instead of pricing them at infinity",
        )  # fmt: skip
    if n and (a.min() < 1 or not np.all(np.equal(np.mod(a, 1), 0))):
        raise OptimizeError(
            "pair instances must be whole numbers of at least 1", field="pair_instances",
            hint="use ceil(gpus / gpus_per_instance)",
        )  # fmt: skip
    if np.any(np.isnan(cap)) or (cap.size and cap.min() < 0):
        raise OptimizeError(
            "capacities must be non-negative (np.inf for unlimited)", field="capacity",
            hint="give 0 for an offer with nothing available",
        )  # fmt: skip
    usable = a <= cap[o]
    order = np.flatnonzero(usable)
    order = order[np.argsort(w[order], kind="stable")]
    ws = w[order].astype(np.int32)
    start = np.zeros(n_workloads + 1, dtype=np.int64)
    np.cumsum(np.bincount(ws, minlength=n_workloads), out=start[1:])
    return _Pairs(
        order.astype(np.int64), ws, o[order].astype(np.int32), c[order],
        a[order].astype(np.float32), start, cap, np.isfinite(cap),
    )  # fmt: skip


def _lagrangian(pairs: _Pairs, adjusted: np.ndarray, lam: np.ndarray) -> float:
    """``L(lam)`` from the pairs' dual-adjusted costs ``adjusted = c + lam[o] a``."""
    lam_k = lam[pairs.finite] @ pairs.capacity[pairs.finite] if pairs.finite.any() else 0.0
    return float(np.minimum.reduceat(adjusted, pairs.start[:-1]).sum() - lam_k)


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
    chosen = _greedy(pairs, k, order)
    return np.where(chosen >= 0, pairs.index[np.maximum(chosen, 0)], -1)


def _greedy(pairs: _Pairs, key: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """Positions (into the sorted pairs) of the greedy plan, -1 where nothing fits."""
    if order is None:
        order = np.argsort(-_largest(pairs), kind="stable")
    by_key = np.lexsort((key, pairs.w))  # within each workload, cheapest first
    o_sorted, a_sorted = pairs.o[by_key], pairs.a[by_key]
    left = pairs.capacity.copy()
    chosen = np.full(pairs.n_workloads, -1, dtype=np.int64)
    for w in np.asarray(order).tolist():
        lo, hi = pairs.start[w], pairs.start[w + 1]
        fits = left[o_sorted[lo:hi]] >= a_sorted[lo:hi]
        j = int(fits.argmax())
        if hi > lo and fits[j]:
            left[o_sorted[lo + j]] -= a_sorted[lo + j]
            chosen[w] = by_key[lo + j]
    return chosen


def _largest(pairs: _Pairs) -> np.ndarray:
    """Per workload, the most instances it needs on any of its pairs (0 without pairs)."""
    largest = np.zeros(pairs.n_workloads)
    np.maximum.at(largest, pairs.w, pairs.a)
    return largest


def _repaired_greedy(pairs: _Pairs, key: np.ndarray, rounds: int = 3) -> np.ndarray:
    """The greedy plan; workloads it could not place go first in the next round."""
    order = np.argsort(-_largest(pairs), kind="stable")
    chosen = _greedy(pairs, key, order)
    for _ in range(rounds):
        missing = chosen < 0
        if not missing.any():
            break
        order = np.concatenate([order[missing[order]], order[~missing[order]]])
        chosen = _greedy(pairs, key, order)
    return chosen


def _cheapest(
    pairs: _Pairs, key: np.ndarray, k: int, among: np.ndarray | None = None
) -> np.ndarray:
    """Positions of each workload's ``k`` pairs of least ``key`` (over ``among`` if given)."""
    among = np.arange(key.size) if among is None else among
    by = among[np.lexsort((key[among], pairs.w[among]))]
    w = pairs.w[by]
    first = np.searchsorted(w, w)  # position of the workload's first pair in `by`
    return by[np.arange(by.size) - first < k]


def _columns(pairs: _Pairs, sel: np.ndarray) -> sparse.csc_array:
    """The constraint columns of the pairs at ``sel``: a 1 in the workload's row, ``a_p`` in
    the offer's capacity row (rows ``W..``, finite offers only, in offer order)."""
    n_w = pairs.n_workloads
    rows_of = np.cumsum(pairs.finite) - 1 + n_w
    o = pairs.o[sel]
    limited = pairs.finite[o]
    cols = np.arange(sel.size)
    return sparse.csc_array(
        (
            np.concatenate([np.ones(sel.size), pairs.a[sel][limited]]),
            (
                np.concatenate([pairs.w[sel], rows_of[o[limited]]]),
                np.concatenate([cols, cols[limited]]),
            ),
        ),
        shape=(n_w + int(pairs.finite.sum()), sel.size),
    )


def _rows(pairs: _Pairs, keep: np.ndarray, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row bounds: 1 for the workloads ``keep`` names (0 for the others), capacity ``left``."""
    one = np.zeros(pairs.n_workloads)
    one[pairs.w[keep]] = 1.0
    caps = left[pairs.finite]
    return np.concatenate([one, np.full(caps.size, -np.inf)]), np.concatenate([one, caps])


def _milp(
    pairs: _Pairs,
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
        pairs.c[keep], _columns(pairs, keep), lower, upper, np.zeros(keep.size),
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
) -> AssignmentSolution:
    """The cheapest plan placing each workload on one eligible pair within capacities.

    ``method``: ``milp`` (the whole model to HiGHS), ``colgen`` (column generation, the
    module docstring) or ``auto`` (``milp`` below ``FULL_MILP_PAIRS`` pairs). ``gap``: the
    relative gap, proven against the full model, at which to stop; ``k``: pairs per workload
    in the first restricted LP. Raises :class:`OptimizeError` on malformed arrays.
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
    return _colgen(pairs, start, time_limit, gap, k, notes)


@dataclass
class _Master:
    """The restricted master LP and what pricing has learnt: the best ``L`` and its prices."""

    lp: ColumnLP
    cols: np.ndarray  # pair position of each LP column after the W artificial ones
    inside: np.ndarray  # bool per pair: in the LP
    bound: float = -np.inf
    lam: np.ndarray = field(default_factory=lambda: np.zeros(0))
    converged: bool = False
    rounds: int = 0

    def add(self, pairs: _Pairs, new: np.ndarray) -> None:
        self.lp.add_columns(pairs.c[new], _columns(pairs, new), np.zeros(new.size),
                            np.ones(new.size))  # fmt: skip
        self.cols = np.concatenate([self.cols, new])
        self.inside[new] = True


def _price(pairs: _Pairs, master: _Master, lp: Solution, gap: float) -> np.ndarray:
    """One pricing pass over all pairs: updates the bound (``L`` at the LP's capacity prices
    bounds the full model whatever the LP); the pairs to add (empty when none prices in, or
    when the bound is already within a twentieth of the gap of the LP)."""
    n_w = pairs.n_workloads
    u = lp.row_duals[:n_w]
    lam = np.zeros(pairs.capacity.size)
    lam[pairs.finite] = np.maximum(-lp.row_duals[n_w:], 0.0)
    rc = pairs.c + lam[pairs.o] * pairs.a
    value = _lagrangian(pairs, rc, lam)
    if value > master.bound:
        master.bound, master.lam = value, lam
    rc -= u[pairs.w]
    tol = 1e-9 * max(abs(lp.objective), 1.0) / max(n_w, 1) + 1e-9
    found = np.flatnonzero(rc < -tol)
    found = found[~master.inside[found]]
    if found.size == 0 or lp.objective - master.bound <= 1e-9 * abs(lp.objective):
        master.converged = True  # L(lam) <= full LP <= this LP: all three are equal
        return found[:0]
    if lp.objective - master.bound <= 0.05 * gap * abs(lp.objective):
        return found[:0]
    return _cheapest(pairs, rc, PRICED_PAIRS, found)


def _subgradient(pairs: _Pairs, target: float, steps: int) -> tuple[np.ndarray, float, np.ndarray]:
    """A few subgradient steps on ``L`` from 0 (Polyak steps toward ``target``, a plan's
    cost): the last prices (a start for the restricted LP's columns), the best ``L`` met and
    its prices (a bound from the start)."""
    lam = np.zeros(pairs.capacity.size)
    best, best_lam = -np.inf, lam
    cap = np.where(pairs.finite, pairs.capacity, 0.0)
    for _ in range(steps):
        adjusted = pairs.c + lam[pairs.o] * pairs.a
        m = np.minimum.reduceat(adjusted, pairs.start[:-1])
        value = float(m.sum() - lam @ cap)
        if value > best:
            best, best_lam = value, lam
        arg = np.flatnonzero(adjusted == np.repeat(m, np.diff(pairs.start)))
        arg = arg[np.r_[True, pairs.w[arg[1:]] != pairs.w[arg[:-1]]]]  # one per workload
        usage = np.bincount(pairs.o[arg], weights=pairs.a[arg], minlength=cap.size)
        g = np.where(pairs.finite, usage - cap, 0.0)
        norm = float(g @ g)
        if norm == 0.0:
            break
        lam = np.maximum(0.0, lam + max(target - value, 0.0) / norm * g)
    return lam, best, best_lam


def _colgen(
    pairs: _Pairs, start: float, time_limit: float, gap: float, k: int, notes: list[str]
) -> AssignmentSolution:
    deadline = start + time_limit
    n_w = pairs.n_workloads
    greedy = _repaired_greedy(pairs, pairs.c)
    target = _cost(pairs, greedy) if (greedy >= 0).all() else 0.0
    lam, bound, bound_lam = _subgradient(pairs, target, SUBGRADIENT_STEPS)
    keep = _cheapest(pairs, pairs.c + lam[pairs.o] * pairs.a, k)
    if (greedy >= 0).all():
        keep = np.union1d(keep, greedy)
    big = 100.0 * (float(pairs.c.max()) + 1.0)  # the artificial columns' cost M
    lower, upper = _rows(pairs, np.arange(pairs.c.size), pairs.capacity)
    artificial = sparse.csc_array(
        (np.ones(n_w), (np.arange(n_w), np.arange(n_w))), shape=(lower.size, n_w)
    )
    lp = ColumnLP(np.full(n_w, big), artificial, lower, upper, np.zeros(n_w), np.ones(n_w))
    inside = np.zeros(pairs.c.size, dtype=bool)
    master = _Master(lp, np.zeros(0, dtype=np.int64), inside, bound, bound_lam)
    master.add(pairs, keep)
    solution = None
    while time.perf_counter() < deadline:
        result = lp.run(0.8 * (deadline - time.perf_counter()))
        if result.status != "optimal":
            break
        solution, master.rounds = result, master.rounds + 1
        new = _price(pairs, master, result, gap)
        if new.size == 0:
            break
        master.add(pairs, new)
    lp_s = time.perf_counter() - start
    notes.append(
        f"column generation: {master.rounds} LP rounds, {master.cols.size} of {pairs.c.size}"
        f" pairs, {'converged' if master.converged else 'stopped'} ({lp_s:.1f} s in)"
    )
    relaxation = solution.objective if master.converged and solution is not None else np.nan
    x = np.zeros(n_w + master.cols.size)  # the last LP solved may lack the last columns
    if solution is not None:
        x[: solution.x.size] = solution.x
    if master.converged and x[:n_w].max() > 1e-9:
        # the LP needs an artificial column: no plan, or M too small; the whole model decides
        notes.append("the LP relaxation leaves a workload unplaced: the whole MILP decides")
        everything, remaining = np.arange(pairs.c.size), deadline - time.perf_counter()
        status, chosen, bound = _milp(pairs, everything, remaining, gap, None)
        return _finish(pairs, start, chosen, bound, gap, "colgen+milp", notes, optimal=status)
    lam = master.lam if master.lam.size else np.zeros(pairs.capacity.size)
    rc = pairs.c + lam[pairs.o] * pairs.a
    rc -= np.repeat(np.minimum.reduceat(rc, pairs.start[:-1]), np.diff(pairs.start))
    support = master.cols[x[n_w:] > 1e-9]
    incumbent = _round(pairs, master.cols, x[n_w:], rc, deadline)
    for other in (greedy, _repaired_greedy(pairs, rc)):
        if _cost(pairs, other) < _cost(pairs, incumbent):
            incumbent = other
    keep = np.union1d(_cheapest(pairs, rc, MILP_PAIRS, master.cols), support)
    if (incumbent >= 0).all():
        keep = np.union1d(keep, incumbent)
    upper_cost = _cost(pairs, incumbent)
    bound = master.bound
    if (upper_cost - bound) > gap * upper_cost and time.perf_counter() < deadline:
        mip_gap = max(0.5 * gap, 1e-6)
        status, chosen, milp_bound = _milp(
            pairs, keep, deadline - time.perf_counter(), mip_gap,
            incumbent if (incumbent >= 0).all() else None, bound / (1 - gap),
        )  # fmt: skip
        if _cost(pairs, chosen) < upper_cost:
            incumbent, upper_cost = chosen, _cost(pairs, chosen)
        survivors = rc <= (upper_cost - bound) * (1 + 1e-9) + 1e-9
        survivors[keep] = False
        if np.isfinite(upper_cost) and np.isfinite(milp_bound) and not survivors.any():
            notes.append("every pair that could improve the plan was in the MILP")
            bound = max(bound, min(milp_bound, upper_cost))
        notes.append(f"MILP over {keep.size} pairs: {status}")
    return _finish(
        pairs, start, incumbent, bound, gap, "colgen", notes, master.rounds,
        master.cols.size, relaxation,
    )  # fmt: skip


def _round(
    pairs: _Pairs, cols: np.ndarray, x: np.ndarray, rc: np.ndarray, deadline: float
) -> np.ndarray:
    """The LP solution ``x`` over ``cols`` made a plan: a workload at 1 keeps its pair; the
    others share what capacity is left in a small MILP over their columns of least reduced
    cost ``rc``; -1 where none is found."""
    chosen = np.full(pairs.n_workloads, -1, dtype=np.int64)
    whole = cols[x > 1 - 1e-6]
    chosen[pairs.w[whole]] = whole
    used = np.bincount(pairs.o[whole], weights=pairs.a[whole], minlength=pairs.capacity.size)
    left = np.maximum(pairs.capacity - np.rint(used), 0.0)  # whole instances: no LP noise
    rest = np.flatnonzero(chosen[pairs.w] < 0)
    if rest.size:
        keep = np.union1d(_cheapest(pairs, rc, 2 * MILP_PAIRS, rest), cols[np.isin(cols, rest)])
        remaining = deadline - time.perf_counter()
        _, sub, _ = _milp(pairs, keep, 0.2 * remaining, 1e-4, None, None, left)
        chosen = np.where(chosen < 0, sub, chosen)
    return chosen


def _cost(pairs: _Pairs, chosen: np.ndarray) -> float:
    return float(pairs.c[chosen].sum()) if (chosen >= 0).all() else float("inf")


def _finish(
    pairs: _Pairs,
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
