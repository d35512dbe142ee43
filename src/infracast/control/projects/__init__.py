"""Projects and earned value: tasks with planned cost and progress, PV, EV, AC and what
follows (CPI, SPI, EAC, TCPI), S-curves, and re-budgeting suggestions.

Modules: :mod:`~.definition` (a project as written in YAML), :mod:`~.tracking`
(projects, progress and actual cost in the ledger), :mod:`~._earned_value`
(the formulas, pure), :mod:`~.ev_series` and :mod:`~.ev_chart` (the series over
time and its chart), :mod:`~.status` (what ``project status`` shows),
:mod:`~.rebudget` (moves from under-spending scopes to overrunning ones).
"""

from infracast.control.projects._earned_value import (
    Actuals,
    EarnedValue,
    EarnedValueMetrics,
    Estimate,
    PlannedTask,
    ProjectPlan,
    TaskProgress,
    TaskStatus,
    earned_value_metrics,
    evaluate,
)
from infracast.control.projects.definition import (
    ProjectDefinition,
    TaskDefinition,
    load_definition,
    validate_definition,
)
from infracast.control.projects.ev_chart import write_ev_chart
from infracast.control.projects.ev_series import SeriesPoint, series
from infracast.control.projects.rebudget import (
    Move,
    Rebudget,
    ScopeForecast,
    Shortfall,
    plan_moves,
    rebudget_suggestions,
)
from infracast.control.projects.status import ProjectStatus, project_status
from infracast.control.projects.tracking import (
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

__all__ = [
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
]
