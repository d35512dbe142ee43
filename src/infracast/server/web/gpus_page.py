"""The GPUs page: how well the GPUs paid for were used, and what their idle time cost.

- GPU efficiency by GPU type and by team over the last 12 months with charges
  (:func:`infracast.analytics.gpu_efficiency`, as ``GET /api/v1/gpu`` does, with the user's
  team scope): utilization, idle cost and cost per useful GPU-hour, as charts and tables;
- a heatmap of mean utilization per resource (rows, the :data:`HEATMAP_ROWS` with the most
  monthly cost in ``infracast utilization``) and day (columns) over the last
  :data:`HEATMAP_DAYS` days of samples
  (:func:`infracast.analytics.gpu_heatmap.utilization_heatmap`, the team's resources only
  for a scoped user, as ``GET /api/v1/utilization`` does).

A ledger without usage samples says so, with the command that ingests them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast import analytics
from infracast.analytics.gpu_heatmap import utilization_heatmap
from infracast.analytics.utilization import resource_utilization
from infracast.ledger.connection import Ledger
from infracast.server.app import LedgerDep, Principal, with_scope
from infracast.server.web import overview
from infracast.server.web.auth import PageUser
from infracast.server.web.render import PALETTE, Chart, layout, page

router = APIRouter(include_in_schema=False)

HEATMAP_ROWS = 30
HEATMAP_DAYS = 30
NO_SAMPLES = "No GPU usage samples yet"
INGEST = "infracast ingest FILE --kind usage"


@dataclass
class Gpus:
    """What the GPUs page shows."""

    start: datetime | None
    end: datetime | None
    charts: list[Chart] = field(default_factory=list)
    by_type: list[dict[str, Any]] = field(default_factory=list)
    by_team: list[dict[str, Any]] = field(default_factory=list)
    efficiency_command: str = ""
    heatmap: Chart | None = None
    no_samples: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def last_month(self) -> str:
        """The last month shown (``end`` is the first day after it)."""
        return "" if self.end is None else f"{overview._months_back(self.end, 1):%B %Y}"


def gpus(ledger: Ledger, user: Principal, team: str | None = None) -> Gpus:
    """The GPUs page of the ledger as ``user`` may see it, of ``team`` only if given."""
    user = overview.as_team(user, team)
    start, end = overview.window(ledger, user)
    result = Gpus(start, end)
    flag = f" --filter team={user.team}" if user.team else ""
    if start is not None and end is not None:
        span = f"--from {start:%Y-%m-%d} --to {end:%Y-%m-%d}"
        scope = with_scope(user, [])
        for dim, target in (("gpu_type", result.by_type), ("team", result.by_team)):
            target.extend(analytics.gpu_efficiency(ledger, by=dim, start=start, end=end,
                                                   filters=scope))  # fmt: skip
        for row in (*result.by_type, *result.by_team):
            per = row["cost_per_useful_gpu_hour"]
            row["per_useful_hour"] = None if per is None else f"{per:,.2f}"
        result.efficiency_command = f"infracast gpu --by gpu_type {span}{flag}"
        _efficiency_charts(result, span, flag)
    else:
        result.notes.append(
            "The ledger has no charges yet: ingest a FOCUS bill (infracast ingest FILE) "
            "or run make demo."
        )
    _heatmap(ledger, user, result)
    return result


def _currency(rows: list[dict[str, Any]]) -> str | None:
    return overview.main_currency([{"currency": r["currency"], "effective_cost": r["cost"]}
                                   for r in rows])  # fmt: skip


def _efficiency_charts(result: Gpus, span: str, flag: str) -> None:
    currency = _currency(result.by_type)
    if currency is None:
        result.notes.append(
            "No GPU charges in these months: charges name their GPUs with x_gpu_type and "
            "x_gpu_count (infracast ingest reads them from the bills)."
        )
        return
    others = sorted({r["currency"] for r in result.by_type} - {currency})
    if others:
        result.notes.append(f"Charts show {currency}; also charged in {', '.join(others)}.")
    for dim, rows, label in (("gpu_type", result.by_type, "GPU type"),
                             ("team", result.by_team, "team")):  # fmt: skip
        rows = [r for r in rows if r["currency"] == currency and r["measured_gpu_hours"]]
        names = [str(r.get(dim) or "(none)") for r in rows]
        command = f"infracast gpu --by {dim} {span}{flag}"
        useful = [float(r["measured_cost"]) - float(r["idle_cost"] or 0) for r in rows]
        data = [
            {"type": "bar", "orientation": "h", "name": "Useful", "y": names, "x": useful,
             "marker": {"color": PALETTE[0]}, "customdata": [r["utilization"] for r in rows],
             "hovertemplate": "%{x:,.0f} " + currency
             + " useful (%{customdata:.0%} utilization)<extra></extra>"},
            {"type": "bar", "orientation": "h", "name": "Idle", "y": names,
             "x": [float(r["idle_cost"] or 0) for r in rows], "marker": {"color": PALETTE[5]},
             "hovertemplate": "%{x:,.0f} " + currency + " idle<extra></extra>"},
        ]  # fmt: skip
        height = max(200, 80 + 30 * len(rows))
        figure = {"data": data, "layout": layout(barmode="stack", margin={"l": 170},
                                                 hovermode="closest", height=height)}  # fmt: skip
        note = ("Measured GPU cost split into the share the GPUs were busy and the idle rest; "
                "GPU charges without samples are left out (unmeasured, in the table).")  # fmt: skip
        result.charts.append(Chart(f"gpu-by-{dim}", f"Useful and idle GPU cost by {label}",
                                   figure, command, note))  # fmt: skip
        per_useful = {
            "type": "bar", "orientation": "h", "y": names, "marker": {"color": PALETTE[1]},
            "x": [None if r["cost_per_useful_gpu_hour"] is None
                  else float(r["cost_per_useful_gpu_hour"]) for r in rows],
            "hovertemplate": "%{x:,.2f} " + currency + " per useful GPU-hour<extra></extra>",
        }  # fmt: skip
        figure = {"data": [per_useful], "layout": layout(margin={"l": 170}, height=height,
                                                         hovermode="closest")}  # fmt: skip
        result.charts.append(Chart(f"useful-hour-by-{dim}",
                                   f"Cost per useful GPU-hour by {label} ({currency})",
                                   figure, command))  # fmt: skip


def _labels(resources: list[str]) -> list[str]:
    """Short row labels: the last part of each resource id (unique, numbered if not)."""
    out: list[str] = []
    for rid in resources:
        short = rid.replace(":", "/").rstrip("/").rsplit("/", 1)[-1] or rid
        label, n = short, 2
        while label in out:
            label, n = f"{short} ({n})", n + 1
        out.append(label)
    return out


def _heatmap(ledger: Ledger, user: Principal, result: Gpus) -> None:
    found = resource_utilization(ledger, days=HEATMAP_DAYS, team=user.team)
    if found.start is None:
        result.no_samples = NO_SAMPLES
        return
    if not found.rows:
        result.no_samples = (
            f"{NO_SAMPLES} for team {user.team}" if user.team else NO_SAMPLES
        ) + f" in {found.start:%-d %B} to {found.end:%-d %B %Y}"
        return
    resources = [r["resource_id"] for r in found.rows[:HEATMAP_ROWS]]
    cells = utilization_heatmap(ledger, start=found.start, end=found.end,
                                resources=resources, team=user.team)  # fmt: skip
    labels = _labels(resources)
    heat = {
        "type": "heatmap", "z": cells.matrix(resources), "y": labels,
        "x": [d.isoformat() for d in cells.days], "customdata": [[rid] * len(cells.days)
                                                               for rid in resources],
        "zmin": 0, "zmax": 1, "colorscale": "Viridis", "xgap": 1, "ygap": 1,
        "colorbar": {"title": {"text": "mean"}, "tickformat": ".0%"},
        "hovertemplate": "%{customdata}<br>%{x}: %{z:.0%}<extra></extra>",
    }  # fmt: skip
    figure = {"data": [heat], "layout": layout(
        margin={"l": 220}, hovermode="closest", height=max(260, 90 + 20 * len(resources)),
        xaxis={"type": "date", "tickformat": "%-d %b", "gridcolor": "rgba(0,0,0,0)"},
        yaxis={"autorange": "reversed", "rangemode": "normal", "gridcolor": "rgba(0,0,0,0)"},
    )}  # fmt: skip
    shown = f"the {len(resources)} with the most monthly cost" if len(found.rows) > len(
        resources) else f"all {len(resources)}"  # fmt: skip
    note = (
        f"Mean GPU utilization per resource ({shown}) and UTC day; blank where a resource "
        "has no sample that day. The command prints each resource's mean over the window."
    )
    command = f"infracast utilization --days {HEATMAP_DAYS}"
    result.heatmap = Chart("heatmap", f"Utilization by resource and day, last {HEATMAP_DAYS} "
                           "days of samples", figure, command, note)  # fmt: skip


@router.get("/gpus")
def gpus_page(
    request: Request, user: PageUser, ledger: LedgerDep, team: str | None = None
) -> Response:
    """GPUs: efficiency by GPU type and team, and the utilization heatmap (of one team with
    ``?team=``)."""
    data = gpus(ledger, user, team=team)
    return page(request, "gpus.html", title="GPUs", data=data, ingest=INGEST,
                teams=overview.teams(ledger, user), team=team or user.team)  # fmt: skip
