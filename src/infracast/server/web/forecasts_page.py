"""The Forecasts page: the next :data:`HORIZON` months of cost by team, as fan charts.

One call of :func:`infracast.control.forecasting.forecast`, as ``GET /api/v1/forecast``
makes it with ``by=team&freq=MS&horizon=3`` and the user's team scope: the total and each
team's series, reconciled to the total, each drawn with its last :data:`HISTORY` months
and the forecast's 80 % and 95 % intervals; and per series the model chosen, why, and its
backtest accuracy (MASE against seasonal naive, the intervals' coverage) in a table. A
user scoped to a team forecasts its team only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast.errors import InfracastError
from infracast.ledger.connection import Ledger
from infracast.server.app import LedgerDep, Principal, with_scope
from infracast.server.web import overview
from infracast.server.web.auth import PageUser
from infracast.server.web.render import PALETTE, Chart, layout, page

router = APIRouter(include_in_schema=False)

HORIZON = 3
FREQ = "MS"
HISTORY = 12
TOTAL = "total"


@dataclass
class Forecasts:
    """What the Forecasts page shows."""

    charts: list[Chart] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    command: str = ""
    reused: bool = False
    notes: list[str] = field(default_factory=list)


def forecasts(ledger: Ledger, user: Principal, team: str | None = None) -> Forecasts:
    """The forecast of cost by team as ``user`` may see it, of ``team`` only if given."""
    from infracast.control.forecasting import forecast

    user = overview.as_team(user, team)
    flag = f" --filter team={user.team}" if user.team else ""
    result = Forecasts(command=f"infracast forecast --by team --freq {FREQ} "
                       f"--horizon {HORIZON}{flag}")  # fmt: skip
    try:
        found = forecast(ledger, by="team", freq=FREQ, horizon=HORIZON,
                         filters=with_scope(user, []))  # fmt: skip
    except InfracastError as exc:
        result.notes.append(f"No forecast: {exc}")
        return result
    result.reused = found.reused
    result.notes.extend(found.notes)
    points = found.to_json()["forecast"]
    history = found.history
    order = [TOTAL, *sorted({c["unique_id"] for c in found.choices} - {TOTAL})]
    for n, series in enumerate(order):
        ahead = [p for p in points if p["unique_id"] == series]
        if not ahead:
            continue
        past: list[tuple[Any, float]] = []
        if history is not None:
            rows = history[history["unique_id"] == series].sort_values("ds").tail(HISTORY)
            past = [(ds.isoformat(), float(y)) for ds, y in zip(rows["ds"], rows["y"], strict=True)]
        name = "All teams" if series == TOTAL and user.team is None else (
            f"team {user.team}" if series == TOTAL else series)  # fmt: skip
        small = series != TOTAL
        result.charts.append(_fan_chart(f"forecast-{n}", name, past, ahead, result.command,
                                        small))  # fmt: skip
    result.choices = [
        {**c, "series": _series_name(c["unique_id"], user),
         "mase_shown": None if c.get("mase") is None else f"{c['mase']:.2f}"}
        for c in found.choices
    ]  # fmt: skip
    return result


def _series_name(series: str, user: Principal) -> str:
    if series != TOTAL:
        return series
    return f"total (team {user.team})" if user.team else "total"


def _fan_chart(
    chart_id: str,
    name: str,
    past: list[tuple[Any, float]],
    ahead: list[dict[str, Any]],
    command: str,
    small: bool,
) -> Chart:
    actual = {
        "type": "scatter", "mode": "lines+markers", "name": "Actual",
        "x": [x for x, _ in past], "y": [y for _, y in past],
        "line": {"color": PALETTE[0]}, "hovertemplate": "%{y:,.0f}<extra>actual</extra>",
    }  # fmt: skip
    data = [actual, *overview._fan(ahead)]
    axis = {"type": "date", "tickformat": "%b %Y"}
    figure = {"data": data, "layout": layout(xaxis=axis, height=240 if small else 340,
                                             showlegend=not small)}  # fmt: skip
    title = f"{name}: the next {HORIZON} months" if not small else name
    return Chart(chart_id, title, figure, command)


@router.get("/forecasts")
def forecasts_page(
    request: Request, user: PageUser, ledger: LedgerDep, team: str | None = None
) -> Response:
    """Forecasts: the next 3 months of cost by team, with the models and their backtests
    (of one team with ``?team=``)."""
    data = forecasts(ledger, user, team=team)
    return page(request, "forecasts.html", title="Forecasts", data=data,
                teams=overview.teams(ledger, user), team=team or user.team)  # fmt: skip
