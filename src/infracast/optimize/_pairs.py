"""The placement pairs as arrays, sorted by workload, and the passes over them that the
column generation, the greedy plans and the local search share (the model:
:mod:`infracast.optimize._assignment`).

``L(lam) = sum_w min_{p in w} (c_p + lam_o a_p) - sum_o lam_o K_o`` (:func:`lagrangian`) bounds
every feasible plan's cost from below at any ``lam >= 0``: for a plan ``x``,
``sum c x >= sum (c + lam a) x - lam K >= L(lam)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from infracast.optimize.exceptions import OptimizeError


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
