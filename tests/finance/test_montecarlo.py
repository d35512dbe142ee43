"""Monte Carlo: closed forms, the seed, equivalent paths, budgets and refusals."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.errors import FinanceError
from infracast.estimate import budget
from infracast.finance import cashflows, finance_model, monte_carlo, simulate

ONE_COST = cashflows([{"period": 0, "cost": 1000}])


@settings(max_examples=15, deadline=None)
@given(
    mu=st.floats(-0.5, 0.5),
    sigma=st.floats(0.05, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_p50_of_a_lognormal_factor_converges_on_exp_mu(mu: float, sigma: float, seed: int) -> None:
    # total cost = 1000 × X, X ~ lognormal(mu, sigma): median 1000·e^mu. The sample median's
    # standard error is 1.2533·σ_X-ish: 1/(2 f(m) √n) = m·σ·√(2π)/(2√n) with f the density.
    n = 40_000
    result = simulate(
        ONE_COST, rate=0, vary={"cost": f"lognormal:{mu},{sigma}"}, samples=n, seed=seed
    )
    median = 1000 * math.exp(mu)
    se = median * sigma * math.sqrt(2 * math.pi) / (2 * math.sqrt(n))
    assert abs(float(result.total_cost.p50) - median) <= 5 * se + 0.01


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_p50_of_a_sum_of_normals_converges_on_the_sum_of_means(seed: int) -> None:
    # 1000·X + 500·Y, X ~ N(1, 0.1), Y ~ N(1.2, 0.2): normal, mean = median = 1000 + 600 = 1600,
    # sd = √(100² + 100²) = 141.42; NPV at rate 0 is −total cost, so its P50 is −1600.
    flows = cashflows([{"period": 0, "cost_direct": 1000, "cost_indirect": 500}])
    n = 40_000
    result = simulate(
        flows,
        rate=0,
        vary={"cost_direct": "normal:1,0.1", "cost_indirect": "normal:1.2,0.2"},
        samples=n,
        seed=seed,
    )
    se = 1.2533 * math.hypot(100, 100) / math.sqrt(n)
    assert abs(float(result.total_cost.p50) - 1600) <= 5 * se
    assert abs(float(result.npv.p50) + 1600) <= 5 * se
    assert float(result.total_cost.sd) == pytest.approx(math.hypot(100, 100), rel=0.03)


def test_the_same_seed_gives_the_same_result_and_says_so() -> None:
    vary = {"cost": "triangular:0.9,1,1.4", "rate": "uniform:0.05,0.15"}
    a = simulate(ONE_COST, rate="0.1", vary=vary, seed=3)
    b = simulate(ONE_COST, rate="0.1", vary=vary, seed=3)
    assert a.to_json() == b.to_json()
    assert a.samples == 10_000 and a.method == "vectorized"
    assert "10,000 samples from seed 3" in a.assumptions[0]
    assert simulate(ONE_COST, rate="0.1", vary=vary, seed=4).to_json() != a.to_json()


def test_vectorized_and_per_sample_paths_agree() -> None:
    flows = cashflows(
        [
            {"period": "2026-01", "cost_direct": 700, "cost_indirect": 100},
            {"period": "2026-02", "revenue_direct": 300, "revenue_indirect": 50, "cost_direct": 20},
            {"period": "2026-03", "revenue_direct": 600},
        ]
    )
    model = finance_model(flows, rate="0.1")
    vary: dict[str, Any] = {
        "cost": "pert:0.8,1,1.5",
        "revenue_indirect": "uniform:0,2",
        "rate": "triangular:0,0.1,0.3",
    }
    fast = monte_carlo(model, vary, samples=300, seed=9)
    slow = monte_carlo(model, vary, samples=300, seed=9, vectorize=False)
    assert (fast.method, slow.method) == ("vectorized", "per_sample")
    np.testing.assert_allclose(fast.total_costs, slow.total_costs, rtol=1e-12)
    np.testing.assert_allclose(fast.npvs, slow.npvs, rtol=1e-9, atol=1e-6)


def test_a_spec_input_budgets_the_project_per_sample(tiny: dict[str, Any]) -> None:
    # engineer FTE ~ uniform(1, 2): total = 2430 + 2000·(FTE − 1), so uniform on [2430, 4430]
    ticks: list[int] = []
    result = simulate(
        project_spec=tiny,
        rate=0,
        vary={"phases.0.people.0.fte": "uniform:1,2"},
        samples=200,
        seed=1,
        budget="3430",
        budget_fn=budget,
        progress=lambda done, total: ticks.append(done),
    )
    assert result.method == "per_sample" and result.samples == 200
    assert ticks[-1] == 200
    assert result.total_costs.min() >= 2430 and result.total_costs.max() <= 4430
    assert result.probability_over_budget == pytest.approx(0.5, abs=0.1)  # the midpoint
    assert result.budget == Decimal("3430")
    assert result.probability_negative_npv == 1.0


def test_the_budget_probability_counts_samples_over_it() -> None:
    result = simulate(ONE_COST, rate=0, vary={"cost": "uniform:0,2"}, samples=20_000, budget=1500)
    # P(1000·U > 1500) = P(U > 1.5) = 0.25 for U ~ uniform(0, 2)
    assert result.probability_over_budget == pytest.approx(0.25, abs=0.015)


def test_negative_factors_and_rates_below_minus_100_percent_are_refused() -> None:
    with pytest.raises(FinanceError, match="drew negative values"):
        simulate(ONE_COST, rate=0, vary={"cost": "normal:1,1"}, samples=1000)
    with pytest.raises(FinanceError, match="at or below −100 %"):
        simulate(ONE_COST, rate=0, vary={"rate": "uniform:-2,0"}, samples=1000)


def test_nothing_to_vary_and_bad_sample_counts_are_errors() -> None:
    with pytest.raises(FinanceError, match="nothing varies"):
        simulate(ONE_COST, rate=0, vary={})
    with pytest.raises(FinanceError, match="samples must be from 1"):
        simulate(ONE_COST, rate=0, vary={"cost": "uniform:1,2"}, samples=0)


def test_a_spec_value_the_project_rejects_names_the_input(tiny: dict[str, Any]) -> None:
    with pytest.raises(FinanceError, match=r"phases\.0\.people\.0\.fte = -"):
        simulate(
            project_spec=tiny,
            rate=0,
            vary={"phases.0.people.0.fte": "normal:0,1"},
            samples=20,
            budget_fn=budget,
        )


def test_json_keys_are_stable() -> None:
    data = simulate(ONE_COST, rate=0, vary={"cost": "uniform:1,2"}, samples=10).to_json()
    assert list(data) == [
        "samples",
        "seed",
        "method",
        "currency",
        "inputs",
        "total_cost",
        "npv",
        "budget",
        "probability_over_budget",
        "probability_negative_npv",
        "assumptions",
    ]
    assert list(data["total_cost"]) == ["mean", "sd", "p10", "p50", "p90"]
