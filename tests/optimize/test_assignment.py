"""Placement at scale: the whole MILP and column generation against brute force and HiGHS."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from infracast.optimize._assignment import (
    greedy_assignment,
    lagrangian_value,
    solve_assignment,
)
from infracast.optimize._colgen import sample
from infracast.optimize._greedy import repaired_greedy
from infracast.optimize._local_search import improve
from infracast.optimize._pairs import group
from infracast.optimize._solver import solve
from infracast.optimize.exceptions import OptimizeError


def _instance(seed: int, workloads: int, offers: int, accept: float = 0.6, slack: float = 1.3):
    """Seeded: each workload accepts each offer with probability ``accept`` (at least one);
    costs 1..100, instances 1..4, capacities ``slack`` × the instances demanded, shared."""
    rng = np.random.default_rng(seed)
    mask = rng.random((workloads, offers)) < accept
    mask[np.arange(workloads), rng.integers(0, offers, workloads)] = True
    pair_w, pair_o = np.nonzero(mask)
    cost = rng.uniform(1, 100, pair_w.size)
    inst = rng.integers(1, 5, pair_w.size)
    demand = np.bincount(pair_w, weights=inst, minlength=workloads) / mask.sum(axis=1)
    share = rng.dirichlet(np.ones(offers))
    capacity = np.floor(slack * demand.sum() * share + 1)
    return pair_w, pair_o, cost, inst, capacity, workloads


def _brute_force(pair_w, pair_o, cost, inst, capacity, workloads) -> float:
    """The least cost over every assignment of one pair per workload that fits (inf: none)."""
    options = [np.flatnonzero(pair_w == w) for w in range(workloads)]
    best = np.inf
    for pick in itertools.product(*options):
        p = np.array(pick)
        if np.all(np.bincount(pair_o[p], weights=inst[p], minlength=capacity.size) <= capacity):
            best = min(best, float(cost[p].sum()))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_milp_matches_brute_force_on_small_instances(seed):
    case = _instance(seed, workloads=5, offers=4, slack=0.9)
    result = solve_assignment(*case, method="milp", gap=1e-9)
    expected = _brute_force(*case)
    if np.isinf(expected):
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert result.objective == pytest.approx(expected, rel=1e-9)
    pair_w, pair_o, cost, inst, capacity, _ = case
    assert np.array_equal(pair_w[result.choice], np.arange(5))  # one pair per workload
    assert np.all(np.bincount(pair_o[result.choice], weights=inst[result.choice], minlength=4)
                  <= capacity)  # fmt: skip
    assert float(cost[result.choice].sum()) == pytest.approx(result.objective)


@pytest.mark.parametrize("seed", range(3))
def test_colgen_bound_and_plan_bracket_the_full_optimum(seed):
    case = _instance(100 + seed, workloads=120, offers=15, accept=0.4, slack=1.1)
    full = solve_assignment(*case, method="milp", gap=1e-9, time_limit=30)
    dec = solve_assignment(*case, method="colgen", gap=0.02, time_limit=30)
    assert full.status == "optimal"
    assert dec.method == "colgen"
    assert dec.bound <= full.objective * (1 + 1e-9) <= dec.objective * (1 + 2e-9)
    assert dec.gap == pytest.approx((dec.objective - dec.bound) / dec.objective)
    assert dec.gap <= 0.02 and dec.status == "optimal"


def _full_lp(pair_w, pair_o, cost, inst, capacity, n) -> float:
    """The LP relaxation of the whole model, every pair a column, solved by HiGHS."""
    cols = np.arange(pair_w.size)
    matrix = sparse.vstack([
        sparse.csc_array((np.ones(cols.size), (pair_w, cols)), shape=(n, cols.size)),
        sparse.csc_array((inst.astype(float), (pair_o, cols)), shape=(capacity.size, cols.size)),
    ])  # fmt: skip
    lower = np.concatenate([np.ones(n), np.full(capacity.size, -np.inf)])
    upper = np.concatenate([np.ones(n), capacity])
    lp = solve(cost, matrix, lower, upper, np.zeros(cols.size), np.ones(cols.size))
    assert lp.status == "optimal"
    return lp.objective


@pytest.mark.parametrize("seed", range(2))
def test_colgen_bound_is_the_full_lp_relaxation_and_below_the_optimum(seed):
    case = _instance(200 + seed, workloads=300, offers=30, accept=0.5, slack=1.05)
    full = solve_assignment(*case, method="milp", gap=1e-9, time_limit=60)
    dec = solve_assignment(*case, method="colgen", gap=1e-9, time_limit=60, k=1)
    relaxation = _full_lp(*case)
    assert dec.iterations > 1  # one pair per workload to start: pricing had to add columns
    assert dec.relaxation == pytest.approx(relaxation, rel=1e-6)
    assert relaxation * (1 - 1e-6) <= dec.bound <= full.objective * (1 + 1e-9)
    assert dec.columns < case[0].size


@pytest.mark.parametrize("seed", range(2))
def test_colgen_started_from_a_sample_reaches_the_full_lp_relaxation(seed):
    case = _instance(300 + seed, workloads=300, offers=30, accept=0.5, slack=1.05)
    sampled = solve_assignment(*case, method="colgen", gap=1e-9, time_limit=60, sample_from=100)
    full = solve_assignment(*case, method="milp", gap=1e-9, time_limit=60)
    relaxation = _full_lp(*case)
    assert sampled.relaxation == pytest.approx(relaxation, rel=1e-6)
    assert relaxation * (1 - 1e-6) <= sampled.bound <= full.objective * (1 + 1e-9)
    assert full.objective <= sampled.objective * (1 + 1e-9)


def test_a_sample_keeps_a_share_of_the_workloads_and_scales_every_capacity():
    pair_w, pair_o, cost, inst, capacity, n = _instance(5, workloads=400, offers=10, accept=0.5)
    capacity[3] = np.inf
    pairs = group(pair_w, pair_o, cost, inst, capacity, n)
    part = sample(pairs, 0.25)
    assert 0.15 * n < part.n_workloads < 0.35 * n
    assert np.array_equal(
        part.capacity[np.isfinite(capacity)], 0.25 * capacity[np.isfinite(capacity)]
    )
    assert part.capacity[3] == np.inf
    assert np.all(part.a <= part.capacity[part.o])  # only pairs that fit the scaled capacity
    assert np.all(np.diff(part.start) > 0)  # every sampled workload keeps a pair
    # each sampled pair is one of the original pairs: same offer, cost and instances
    original = set(zip(pairs.o.tolist(), pairs.c.tolist(), pairs.a.tolist(), strict=True))
    assert set(zip(part.o.tolist(), part.c.tolist(), part.a.tolist(), strict=True)) <= original
    assert np.array_equal(sample(pairs, 0.25).c, part.c)  # the same draw every time


def test_colgen_plan_respects_capacity():
    pair_w, pair_o, cost, inst, capacity, n = _instance(7, workloads=200, offers=20, accept=0.3)
    dec = solve_assignment(pair_w, pair_o, cost, inst, capacity, n, method="colgen")
    assert dec.status == "optimal" and dec.gap <= 0.005
    assert np.array_equal(pair_w[dec.choice], np.arange(n))
    used = np.bincount(pair_o[dec.choice], weights=inst[dec.choice], minlength=capacity.size)
    assert np.all(used <= capacity)


@pytest.mark.parametrize("method", ["milp", "colgen"])
def test_too_little_capacity_is_infeasible(method):
    # three workloads each need 2 instances of the only offer, which has 5: 6 > 5
    result = solve_assignment(
        np.array([0, 1, 2]), np.zeros(3, dtype=int), np.array([1.0, 2.0, 3.0]),
        np.array([2, 2, 2]), np.array([5.0]), 3, method=method,
    )  # fmt: skip
    assert result.status == "infeasible"
    assert np.isnan(result.objective)


def test_workload_without_a_usable_pair_is_infeasible_and_named():
    # workload 1 needs 4 instances of an offer with 3
    result = solve_assignment(
        np.array([0, 1]), np.array([0, 0]), np.array([1.0, 1.0]), np.array([1, 4]),
        np.array([3.0]), 2,
    )  # fmt: skip
    assert result.status == "infeasible"
    assert any("[1]" in note for note in result.notes)


def test_unlimited_offer_takes_what_the_cheap_one_cannot():
    # offer 0 costs 1 per workload but holds one; offer 1 costs 5, unlimited: 1 + 5 + 5 = 11
    result = solve_assignment(
        np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 0, 1]),
        np.array([1.0, 5.0, 1.0, 5.0, 1.0, 5.0]), np.ones(6, dtype=int),
        np.array([1.0, np.inf]), 3,
    )  # fmt: skip
    assert result.status == "optimal"
    assert result.objective == pytest.approx(11.0)


def test_mismatched_arrays_are_an_optimize_error():
    with pytest.raises(OptimizeError, match="differ in length"):
        solve_assignment(np.array([0]), np.array([0, 1]), np.ones(1), np.ones(1), np.ones(2), 1)


def test_negative_cost_is_an_optimize_error():
    with pytest.raises(OptimizeError) as err:
        solve_assignment(np.array([0]), np.array([0]), np.array([-1.0]), np.ones(1),
                         np.ones(1), 1)  # fmt: skip
    assert err.value.field == "pair_cost"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.0, 50.0))
def test_lagrangian_value_never_exceeds_the_optimum(seed, scale):
    case = _instance(seed, workloads=4, offers=3, slack=1.0)
    optimum = _brute_force(*case)
    lam = np.random.default_rng(seed).uniform(0, scale, 3)
    assert lagrangian_value(*case, lam) <= optimum * (1 + 1e-12) + 1e-9


def test_lagrangian_value_at_zero_is_the_cheapest_pairs():
    # prices 0: every workload on its cheapest pair: min(3, 1) + min(2) = 3
    value = lagrangian_value(
        np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([3.0, 1.0, 2.0]),
        np.ones(3, dtype=int), np.array([1.0, 1.0]), 2, np.zeros(2),
    )  # fmt: skip
    assert value == pytest.approx(3.0)


def test_greedy_places_largest_first_on_the_cheapest_pair_that_fits():
    # offer 0 (cost 1/instance) holds 2 instances; w1 needs 2 and goes first, w0 (needs 1)
    # then pays offer 1: 2 (w1 on 0) + 4 (w0 on 1)
    choice = greedy_assignment(
        np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.array([1.0, 4.0, 2.0, 8.0]),
        np.array([1, 1, 2, 2]), np.array([2.0, 9.0]), 2,
    )  # fmt: skip
    assert choice.tolist() == [1, 2]


def _plan_cost(case, choice) -> tuple[float, np.ndarray]:
    _, pair_o, cost, inst, capacity, _ = case
    used = np.bincount(pair_o[choice], weights=inst[choice], minlength=capacity.size)
    return float(cost[choice].sum()), used


def test_local_search_makes_the_chain_move():
    # offer 0 (capacity 1) holds w1 (cost 5; on offer 1 it costs 6); w0 sits on offer 1 at
    # cost 10 and would cost 1 on offer 0. No single shift helps (offer 0 is full); the chain
    # w1 -> offer 1, w0 -> offer 0 costs 1 + 6 = 7 instead of 10 + 5 = 15.
    pairs = group(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]),
                  np.array([1.0, 10.0, 5.0, 6.0]), np.ones(4), np.array([1.0, 5.0]), 2)  # fmt: skip
    start = np.array([1, 2])  # positions: w0 on offer 1, w1 on offer 0
    better = improve(pairs, start, np.arange(4), deadline=time.perf_counter() + 5)
    assert better.tolist() == [0, 3]
    assert pairs.cost(better) == pytest.approx(7.0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_local_search_never_raises_cost_nor_breaks_capacity(seed):
    case = _instance(seed, workloads=6, offers=3, slack=1.5)
    pairs = group(*case)
    start = repaired_greedy(pairs, pairs.c)
    if not (start >= 0).all():
        return  # the greedy found no plan to start from
    better = improve(pairs, start, np.arange(pairs.c.size), time.perf_counter() + 5)
    assert pairs.cost(better) <= pairs.cost(start) + 1e-9
    assert np.array_equal(pairs.w[better], np.arange(6))  # one pair per workload, its own
    used = np.bincount(pairs.o[better], weights=pairs.a[better], minlength=3)
    assert np.all(used <= pairs.capacity)
    assert pairs.cost(better) >= _brute_force(*case) * (1 - 1e-12)


def test_colgen_plan_comes_from_local_search_within_the_gap_on_a_medium_case():
    # 1,500 workloads x 60 offers: the LP rounded by greedy and local search alone reaches 1%
    case = _instance(11, workloads=1500, offers=60, accept=0.3, slack=1.2)
    dec = solve_assignment(*case, method="colgen", gap=0.01, time_limit=30)
    assert dec.status == "optimal" and dec.gap <= 0.01
    assert not any(note.startswith("MILP") for note in dec.notes)
    cost, used = _plan_cost(case, dec.choice)
    assert np.all(used <= case[4])
    assert np.array_equal(case[0][dec.choice], np.arange(1500))
    assert cost == pytest.approx(dec.objective)
    assert dec.bound <= cost * (1 + 1e-12)
