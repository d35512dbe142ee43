"""A project budget as cash flows: phases direct, project-wide indirect."""

from __future__ import annotations

from typing import Any

from infracast.estimate import budget
from infracast.finance import budget_cashflows, cashflows, project_cashflows


def test_phase_costs_are_direct_and_project_wide_costs_indirect(tiny: dict[str, Any]) -> None:
    flows = budget_cashflows(budget(tiny))
    assert flows.periods == ["2026-01", "2026-02"]
    assert flows.column("cost_direct") == [1000, 1030]  # engineer; engineer + 10 h × 3.00
    assert flows.column("cost_indirect") == [200, 200]  # manager 0.5 × 400
    assert flows.total_cost == 2430
    assert flows.currency == "USD"
    assert "depreciation" in flows.assumptions[0]


def test_revenue_is_added_month_by_month(tiny: dict[str, Any]) -> None:
    revenue = cashflows(
        [{"period": "2026-02", "revenue": 500}, {"period": "2026-03", "revenue": 3000}]
    )
    flows = project_cashflows(tiny, revenue=revenue, budget_fn=budget)
    assert flows.periods == ["2026-01", "2026-02", "2026-03"]
    assert flows.column("benefit") == [-1200, -730, 3000]  # 500 − 1230 = −730


def test_contingency_counts_with_its_line(tiny: dict[str, Any]) -> None:
    tiny["contingency_pct"] = 10
    flows = budget_cashflows(budget(tiny))
    assert flows.total_cost == 2673  # 2430 × 1.1
