"""Plans: estimates and project budgets saved as planned charges by month and category,
compared with what was actually spent, and finished plans fed back as training rows.

Modules: :mod:`~.lines` (a plan and its lines; a project budget as a plan),
:mod:`~.estimates` (an estimate as a plan), :mod:`~.save` (what ``plan save``
takes), :mod:`~.stored` (store, list, show, finish and remove plans),
:mod:`~.compare` (plan against actual), :mod:`~.feedback` (training rows).
"""

from infracast.control.plans.compare import PlanComparison, VarianceRow, compare_plans
from infracast.control.plans.estimates import plan_from_estimate
from infracast.control.plans.feedback import Feedback, feedback_rows, plan_feedback
from infracast.control.plans.lines import Plan, PlanLine, plan_from_budget
from infracast.control.plans.save import PlanRequest, read_estimate, read_project_spec, save_plan
from infracast.control.plans.stored import (
    finish_plan,
    list_plans,
    remove_plan,
    save_budget,
    save_estimate,
    show_plan,
    store_plan,
)

__all__ = [
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
]
