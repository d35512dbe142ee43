"""One-at-a-time sensitivity: swings by hand, sorting, ranges, rounding and skipped inputs."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from infracast.errors import EstimateError, FinanceError
from infracast.estimate import ProjectBudget, budget
from infracast.finance import cashflows, sensitivity


def _rows(result: Any) -> dict[str, Any]:
    return {r.input: r for r in result.rows}


def test_each_input_moves_alone_by_20_percent(tiny: dict[str, Any]) -> None:
    result = sensitivity(
        project_spec=tiny,
        rate=0,
        inputs=["phases.0.people.0.fte", "people.0.fte"],
        sort_by="total_cost",
        budget_fn=budget,
    )
    assert result.base_total_cost == Decimal("2430.00")
    assert result.base_npv == Decimal("-2430.00")  # no revenue, rate 0
    engineer, manager = result.rows
    # engineer 0.8 and 1.2 FTE × 1000 × 2 months: 1600 and 2400 instead of 2000
    assert engineer.input == "phases.0.people.0.fte"
    assert (engineer.low_value, engineer.high_value) == (Decimal("0.8"), Decimal("1.2"))
    assert (engineer.total_cost_low, engineer.total_cost_high) == (2030, 2830)
    assert engineer.total_cost_swing == 800
    assert engineer.npv_swing == 800
    # manager 0.4 and 0.6 FTE × 400 × 2 months: 320 and 480 instead of 400
    assert (manager.total_cost_low, manager.total_cost_high) == (2350, 2510)


def test_a_range_can_be_given_and_the_rate_is_an_input() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 121}, {"period": 2}])
    result = sensitivity(flows, rate="0.1", inputs={"rate": ("0", "0.21"), "revenue": None})
    rows = _rows(result)
    # NPV at 0: −100 + 121 = 21; at 21 %: −100 + 121/1.21 = 0
    assert (rows["rate"].npv_low, rows["rate"].npv_high) == (Decimal("21.00"), 0)
    # revenue ×0.8 and ×1.2 at 10 %: −100 + 96.8/1.1 = −12, −100 + 145.2/1.1 = 32
    assert (rows["revenue"].npv_low, rows["revenue"].npv_high) == (-12, 32)
    assert [r.input for r in result.rows] == ["revenue", "rate"]  # 44 > 21


def test_text_inputs_parse_name_and_range() -> None:
    flows = cashflows([{"period": 0, "cost": 100}])
    result = sensitivity(flows, rate="0.1", inputs=["cost=0.5:2"])
    assert (result.rows[0].total_cost_low, result.rows[0].total_cost_high) == (50, 200)
    with pytest.raises(FinanceError, match="NAME=LOW:HIGH"):
        sensitivity(flows, rate="0.1", inputs=["cost=0.5"])


def test_default_inputs_are_the_rate_and_the_columns_that_hold_money() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 150}])
    result = sensitivity(flows, rate="0.1")
    assert {r.input for r in result.rows} == {"rate", "cost_direct", "revenue_direct"}


def test_unknown_inputs_list_the_known_ones() -> None:
    flows = cashflows([{"period": 0, "cost": 100}])
    with pytest.raises(FinanceError, match='Did you mean "revenue"'):
        sensitivity(flows, rate="0.1", inputs=["revenu"])


def _whole_fte_only(spec: Mapping[str, Any]) -> ProjectBudget:
    fte = spec["phases"][0]["people"][0]["fte"]
    if fte != int(fte):
        raise EstimateError("fte must be whole")
    return budget(spec)


def test_an_input_the_spec_takes_whole_is_rounded_and_says_so(tiny: dict[str, Any]) -> None:
    tiny["phases"][0]["people"][0]["fte"] = 4
    result = sensitivity(
        project_spec=tiny, rate=0, inputs=["phases.0.people.0.fte"], budget_fn=_whole_fte_only
    )
    row = result.rows[0]
    assert (row.low_value, row.high_value) == (3, 5)  # 3.2 → 3, 4.8 → 5
    assert row.note and "rounded" in row.note


def test_default_inputs_the_spec_rejects_are_skipped_with_the_reason(tiny: dict[str, Any]) -> None:
    def no_cheap_compute(spec: Mapping[str, Any]) -> ProjectBudget:
        if spec["phases"][0]["workloads"][0]["params"]["price_per_hour"] < 3:
            raise EstimateError("price_per_hour below 3 is not offered")
        return budget(spec)

    result = sensitivity(project_spec=tiny, rate=0, budget_fn=no_cheap_compute)
    assert result.skipped == (
        ("phases.0.workloads.0.params.price_per_hour", "price_per_hour below 3 is not offered"),
    )
    assert "phases.0.people.0.fte" in _rows(result)
    with pytest.raises(FinanceError, match=r"price_per_hour = 2\.4"):
        sensitivity(
            project_spec=tiny,
            rate=0,
            inputs=["phases.0.workloads.0.params.price_per_hour"],
            budget_fn=no_cheap_compute,
        )


def test_json_keys_are_stable(tiny: dict[str, Any]) -> None:
    data = sensitivity(project_spec=tiny, rate=0, budget_fn=budget).to_json()
    assert list(data) == [
        "currency",
        "base_total_cost",
        "base_npv",
        "pct",
        "sort_by",
        "inputs",
        "skipped",
        "assumptions",
    ]
    assert list(data["inputs"][0]) == [
        "input",
        "base_value",
        "low_value",
        "high_value",
        "total_cost_low",
        "total_cost_high",
        "total_cost_swing",
        "npv_low",
        "npv_high",
        "npv_swing",
        "note",
    ]


def test_json_top_keeps_the_largest_swings_only() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 150}])
    result = sensitivity(flows, rate="0.1")
    assert len(result.rows) == 3  # rate, cost_direct, revenue_direct
    top = result.to_json(top=1)
    assert [r["input"] for r in top["inputs"]] == [result.rows[0].input]
    assert result.to_json()["inputs"] == [r.to_json() for r in result.rows]
