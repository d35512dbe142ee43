"""Column generation for the placement LP: the pairs as arrays, the Lagrangian bound and the
restricted master LP (the model: :mod:`infracast.optimize._assignment`).

1. **Starting prices.** Projected subgradient steps on ``L`` below (Polyak steps toward a
   plan's cost, the step factor halved whenever ``L`` stalls); the best ``L`` met is a bound.
2. **Restricted master LP.** The LP relaxation over a few columns: each workload's ``k``
   cheapest pairs under ``c_p + lam_o a_p``, the greedy plan's pairs, and one artificial
   column per workload (cost ``M``, large) that keeps it feasible. It lives in one HiGHS
   object (``_solver.ColumnLP``) and is re-run from its last basis after columns are added.
3. **Pricing.** With ``u_w`` the assignment rows' duals and ``lam_o = -dual >= 0`` the
   capacity rows', a pair's reduced cost is ``r_p = c_p - u_w + lam_o a_p``, computed for
   ALL pairs in a few vectorized passes; each workload's most negative ones join the LP. When
   none is negative the restricted LP's optimum is the full LP relaxation's.
4. **Bound.** Relaxing capacity with prices ``lam >= 0`` leaves one choice per workload:
   ``L(lam) = sum_w min_{p in w} (c_p + lam_o a_p) - sum_o lam_o K_o``. For any feasible plan
   ``x``, ``sum c x >= sum (c + lam a) x - lam K >= L(lam)``, so ``L`` at every round's
   ``lam`` bounds the FULL model from below; the best is kept. At convergence it equals the
   full LP relaxation (LP duality), the strongest bound of this kind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from infracast.optimize._solver import ColumnLP, Solution
from infracast.optimize.exceptions import OptimizeError

PRICED_PAIRS = 2  # pairs of most negative reduced cost added per workload and round
SMOOTHING = 0.5  # weight of the best prices in the smoothed ones (Wentges)
SUBGRADIENT_STEPS = 100  # ~15 ms each at 2.8M pairs (measured: bench/optimize.py)


@dataclass(frozen=True)
class Pairs:
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

    def cost(self, chosen: np.ndarray) -> float:
        """A plan's cost (positions per workload); ``inf`` when a workload is unplaced."""
        return float(self.c[chosen].sum()) if (chosen >= 0).all() else float("inf")

    def adjusted(self, lam: np.ndarray) -> np.ndarray:
        """``c_p + lam_o a_p`` for every pair."""
        return self.c + lam[self.o] * self.a


def group(
    pair_w: np.ndarray,
    pair_o: np.ndarray,
    pair_cost: np.ndarray,
    pair_instances: np.ndarray,
    capacity: np.ndarray,
    n_workloads: int,
) -> Pairs:
    """The caller's arrays checked (:class:`OptimizeError` naming the field) and sorted."""
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
    return Pairs(
        order.astype(np.int64), ws, o[order].astype(np.int32), c[order],
        a[order].astype(np.float32), start, cap, np.isfinite(cap),
    )  # fmt: skip


def lagrangian(pairs: Pairs, adjusted: np.ndarray, lam: np.ndarray) -> float:
    """``L(lam)`` from the pairs' dual-adjusted costs ``adjusted = c + lam[o] a``."""
    lam_k = lam[pairs.finite] @ pairs.capacity[pairs.finite] if pairs.finite.any() else 0.0
    return float(np.minimum.reduceat(adjusted, pairs.start[:-1]).sum() - lam_k)


def by_workload(pairs: Pairs, key: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """Positions (``among``, default all) sorted by workload, then ``key``."""
    among = np.arange(key.size) if among is None else among
    return among[np.lexsort((key[among], pairs.w[among]))]


def cheapest(pairs: Pairs, key: np.ndarray, k: int, among: np.ndarray | None = None) -> np.ndarray:
    """Positions of each workload's ``k`` pairs of least ``key`` (over ``among`` if given)."""
    by = by_workload(pairs, key, among)
    w = pairs.w[by]
    first = np.searchsorted(w, w)  # position of the workload's first pair in `by`
    return by[np.arange(by.size) - first < k]


def least(pairs: Pairs, key: np.ndarray) -> np.ndarray:
    """Position of each workload's pair of least ``key`` (the first on ties)."""
    m = np.minimum.reduceat(key, pairs.start[:-1])
    arg = np.flatnonzero(key == np.repeat(m, np.diff(pairs.start)))
    return arg[np.r_[True, pairs.w[arg[1:]] != pairs.w[arg[:-1]]]]


def columns(pairs: Pairs, sel: np.ndarray) -> sparse.csc_array:
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


def rows(pairs: Pairs, keep: np.ndarray, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row bounds: 1 for the workloads ``keep`` names (0 for the others), capacity ``left``."""
    one = np.zeros(pairs.n_workloads)
    one[pairs.w[keep]] = 1.0
    caps = left[pairs.finite]
    return np.concatenate([one, np.full(caps.size, -np.inf)]), np.concatenate([one, caps])


def subgradient(pairs: Pairs, target: float, steps: int) -> tuple[np.ndarray, float]:
    """Projected subgradient steps on ``L`` from 0, Polyak steps ``theta (target - L) / |g|^2``
    toward ``target`` (a plan's cost), ``theta`` halved after 3 steps without a better ``L``:
    the best ``L`` met and its prices."""
    cap = np.where(pairs.finite, pairs.capacity, 0.0)
    lam = np.zeros(cap.size)
    best, best_lam, theta, stall = -np.inf, lam, 1.0, 0
    for _ in range(steps):
        adjusted = pairs.adjusted(lam)
        m = np.minimum.reduceat(adjusted, pairs.start[:-1])
        value = float(m.sum() - lam @ cap)
        if value > best + 1e-9 * abs(value):
            best, best_lam, stall = value, lam, 0
        else:
            stall += 1
            if stall >= 3:
                theta, stall = theta / 2, 0
        arg = least(pairs, adjusted)
        usage = np.bincount(pairs.o[arg], weights=pairs.a[arg], minlength=cap.size)
        g = np.where(pairs.finite, usage - cap, 0.0)
        g[(lam <= 0.0) & (g < 0.0)] = 0.0  # projected: prices stay >= 0
        norm = float(g @ g)
        if norm == 0.0 or target <= value:
            break
        lam = np.maximum(0.0, lam + theta * (target - value) / norm * g)
    return best_lam, best


@dataclass
class Master:
    """The restricted master LP and what pricing has learnt: the best ``L`` and its prices;
    the last optimal LP solved (``solution``) and whether it is the full LP's optimum."""

    lp: ColumnLP
    cols: np.ndarray  # pair position of each LP column after the W artificial ones
    inside: np.ndarray  # bool per pair: in the LP
    bound: float = -np.inf
    lam: np.ndarray = field(default_factory=lambda: np.zeros(0))
    converged: bool = False
    rounds: int = 0
    solution: Solution | None = None

    def add(self, pairs: Pairs, new: np.ndarray) -> None:
        self.lp.add_columns(pairs.c[new], columns(pairs, new), np.zeros(new.size),
                            np.ones(new.size))  # fmt: skip
        self.cols = np.concatenate([self.cols, new])
        self.inside[new] = True

    def x(self, n_w: int) -> np.ndarray:
        """The last LP's values of the pair columns (0 for columns added after it)."""
        x = np.zeros(self.cols.size)
        if self.solution is not None:
            x[: self.solution.x.size - n_w] = self.solution.x[n_w:]
        return x

    def artificial(self, n_w: int) -> float:
        """The largest artificial column's value in the last LP (> 0: a workload unplaced)."""
        return float(self.solution.x[:n_w].max()) if self.solution is not None else 1.0


def _price(pairs: Pairs, master: Master, lp: Solution, enough: float) -> np.ndarray:
    """One pricing pass over all pairs: updates the bound (``L`` at the LP's capacity prices
    bounds the full model whatever the LP); the pairs to add (empty when none prices in, or
    when the bound is within ``enough`` (relative) of the LP)."""
    n_w = pairs.n_workloads
    u = lp.row_duals[:n_w]
    lam = np.zeros(pairs.capacity.size)
    lam[pairs.finite] = np.maximum(-lp.row_duals[n_w:], 0.0)
    rc = pairs.adjusted(lam)
    value = lagrangian(pairs, rc, lam)
    if value > master.bound:
        master.bound, master.lam = value, lam
    rc -= u[pairs.w]
    tol = 1e-9 * max(abs(lp.objective), 1.0) / max(n_w, 1) + 1e-9
    found = np.flatnonzero(rc < -tol)
    found = found[~master.inside[found]]
    if found.size == 0 or lp.objective - master.bound <= 1e-9 * abs(lp.objective):
        master.converged = True  # L(lam) <= full LP <= this LP: all three are equal
        return found[:0]
    if lp.objective - master.bound <= enough * abs(lp.objective):
        return found[:0]
    new = cheapest(pairs, rc, PRICED_PAIRS, found)
    if SMOOTHING > 0.0 and master.lam.size:
        # Wentges: the Lagrangian choice at prices between the best and the LP's joins too
        lam_s = SMOOTHING * master.lam + (1.0 - SMOOTHING) * lam
        adjusted = pairs.adjusted(lam_s)
        value = lagrangian(pairs, adjusted, lam_s)
        if value > master.bound:
            master.bound, master.lam = value, lam_s
        best = least(pairs, adjusted)
        new = np.union1d(new, best[~master.inside[best]])
    return new


def column_generation(
    pairs: Pairs, plan: np.ndarray, deadline: float, enough: float, k: int
) -> Master:
    """The restricted master LP grown by pricing until it is the full LP's optimum, the
    bound is within ``enough`` of it, or ``deadline``; ``plan`` (positions, -1 unplaced) is a
    greedy plan: its pairs join the first LP and its cost aims the subgradient steps."""
    n_w = pairs.n_workloads
    placed = bool((plan >= 0).all())
    lam, bound = subgradient(pairs, pairs.cost(plan) if placed else 0.0, SUBGRADIENT_STEPS)
    keep = cheapest(pairs, pairs.adjusted(lam), k)
    if placed:
        keep = np.union1d(keep, plan)
    big = 100.0 * (float(pairs.c.max()) + 1.0)  # the artificial columns' cost M
    lower, upper = rows(pairs, np.arange(pairs.c.size), pairs.capacity)
    artificial = sparse.csc_array(
        (np.ones(n_w), (np.arange(n_w), np.arange(n_w))), shape=(lower.size, n_w)
    )
    lp = ColumnLP(np.full(n_w, big), artificial, lower, upper, np.zeros(n_w), np.ones(n_w))
    inside = np.zeros(pairs.c.size, dtype=bool)
    master = Master(lp, np.zeros(0, dtype=np.int64), inside, bound, lam)
    master.add(pairs, keep)
    while time.perf_counter() < deadline:
        result = lp.run(0.8 * (deadline - time.perf_counter()))
        if result.status != "optimal":
            break
        master.solution, master.rounds = result, master.rounds + 1
        new = _price(pairs, master, result, enough)
        if new.size == 0:
            break
        master.add(pairs, new)
    return master
