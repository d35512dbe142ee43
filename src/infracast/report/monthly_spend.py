"""The spend sections of the monthly report: the month against the one before, its top
movers, and its cost by category, provider and team; and the forecast of the next months.
Each comes from the library function of the command it names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from infracast import analytics
from infracast.control.forecasting import forecast_costs
from infracast.errors import InfracastError
from infracast.ledger.connection import Ledger
from infracast.report import charts
from infracast.report.monthly import ReportSection, Scope, Table
from infracast.report.summary import PROVIDER_FILTER, PROVIDER_NOTE, _fmt_table, _money

TREND_MONTHS = 12
FORECAST_MONTHS = 3
FORECAST_LEVELS = (80, 95)


def _months_before(day: Any, months: int) -> str:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return f"{year:04d}-{month + 1:02d}-01"


def _pct(change: Decimal, base: Decimal) -> str:
    return "—" if not base else f"{change / base * 100:+.1f}%"


def totals(ledger: Ledger, scope: Scope) -> list[dict[str, Any]]:
    """Per currency: effective cost of the month, of the month before, and the change."""
    rows = analytics.costs(
        ledger, by=["month"], start=str(scope.previous), end=str(scope.end), filters=scope.filters
    )
    out = []
    for currency in sorted({r["currency"] for r in rows}):
        now = sum(
            (
                r["effective_cost"]
                for r in rows
                if r["currency"] == currency and str(r["month"])[:7] == scope.month
            ),
            Decimal(0),
        )
        before = sum(
            (
                r["effective_cost"]
                for r in rows
                if r["currency"] == currency and str(r["month"])[:7] != scope.month
            ),
            Decimal(0),
        )
        out.append(
            {
                "currency": currency,
                "month": _money(now),
                "previous": _money(before),
                "change": _money(now - before),
                "change_pct": _pct(now - before, before),
            }
        )
    return out


def _movers(ledger: Ledger, scope: Scope, by: str) -> tuple[Table, str, str]:
    command = f"infracast movers --period {scope.month} --by {by}{scope.flag}"
    try:
        found = analytics.top_movers(
            ledger, by=[by], period=scope.month, n=8, filters=scope.filters
        )
    except InfracastError as exc:
        return Table([]), command, f"Top movers by {by}: {exc.message}"
    rows = [
        {**r, "change_pct": "—" if r["change_pct"] is None else f"{r['change_pct']:+.1f}%"}
        for r in found.rows
    ]
    caption = f"Top movers by {by}: {found.current.label} vs {found.previous.label}"
    return Table(_fmt_table(rows, ("current", "previous", "change")), caption), command, ""


def spend_sections(ledger: Ledger, scope: Scope) -> list[ReportSection]:
    """Spend and its changes, then cost by category, provider and team."""
    f, window = scope.filters, f"--from {scope.start} --to {scope.end}"
    since = _months_before(scope.start, TREND_MONTHS - 1)
    trend = analytics.costs(
        ledger, by=["month", "cost_category"], start=since, end=str(scope.end), filters=f
    )
    by_service, service_cmd, service_note = _movers(ledger, scope, "service")
    second = "project" if scope.team else "team"
    by_second, second_cmd, second_note = _movers(ledger, scope, second)
    spend = ReportSection(
        "spend",
        f"Spend in {scope.label} and what changed",
        (
            f"infracast costs --by month,cost_category --from {since} --to {scope.end}{scope.flag}",
            service_cmd,
            second_cmd,
        ),
        figures=(
            charts.stacked_bars(
                trend,
                "month",
                "cost_category",
                "effective_cost",
                f"Effective cost by month and category, {TREND_MONTHS} "
                "months to the report's month",
                "cost",
            ),
        ),
        tables=tuple(t for t in (by_service, by_second) if t.rows),
        notes=tuple(n for n in (service_note, second_note) if n),
    )
    categories = analytics.costs(
        ledger, by=["cost_category"], start=str(scope.start), end=str(scope.end), filters=f
    )
    category = ReportSection(
        "category",
        "Cost by category",
        (f"infracast costs --by cost_category {window}{scope.flag}",),
        figures=(
            charts.horizontal_bars(
                [r["cost_category"] or "(none)" for r in categories],
                [r["effective_cost"] for r in categories],
                "Effective cost by category",
                "cost",
            ),
        ),
        tables=(Table(_fmt_table(categories, ("billed_cost", "effective_cost"))),),
        notes=(
            "People and licences are cost categories of their own here (people, "
            "software), not providers.",
        ),
    )
    providers = analytics.costs(
        ledger,
        by=["provider"],
        start=str(scope.start),
        end=str(scope.end),
        filters=[*f, PROVIDER_FILTER],
    )
    manual = analytics.costs(
        ledger,
        by=["cost_category"],
        start=str(scope.start),
        end=str(scope.end),
        filters=[*f, "source=manual"],
    )
    provider = ReportSection(
        "provider",
        "Cost by provider: clouds and on-prem",
        (
            f"infracast costs --by provider -F {PROVIDER_FILTER} {window}{scope.flag}",
            f"infracast costs --by cost_category -F source=manual {window}{scope.flag}",
        ),
        figures=(
            charts.horizontal_bars(
                [r["provider"] or "(none)" for r in providers],
                [r["effective_cost"] for r in providers],
                "Effective cost by provider (cloud bills and on-prem hardware)",
                "cost",
            ),
        )
        if providers
        else (),
        tables=(
            Table(_fmt_table(providers, ("billed_cost", "effective_cost"))),
            Table(
                _fmt_table(manual, ("billed_cost", "effective_cost")),
                "Manual entries (people, licences, contracts) by cost category",
            ),
        ),
        notes=(PROVIDER_NOTE,),
    )
    return [spend, category, provider, _team_section(ledger, scope)]


def _team_section(ledger: Ledger, scope: Scope) -> ReportSection:
    shown = analytics.showback(ledger, start=str(scope.start), end=str(scope.end))
    if scope.team is not None:
        shown = shown.for_team(scope.team)
    rows = [
        {
            "team": r["team"] or r["line"].replace("_", " "),
            "currency": r["currency"],
            "direct": r["direct"],
            "gpu_allocated": r["gpu_allocated"],
            "shared": r["shared"],
            "idle": r["idle"],
            "total": r["total"],
        }
        for r in shown.rows
    ]
    note = (
        "Teams plus the unallocated lines add up exactly to the month's total."
        if scope.team is None
        else f"Team {scope.team}'s line: its direct cost, the GPU time it held and its share "
        "of shared cost (split over all teams)."
    )
    return ReportSection(
        "team",
        "Cost by team (showback)",
        (f"infracast showback --from {scope.start} --to {scope.end}",),
        figures=(
            charts.horizontal_bars(
                [r["team"] for r in rows],
                [r["total"] for r in rows],
                "Total per team (shared cost split proportionally)",
                "cost",
            ),
        ),
        tables=(Table(_fmt_table(rows, ("direct", "gpu_allocated", "shared", "idle", "total"))),),
        notes=(note,),
    )


def forecast_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """The cost of the next months, forecast from the data up to the month's end."""
    command = (
        f"infracast forecast --freq MS --horizon {FORECAST_MONTHS} --to {scope.end}{scope.flag}"
    )
    title = f"Forecast of the next {FORECAST_MONTHS} months"
    try:
        made = forecast_costs(
            ledger,
            horizon=FORECAST_MONTHS,
            freq="MS",
            level=FORECAST_LEVELS,
            end=str(scope.end),
            filters=scope.filters,
            store_it=False,
        )
    except InfracastError as exc:
        return ReportSection("forecast", title, (command,), notes=(exc.message,))
    ahead = made.forecast.sort_values("ds")
    history = made.history
    since = _months_before(scope.start, TREND_MONTHS - 1)
    past = history[history["ds"] >= since].sort_values("ds") if history is not None else None
    fig = go.Figure()
    for lv, alpha in ((95, 0.15), (80, 0.3)):
        fig.add_scatter(
            x=[*ahead["ds"], *reversed(list(ahead["ds"]))],
            y=[*ahead[f"hi{lv}"], *reversed(list(ahead[f"lo{lv}"]))],
            fill="toself",
            fillcolor=f"rgba(37,99,235,{alpha})",
            mode="none",
            name=f"{lv}% interval",
            hoverinfo="skip",
        )
    if past is not None and not past.empty:
        fig.add_scatter(
            x=past["ds"],
            y=past["y"],
            mode="lines+markers",
            name="actual",
            line={"color": "#64748b"},
        )
    fig.add_scatter(
        x=ahead["ds"],
        y=ahead["yhat"],
        mode="lines+markers",
        name="forecast",
        line={"color": "#2563eb", "dash": "dash"},
    )
    charts.month_axis(fig)
    fig.update_traces(xperiodalignment="start")
    charts.style(fig, "Effective cost per month: actual and forecast with intervals", "cost")
    rows = [
        {
            "month": f"{r['ds']:%b %Y}",
            "forecast": _money(r["yhat"]),
            "lo80": _money(r["lo80"]),
            "hi80": _money(r["hi80"]),
            "lo95": _money(r["lo95"]),
            "hi95": _money(r["hi95"]),
            "model": r["model"],
        }
        for r in ahead.to_dict(orient="records")
    ]
    choice = "; ".join(f"{c['unique_id']}: {c['model']} ({c['reason']})" for c in made.choices)
    return ReportSection(
        "forecast",
        title,
        (command,),
        figures=(fig,),
        tables=(Table(rows),),
        notes=(f"Model chosen by backtest: {choice}.", *made.notes),
    )
