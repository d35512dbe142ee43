"""Greedy placement plans over the sorted pairs: workloads with the most instances first,
each on its pair of least key that still fits (the reference heuristic, and the plan built
under reduced costs)."""

from __future__ import annotations

import numpy as np

from infracast.optimize._pairs import Pairs, by_workload


def greedy(
    pairs: Pairs, key: np.ndarray, order: np.ndarray | None, by_key: np.ndarray | None = None
) -> np.ndarray:
    """Positions (into the sorted pairs) of the greedy plan, -1 where nothing fits;
    ``by_key``: the pairs sorted by workload then ``key``, if already at hand."""
    if order is None:
        order = np.argsort(-largest(pairs), kind="stable")
    if by_key is None:
        by_key = by_workload(pairs, key)  # within each workload, cheapest first
    o_sorted, a_sorted = pairs.o[by_key], pairs.a[by_key]
    left = pairs.capacity.copy()
    chosen = np.full(pairs.n_workloads, -1, dtype=np.int64)
    for w in np.asarray(order).tolist():
        lo, hi = pairs.start[w], pairs.start[w + 1]
        if hi == lo:
            continue  # no usable pair
        fits = left[o_sorted[lo:hi]] >= a_sorted[lo:hi]
        j = int(fits.argmax())
        if fits[j]:
            left[o_sorted[lo + j]] -= a_sorted[lo + j]
            chosen[w] = by_key[lo + j]
    return chosen


def largest(pairs: Pairs) -> np.ndarray:
    """Per workload, the most instances it needs on any of its pairs (0 without pairs)."""
    most = np.zeros(pairs.n_workloads)
    np.maximum.at(most, pairs.w, pairs.a)
    return most


def repaired_greedy(
    pairs: Pairs, key: np.ndarray, rounds: int = 3, by_key: np.ndarray | None = None
) -> np.ndarray:
    """The greedy plan; workloads it could not place go first in the next round."""
    by_key = by_workload(pairs, key) if by_key is None else by_key
    order = np.argsort(-largest(pairs), kind="stable")
    chosen = greedy(pairs, key, order, by_key)
    for _ in range(rounds):
        missing = chosen < 0
        if not missing.any():
            break
        order = np.concatenate([order[missing[order]], order[~missing[order]]])
        chosen = greedy(pairs, key, order, by_key)
    return chosen
