"""Allocation under scarcity: each policy's defining property, brute force for the value
policy, a textbook progressive filling for max-min, Jain's index by hand, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.optimize.allocation import POLICIES, allocate, jain_index, water_fill
from infracast.optimize.exceptions import InfeasibleError, OptimizeError


def _alloc(result: object) -> list[float]:
    return [t["allocation"] for t in result.teams]  # type: ignore[attr-defined]


def _teams(demands: list[float], **columns: list[float]) -> list[dict[str, object]]:
    return [
        {"name": f"t{i}", "demand": d, **{k: v[i] for k, v in columns.items()}}
        for i, d in enumerate(demands)
    ]


demands = st.lists(st.floats(0, 100, allow_subnormal=False), min_size=1, max_size=8)
weights = st.lists(st.floats(0.1, 10), min_size=8, max_size=8)
capacities = st.floats(0, 400, allow_subnormal=False)


def test_proportional_gives_every_team_the_same_share_of_its_demand() -> None:
    # demands 6, 2, 4 (12) for a capacity of 6: each gets 6/12 = half its demand
    result = allocate(_teams([6, 2, 4]), 6, "proportional")
    assert _alloc(result) == [3, 1, 2]
    assert [t["satisfaction"] for t in result.teams] == [0.5, 0.5, 0.5]
    assert result.jain_index == 1.0 and result.utilization == 1.0 and result.unmet == 6


@settings(max_examples=60, deadline=None)
@given(demands, capacities)
def test_proportional_shares_are_proportional_to_demand(d: list[float], c: float) -> None:
    x = np.array(_alloc(allocate(_teams(d), c, "proportional")))
    share = min(1.0, c / sum(d)) if sum(d) > 0 else 1.0
    np.testing.assert_allclose(x, np.array(d) * share, rtol=1e-7, atol=1e-7)


def test_priority_serves_the_higher_class_in_full_first() -> None:
    # capacity 7: priority 2 (a, 6) in full, then 1 left for priority 1 (b, c)
    teams = _teams([6, 2, 4], priority=[2, 1, 1])
    assert _alloc(allocate(teams, 7, "priority")) == [6, 0.5, 0.5]


def test_priority_shares_a_class_by_weight_and_redistributes_what_a_team_cannot_use() -> None:
    # 9 for one class with weights 1, 2, 3: 1.5, 3, 4.5, but b asks only 2,
    # so a and c share 7 as 1:3: 1.75, 5.25
    teams = _teams([6, 2, 8], weight=[1, 2, 3])
    assert _alloc(allocate(teams, 9, "priority")) == [1.75, 2, 5.25]


@settings(max_examples=60, deadline=None)
@given(demands, capacities, st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_priority_order_is_strictly_respected(d: list[float], c: float, p: list[int]) -> None:
    x = _alloc(allocate(_teams(d, priority=p[: len(d)]), c, "priority"))
    for i, j in itertools.permutations(range(len(d)), 2):
        if p[i] > p[j] and x[j] > 1e-9:  # a lower class got something: the higher is full
            assert x[i] == pytest.approx(d[i], abs=1e-7)
    assert sum(x) == pytest.approx(min(c, sum(d)), abs=1e-6)


def test_max_min_fills_the_small_demands_and_splits_the_rest_evenly() -> None:
    # capacity 12 for 2, 6, 8: 2 in full, the other two 5 each (2 + 5 + 5 = 12)
    result = allocate(_teams([2, 6, 8]), 12, "max_min")
    assert _alloc(result) == [2, 5, 5]
    # satisfaction 1, 5/6, 5/8: Jain = (1 + 0.8333 + 0.625)² / (3 · (1 + 0.6944 + 0.3906))
    # = 2.4583² / (3 · 2.0851) = 6.0434 / 6.2552 = 0.96614
    assert result.jain_index == pytest.approx(0.96614, abs=1e-5)


def _progressive_filling(d: np.ndarray, w: np.ndarray, c: float) -> np.ndarray:
    """The textbook algorithm: raise all unsatisfied teams' x/w together until one is full
    or the capacity is gone; repeat."""
    x = np.zeros_like(d)
    active = d > 0
    left = c
    while left > 1e-12 and active.any():
        step = min(((d - x)[active] / w[active]).min(), left / w[active].sum())
        x[active] += step * w[active]
        left -= step * w[active].sum()
        active &= x < d - 1e-12
    return x


@pytest.mark.parametrize("seed", range(30))
def test_max_min_matches_progressive_filling(seed: int) -> None:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 20, size=6).astype(float)
    w = rng.choice([1.0, 2.0, 0.5], size=6)
    c = float(rng.integers(0, 60))
    got = _alloc(allocate(_teams(list(d), weight=list(w)), c, "max_min"))
    np.testing.assert_allclose(got, _progressive_filling(d, w, c), atol=1e-7)


@settings(max_examples=80, deadline=None)
@given(demands, capacities, weights)
def test_max_min_no_team_can_rise_without_lowering_one_smaller_or_equal(
    d: list[float], c: float, w: list[float]
) -> None:
    w = w[: len(d)]
    x = np.array(_alloc(allocate(_teams(d, weight=w), c, "max_min")))
    level = x / np.array(w)
    assert x.sum() == pytest.approx(min(c, sum(d)), abs=1e-6)
    assert np.all(x <= np.array(d) + 1e-9)
    # a team short of its demand could only rise by taking from another (the capacity is
    # spent); every other team's x/w is at most its own, so each would have to be lowered
    short = x < np.array(d) - 1e-7
    for i in np.flatnonzero(short):
        assert level[i] >= level.max() - 1e-6 * max(1.0, level.max())


@pytest.mark.parametrize("seed", range(25))
def test_value_greedy_maximises_total_value_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 5, size=4)
    v = rng.integers(1, 6, size=4)
    m = np.minimum(rng.integers(0, 2, size=4), d)
    c = int(rng.integers(m.sum(), d.sum() + 2))
    best = max(
        int(v @ np.array(x))
        for x in itertools.product(*[range(lo, hi + 1) for lo, hi in zip(m, d, strict=True)])
        if sum(x) <= c
    )
    teams = _teams(list(d), value_per_unit=list(v), minimum=list(m))
    assert allocate(teams, c, "value").total_value == pytest.approx(best)


def test_value_serves_the_highest_value_per_unit_first() -> None:
    # 7 for a (3/unit, 6), b (5/unit, 2), c (1/unit, 4, guaranteed 1): c keeps 1, b 2, a 4
    teams = _teams([6, 2, 4], value_per_unit=[3, 5, 1], minimum=[0, 0, 1])
    result = allocate(teams, 7, "value")
    assert _alloc(result) == [4, 2, 1]
    assert result.total_value == 4 * 3 + 2 * 5 + 1 * 1


def test_guarantees_are_kept_before_the_policy_shares_the_rest() -> None:
    # proportional share 6/12 = 0.5 would give c 2, but c is guaranteed 3: a and b share 3
    # as clip(θ·d): θ·(6 + 2) = 3, θ = 0.375: 2.25, 0.75
    teams = _teams([6, 2, 4], minimum=[0, 0, 3])
    assert _alloc(allocate(teams, 6, "proportional")) == [2.25, 0.75, 3]


def test_guarantees_beyond_the_capacity_are_infeasible() -> None:
    with pytest.raises(InfeasibleError) as caught:
        allocate(_teams([6, 4], minimum=[4, 3]), 5)
    assert "by 2" in caught.value.message and caught.value.field == "capacity"


@pytest.mark.parametrize("policy", POLICIES)
def test_enough_capacity_gives_everyone_their_demand(policy: str) -> None:
    teams = _teams([3, 1], value_per_unit=[1, 2])
    result = allocate(teams, 10, policy)
    assert _alloc(result) == [3, 1] and result.unmet == 0 and result.utilization == 0.4
    assert any("covers every demand" in a for a in result.assumptions)


def test_jain_index_by_hand() -> None:
    # (1 + 0.5 + 0.5)² / (3 · (1 + 0.25 + 0.25)) = 4 / 4.5 = 0.8889
    assert jain_index([1, 0.5, 0.5]) == pytest.approx(8 / 9)
    # one of four holds everything: 1² / (4 · 1) = 1/4
    assert jain_index([0, 0, 7, 0]) == pytest.approx(0.25)
    assert jain_index([2, 2, 2]) == 1.0


def test_jain_index_refuses_negative_or_empty_values() -> None:
    with pytest.raises(OptimizeError):
        jain_index([1, -1])
    with pytest.raises(OptimizeError):
        jain_index([])


def test_water_fill_meets_the_total_between_the_bounds() -> None:
    # clip(t, 0, 2) + clip(t, 1, 9) + clip(2t, 0, 9) = 10: for 2 ≤ t ≤ 4.5 it is 2 + t + 2t,
    # so t = 8/3 and x = 2, 8/3, 16/3
    x = water_fill(np.array([0, 1, 0.0]), np.array([2, 9, 9.0]), np.array([1, 1, 2.0]), 10)
    np.testing.assert_allclose(x, [2, 8 / 3, 16 / 3])


def test_negative_demand_is_an_optimize_error_naming_the_field() -> None:
    with pytest.raises(OptimizeError) as caught:
        allocate([{"name": "a", "demand": -1}], 5)
    assert caught.value.field == "demand" and "'a'" in caught.value.message


def test_unknown_policy_suggests_the_nearest() -> None:
    with pytest.raises(OptimizeError, match='Did you mean "max_min"') as caught:
        allocate(_teams([1]), 1, "max-min")
    assert caught.value.field == "policy"


def test_value_policy_needs_every_value_per_unit() -> None:
    with pytest.raises(OptimizeError, match="'t1' has no value_per_unit"):
        allocate([{"name": "t0", "demand": 1, "value_per_unit": 2}, {"name": "t1", "demand": 1}],
                 1, "value")  # fmt: skip


def test_a_guarantee_above_the_demand_is_refused() -> None:
    with pytest.raises(OptimizeError, match="exceeds its demand"):
        allocate(_teams([1], minimum=[2]), 5)


def test_true_or_false_as_a_demand_is_refused_not_read_as_one_or_zero() -> None:
    with pytest.raises(OptimizeError, match="must be a number, not false"):
        allocate([{"name": "a", "demand": 4, "minimum": False}], 1.0, "max_min")
