"""The Projects page: each tracked project's earned value and its S-curves.

The same library calls as ``GET /api/v1/projects`` and ``/projects/{name}/status``
(:func:`~infracast.control.projects.tracking.list_projects`,
:func:`~infracast.control.projects.status.project_status` by month), as of the first day
after the ledger's data when that is before today (as the Overview's budgets: a ledger
whose bills stop early still shows its projects at work). Projects have no team (a
project's actuals are every charge of its ``x_project``, whichever team's): the API
answers a scoped user 403, and the page shows such a user a sentence instead of the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast.control import list_projects, project_status
from infracast.control.projects import PlannedTask, ProjectPlan, ProjectStatus
from infracast.control.projects.ev_series import planned_curve
from infracast.ledger.connection import Ledger
from infracast.server.app import LedgerDep, Principal
from infracast.server.web.auth import PageUser
from infracast.server.web.overview import window
from infracast.server.web.render import PALETTE, Chart, layout, page, slug

router = APIRouter(include_in_schema=False)


@dataclass
class ProjectsPage:
    """What the Projects page shows (``scoped``: the user's team, who sees none of it)."""

    as_of: date | None
    scoped: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def as_of_for(ledger: Ledger, user: Principal) -> date:
    """The first day after the ledger's data, or today if that is earlier."""
    _, end = window(ledger, user)
    today = datetime.now(UTC).date()
    return today if end is None else min(end.date(), today)


def projects_page(ledger: Ledger, user: Principal) -> ProjectsPage:
    """The Projects page as ``user`` may see it: nothing for a user scoped to a team."""
    if user.team is not None:
        return ProjectsPage(None, scoped=user.team)
    as_of = as_of_for(ledger, user)
    result = ProjectsPage(as_of)
    for summary in list_projects(ledger):
        if summary.problem:
            result.notes.append(f"{summary.project}: not evaluated: {summary.problem}")
            continue
        status = project_status(ledger, summary.project, as_of, by="month")
        result.rows.append(_row(status))
        result.charts.append(s_curves(status))
    return result


def _row(status: ProjectStatus) -> dict[str, Any]:
    earned = status.earned
    m = earned.metrics
    return {"project": earned.project, "name": earned.name or "", "currency": m.currency,
            "bac": m.bac, "pv": m.pv, "ev": m.ev, "ac": m.ac, "cpi": m.cpi, "spi": m.spi,
            "eac": m.eac, "vac": m.vac, "notes": "; ".join(m.notes)}  # fmt: skip


def s_curves(status: ProjectStatus) -> Chart:
    """PV over the whole plan, and PV, EV, AC cumulated to each month's end up to as-of;
    BAC and the EAC (BAC / CPI) at the planned end."""
    earned = status.earned
    m = earned.metrics
    tasks = tuple(PlannedTask(t.task, t.planned_cost, t.planned_start, t.planned_end)
                  for t in earned.tasks)  # fmt: skip
    plan = ProjectPlan(earned.project, m.currency, tasks, m.bac)
    planned = planned_curve(plan, status.by)
    first = [(status.series[0].period, Decimal(0))] if status.series else []
    ev = first + [(p.as_of, p.ev) for p in status.series]
    ac = first + [(p.as_of, p.ac) for p in status.series]
    data: list[dict[str, Any]] = [
        _line("PV (planned value)", planned, PALETTE[0]),
        _line("EV (earned value)", ev, PALETTE[2]),
        _line("AC (actual cost)", ac, PALETTE[5]),
    ]
    end = earned.planned_end or earned.as_of
    start = planned[0][0] if planned else (ev[0][0] if ev else end)
    data.append({"type": "scatter", "mode": "lines", "name": "BAC",
                 "x": [start.isoformat(), end.isoformat()], "y": [float(m.bac)] * 2,
                 "line": {"color": PALETTE[7], "dash": "dash"},
                 "hovertemplate": "%{y:,.0f}<extra>BAC</extra>"})  # fmt: skip
    if m.eac is not None:
        data.append({"type": "scatter", "mode": "markers", "name": "EAC (BAC / CPI)",
                     "x": [end.isoformat()], "y": [float(m.eac)],
                     "marker": {"color": PALETTE[1], "size": 10, "symbol": "diamond"},
                     "hovertemplate": "%{y:,.0f}<extra>EAC</extra>"})  # fmt: skip
    look = layout(
        xaxis={"type": "date"},
        yaxis={"title": m.currency},
        margin={"t": 64},
        legend={"y": 1.02, "yanchor": "bottom"},
    )  # five curves: a legend of two rows
    figure = {"data": data, "layout": look}
    command = f"infracast project status {earned.project} --as-of {earned.as_of:%Y-%m-%d}"
    title = f"{earned.name or earned.project}: S-curves"
    note = f"As of {earned.as_of:%-d %B %Y}; {m.currency}. Formulas: docs/earned-value.md."
    return Chart(f"ev-{slug(earned.project)}", title, figure, command, note)


def _line(name: str, pairs: list[tuple[date, Decimal]], color: str) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines", "name": name,
            "x": [d.isoformat() for d, _ in pairs], "y": [float(v) for _, v in pairs],
            "line": {"color": color}, "hovertemplate": "%{y:,.0f}<extra></extra>"}  # fmt: skip


@router.get("/projects")
def projects_route(request: Request, user: PageUser, ledger: LedgerDep) -> Response:
    """Projects: earned value with S-curves (unscoped users: projects have no team)."""
    data = projects_page(ledger, user)
    return page(request, "projects.html", title="Projects", data=data)
