"""The worked examples of docs/worked-examples.md, computed the right way.

Each test states the original document's figure, the correct one, and checks the
correct one through the finance API (a, b) or a linear program (c).
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np
import pytest
from scipy.optimize import linprog

from infracast.finance import cashflows, metrics, npv
from infracast.optimize import resources

TEN_K = 10_000  # example (a) counts in units of 10,000 CNY


def test_a_customer_service_ai_project_breaks_even() -> None:
    # cost = 100 hardware + 50 licences + 300 people + 20 operations + 30 contingency = 500
    costs = {"hardware": 100, "software": 50, "people": 300, "operations": 20, "contingency": 30}
    revenue = 500
    flows = cashflows(
        [
            {
                "period": 0,
                "revenue": revenue * TEN_K,
                "cost_direct": (sum(costs.values()) - costs["contingency"]) * TEN_K,
                "cost_indirect": costs["contingency"] * TEN_K,
            }
        ],
        currency="CNY",
    )
    result = metrics(flows, "0").to_json()
    assert result["total_cost"] == 500 * TEN_K
    assert result["benefit"] == 0  # 500 − 500
    assert result["roi"] == 0.0  # (500 − 500)/500
    # The document's benefit 100 counts only 400 of the cost (e.g. leaves out the hardware),
    # and its 20 % is that 100 divided by the revenue 500, not by the cost.
    assert revenue - (sum(costs.values()) - costs["hardware"]) == 100
    assert 100 / revenue == 0.2


def test_b_roi_is_v_minus_c_over_c_not_v_over_c() -> None:
    flows = cashflows([{"period": 0, "revenue": 500_000, "cost": 700_000}], currency="USD")
    roi = metrics(flows, "0.1").roi
    assert roi == pytest.approx(-0.285714, abs=1e-6)  # (500000 − 700000)/700000 = −2/7
    ratio = 500_000 / 700_000  # V/C, the document's "≈ 0.71"
    assert round(ratio, 3) == 0.714


def test_b_npv_of_the_net_outflow_now_and_400000_in_year_2() -> None:
    # −200000 + 400000/1.1² = −200000 + 330578.51 = 130578.51
    flows = cashflows(
        [
            {"period": 0, "revenue": 500_000, "cost": 700_000},
            {"period": 1},
            {"period": 2, "revenue": 400_000},
        ],
        currency="USD",
    )
    assert metrics(flows, "0.10").to_json()["npv"] == Decimal("130578.51")
    # The document's ≈ −10,000 matches 1 + r (1.1) used as the rate with one year:
    # −200000 + 400000/2.1 = −9523.81; at 10 % the NPV is negative only if the 400,000
    # comes after year 7 (400000/1.1^k < 200000 ⇔ k > log 2 / log 1.1 = 7.27).
    assert round(-200_000 + 400_000 / Decimal("2.1"), 2) == Decimal("-9523.81")
    assert (
        npv([-200_000] + [0] * 6 + [400_000], "0.1")
        > 0
        > npv([-200_000] + [0] * 7 + [400_000], "0.1")
    )


# (c) quantity demanded and unit price in USD
DEMAND = {
    "servers": (100, 1000),
    "storage_tb": (100, 100),
    "network_gbps": (100, 50),
    "tools": (50, 100),
    "data_tb": (50, 200),
}


def test_c_the_resource_lp_costs_130000() -> None:
    # 100·1000 + 100·100 + 100·50 + 50·100 + 50·200
    # = 100000 + 10000 + 5000 + 5000 + 10000 = 130000
    hand = sum(q * p for q, p in DEMAND.values())
    assert hand == 130_000
    # minimize Σ pᵢ·xᵢ subject to xᵢ ≥ demandᵢ (written −xᵢ ≤ −demandᵢ), xᵢ ≥ 0
    prices = np.array([p for _, p in DEMAND.values()], dtype=float)
    demand = np.array([q for q, _ in DEMAND.values()], dtype=float)
    solved = linprog(prices, A_ub=-np.eye(len(DEMAND)), b_ub=-demand, bounds=(0, None))
    assert solved.status == 0
    assert solved.fun == pytest.approx(130_000)
    assert solved.x == pytest.approx(demand)  # buy exactly the demand
    # infracast's own resource LP (HiGHS) agrees with scipy's, line by line
    plan = resources(
        [{"name": n, "unit": "unit", "unit_cost": p, "demand": q} for n, (q, p) in DEMAND.items()]
    )
    assert plan.status == "optimal" and plan.total_cost == pytest.approx(130_000)
    assert [r["quantity"] for r in plan.resources] == pytest.approx(demand)


def test_c_no_mix_of_price_times_quantity_and_quantity_squared_gives_2750000() -> None:
    # The document's 2,750,000 multiplies prices by the quantity twice (storage alone:
    # 100·100·100 = 1,000,000 instead of 10,000), but no choice of qᵢ·pᵢ or qᵢ²·pᵢ per item
    # reproduces it exactly (32 choices; all five squared give 12,250,000).
    sums = {
        sum(q**k * p for (q, p), k in zip(DEMAND.values(), ks, strict=True))
        for ks in itertools.product((1, 2), repeat=len(DEMAND))
    }
    assert 2_750_000 not in sums
    assert max(sums) == 12_250_000 and min(sums) == 130_000
