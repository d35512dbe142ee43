"""Budgets and their alerts, projects and earned value, plans against actual: the control
commands over HTTP.

A user scoped to a team sees its team's budgets (those whose filters keep its charges
alone) and their alerts; another team's budget is not found (404, the same answer as a
name that does not exist). Projects and plans have no team (a project's actuals are every
charge of its ``x_project``, whichever team's), so they stay with unscoped users (403).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast.control import (
    budget_alerts,
    budget_status,
    compare_plans,
    list_budgets,
    list_plans,
    list_projects,
    project_status,
)
from infracast.control.plans.compare import DIMENSIONS as PLAN_DIMENSIONS
from infracast.control.users import ForbiddenError
from infracast.server.app import LedgerDep, Principal, UserDep
from infracast.server.errors import json_response

router = APIRouter()


@router.get("/budgets", tags=["budgets"])
def budgets(user: UserDep, ledger: LedgerDep) -> Response:
    """`infracast budget list`: every budget with its scope, period and thresholds (a
    scoped user: its team's budgets)."""
    return json_response([b.to_dict() for b in list_budgets(ledger, team=user.team)])


@router.get("/budgets/status", tags=["budgets"])
def budgets_status(
    user: UserDep,
    ledger: LedgerDep,
    name: str | None = None,
    as_of: Annotated[str | None, Query(description="Count spend before this instant.")] = None,
    method: Literal["forecast", "run_rate"] = "forecast",
) -> Response:
    """`infracast budget status --no-notify`: actual and forecast spend of each budget, its
    variance and status; alerts crossed are raised (stored once), never posted from here (a
    scoped user: its team's budgets)."""
    found = budget_status(ledger, name, as_of=as_of, notify=False, method=method, team=user.team)
    return json_response([s.to_dict() for s in found])


@router.get("/budgets/alerts", tags=["budgets"])
def budgets_alerts(
    user: UserDep, ledger: LedgerDep, budget: str | None = None, undelivered: bool = False
) -> Response:
    """`infracast budget alerts`: the alerts raised, oldest first (a scoped user: those of
    its team's budgets)."""
    result = budget_alerts(ledger, budget, undelivered=undelivered, team=user.team)
    return json_response([a.to_dict() for a in result.alerts])


@router.get("/projects", tags=["projects"])
def projects(user: UserDep, ledger: LedgerDep) -> Response:
    """`infracast project list`: every project with its tasks' budget (unscoped users:
    projects have no team)."""
    _no_team(user, "the project list")
    return json_response([p.to_dict() for p in list_projects(ledger)])


@router.get("/projects/{name}/status", tags=["projects"])
def project_status_route(
    user: UserDep,
    ledger: LedgerDep,
    name: str,
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD, UTC.")] = None,
    by: Literal["month", "week"] = "month",
) -> Response:
    """`infracast project status NAME`: earned value, its tasks and S-curve series (unscoped
    users: projects have no team)."""
    _no_team(user, "project status")
    return json_response(project_status(ledger, name, as_of, by=by).to_dict())


@router.get("/plans", tags=["projects"])
def plans(
    user: UserDep,
    ledger: LedgerDep,
    project: str | None = None,
    status: Literal["active", "finished"] | None = None,
) -> Response:
    """`infracast plan list`: the saved plans (unscoped users: projects have no team)."""
    _no_team(user, "the plan list")
    return json_response([p.summary() for p in list_plans(ledger, project=project, status=status)])


@router.get("/plans/compare", tags=["projects"])
def plans_compare(
    user: UserDep,
    ledger: LedgerDep,
    name: str | None = None,
    project: str | None = None,
    by: str = ",".join(PLAN_DIMENSIONS),
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD, UTC.")] = None,
) -> Response:
    """`infracast plan compare [NAME]`: planned against actual (unscoped users: projects
    have no team)."""
    _no_team(user, "plans against actual")
    result = compare_plans(ledger, name, project=project, by=by, as_of=as_of)
    return json_response(result.to_dict())


def _no_team(user: Principal, what: str) -> None:
    """Refuse a scoped user the views of projects and plans (403): they have no team."""
    if user.team is not None:
        raise ForbiddenError(
            f"{what}: projects and plans have no team (a project's actuals are every charge "
            f"of its x_project, whichever team's); {user.name} sees only {user.team}'s rows",
            hint="ask an unscoped user; your team's spend by project is at "
            "/api/v1/costs?by=project",
        )
