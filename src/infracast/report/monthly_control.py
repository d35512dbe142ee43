"""The control sections of the monthly report: budgets and alerts at the month's end,
earned value of projects, plans against actual, GPU idle cost, anomalies and the top
recommendations. Each comes from the library function of the command it names, read
only: anomalies are not stored or alerted, recommendations are listed without a rerun."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from infracast import analytics
from infracast.control.anomalies import anomalies, driver_text
from infracast.control.budgets import budget_status, list_alerts
from infracast.control.plans import compare_plans
from infracast.control.projects import list_projects, project_status
from infracast.errors import InfracastError
from infracast.ledger.connection import Ledger
from infracast.recommend import recommend
from infracast.report.monthly import ReportSection, Scope, Table
from infracast.report.summary import NO_GPU_NOTE, _fmt_table, _money

NOT_TEAM_SCOPED = "projects and plans are not team-scoped; left out of a team's report"
TOP_RECOMMENDATIONS = 10


def control_sections(ledger: Ledger, scope: Scope) -> list[ReportSection]:
    """Budgets, earned value, plans, GPU, anomalies and recommendations, in that order."""
    return [
        budgets_section(ledger, scope),
        earned_value_section(ledger, scope),
        plans_section(ledger, scope),
        gpu_section(ledger, scope),
        anomalies_section(ledger, scope),
        recommendations_section(ledger, scope),
    ]


def _as_of(scope: Scope) -> str:
    return f"{scope.last_day}T23:59:59"  # the month's last second: its period, not the next


def budgets_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """Each budget's status at the end of the month, and the alerts of its period."""
    found = budget_status(ledger, as_of=_as_of(scope), notify=False, team=scope.team)
    rows = [
        {
            "budget": s.budget,
            "period": "—" if s.period is None else f"{s.period.start} to {s.period.end}",
            "currency": s.currency,
            "amount": _money(s.amount),
            "actual": _money(s.actual),
            "forecast": _money(s.forecast),
            "status": s.status,
            "overrun_probability": "—"
            if s.overrun_probability is None
            else f"{s.overrun_probability * 100:.0f}%",
        }
        for s in found
    ]
    alerts = [
        {
            "budget": a.budget,
            "period": f"{a.period_start} to {a.period_end}",
            "kind": a.kind,
            "threshold": f"{a.threshold_pct}%",
            "message": a.message,
        }
        for a in list_alerts(ledger, team=scope.team)
        if a.period_start < scope.end and a.period_end > scope.start
    ]
    notes = [f"{s.budget}: {n}" for s in found for n in s.notes]
    if not found:
        notes.append(
            "No budgets"
            + (f" of team {scope.team}" if scope.team else "")
            + " are set: infracast budget set NAME --amount … ."
        )
    if not alerts:
        notes.append("No alert was raised for a period that covers this month.")
    if scope.team:
        notes.append(f"Only team {scope.team}'s budgets: those whose scope is its charges alone.")
    return ReportSection(
        "budgets",
        "Budgets and alerts",
        (f"infracast budget status --as-of {_as_of(scope)}", "infracast budget alerts"),
        tables=tuple(
            t
            for t in (Table(rows), Table(alerts, "Alerts of the periods that cover this month"))
            if t.rows
        ),
        notes=tuple(notes),
    )


def earned_value_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """PV, EV, AC, CPI, SPI and EAC of every project at the month's last day."""
    day = str(scope.last_day)
    title = "Projects: earned value"
    if scope.team:
        return ReportSection("earned_value", title, (), notes=(NOT_TEAM_SCOPED,))
    rows, notes = [], []
    for p in list_projects(ledger):
        try:
            m = project_status(ledger, p.project, day).earned.metrics
        except InfracastError as exc:
            notes.append(f"{p.project}: {exc.message}")
            continue
        rows.append(
            {
                "project": p.project,
                "currency": m.currency,
                "bac": m.bac,
                "pv": m.pv,
                "ev": m.ev,
                "ac": m.ac,
                "cv": m.cv,
                "sv": m.sv,
                "cpi": _ratio(m.cpi),
                "spi": _ratio(m.spi),
                "eac": m.eac,
            }
        )
    if not rows and not notes:
        notes.append("No projects are tracked: infracast project add FILE.yaml.")
    notes.append(
        "CPI = EV / AC and SPI = EV / PV (above 1: under budget, ahead of plan); EAC = BAC / CPI."
    )
    return ReportSection(
        "earned_value",
        title,
        tuple(f"infracast project status {r['project']} --as-of {day}" for r in rows),
        tables=(Table(_fmt_table(rows, ("bac", "pv", "ev", "ac", "cv", "sv", "eac"))),),
        notes=tuple(notes),
    )


def _ratio(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def plans_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """Every plan's charges planned to the month's end against what was spent."""
    title = "Plans against actual"
    command = f"infracast plan compare --by project --as-of {scope.end}"
    if scope.team:
        return ReportSection("plans", title, (), notes=(NOT_TEAM_SCOPED,))
    try:
        compared = compare_plans(ledger, by=["project"], as_of=str(scope.end))
    except InfracastError as exc:
        return ReportSection("plans", title, (command,), notes=(exc.message,))
    rows = [
        {**r.to_dict(), "variance_pct": "—" if r.variance_pct is None else f"{r.variance_pct}%"}
        for r in compared.rows
    ]
    return ReportSection(
        "plans",
        title,
        (command,),
        tables=(Table(_fmt_table(rows, ("planned", "actual", "variance"))),),
        notes=(
            f"Plans: {', '.join(compared.plans)}; planned to {scope.end} (exclusive).",
            *compared.notes,
        ),
    )


def gpu_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """GPU-hours, utilization and the cost of idle GPU time, by GPU type."""
    command = f"infracast gpu --by gpu_type {scope.period}{scope.flag}"
    found = analytics.gpu_efficiency(
        ledger, by=["gpu_type"], start=str(scope.start), end=str(scope.end), filters=scope.filters
    )
    title = "GPU efficiency and idle cost"
    if not found:
        note = NO_GPU_NOTE.replace("in this period", "in this month")
        return ReportSection("gpu", title, (command,), notes=(note,))
    keys = (
        "gpu_type",
        "currency",
        "gpu_hours",
        "cost",
        "utilization",
        "cost_per_useful_gpu_hour",
        "idle_cost",
        "unmeasured_cost",
    )
    rows = [{k: r[k] for k in keys} for r in found]
    idle = sum((r["idle_cost"] or Decimal(0) for r in found), Decimal(0))
    return ReportSection(
        "gpu",
        title,
        (command,),
        tables=(
            Table(
                _fmt_table(
                    rows, ("cost", "cost_per_useful_gpu_hour", "idle_cost", "unmeasured_cost")
                )
            ),
        ),
        notes=(
            f"Idle GPU time cost {_money(idle)} this month (cost × (1 − utilization) of "
            "the measured charges); charges without usage samples are unmeasured, not "
            "guessed.",
        ),
    )


def anomalies_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """Days of the month whose usage cost the past does not explain (not stored here)."""
    command = f"infracast anomalies {scope.period}{scope.flag}"
    title = "Anomalies"
    try:
        scan = anomalies(
            ledger,
            start=str(scope.start),
            end=str(scope.end),
            filters=scope.filters,
            store_it=False,
        )
    except InfracastError as exc:
        return ReportSection("anomalies", title, (command,), notes=(exc.message,))
    rows: list[dict[str, Any]] = [
        {
            "series": r["unique_id"],
            "day": str(r["ds"])[:10],
            "cost": _money(r["y"]),
            "expected": _money(r["expected"]),
            "score": f"{r['score']:+.1f}",
            "top drivers": driver_text(r.get("drivers"), top=2),
        }
        for r in scan.to_json()
    ]
    notes = [] if rows else ["No anomalies in this month."]
    notes.append("Read only: the report neither stores nor alerts them (the command does).")
    return ReportSection(
        "anomalies", title, (command,), tables=(Table(rows),), notes=(*notes, *scan.notes)
    )


def recommendations_section(ledger: Ledger, scope: Scope) -> ReportSection:
    """The top stored recommendations by expected monthly savings (the rules are not rerun)."""
    team = "" if scope.team is None else f" --team {scope.team}"
    found = recommend(ledger, team=scope.team, refresh=False)[:TOP_RECOMMENDATIONS]
    rows = [
        {
            "id": r.id,
            "kind": r.kind,
            "title": r.title,
            "team": r.team or "(none)",
            "monthly_savings": _money(r.expected_monthly_savings),
            "status": r.status,
        }
        for r in found
    ]
    notes = (
        []
        if rows
        else ["No recommendations are stored: run infracast recommend to look for savings."]
    )
    return ReportSection(
        "recommendations",
        "Top recommendations",
        (f"infracast recommend{team}",),
        tables=(Table(rows),),
        notes=(*notes, "As stored in the ledger; the report does not rerun the rules."),
    )
