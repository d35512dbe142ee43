"""Budgets: an amount per period over a scope of the charges, its status, and the alerts
it raises (stored once per threshold and period, optionally POSTed to a webhook).

Modules: :mod:`~.spec` (a budget, validated), :mod:`~.periods` (months,
quarters, years, a project's life), :mod:`~.stored` (set, load, list and
remove budgets in the ledger), :mod:`~.evaluation` (status against actual and
forecast spend), :mod:`~.thresholds` (which thresholds are reached),
:mod:`~.spend` and :mod:`~.forecast` (what a scope spent and will spend),
:mod:`~.alerts` and :mod:`~.webhook` (alerts and their delivery).
"""

from infracast.control.budgets.alerts import (
    Alert,
    BudgetAlerts,
    budget_alerts,
    list_alerts,
    redeliver_alerts,
)
from infracast.control.budgets.evaluation import BudgetStatus, budget_status
from infracast.control.budgets.forecast import SpendForecast, forecast_period_spend
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.spec import Budget, BudgetFields, load_budgets, validate_budget
from infracast.control.budgets.stored import (
    BudgetChange,
    InvalidBudget,
    get_budget,
    list_budgets,
    load_budget_file,
    remove_budget,
    set_budget,
    set_budgets,
    store_budget,
    stored_budget,
)
from infracast.control.budgets.webhook import Delivery, RetryPolicy, post_json, sign

__all__ = [
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
]
