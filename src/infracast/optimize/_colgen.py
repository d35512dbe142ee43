"""Column generation for the placement LP: the restricted master LP, its pricing and the
Lagrangian bound (the model: :mod:`infracast.optimize._assignment`; the pairs and ``L``:
:mod:`infracast.optimize._pairs`).

1. **Starting prices.** For ``SAMPLE_MIN`` workloads or more: the LP of a random
   ``SAMPLE_SHARE`` of the workloads, every capacity scaled by the same share, solved by this
   same column generation to within ``SAMPLE_ENOUGH``; its best prices start the full model
   (a sample's LP has the full one's shape at a fraction of its size, and its prices pick
   nearly the full LP's support: about 4 rounds are left instead of 10-13, bench/RESULTS.md).
   Below that, projected subgradient steps on ``L`` (Polyak steps toward a greedy plan's
   cost, the step factor halved whenever ``L`` stalls). Either way ``L`` at those prices is
   a bound for the full model (any prices ``>= 0`` give one).
2. **Restricted master LP.** The LP relaxation over a few columns: each workload's ``k``
   cheapest pairs under ``c_p + lam_o a_p`` (and a greedy plan's pairs, when one was made),
   and one artificial column per workload (cost ``M``, large) that keeps it feasible. It
   lives in one HiGHS object (``_solver.ColumnLP``) and is re-run from its last basis after
   columns are added.
3. **Pricing.** With ``u_w`` the assignment rows' duals and ``lam_o = -dual >= 0`` the
   capacity rows', a pair's reduced cost is ``r_p = c_p - u_w + lam_o a_p``, computed for
   ALL pairs in a few vectorized passes; each workload's most negative ones join the LP. When
   none is negative the restricted LP's optimum is the full LP relaxation's.
4. **Bound.** ``L`` at every round's ``lam`` bounds the FULL model from below whatever the
   restricted LP; the best is kept. At convergence it equals the full LP relaxation (LP
   duality), the strongest bound of this kind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from infracast.optimize._greedy import repaired_greedy
from infracast.optimize._pairs import Pairs, cheapest, columns, group, lagrangian, least, rows
from infracast.optimize._solver import ColumnLP, Solution

PRICED_PAIRS = 2  # pairs of most negative reduced cost added per workload and round
SMOOTHING = 0.5  # weight of the best prices in the smoothed ones (Wentges)
SUBGRADIENT_STEPS = 100  # ~15 ms each at 2.8M pairs (measured: bench/optimize.py)
SAMPLE_MIN = 5_000  # workloads from which the starting prices come from a sample's LP
SAMPLE_SHARE = 0.35  # of the workloads (and of each capacity) in that sample
SAMPLE_ENOUGH = 0.002  # the sample's LP and bound within this (relative) of each other
SAMPLE_TIME = 0.5  # of the time to the deadline, at most, for the sample
SAMPLE_SEED = 0  # the sample is drawn the same way on every run: plans are reproducible


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


def sample(pairs: Pairs, share: float, seed: int = SAMPLE_SEED) -> Pairs:
    """A random ``share`` of the workloads (those with a pair that fits the scaled capacity)
    and their pairs, every finite capacity multiplied by ``share``."""
    capacity = np.where(pairs.finite, pairs.capacity * share, pairs.capacity)
    usable = pairs.a <= capacity[pairs.o]
    pick = np.random.default_rng(seed).random(pairs.n_workloads) < share
    pick &= np.bincount(pairs.w[usable], minlength=pairs.n_workloads) > 0
    renumber = np.cumsum(pick) - 1
    sel = usable & pick[pairs.w]
    return group(renumber[pairs.w[sel]], pairs.o[sel], pairs.c[sel], pairs.a[sel], capacity,
                 int(pick.sum()))  # fmt: skip


def starting_prices(
    pairs: Pairs, deadline: float, k: int, sample_from: int = SAMPLE_MIN
) -> tuple[np.ndarray, np.ndarray]:
    """Capacity prices to start from (the module docstring, step 1; a sample when there are
    ``sample_from`` workloads or more) and the pairs of a plan to seed the first LP with
    (empty when the prices came from a sample)."""
    if pairs.n_workloads >= sample_from:
        part = sample(pairs, SAMPLE_SHARE)
        if part.n_workloads:
            now = time.perf_counter()
            until = now + SAMPLE_TIME * (deadline - now)
            inner = column_generation(part, until, SAMPLE_ENOUGH, k, sample_from)
            return inner.lam, np.zeros(0, dtype=np.int64)
    plan = repaired_greedy(pairs, pairs.c)
    placed = bool((plan >= 0).all())
    lam, _ = subgradient(pairs, pairs.cost(plan) if placed else 0.0, SUBGRADIENT_STEPS)
    return lam, plan[plan >= 0]


def column_generation(
    pairs: Pairs, deadline: float, enough: float, k: int, sample_from: int = SAMPLE_MIN
) -> Master:
    """The restricted master LP grown by pricing until it is the full LP's optimum, the
    bound is within ``enough`` of it, or ``deadline``; ``sample_from``: see
    :func:`starting_prices`."""
    n_w = pairs.n_workloads
    lam, plan = starting_prices(pairs, deadline, k, sample_from)
    bound = lagrangian(pairs, pairs.adjusted(lam), lam)
    keep = np.union1d(cheapest(pairs, pairs.adjusted(lam), k), plan)
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
