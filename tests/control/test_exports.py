"""infracast.control and its subpackages export their public names and nothing else."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import infracast.control as control
from infracast.control import budgets, plans, projects

PINNED: dict[ModuleType, list[str]] = {
    control: [
        "Actuals",
        "Alert",
        "Budget",
        "BudgetAlerts",
        "BudgetChange",
        "BudgetFields",
        "BudgetPeriod",
        "BudgetStatus",
        "CashflowSource",
        "CostForecast",
        "Delivery",
        "EarnedValue",
        "EarnedValueMetrics",
        "Estimate",
        "Feedback",
        "InvalidBudget",
        "Move",
        "Plan",
        "PlanComparison",
        "PlanLine",
        "PlanRequest",
        "PlannedTask",
        "ProgressUpdate",
        "ProjectChange",
        "ProjectDefinition",
        "ProjectPlan",
        "ProjectStatus",
        "ProjectSummary",
        "Rebudget",
        "RetryPolicy",
        "ScopeForecast",
        "SeriesPoint",
        "Shortfall",
        "SpendForecast",
        "TaskDefinition",
        "TaskProgress",
        "TaskStatus",
        "UnknownNameError",
        "VarianceRow",
        "actual_cost",
        "add_project",
        "budget_alerts",
        "budget_status",
        "cashflow_source",
        "compare_plans",
        "earned_value",
        "earned_value_metrics",
        "earned_value_series",
        "evaluate",
        "feedback_rows",
        "finance_cashflows",
        "finance_metrics",
        "finance_sensitivity",
        "finance_simulate",
        "finish_plan",
        "forecast",
        "forecast_costs",
        "forecast_file",
        "forecast_period_spend",
        "get_budget",
        "ledger_cashflows",
        "list_alerts",
        "list_budgets",
        "list_plans",
        "list_projects",
        "load_budget_file",
        "load_budgets",
        "load_definition",
        "plan_feedback",
        "plan_from_budget",
        "plan_from_estimate",
        "plan_moves",
        "post_json",
        "project_status",
        "read_estimate",
        "read_project_spec",
        "rebudget_suggestions",
        "record_progress",
        "redeliver_alerts",
        "remove_budget",
        "remove_plan",
        "remove_project",
        "save_budget",
        "save_estimate",
        "save_plan",
        "series",
        "set_budget",
        "set_budgets",
        "show_plan",
        "sign",
        "store_budget",
        "store_plan",
        "stored_budget",
        "validate_budget",
        "validate_definition",
        "write_ev_chart",
    ],
    budgets: [
        "Alert",
        "Budget",
        "BudgetAlerts",
        "BudgetChange",
        "BudgetFields",
        "BudgetPeriod",
        "BudgetStatus",
        "Delivery",
        "InvalidBudget",
        "RetryPolicy",
        "SpendForecast",
        "budget_alerts",
        "budget_status",
        "forecast_period_spend",
        "get_budget",
        "list_alerts",
        "list_budgets",
        "load_budget_file",
        "load_budgets",
        "post_json",
        "redeliver_alerts",
        "remove_budget",
        "set_budget",
        "set_budgets",
        "sign",
        "store_budget",
        "stored_budget",
        "validate_budget",
    ],
    projects: [
        "Actuals",
        "EarnedValue",
        "EarnedValueMetrics",
        "Estimate",
        "Move",
        "PlannedTask",
        "ProgressUpdate",
        "ProjectChange",
        "ProjectDefinition",
        "ProjectPlan",
        "ProjectStatus",
        "ProjectSummary",
        "Rebudget",
        "ScopeForecast",
        "SeriesPoint",
        "Shortfall",
        "TaskDefinition",
        "TaskProgress",
        "TaskStatus",
        "actual_cost",
        "add_project",
        "earned_value",
        "earned_value_metrics",
        "earned_value_series",
        "evaluate",
        "list_projects",
        "load_definition",
        "plan_moves",
        "project_status",
        "rebudget_suggestions",
        "record_progress",
        "remove_project",
        "series",
        "validate_definition",
        "write_ev_chart",
    ],
    plans: [
        "Feedback",
        "Plan",
        "PlanComparison",
        "PlanLine",
        "PlanRequest",
        "VarianceRow",
        "compare_plans",
        "feedback_rows",
        "finish_plan",
        "list_plans",
        "plan_feedback",
        "plan_from_budget",
        "plan_from_estimate",
        "read_estimate",
        "read_project_spec",
        "remove_plan",
        "save_budget",
        "save_estimate",
        "save_plan",
        "show_plan",
        "store_plan",
    ],
}


@pytest.mark.parametrize("package", list(PINNED), ids=lambda p: p.__name__)
def test_public_names_are_pinned(package: ModuleType) -> None:
    assert package.__all__ == PINNED[package]


@pytest.mark.parametrize("package", list(PINNED), ids=lambda p: p.__name__)
def test_every_exported_name_exists(package: ModuleType) -> None:
    for name in package.__all__:
        assert getattr(package, name) is not None, name


def test_the_control_package_re_exports_its_subpackages_names() -> None:
    for package in (budgets, projects, plans):
        for name in package.__all__:
            assert getattr(control, name) is getattr(package, name), name


@pytest.mark.parametrize("package", list(PINNED), ids=lambda p: p.__name__)
def test_no_module_is_shadowed_by_a_name_of_its_package(package: ModuleType) -> None:
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        assert getattr(package, info.name) is module, f"{package.__name__}.{info.name}"


def test_the_names_that_clashed_with_finance_are_gone() -> None:
    assert not hasattr(control, "Metrics") and not hasattr(control, "Progress")
    assert control.EarnedValueMetrics.__name__ == "EarnedValueMetrics"
    assert control.TaskProgress.__name__ == "TaskProgress"
