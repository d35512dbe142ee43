"""Metrics of a series: NPV, IRR, ROI, benefit-cost ratio, payback, and their JSON keys."""

from __future__ import annotations

from decimal import Decimal

import numpy_financial as npf
import pytest

from infracast.finance import cashflows, metrics, parse_cashflows_csv

CONTRACT = {
    "npv",
    "irr",
    "irr_note",
    "irr_roots",
    "roi",
    "benefit_cost_ratio",
    "payback_period",
    "discounted_payback_period",
    "convention",
}


def test_a_yearly_project_by_hand() -> None:
    # cost 1000 now; revenue 400 a year for 3 years; 10 %
    flows = cashflows(
        [{"period": 0, "cost": 1000}] + [{"period": t, "revenue": 400} for t in (1, 2, 3)]
    )
    m = metrics(flows, "0.1")
    data = m.to_json()
    # PV revenue = 400/1.1 + 400/1.21 + 400/1.331 = 363.636 + 330.579 + 300.526 = 994.74
    assert data["pv_revenue"] == Decimal("994.74")
    assert data["pv_cost"] == Decimal("1000.00")
    assert data["npv"] == Decimal("-5.26")  # 994.74 − 1000
    # ROI = (1200 − 1000)/1000 = 0.2; BCR = 994.74/1000
    assert data["roi"] == pytest.approx(0.2)
    assert data["benefit_cost_ratio"] == pytest.approx(0.99474, abs=1e-5)
    assert data["payback_period"] == 2.5  # −1000, −600, −200, +200
    assert data["discounted_payback_period"] is None  # cumulative PV ends at −5.26
    assert data["irr"] == pytest.approx(npf.irr([-1000, 400, 400, 400]), abs=1e-10)  # 9.70 %
    assert set(data) >= CONTRACT
    assert data["convention"] == "t0_undiscounted"


def test_the_split_columns_count_in_revenue_and_cost() -> None:
    flows = parse_cashflows_csv(
        "period,revenue_direct,revenue_indirect,cost_direct,cost_indirect\n0,0,0,80,20\n1,60,50,0,0\n"
    )
    data = metrics(flows, "0").to_json()
    assert (data["total_revenue"], data["total_cost"], data["npv"]) == (110, 100, 10)
    assert data["roi"] == pytest.approx(0.1)  # (110 − 100)/100


def test_monthly_flows_annualize_the_irr_and_say_how_the_rate_was_applied() -> None:
    flows = cashflows([{"period": "2026-01", "cost": 100}, {"period": "2026-02", "revenue": 101}])
    m = metrics(flows, "0.12")
    data = m.to_json()
    assert data["periods_per_year"] == 12
    assert data["periodic_rate"] == pytest.approx(1.12 ** (1 / 12) - 1)
    assert data["irr_periodic"] == pytest.approx(0.01)  # −100 + 101/(1+i) = 0
    assert data["irr"] == pytest.approx(1.01**12 - 1)  # 12.68 % a year
    assert any("12 periods a year" in n for n in data["notes"])


def test_numbered_periods_may_be_months() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 12, "revenue": 110}])
    data = metrics(flows, "0.1", periods_per_year=12).to_json()
    assert data["npv"] == 0  # 110 a year later at 10 % a year is 100 now


def test_no_cost_makes_roi_and_bcr_undefined_and_says_so() -> None:
    data = metrics(cashflows([{"period": 0, "revenue": 5}]), "0.1").to_json()
    assert data["roi"] is None and data["benefit_cost_ratio"] is None
    assert any("ROI is undefined" in n for n in data["notes"])
    assert data["irr"] is None and data["irr_note"]


def test_several_irrs_are_listed_and_irr_is_null() -> None:
    flows = cashflows(
        [{"period": 0, "cost": 100}, {"period": 1, "revenue": 230}, {"period": 2, "cost": 132}]
    )
    data = metrics(flows, "0.1").to_json()
    assert data["irr"] is None
    assert data["irr_roots"] == pytest.approx([0.1, 0.2])


def test_the_cashflow_rows_carry_discounting_and_running_totals() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 110}])
    rows = metrics(flows, "0.1").to_json()["cashflows"]
    assert rows[1]["discount_factor"] == pytest.approx(1 / 1.1)
    assert rows[1]["pv_benefit"] == Decimal("100.00")
    assert rows[1]["cumulative_pv_benefit"] == 0
    assert rows[1]["cumulative_benefit"] == 10
