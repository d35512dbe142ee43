"""The Budgets page: each budget's status, its burn-down, and the alerts raised.

The same library calls as ``GET /api/v1/budgets/status`` and ``/budgets/alerts``, with the
signed-in user's team (a scoped user sees its team's budgets only):

- :func:`~infracast.control.budgets.evaluation.budget_status` as of the last day of the
  ledger's data when that is before today (as the Overview does: a ledger whose bills
  stop early still shows its budgets at work), never notifying;
- a burn-down per budget: the spend of the budget's scope (its filters, currency and
  metric) by day of the period, cumulated, from the daily spend the evaluation sums
  (:func:`~infracast.control.budgets.daily.daily_parts`), against the amount and the
  forecast to the period's end (``infracast costs --by day`` with the budget's filters
  gives the same days);
- :func:`~infracast.control.budgets.alerts.budget_alerts`: the alerts raised, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast.control import Budget, BudgetStatus, budget_alerts, budget_status, list_budgets
from infracast.control.budgets.daily import daily_parts
from infracast.control.budgets.spend import SpendScope
from infracast.ledger.connection import Ledger
from infracast.server.app import LedgerDep, Principal
from infracast.server.web.auth import PageUser
from infracast.server.web.overview import window
from infracast.server.web.render import PALETTE, Chart, layout, page, slug

router = APIRouter(include_in_schema=False)


@dataclass
class BudgetsPage:
    """What the Budgets page shows."""

    as_of: datetime | None
    budgets: list[dict[str, Any]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def as_of_text(self) -> str:
        """``31 October 2026`` (empty: today)."""
        return "" if self.as_of is None else f"{self.as_of:%-d %B %Y}"

    @property
    def as_of_iso(self) -> str:
        """``2026-10-31`` for ``--as-of`` (empty: today)."""
        return "" if self.as_of is None else f"{self.as_of:%Y-%m-%d}"


def as_of_for(ledger: Ledger, user: Principal) -> datetime | None:
    """The last day of the user's data if it ends before today, as the Overview's budgets
    (None: the ledger has no charges; the library's default, today, applies)."""
    _, end = window(ledger, user)
    if end is None:
        return None
    return min(end - timedelta(days=1), datetime.now(UTC).replace(tzinfo=None))


def budgets_page(ledger: Ledger, user: Principal) -> BudgetsPage:
    """The Budgets page of the ledger as ``user`` may see it."""
    as_of = as_of_for(ledger, user)
    result = BudgetsPage(as_of)
    found = budget_status(ledger, None, as_of=as_of, notify=False, team=user.team)
    specs = {b.name: b for b in list_budgets(ledger, team=user.team) if isinstance(b, Budget)}
    for status in found:
        row = status.to_dict()
        row["notes"] = "; ".join(status.notes)
        result.budgets.append(row)
        spec = specs.get(status.budget)
        if spec is not None and status.period is not None:
            result.charts.append(burn_down(ledger, spec, status))
    result.alerts = [a.to_dict() for a in budget_alerts(ledger, None, team=user.team).alerts]
    return result


def cumulative_spend(
    ledger: Ledger, budget: Budget, status: BudgetStatus
) -> list[tuple[date, float]]:
    """The budget scope's spend cumulated by day, from the period's start to the last day
    counted (days without charges repeat the day before)."""
    assert status.period is not None
    start = status.period.start_instant
    counted = status.period.counted_until(status.as_of)
    scope = SpendScope(budget.filters, budget.currency, budget.metric)
    by_day: dict[date, float] = {}
    for part in daily_parts(ledger, scope, start, counted).values():
        for day, value in part.items():
            by_day[day] = by_day.get(day, 0.0) + value
    out: list[tuple[date, float]] = []
    total = 0.0
    day = start.date()
    while datetime.combine(day, datetime.min.time()) < counted:
        total += by_day.get(day, 0.0)
        out.append((day, total))
        day += timedelta(days=1)
    return out


def burn_down(ledger: Ledger, budget: Budget, status: BudgetStatus) -> Chart:
    """Cumulative actual spend by day against the amount, and the forecast to the end."""
    assert status.period is not None
    period = status.period
    points = cumulative_spend(ledger, budget, status)
    amount = float(budget.amount)
    x_span = [period.start.isoformat(), period.end.isoformat()]
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": "Budget", "x": x_span,
         "y": [amount, amount], "line": {"color": PALETTE[7], "dash": "dash"},
         "hovertemplate": "%{y:,.0f}<extra>budget</extra>"},
        {"type": "scatter", "mode": "lines", "name": "Actual (cumulative)",
         "x": [d.isoformat() for d, _ in points], "y": [v for _, v in points],
         "line": {"color": PALETTE[0]}, "hovertemplate": "%{y:,.0f}<extra>actual</extra>"},
    ]  # fmt: skip
    if status.forecast is not None and status.actual is not None:
        last = points[-1][0] if points else period.start  # the actual's last point
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": "Forecast",
            "x": [last.isoformat(), period.end.isoformat()],
            "y": [float(status.actual), float(status.forecast)],
            "line": {"color": PALETTE[1], "dash": "dot"},
            "hovertemplate": "%{y:,.0f}<extra>forecast</extra>",
        })  # fmt: skip
    filters = "".join(f" --filter {f}" for f in budget.filters)
    counted = period.counted_until(status.as_of)
    command = (
        f"infracast costs --by day --from {period.start:%Y-%m-%d} --to {counted:%Y-%m-%d}"
        f"{filters}; infracast budget status {budget.name} --no-notify "
        f"--as-of {status.as_of:%Y-%m-%d}"
    )
    note = f"{budget.currency}, {budget.metric}; period {period.label}."
    figure = {
        "data": data,
        "layout": layout(xaxis={"type": "date"}, yaxis={"title": budget.currency}),
    }
    return Chart(f"burn-{slug(budget.name)}", f"{budget.name}: burn-down", figure, command, note)


@router.get("/budgets")
def budgets_route(request: Request, user: PageUser, ledger: LedgerDep) -> Response:
    """Budgets and alerts: each budget's status and burn-down, and the alerts raised."""
    data = budgets_page(ledger, user)
    return page(request, "budgets.html", title="Budgets and alerts", data=data)
