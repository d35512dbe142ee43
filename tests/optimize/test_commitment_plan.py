"""Commitment planning: the critical fractile by hand, the LP against brute force, properties."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.optimize.commitment_plan import (
    CommitmentPlan,
    DemandScenarios,
    break_even_utilization,
    commitments,
    standard_terms,
)
from infracast.optimize.exceptions import OptimizeError


def _one_term(price: float, periods: int = 1) -> list[dict[str, object]]:
    return [{"name": "1y", "price": price, "periods": periods}]


def test_break_even_is_the_commitment_price_over_the_on_demand_price():
    # 0.6 / 1.0 = 0.6; 2.45 / 3.50 = 0.7 (a unit used 70 % of the hours costs 0.7 × 3.50 =
    # 2.45 on demand, what it costs committed)
    assert break_even_utilization(0.6, 1.0) == pytest.approx(0.6)
    assert break_even_utilization(2.45, 3.50) == pytest.approx(0.7)


def test_one_period_commits_up_to_the_level_reached_at_least_as_often_as_break_even():
    # Demand 10 (p 0.3) or 20 (p 0.7); commit 0.6, on demand 1.0: break-even 0.6.
    # The units from 10 to 20 are used with probability 0.7 ≥ 0.6, so commit 20:
    #   commit 20: 20 × 0.6 = 12;  commit 10: 6 + 0.7 × 10 × 1.0 = 13;  none: 3 + 14 = 17.
    # Utilization (0.3 × 10 + 0.7 × 20) / 20 = 0.85; 10 units idle with probability 0.3,
    # expected unused cost 0.3 × 10 × 0.6 = 1.8; savings 17 − 12 = 5.
    plan = commitments(DemandScenarios([[10], [20]], [0.3, 0.7]), on_demand_price=1.0,
                       terms=_one_term(0.6))  # fmt: skip
    assert plan.quantity("1y") == pytest.approx(20)
    assert plan.expected_cost == pytest.approx(12)
    assert plan.baseline_cost == pytest.approx(17)
    assert plan.savings == pytest.approx(5)
    assert plan.expected_utilization == pytest.approx(0.85)
    assert plan.over_commit_probability == pytest.approx(0.3)
    assert plan.expected_unused_cost == pytest.approx(1.8)
    assert plan.lines[0].break_even_utilization == pytest.approx(0.6)


def test_one_period_stops_at_the_lower_level_when_the_upper_is_reached_too_rarely():
    # Demand 10 or 20, each p 0.5 < 0.6: commit 10 (6 + 0.5 × 10 = 11 < 12 at 20, 15 at 0).
    # Scenario costs 6 (d = 10) and 16 (d = 20): P50 = 6 (cumulative 0.5), P90 = 16.
    plan = commitments(DemandScenarios([[10], [20]], [0.5, 0.5]), on_demand_price=1.0,
                       terms=_one_term(0.6))  # fmt: skip
    assert plan.quantity("1y") == pytest.approx(10)
    assert plan.expected_cost == pytest.approx(11)
    assert (plan.cost_p50, plan.cost_p90) == (pytest.approx(6), pytest.approx(16))
    assert plan.over_commit_probability == pytest.approx(0.0)


def test_spot_takes_at_most_its_share_of_demand():
    # Demand 100, no commitment on offer, spot 0.3 for at most 40 %: 40 spot, 60 on demand,
    # 0.3 × 40 + 60 = 72.
    plan = commitments([[100.0]], on_demand_price=1.0, terms=[], spot_price=0.3,
                       spot_max_share=0.4)  # fmt: skip
    assert plan.expected_spot == pytest.approx(40)
    assert plan.expected_on_demand == pytest.approx(60)
    assert plan.expected_cost == pytest.approx(72)


def test_spot_overhead_raises_its_price_per_unit_of_work():
    # Spot 0.5 with 1.5 overhead costs 0.5 × 2.5 = 1.25 > 1.0 on demand: never used.
    plan = commitments([[100.0]], on_demand_price=1.0, terms=[], spot_price=0.5,
                       spot_max_share=1.0, spot_overhead=1.5)  # fmt: skip
    assert plan.expected_spot == 0
    assert plan.expected_cost == pytest.approx(100)


def test_over_commit_risk_is_counted_per_period_and_over_the_horizon():
    # Two periods, paths (10, 10) and (20, 5), each p 0.5; a 2-period term at 0.3 a period
    # (0.6 a unit). A unit at level x saves 1.0 × Σ_t P(D_t ≥ x) on demand:
    #   x ≤ 5: 2;  5 < x ≤ 10: 1 + 0.5 = 1.5;  10 < x ≤ 20: 0.5 + 0 = 0.5 < 0.6.  Commit 10.
    # Idle only in period 2 of the second path (10 − 5 = 5 units): P = (0, 0.5) per period,
    # 0.5 over the horizon; expected unused cost 0.5 × 5 × 0.3 = 0.75.
    plan = commitments(DemandScenarios([[10, 10], [20, 5]], [0.5, 0.5]), on_demand_price=1.0,
                       terms=_one_term(0.3, periods=2))  # fmt: skip
    assert plan.quantity("1y") == pytest.approx(10)
    assert plan.over_commit_probability_by_period == [pytest.approx(0), pytest.approx(0.5)]
    assert plan.over_commit_probability == pytest.approx(0.5)
    assert plan.expected_unused_cost == pytest.approx(0.75)


def test_a_term_longer_than_the_horizon_can_be_paid_in_full():
    # Certain demand 10 in one period; a 3-period term at 0.6: costed over the horizon,
    # 10 × 0.6 = 6 < 10 on demand, so commit 10; paid in full, 3 × 6 = 18 > 10: commit 0.
    kwargs = {"on_demand_price": 1.0, "terms": _one_term(0.6, periods=3)}
    assert commitments([[10.0]], **kwargs).quantity("1y") == pytest.approx(10)
    full = commitments([[10.0]], charge_beyond_horizon=True, **kwargs)
    assert full.quantity("1y") == 0
    assert any("whole term is paid" in a for a in full.assumptions)


def _brute_cost(d, pi, blocks, levels, base, existing_cost, p_od, p_sp, share):
    """Expected cost of given commitment levels, scenario by scenario and period by period."""
    total = existing_cost + sum(
        price * paid * q for (_, _, price, paid), q in zip(blocks, levels, strict=True)
    )
    for s in range(d.shape[0]):
        for t in range(d.shape[1]):
            held = base[t] + sum(
                q
                for (start, n, _, _), q in zip(blocks, levels, strict=True)
                if start <= t < start + n
            )
            rest = max(d[s, t] - held, 0.0)
            spot = min(rest, share * d[s, t]) if p_sp is not None else 0.0
            total += pi[s] * (p_od * (rest - spot) + (p_sp or 0.0) * spot)
    return total


@pytest.mark.parametrize("seed", range(8))
def test_lp_matches_brute_force_over_whole_commitment_levels(seed: int):
    # Horizon 4 periods; term a (2 periods, renewed once: 2 blocks), term b (6 periods, one
    # block, paid over the horizon's 4). Demands are even whole numbers and the spot share
    # 0.5, so the LP (totally unimodular: each block covers consecutive periods) has a
    # whole-number optimum inside the grid 0..max demand.
    rng = np.random.default_rng(seed)
    n_s = int(rng.integers(2, 5))
    d = 2.0 * rng.integers(0, 5, size=(n_s, 4))
    pi = rng.dirichlet(np.ones(n_s))
    pa, pb = rng.uniform(0.2, 0.95, size=2)
    spot = seed % 2 == 0
    p_sp = 0.35 if spot else None
    e_qty = float(rng.integers(0, 3))
    base = np.array([e_qty, e_qty, 0.0, 0.0])  # an existing commitment for 2 more periods
    plan = commitments(
        DemandScenarios(d, pi),
        on_demand_price=1.0,
        terms=[{"name": "a", "price": pa, "periods": 2}, {"name": "b", "price": pb, "periods": 6}],
        existing=[{"quantity": e_qty, "price": 0.4, "remaining_periods": 2}],
        spot_price=p_sp,
        spot_max_share=0.5,
    )
    blocks = [(0, 2, pa, 2), (2, 2, pa, 2), (0, 4, pb, 4)]
    grid = range(int(d.max()) + 1)
    best = min(
        _brute_cost(d, pi, blocks, levels, base, 0.4 * e_qty * 2, 1.0, p_sp, 0.5)
        for levels in itertools.product(grid, repeat=3)
    )
    assert plan.expected_cost == pytest.approx(best, abs=1e-7)
    chosen = [ln.quantity for ln in sorted(plan.lines, key=lambda x: (x.term, x.start_period))
              if ln.kind == "new"]  # fmt: skip
    order = [blocks[0], blocks[1], blocks[2]]  # a@0, a@2, b@0
    again = _brute_cost(d, pi, order, chosen, base, 0.4 * e_qty * 2, 1.0, p_sp, 0.5)
    assert again == pytest.approx(plan.expected_cost, abs=1e-7)


@pytest.mark.parametrize("seed", range(4))
def test_whole_units_match_brute_force_with_fractional_demand(seed: int):
    rng = np.random.default_rng(100 + seed)
    d = rng.uniform(0, 5, size=(3, 3))
    pi = np.full(3, 1 / 3)
    plan = commitments(DemandScenarios(d, pi), on_demand_price=1.0,
                       terms=_one_term(0.55, periods=3), whole_units=True)  # fmt: skip
    blocks = [(0, 3, 0.55, 3)]
    best = min(_brute_cost(d, pi, blocks, [q], np.zeros(3), 0.0, 1.0, None, 0.0) for q in range(7))
    assert plan.quantity("1y") == round(plan.quantity("1y"))
    assert plan.expected_cost == pytest.approx(best, abs=1e-7)


def _plan_for(d: np.ndarray, price: float, existing: float = 0.0) -> CommitmentPlan:
    return commitments(
        d,
        on_demand_price=1.0,
        terms=_one_term(price, periods=d.shape[1]),
        existing=[{"quantity": existing, "remaining_periods": d.shape[1]}] if existing else [],
    )


# Prices (2k + 1) / 2000 never equal a probability sum c / (S T) with S T ≤ 12, so the
# optimum is unique and the comparison is not at the mercy of the solver's tie-breaking.
_price = st.integers(1, 999).map(lambda k: (2 * k + 1) / 2000)
_demand = st.integers(1, 4).flatmap(
    lambda s: st.integers(1, 3).flatmap(
        lambda t: st.lists(st.floats(0, 100, allow_nan=False), min_size=s * t, max_size=s * t).map(
            lambda xs: np.array(xs).reshape(s, t)
        )
    )
)


@settings(max_examples=40, deadline=None)
@given(d=_demand, p1=_price, p2=_price)
def test_a_dearer_commitment_never_raises_the_quantity_chosen(d, p1, p2):
    cheap, dear = sorted([p1, p2])
    assert _plan_for(d, dear).quantity("1y") <= _plan_for(d, cheap).quantity("1y") + 1e-6


@settings(max_examples=30, deadline=None)
@given(d=_demand, price=_price, share=st.floats(0, 1.5))
def test_existing_commitments_reduce_new_ones_one_for_one(d, price, share):
    without = _plan_for(d, price).quantity("1y")
    existing = share * without
    with_existing = _plan_for(d, price, existing=existing).quantity("1y")
    assert with_existing == pytest.approx(max(without - existing, 0.0), abs=1e-6)


def test_quantile_levels_weigh_the_interval_to_their_midpoints():
    # levels 0.1, 0.5, 0.9: edges 0, 0.3, 0.7, 1 -> weights 0.3, 0.4, 0.3
    s = DemandScenarios.from_quantiles([0.5, 0.1, 0.9], [[5, 5], [1, 2], [9, 8]])
    np.testing.assert_allclose(s.probabilities, [0.3, 0.4, 0.3])
    np.testing.assert_allclose(s.demand, [[1, 2], [5, 5], [9, 8]])


def test_an_80_percent_interval_is_the_10th_and_90th_percentiles():
    # 80 %: (1 − 0.8) / 2 = 0.1 and 0.9, the point forecast at 0.5; a negative low is clipped
    s = DemandScenarios.from_intervals([10.0], {80: ([-2.0], [20.0])})
    np.testing.assert_allclose(s.demand.ravel(), [0, 10, 20])
    np.testing.assert_allclose(s.probabilities, [0.3, 0.4, 0.3])
    assert any("clipped" in n for n in s.notes)


def test_standard_terms_hold_one_and_three_years():
    one, three = standard_terms(0.7, 0.5, periods_per_year=12)
    assert (one.name, one.periods, three.name, three.periods) == ("1y", 12, "3y", 36)


def test_bad_inputs_name_the_field_at_fault():
    with pytest.raises(OptimizeError) as err:
        DemandScenarios([[1.0], [2.0]], [0.5, 0.6])
    assert err.value.field == "probabilities"
    with pytest.raises(OptimizeError) as err:
        commitments([[-1.0]], on_demand_price=1.0, terms=[])
    assert err.value.field == "demand"
    with pytest.raises(OptimizeError) as err:
        commitments([[1.0]], on_demand_price=1.0, terms=[{"name": "1y", "price": -1, "periods": 1}])
    assert err.value.field == "price" and "1y" in err.value.message
    with pytest.raises(OptimizeError) as err:
        commitments([[1.0]], on_demand_price=0.0, terms=[])
    assert err.value.field == "on_demand_price"
    with pytest.raises(OptimizeError) as err:
        commitments([[1.0]], on_demand_price=1.0, terms=[], spot_price=0.3, spot_max_share=2)
    assert err.value.field == "spot_max_share"


def test_defaults_assumed_are_listed():
    plan = commitments(np.ones((4, 2)), on_demand_price=1.0, terms=_one_term(0.5, 2),
                       spot_price=0.3)  # fmt: skip
    text = " ".join(plan.assumptions)
    assert "equally likely" in text and "50% of each period's demand" in text


def test_to_dict_is_json_ready_with_one_row_per_commitment_line():
    plan = commitments(
        np.random.default_rng(1).uniform(5, 15, size=(20, 6)),
        on_demand_price=1.0,
        terms=standard_terms(0.65, 0.45, periods_per_year=4),
        existing=[{"name": "sp-1", "quantity": 3, "price": 0.5, "remaining_periods": 2}],
    )
    out = json.loads(json.dumps(plan.to_dict()))
    assert out["status"] == "optimal"
    assert [r["kind"] for r in out["lines"]] == ["new", "new", "new", "existing"]
    assert [r["term"] for r in out["lines"]] == ["1y", "3y", "1y", "sp-1"]
    assert out["lines"] == plan.to_rows()
    assert out["savings"] == pytest.approx(out["baseline_cost"] - out["expected_cost"], abs=1e-6)
