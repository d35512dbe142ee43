"""Control: budgets and alerts, earned value of projects, plans against actuals, over the ledger.

The pure parts (threshold checks, earned-value formulas, plan lines) take plain
data; the functions that take a :class:`~infracast.ledger.connection.Ledger`
read and write its ``budgets``, ``alerts``, ``projects``, ``plans`` tables.
"""

from infracast.control.alerts import Alert, list_alerts, redeliver_alerts
from infracast.control.budget_evaluation import BudgetStatus, budget_status
from infracast.control.budget_spec import Budget, load_budgets, validate_budget
from infracast.control.budgets import (
    InvalidBudget,
    get_budget,
    list_budgets,
    remove_budget,
    set_budget,
    set_budgets,
    stored_budget,
)
from infracast.control.cashflows import ledger_cashflows
from infracast.control.earned_value import (
    Actuals,
    EarnedValue,
    Estimate,
    Metrics,
    PlannedTask,
    Progress,
    ProjectPlan,
    TaskStatus,
    earned_value_metrics,
    evaluate,
)
from infracast.control.ev_chart import write_ev_chart
from infracast.control.ev_series import SeriesPoint, series
from infracast.control.feedback import Feedback, feedback_rows, plan_feedback
from infracast.control.plan_compare import PlanComparison, VarianceRow, compare_plans
from infracast.control.plan_estimates import plan_from_estimate
from infracast.control.plan_lines import Plan, PlanLine, plan_from_budget
from infracast.control.plans import (
    finish_plan,
    list_plans,
    remove_plan,
    save_budget,
    save_estimate,
    save_plan,
    show_plan,
)
from infracast.control.project_definition import (
    ProjectDefinition,
    TaskDefinition,
    load_definition,
    validate_definition,
)
from infracast.control.projects import (
    ProgressUpdate,
    ProjectChange,
    ProjectSummary,
    actual_cost,
    add_project,
    earned_value,
    earned_value_series,
    list_projects,
    record_progress,
    remove_project,
)
from infracast.control.rebudget import (
    Move,
    Rebudget,
    ScopeForecast,
    Shortfall,
    plan_moves,
    rebudget_suggestions,
)
from infracast.control.spend_forecast import SpendForecast, forecast_period_spend
from infracast.control.webhook import Delivery, RetryPolicy, post_json, sign

__all__ = [
    "Actuals",
    "Alert",
    "Budget",
    "BudgetStatus",
    "Delivery",
    "EarnedValue",
    "Estimate",
    "Feedback",
    "InvalidBudget",
    "Metrics",
    "Move",
    "Plan",
    "PlanComparison",
    "PlanLine",
    "PlannedTask",
    "Progress",
    "ProgressUpdate",
    "ProjectChange",
    "ProjectDefinition",
    "ProjectPlan",
    "ProjectSummary",
    "Rebudget",
    "RetryPolicy",
    "ScopeForecast",
    "SeriesPoint",
    "Shortfall",
    "SpendForecast",
    "TaskDefinition",
    "TaskStatus",
    "VarianceRow",
    "actual_cost",
    "add_project",
    "budget_status",
    "compare_plans",
    "earned_value",
    "earned_value_metrics",
    "earned_value_series",
    "evaluate",
    "feedback_rows",
    "finish_plan",
    "forecast_period_spend",
    "get_budget",
    "ledger_cashflows",
    "list_alerts",
    "list_budgets",
    "list_plans",
    "list_projects",
    "load_budgets",
    "load_definition",
    "plan_feedback",
    "plan_from_budget",
    "plan_from_estimate",
    "plan_moves",
    "post_json",
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
    "stored_budget",
    "validate_budget",
    "validate_definition",
    "write_ev_chart",
]
