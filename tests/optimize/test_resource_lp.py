"""The resource LP: the worked example, brute force on small integer cases, the portfolio
form under a budget, shadow prices re-solved, infeasibility and bad input."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from infracast.optimize.exceptions import InfeasibleError, OptimizeError
from infracast.optimize.resource_lp import Project, Resource, ResourcePlan, resources

# docs/worked-examples.md, section (c): demand and unit price in USD
WORKED = [
    Resource(name="servers", unit="server", unit_cost=1000, demand=100),
    Resource(name="storage", unit="TB", unit_cost=100, demand=100),
    Resource(name="network", unit="Gbps", unit_cost=50, demand=100),
    Resource(name="tools", unit="licence", unit_cost=100, demand=50),
    Resource(name="data", unit="TB", unit_cost=200, demand=50),
]


def test_worked_example_buys_exactly_the_demand_for_130000() -> None:
    # 100·1000 + 100·100 + 100·50 + 50·100 + 50·200
    # = 100000 + 10000 + 5000 + 5000 + 10000 = 130000
    plan = resources(WORKED)
    assert plan.status == "optimal" and plan.mode == "plain"
    assert plan.total_cost == 130_000 and plan.spend == 130_000 and plan.penalty_cost == 0
    assert [r["quantity"] for r in plan.resources] == [100, 100, 100, 50, 50]
    assert [r["cost"] for r in plan.resources] == [100_000, 10_000, 5_000, 5_000, 10_000]
    # one more unit of demand costs its unit price
    assert [r["demand_shadow_price"] for r in plan.resources] == [1000, 100, 50, 100, 200]
    assert plan.binding == []


def _plain_brute(items: list[dict[str, Any]], budget: float | None) -> float | None:
    """Least Σ c q + Σ π (d − q) over whole q in [0, d] (q = d when there is no π), q ≤ K,
    Σ c q ≤ B; None when nothing is feasible."""
    ranges = [range(int(r["demand"]) + 1) for r in items]
    best = None
    for q in itertools.product(*ranges):
        cost = 0.0
        spend = 0.0
        ok = True
        for r, qi in zip(items, q, strict=True):
            cap = r["capacity"]
            if (cap is not None and qi > cap) or (r["unmet_penalty"] is None and qi < r["demand"]):
                ok = False
                break
            spend += r["unit_cost"] * qi
            cost += r["unit_cost"] * qi + (r["unmet_penalty"] or 0) * (r["demand"] - qi)
        if ok and (budget is None or spend <= budget) and (best is None or cost < best):
            best = cost
    return best


@pytest.mark.parametrize("seed", range(40))
def test_plain_mode_matches_brute_force_on_whole_units(seed: int) -> None:
    rng = np.random.default_rng(seed)
    items = [
        {
            "name": f"r{j}",
            "unit": "unit",
            "unit_cost": int(rng.integers(1, 20)),
            "demand": int(rng.integers(0, 5)),
            "capacity": None if rng.random() < 0.3 else int(rng.integers(0, 6)),
            "unmet_penalty": None if rng.random() < 0.4 else int(rng.integers(0, 30)),
            "integer": True,
        }
        for j in range(3)
    ]
    budget = None if rng.random() < 0.3 else float(rng.integers(0, 120))
    best = _plain_brute(items, budget)
    if best is None:
        with pytest.raises(InfeasibleError):
            resources(items, budget=budget)
    else:
        assert resources(items, budget=budget).total_cost == pytest.approx(best)


@pytest.mark.parametrize("seed", range(30))
def test_portfolio_matches_brute_force_on_whole_units(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    res = [
        {
            "name": name,
            "unit": "unit",
            "unit_cost": int(rng.integers(1, 10)),
            "capacity": int(rng.integers(0, 7)),
            "integer": True,
        }
        for name in ("gpu", "tb")
    ]
    demand = rng.integers(0, 4, size=(2, 2))
    penalty = rng.integers(0, 25, size=(2, 2)).astype(float)
    projects = [
        {"name": p, "demand": {"gpu": int(demand[i, 0]), "tb": int(demand[i, 1])},
         "unmet_penalty": {"gpu": penalty[i, 0], "tb": penalty[i, 1]}}
        for i, p in enumerate(("a", "b"))
    ]  # fmt: skip
    budget = float(rng.integers(0, 60))
    cost = np.array([r["unit_cost"] for r in res])
    cap = np.array([r["capacity"] for r in res])
    best = np.inf
    for flat in itertools.product(*[range(int(v) + 1) for v in demand.ravel()]):
        q = np.array(flat).reshape(2, 2)
        if np.all(q.sum(axis=0) <= cap) and (cost * q).sum() <= budget:
            best = min(best, (cost * q).sum() + (penalty * (demand - q)).sum())
    plan = resources(res, projects=projects, budget=budget)
    assert plan.total_cost == pytest.approx(best)
    assert plan.spend <= budget + 1e-9


def _budget_case(budget: float) -> ResourcePlan:
    # one resource at 10 USD a GPU; a needs 4 (unmet costs 30 a GPU), b needs 3 (20 a GPU)
    return resources(
        [Resource(name="gpu", unit="GPU", unit_cost=10)],
        projects=[
            Project(name="a", demand={"gpu": 4}, unmet_penalty=30),
            Project(name="b", demand={"gpu": 3}, unmet_penalty=20),
        ],
        budget=budget,
    )


def test_portfolio_budget_binds_and_the_higher_penalty_is_served_first() -> None:
    # 50 USD buys 5 GPUs: a (unmet costs 30) gets its 4, b (20) gets 1 and 2 go unmet.
    # total = 5·10 + 2·20 = 90
    plan = _budget_case(50)
    got = {(line["project"], line["resource"]): line for line in plan.lines}
    assert got["a", "gpu"]["quantity"] == 4 and got["a", "gpu"]["unmet"] == 0
    assert got["b", "gpu"]["quantity"] == 1 and got["b", "gpu"]["unmet"] == 2
    assert plan.spend == 50 and plan.penalty_cost == 40 and plan.total_cost == 90
    assert plan.binding == [{"constraint": "budget", "resource": None, "shadow_price": 1.0}]


def test_budget_shadow_price_is_the_saving_of_one_more_unit_of_budget() -> None:
    # one more USD buys 0.1 GPU for b: penalty −0.1·20 = −2, spend +1, total −1
    assert _budget_case(50).budget_shadow_price == 1.0
    assert _budget_case(50).total_cost - _budget_case(51).total_cost == pytest.approx(1.0)


def test_capacity_shadow_price_is_the_saving_of_one_more_unit_of_capacity() -> None:
    def solve(capacity: float) -> ResourcePlan:
        return resources(
            [
                Resource(name="gpu", unit="GPU", unit_cost=10, capacity=capacity),
                Resource(name="tb", unit="TB", unit_cost=1, capacity=8),
            ],
            projects=[
                Project(name="a", demand={"gpu": 4, "tb": 3}, unmet_penalty=30),
                Project(name="b", demand={"gpu": 3, "tb": 5}, unmet_penalty={"gpu": 25, "tb": 2}),
            ],
        )

    # 5 GPUs for 7 asked: a gets 4, b gets 1; one more GPU saves b's 25 less its 10 = 15.
    # 8 TB for 8 asked: binds, but one more saves nothing (all demand is met): 0.
    plan = solve(5)
    shadow = {r["resource"]: r["capacity_shadow_price"] for r in plan.resources}
    assert shadow["gpu"] == 15.0
    assert plan.total_cost - solve(6).total_cost == pytest.approx(15.0)
    assert {b["resource"] for b in plan.binding} == {"gpu", "tb"}


def test_demand_beyond_capacity_names_the_resource_and_the_shortfall() -> None:
    with pytest.raises(InfeasibleError) as caught:
        resources([Resource(name="servers", unit="server", unit_cost=1000, demand=100,
                            capacity=80)])  # fmt: skip
    err = caught.value
    assert err.field == "servers"
    assert "'servers'" in err.message and "by 20 server" in err.message
    assert err.hint is not None and "raise the capacity of 'servers' to 100" in err.hint


def test_too_small_budget_names_the_shortfall_and_the_budget_that_suffices() -> None:
    # the worked example costs 130,000: a budget of 120,000 is 10,000 short
    with pytest.raises(InfeasibleError) as caught:
        resources(WORKED, budget=120_000)
    err = caught.value
    assert err.field == "budget" and "10,000.00 USD more" in err.message
    assert err.hint is not None and "raise the budget to 130,000.00 USD" in err.hint
    assert resources(WORKED, budget=130_000).binding[0]["constraint"] == "budget"


def test_an_unmet_demand_price_turns_a_shortfall_into_unmet_demand() -> None:
    # capacity 80 of 100: 80·1000 bought + 20·1500 unmet = 110000; one more server saves 500
    plan = resources([Resource(name="servers", unit="server", unit_cost=1000, demand=100,
                               capacity=80, unmet_penalty=1500)])  # fmt: skip
    row = plan.resources[0]
    assert row["quantity"] == 80 and row["unmet"] == 20 and plan.total_cost == 110_000
    assert row["capacity_shadow_price"] == 500.0 and row["capacity_binds"]


def test_whole_units_buy_the_next_unit_and_report_no_shadow_prices() -> None:
    plan = resources([Resource(name="nodes", unit="node", unit_cost=7, demand=2.5, integer=True)])
    assert plan.resources[0]["quantity"] == 3 and plan.total_cost == 21
    assert plan.resources[0]["demand_shadow_price"] is None
    assert any("MILP" in a for a in plan.assumptions)


def test_rows_are_one_per_resource_or_per_project_and_resource() -> None:
    assert [r["resource"] for r in resources(WORKED).to_rows()] == [r.name for r in WORKED]
    rows = _budget_case(50).to_rows()
    assert [(r["project"], r["resource"]) for r in rows] == [("a", "gpu"), ("b", "gpu")]


def test_mixed_currencies_are_refused() -> None:
    with pytest.raises(OptimizeError, match="mix currencies"):
        resources(
            [
                {"name": "a", "unit": "u", "unit_cost": 1, "demand": 1},
                {"name": "b", "unit": "u", "unit_cost": 1, "demand": 1, "currency": "EUR"},
            ]
        )


def test_negative_demand_is_an_optimize_error_naming_the_field() -> None:
    with pytest.raises(OptimizeError) as caught:
        resources([{"name": "gpu", "unit": "GPU", "unit_cost": 1, "demand": -1}])
    assert caught.value.field == "demand" and "'gpu'" in caught.value.message


def test_a_project_naming_an_unknown_resource_gets_a_did_you_mean() -> None:
    with pytest.raises(OptimizeError, match='Did you mean "storage"'):
        resources(
            [Resource(name="storage", unit="TB", unit_cost=1)],
            projects=[{"name": "p", "demand": {"storag": 3}}],
        )


def test_portfolio_refuses_a_resource_with_a_demand_of_its_own() -> None:
    with pytest.raises(OptimizeError, match="demand belongs to projects"):
        resources(WORKED, projects=[{"name": "p", "demand": {"servers": 1}}])


def test_a_currency_is_three_letters_in_the_schema_as_in_the_check() -> None:
    from infracast.optimize.resource_lp import Resource

    assert Resource.model_json_schema()["properties"]["currency"]["pattern"] == "^[A-Za-z]{3}$"
    assert Resource(name="r", unit="u", unit_cost=1, currency="eur").currency == "EUR"
    with pytest.raises(ValueError, match="pattern"):
        Resource(name="r", unit="u", unit_cost=1, currency="euro")


def test_a_project_s_negative_demand_or_price_is_refused_naming_the_resource() -> None:
    with pytest.raises(ValueError, match=r"demand\.gpu"):
        Project(name="p", demand={"gpu": -1.0})
    with pytest.raises(ValueError, match=r"unmet_penalty"):
        Project(name="p", demand={"gpu": 1.0}, unmet_penalty={"gpu": -2.0})
    assert Project(name="p", demand={"gpu": 0.0}, unmet_penalty=3.0).unmet_penalty == 3.0
