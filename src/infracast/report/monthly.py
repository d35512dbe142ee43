"""The monthly report: one calendar month of spend, forecast, budgets, earned value, plans,
GPU idle cost, anomalies and recommendations, for the company or one team.

:func:`monthly_report` computes it as plain data (sections of figures, tables and
notes, each naming the command that reproduces it, from the same library functions
those commands call); :func:`write_monthly_report` writes it as one self-contained
HTML page (plotly.js inlined once) and, with ``pdf``, prints that page to PDF.

A month without charges in scope is an error naming the ledger's first and last month
(a report of nothing would be mistaken for a month that cost nothing). Budgets are
evaluated at the end of the month as ``infracast budget status --as-of`` does, so an
alert a threshold crossing raises is stored, as that command stores it (no webhook
is called).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from infracast import __version__, analytics
from infracast.errors import did_you_mean
from infracast.ledger.connection import Ledger
from infracast.report.exceptions import ReportError

MONTH_PATTERN = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Table:
    """Rows to show (values already formatted), with an optional caption."""

    rows: list[dict[str, Any]]
    caption: str = ""


@dataclass(frozen=True)
class ReportSection:
    """One block of the report: what it shows and the commands that reproduce it."""

    key: str
    title: str
    commands: tuple[str, ...]
    figures: tuple[go.Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    """The month (``[start, end)``, UTC) and the team the report is about."""

    month: str
    start: date
    end: date
    previous: date  # the first day of the month before
    team: str | None = None

    @property
    def filters(self) -> list[str]:
        """The charge filters of the scope: the team's, if any."""
        return [] if self.team is None else [f"team={self.team}"]

    @property
    def flag(self) -> str:
        """The scope as a command-line flag to append to a command."""
        return "" if self.team is None else f" -F team={self.team}"

    @property
    def period(self) -> str:
        return f"--from {self.start} --to {self.end}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        return self.start.strftime("%B %Y")


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly report as data: totals per currency and the sections."""

    scope: Scope
    totals: list[dict[str, Any]]
    sections: tuple[ReportSection, ...]
    notes: tuple[str, ...] = field(default=())

    def section(self, key: str) -> ReportSection:
        """The section named ``key`` (``spend``, ``category``, ``provider``, ``team``,
        ``forecast``, ``budgets``, ``earned_value``, ``plans``, ``gpu``, ``anomalies``,
        ``recommendations``)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def parse_month(month: str) -> tuple[date, date, date]:
    """``YYYY-MM`` as (first day, first day of the next month, first day of the one
    before); a :class:`ReportError` for anything else."""
    found = MONTH_PATTERN.fullmatch(str(month).strip())
    if found is None:
        raise ReportError(
            f"--month {month!r} is not a month: expected the form YYYY-MM.",
            hint="Give the year and month, e.g. --month 2026-05.",
            field="month",
        )
    year, number = int(found.group(1)), int(found.group(2))
    start = date(year, number, 1)
    end = date(year + number // 12, number % 12 + 1, 1)
    previous = date(year - (number == 1), (number - 2) % 12 + 1, 1)
    return start, end, previous


def month_scope(ledger: Ledger, month: str, team: str | None = None) -> Scope:
    """The scope of a report, checked: a well-formed month, a team the ledger knows, and
    charges in that month (else a :class:`ReportError` naming the months that have some)."""
    start, end, previous = parse_month(month)
    filters = []
    if team is not None:
        teams = sorted(str(r["team"]) for r in analytics.costs(ledger, by=["team"]) if r["team"])
        if team not in teams:
            raise ReportError(
                f"no charges carry team {team!r}.{did_you_mean(team, teams)}",
                hint=f"Teams in the ledger: {', '.join(teams) or 'none'} "
                "(infracast costs --by team).",
                field="team",
            )
        filters = [f"team={team}"]
    if not analytics.costs(ledger, start=str(start), end=str(end), filters=filters):
        months = [
            str(r["month"])[:7] for r in analytics.costs(ledger, by=["month"], filters=filters)
        ]
        whose = "" if team is None else f" of team {team}"
        span = f"from {min(months)} to {max(months)}" if months else "nowhere: the ledger is empty"
        raise ReportError(
            f"there are no charges{whose} in {start:%Y-%m}; the charges{whose} run {span}.",
            hint="Pick a month with charges, or ingest that month's bills first "
            "(infracast ingest FILE).",
            field="month",
        )
    return Scope(f"{start:%Y-%m}", start, end, previous, team)


def monthly_report(ledger: Ledger, month: str, team: str | None = None) -> MonthlyReport:
    """The monthly report of ``month`` (``YYYY-MM``), of the whole company or of ``team``
    only (its charges, showback line, budgets, anomalies and recommendations; projects
    and plans are not team-scoped and are left out, with a note)."""
    from infracast.report import monthly_control, monthly_spend

    scope = month_scope(ledger, month, team)
    totals = monthly_spend.totals(ledger, scope)
    sections = (
        *monthly_spend.spend_sections(ledger, scope),
        monthly_spend.forecast_section(ledger, scope),
        *monthly_control.control_sections(ledger, scope),
    )
    notes: tuple[str, ...] = ()
    if team is not None:
        notes = (f"Scoped to team {team}: every figure counts that team's charges only.",)
    return MonthlyReport(scope, totals, sections, notes)


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("infracast.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)
CHART_WIDTH = 680  # px: fits an A4 page between 15 mm margins, as on screen


def figure_html(fig: go.Figure) -> str:
    """A figure as an HTML fragment drawn by the page's one inline plotly.js."""
    fig.update_layout(width=CHART_WIDTH)
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "displayModeBar": False},
        )
    )


def render_html(report: MonthlyReport, ledger_path: str) -> str:
    """The report as one self-contained HTML page."""
    scope = report.scope
    title = f"infracast monthly report: {scope.label}" + (
        f", team {scope.team}" if scope.team else ""
    )
    return _TEMPLATES.get_template("monthly.html").render(
        title=title,
        scope=scope,
        report=report,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        ledger=ledger_path,
        figure_html=figure_html,
        plotlyjs=get_plotlyjs(),
    )


def write_monthly_report(
    ledger: Ledger,
    out: str | Path,
    month: str,
    team: str | None = None,
    pdf: bool = False,
) -> list[Path]:
    """Write the monthly report to ``out`` (HTML) and, with ``pdf``, beside it as ``.pdf``
    (headless Chromium, :func:`~infracast.report.pdf.html_to_pdf`); the paths written."""
    report = monthly_report(ledger, month, team)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, str(ledger.path)), encoding="utf-8")
    written = [path]
    if pdf:
        from infracast.report.pdf import html_to_pdf

        written.append(html_to_pdf(path, path.with_suffix(".pdf")))
    return written
