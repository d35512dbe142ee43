"""Local search on a placement plan: shifts and two-move chains, vectorized over the pairs.

A plan gives each workload ``w`` one pair (offer ``o(w)``, cost ``c(w)``, instances
``a(w)``); ``slack_o`` is what is left of offer ``o``'s capacity. Two moves lower the cost
without breaking a capacity:

- **shift**: ``w`` moves to its pair ``p`` on another offer with ``a_p <= slack``; gain
  ``c_p - c(w) < 0``;
- **chain**: ``w2`` moves to its pair ``p`` on offer ``o1`` lacking ``need = a_p - slack``
  instances, and a workload ``w1`` now on ``o1`` with ``a(w1) >= need`` shifts to a pair ``q``
  on an offer with room; gain ``(c_p - c(w2)) + (c_q - c(w1)) < 0``.

Per round, every workload's cheapest shift (``out(w)``, taken even when it costs more) is
found in one pass; a table ``best[o, f]`` holds the least ``out(w1)`` over the workloads on
``o`` that free at least ``f`` instances, so each pair's best chain is one lookup. The moves
of negative gain are applied best first, each re-checked against the capacity left (a
workload moves at most once a round); rounds repeat until none applies or the deadline.
"""

from __future__ import annotations

import time

import numpy as np

from infracast.optimize._pairs import Pairs

CANDIDATES = 5000  # moves tried per round, best gain first


def _least(keys: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per key ``0..n-1``: the least value (``inf`` for none) and a position holding it (-1)."""
    best = np.full(n, np.inf)
    np.minimum.at(best, keys, values)
    hit = np.flatnonzero(values == best[keys])[::-1]
    arg = np.full(n, -1, dtype=np.int64)
    arg[keys[hit]] = hit  # the reversed order leaves the first position per key
    return best, arg


def improve(
    pairs: Pairs, chosen: np.ndarray, among: np.ndarray, deadline: float, rounds: int = 200
) -> np.ndarray:
    """A plan at least as cheap as ``chosen`` (a position per workload, all placed and within
    capacity) whose moves use only the pairs at ``among`` (which must hold ``chosen``)."""
    chosen = chosen.copy()
    n_w, n_o = pairs.n_workloads, pairs.capacity.size
    pw, po, pc = pairs.w[among], pairs.o[among], pairs.c[among]
    pa = pairs.a[among].astype(np.int64)
    top = int(pa.max()) if pa.size else 0
    for _ in range(rounds):
        if time.perf_counter() > deadline:
            break
        cur_o, cur_c = pairs.o[chosen], pairs.c[chosen]
        cur_a = pairs.a[chosen].astype(np.int64)
        slack = pairs.capacity - np.bincount(cur_o, weights=cur_a, minlength=n_o)
        delta = pc - cur_c[pw]
        other = po != cur_o[pw]
        fits = other & (pa <= slack[po])
        shifts = np.flatnonzero(fits)
        out, arg = _least(pw[shifts], delta[shifts], n_w)
        out_pair = np.append(shifts, -1)[np.where(arg >= 0, arg, shifts.size)]  # into `among`
        best, who = _least(cur_o.astype(np.int64) * (top + 1) + np.minimum(cur_a, top), out,
                           n_o * (top + 1))  # fmt: skip
        best, who = best.reshape(n_o, top + 1), who.reshape(n_o, top + 1)
        for f in range(top - 1, -1, -1):  # at least f instances: suffix minimum over f
            better = best[:, f + 1] < best[:, f]
            best[better, f], who[better, f] = best[better, f + 1], who[better, f + 1]
        gain = np.where(fits, delta, np.inf)
        partner = np.full(pw.size, -1, dtype=np.int64)
        chain = np.flatnonzero(other & ~fits & (pa - slack[po] <= top))
        need = np.ceil(pa[chain] - slack[po[chain]]).astype(np.int64)
        gain[chain] = delta[chain] + best[po[chain], need]
        partner[chain] = who[po[chain], need]
        tol = 1e-12 * max(float(cur_c.sum()), 1.0)
        moves = np.flatnonzero(gain < -tol)
        if moves.size == 0:
            break
        moves = moves[np.argsort(gain[moves], kind="stable")][:CANDIDATES]
        if not _apply(chosen, among, moves, fits, partner, out_pair, slack, pairs):
            break
    return chosen


def _apply(
    chosen: np.ndarray,
    among: np.ndarray,
    moves: np.ndarray,
    fits: np.ndarray,
    partner: np.ndarray,
    out_pair: np.ndarray,
    slack: np.ndarray,
    pairs: Pairs,
) -> int:
    """Apply ``moves`` (positions into ``among``) in order where capacity still allows, each
    workload at most once; the number applied. ``chosen`` is updated in place."""
    left = slack.copy()
    cur = chosen.copy()
    touched = np.zeros(chosen.size, dtype=bool)
    moved = 0
    for p in moves.tolist():
        new = int(among[p])
        w2, o_new, a_new = int(pairs.w[new]), int(pairs.o[new]), float(pairs.a[new])
        if touched[w2]:
            continue
        o_old, a_old = int(pairs.o[cur[w2]]), float(pairs.a[cur[w2]])
        if fits[p]:
            if left[o_new] >= a_new:
                left[o_old] += a_old
                left[o_new] -= a_new
                chosen[w2], touched[w2], moved = new, True, moved + 1
            continue
        w1 = int(partner[p])
        if w1 < 0 or touched[w1]:
            continue
        out = int(among[out_pair[w1]])
        o_out, a_out, a_1 = int(pairs.o[out]), float(pairs.a[out]), float(pairs.a[cur[w1]])
        left[o_old] += a_old  # w2 leaves, w1 leaves o_new; then both arrive if they fit
        left[o_new] += a_1
        if left[o_out] >= a_out and left[o_new] >= a_new:  # o_out != o_new
            left[o_out] -= a_out
            left[o_new] -= a_new
            chosen[w2], chosen[w1] = new, out
            touched[w2] = touched[w1] = True
            moved += 1
            continue
        left[o_old] -= a_old
        left[o_new] -= a_1
    return moved
