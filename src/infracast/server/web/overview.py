"""The Overview page: where the money went, where it is going, and what to do about it.

Every figure is one library call the CLI and the API make too, with the signed-in user's
team scope (:func:`infracast.server.app.with_scope`), and names its command:

- monthly spend for the last 12 months and the next 3 months' forecast with its 80 % and
  95 % intervals (``infracast costs --by month``, ``infracast forecast --freq MS``);
- spend by cost category, team and provider over those months (people costs and
  licences are charges without a cloud provider: the provider chart leaves out manual
  entries and says so);
- the top movers of the latest complete month, the budgets' actual and forecast against
  their amount, and the top recommendations by monthly savings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from infracast import analytics
from infracast.errors import InfracastError
from infracast.ledger.connection import Ledger
from infracast.server.app import Principal, with_scope
from infracast.server.web.render import PALETTE, Chart, layout

MONTHS = 12
HORIZON = 3
COST = "effective_cost"


@dataclass
class Overview:
    """What the Overview page shows."""

    start: datetime | None
    end: datetime | None
    kpis: list[dict[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    movers: list[dict[str, Any]] = field(default_factory=list)
    movers_command: str = ""
    movers_month: str = "the latest month"
    budgets_as_of: str = ""
    budgets_as_of_iso: str = ""

    @property
    def last_month(self) -> str:
        """The last month shown (``end`` is the first day after it)."""
        return "" if self.end is None else f"{_months_back(self.end, 1):%B %Y}"

    budgets: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _month(value: str) -> datetime:
    """A ``YYYY-MM-01`` month label of ``costs`` as a datetime."""
    return datetime.strptime(str(value)[:10], "%Y-%m-%d")


def _months_back(value: datetime, months: int) -> datetime:
    index = value.year * 12 + value.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 1)


def window(ledger: Ledger, user: Principal) -> tuple[datetime | None, datetime | None]:
    """The last :data:`MONTHS` whole months up to the latest month with charges (the
    user's team's), as ``[start, end)``; (None, None) for a ledger without charges."""
    rows = analytics.costs(ledger, by="month", filters=with_scope(user, []))
    months = [_month(r["month"]) for r in rows if r.get("month") is not None]
    if not months:
        return None, None
    last = max(months)
    return _months_back(last, MONTHS - 1), _months_back(last, -1)


def main_currency(rows: list[dict[str, Any]]) -> str | None:
    """The currency with the most spend among ``rows`` (charts show one currency)."""
    totals: dict[str, Decimal] = {}
    for r in rows:
        totals[r["currency"]] = totals.get(r["currency"], Decimal(0)) + Decimal(r[COST])
    return max(totals, key=lambda c: totals[c]) if totals else None


def as_team(user: Principal, team: str | None) -> Principal:
    """``user`` narrowed to ``team`` (the page's team filter); a user scoped to a team stays
    on its own (asking for another team is refused, 403)."""
    if not team or team == user.team:
        return user
    if user.team is not None:
        from infracast.control.auth_errors import ForbiddenError

        raise ForbiddenError(
            f"{user.name} sees only team {user.team}'s costs", hint="choose your own team"
        )
    return Principal(user.name, user.role, team)


def teams(ledger: Ledger, user: Principal) -> list[str]:
    """The teams the user may filter the pages by (its own, or every team with charges)."""
    if user.team is not None:
        return [user.team]
    rows = analytics.costs(ledger, by="team")
    return sorted({r["team"] for r in rows if r.get("team")})


def overview(ledger: Ledger, user: Principal, team: str | None = None) -> Overview:
    """The Overview of the ledger as ``user`` may see it, of ``team`` only if given."""
    user = as_team(user, team)
    start, end = window(ledger, user)
    result = Overview(start, end)
    if start is None or end is None:
        result.notes.append(
            "The ledger has no charges yet: ingest a FOCUS bill (infracast ingest FILE, or "
            "the Data page) or run make demo."
        )
        return result
    scope = with_scope(user, [])
    span = f"--from {start:%Y-%m-%d} --to {end:%Y-%m-%d}"
    team = f" --filter team={user.team}" if user.team else ""
    monthly = analytics.costs(ledger, by="month", start=start, end=end, filters=scope)
    currency = main_currency(monthly)
    others = sorted({r["currency"] for r in monthly} - {currency})
    if others:
        result.notes.append(f"Charts show {currency}; also charged in {', '.join(others)}.")
    monthly = [r for r in monthly if r["currency"] == currency]
    result.charts.append(_trend(ledger, user, monthly, span, team, result.notes))
    for dim, title in (("cost_category", "By cost category"), ("team", "By team")):
        rows = analytics.costs(ledger, by=dim, start=start, end=end, filters=scope)
        command = f"infracast costs --by {dim} {span}{team}"
        result.charts.append(_bars(f"by-{dim}", title, rows, dim, command, currency))
    clouds = [*scope, "source!=manual"]
    rows = analytics.costs(ledger, by="provider", start=start, end=end, filters=clouds)
    command = f"infracast costs --by provider {span}{team} --filter 'source!=manual'"
    note = "Manual entries (people, licences, contracts) are left out: see By cost category."
    result.charts.append(_bars("by-provider", "By provider", rows, "provider", command,
                               currency, note))  # fmt: skip
    result.kpis = _kpis(monthly)
    _movers(ledger, scope, team, result)
    _budgets(ledger, user, end, result)
    _recommendations(ledger, user, result)
    return result


def _kpis(monthly: list[dict[str, Any]]) -> list[dict[str, str]]:
    if not monthly:
        return []
    rows = sorted(monthly, key=lambda r: r["month"])
    last, currency = rows[-1], rows[-1]["currency"]
    kpis = [{"label": f"Spend, {_month(last['month']):%B %Y}",
             "value": f"{Decimal(last[COST]):,.0f} {currency}"}]  # fmt: skip
    if len(rows) > 1:
        before = Decimal(rows[-2][COST])
        change = (Decimal(last[COST]) - before) / before if before else None
        shown = "—" if change is None else f"{change * 100:+.1f} %"
        kpis.append({"label": f"Change from {_month(rows[-2]['month']):%B}", "value": shown})
    total = sum((Decimal(r[COST]) for r in rows), Decimal(0))
    kpis.append({"label": f"Last {len(rows)} months", "value": f"{total:,.0f} {currency}"})
    return kpis


def _trend(
    ledger: Ledger,
    user: Principal,
    monthly: list[dict[str, Any]],
    span: str,
    team: str,
    notes: list[str],
) -> Chart:
    rows = sorted(monthly, key=lambda r: r["month"])
    actual = {
        "type": "bar",
        "name": "Actual",
        "x": [r["month"] for r in rows],
        "y": [float(r[COST]) for r in rows],
        "marker": {"color": PALETTE[0]},
        "hovertemplate": "%{y:,.0f}<extra>actual</extra>",
    }
    data: list[dict[str, Any]] = [actual]
    command = f"infracast costs --by month {span}{team}"
    try:
        from infracast.control.forecasting import forecast

        fc = forecast(ledger, freq="MS", horizon=HORIZON, filters=with_scope(user, []))
        points = [p for p in fc.to_json()["forecast"] if p.get("unique_id") == "total"]
    except InfracastError as exc:
        points = []
        notes.append(f"No forecast: {exc}")
    if points:
        data.extend(_fan(points))
        command += f"; infracast forecast --freq MS --horizon {HORIZON}{team}"
    axis = {"type": "date", "tickformat": "%b %Y", "dtick": "M1"}
    figure = {"data": data, "layout": layout(xaxis=axis, barmode="overlay")}
    return Chart("trend", "Monthly spend and forecast", figure, command)


def _fan(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The forecast line and its 95 % and 80 % bands (filled polygons)."""
    x = [p["ds"] for p in points]
    out: list[dict[str, Any]] = []
    for level, alpha in ((95, 0.15), (80, 0.3)):
        upper = [p[f"hi{level}"] for p in points]
        lower = [p[f"lo{level}"] for p in points]
        out.append({
            "type": "scatter", "mode": "lines", "x": x + x[::-1], "y": upper + lower[::-1],
            "fill": "toself",
            "line": {"width": 0}, "hoverinfo": "skip", "name": f"{level} % interval",
            "fillcolor": f"rgba(230,159,0,{alpha})",
        })  # fmt: skip
    out.append({
        "type": "scatter", "mode": "lines+markers", "name": "Forecast", "x": x,
        "y": [p["yhat"] for p in points], "line": {"color": PALETTE[1]},
        "hovertemplate": "%{y:,.0f}<extra>forecast</extra>",
    })  # fmt: skip
    return out


def _bars(
    chart_id: str,
    title: str,
    rows: list[dict[str, Any]],
    dim: str,
    command: str,
    currency: str | None,
    note: str = "",
) -> Chart:
    rows = [r for r in rows if r["currency"] == currency]
    rows = sorted(rows, key=lambda r: Decimal(r[COST]))[-10:]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": [float(r[COST]) for r in rows],
        "y": [str(r.get(dim) or "(none)") for r in rows],
        "marker": {"color": PALETTE[0]},
        "hovertemplate": "%{x:,.0f} " + (currency or "") + "<extra></extra>",
    }
    height = max(200, 40 + 28 * len(rows))
    figure = {"data": [bars], "layout": layout(margin={"l": 170}, hovermode="closest",
                                               height=height)}  # fmt: skip
    return Chart(chart_id, title, figure, command, note)


def _movers(ledger: Ledger, scope: list[str], team: str, result: Overview) -> None:
    found = analytics.top_movers(ledger, by="service", n=8, filters=scope)
    result.movers = [dict(r) for r in found.to_json()["rows"]] if found.rows else []
    result.movers_command = f"infracast movers --by service{team}"
    if found.current is not None:
        result.movers_month = f"{found.current.start:%B %Y}"


def _budgets(ledger: Ledger, user: Principal, end: datetime, result: Overview) -> None:
    """Budgets as of the last day of the data shown (or now, if that is earlier): a ledger
    whose bills stop before today still shows its last month's budgets at work. The one
    whose forecast comes nearest its amount (or furthest past it) gets its burn-down."""
    from infracast.control.budgets.evaluation import budget_status
    from infracast.control.budgets.spec import Budget
    from infracast.control.budgets.stored import list_budgets
    from infracast.server.web.budgets_page import burn_down  # it reads this module

    as_of = min(end - timedelta(days=1), datetime.now(UTC).replace(tzinfo=None))
    result.budgets_as_of = f"{as_of:%-d %B %Y}"
    result.budgets_as_of_iso = f"{as_of:%Y-%m-%d}"
    found = budget_status(ledger, None, as_of=as_of, notify=False, team=user.team)
    result.budgets = [status.to_dict() for status in found]
    risky = [s for s in found if s.period is not None and s.forecast_pct is not None]
    if not risky:
        return
    nearest = max(risky, key=lambda s: s.forecast_pct or 0)
    specs = {b.name: b for b in list_budgets(ledger, team=user.team) if isinstance(b, Budget)}
    if nearest.budget in specs:
        result.charts.append(burn_down(ledger, specs[nearest.budget], nearest))


def _recommendations(ledger: Ledger, user: Principal, result: Overview) -> None:
    from infracast.recommend import recommend

    found = recommend(ledger, team=user.team, refresh=False)
    result.recommendations = [r.to_dict() for r in found[:5]]
