"""The HTML summary of a ledger: one self-contained page with charts, print-ready.

Everything on it comes from the analytics functions, so each figure can be
reproduced with the matching CLI command (named under each section).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from plotly.offline import get_plotlyjs

from infracast import __version__, analytics
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from infracast.ledger.quarantine import quarantine_summary
from infracast.ledger.records import list_ingests
from infracast.report import charts


@dataclass(frozen=True)
class Section:
    """One block of the page: a title, a figure or a table, and the command behind it."""

    title: str
    command: str
    figure_html: str = ""
    table: list[dict[str, Any]] | None = None
    note: str = ""


# Manual entries (people, licences, contracts) are not a provider of compute: next to the
# clouds they would dwarf them, so provider charts show cloud bills and on-prem assets only.
PROVIDER_FILTER = "source!=manual"
PROVIDER_NOTE = (
    "Cloud bills and on-prem hardware only: manual entries (people, licences, contracts) "
    "are left out of this chart and shown by cost category instead."
)
NO_GPU_NOTE = (
    "No GPU charges in this period. To see GPU efficiency and idle cost, ingest GPU "
    "charges (infracast ingest BILL) and usage samples (infracast ingest dcgm/ --kind usage)."
)


def _money(value: Any) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"


def _fmt_table(rows: list[dict[str, Any]], money: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        shown: dict[str, Any] = {}
        for key, value in row.items():
            if key in money:
                shown[key] = _money(value)
            elif isinstance(value, float):
                shown[key] = f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
            else:
                shown[key] = "(none)" if value is None else value
        out.append(shown)
    return out


def _fig(fig: Any) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False}))


def build_sections(
    ledger: Ledger, start: str | None = None, end: str | None = None
) -> list[Section]:
    """The sections of the summary, computed from the ledger."""
    sections: list[Section] = []
    monthly = analytics.costs(
        ledger, by=["month", "provider"], start=start, end=end, filters=[PROVIDER_FILTER]
    )
    sections.append(
        Section(
            "Monthly cost by provider (effective, amortized)",
            f"infracast costs --by month,provider -F {PROVIDER_FILTER}",
            _fig(
                charts.stacked_bars(
                    monthly,
                    "month",
                    "provider",
                    "effective_cost",
                    "Effective cost by month and provider",
                    "cost",
                )
            ),
            note=PROVIDER_NOTE,
        )
    )
    daily = analytics.costs(
        ledger,
        by=["day", "provider"],
        start=start,
        end=end,
        filters=["source=focus", "charge_category=Usage"],
    )
    sections.append(
        Section(
            "Daily cloud usage cost by provider",
            "infracast costs --by day,provider -F source=focus -F charge_category=Usage",
            _fig(
                charts.stacked_bars(
                    daily,
                    "day",
                    "provider",
                    "effective_cost",
                    "Effective cost of cloud usage per day",
                    "cost",
                )
            ),
            note="Usage charges of the cloud bills only (no purchases, no monthly items), "
            "so a spike is a change in what ran: the place to look for anomalies.",
        )
    )
    categories = analytics.costs(ledger, by=["cost_category"], start=start, end=end)
    sections.append(
        Section(
            "Cost by category",
            "infracast costs --by cost_category",
            _fig(
                charts.horizontal_bars(
                    [r["cost_category"] or "(none)" for r in categories],
                    [r["effective_cost"] for r in categories],
                    "Effective cost by category",
                    "cost",
                )
            ),
        )
    )
    show = analytics.showback(ledger, start=start, end=end)
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
        for r in show.rows
    ]
    sections.append(
        Section(
            "Showback by team",
            "infracast showback",
            _fig(
                charts.horizontal_bars(
                    [r["team"] for r in rows],
                    [r["total"] for r in rows],
                    "Total per team (shared cost split proportionally)",
                    "cost",
                )
            ),
            table=_fmt_table(rows, ("direct", "gpu_allocated", "shared", "idle", "total")),
            note="Teams plus the unallocated lines add up exactly to the total.",
        )
    )
    gpu = analytics.gpu_efficiency(ledger, by=["gpu_type"], start=start, end=end)
    sections.append(
        Section(
            "GPU efficiency",
            "infracast gpu --by gpu_type",
            table=_fmt_table(
                [
                    {
                        k: r[k]
                        for k in (
                            "gpu_type",
                            "currency",
                            "gpu_hours",
                            "cost",
                            "cost_per_gpu_hour",
                            "utilization",
                            "cost_per_useful_gpu_hour",
                            "idle_cost",
                            "unmeasured_cost",
                        )
                    }
                    for r in gpu
                ],
                (
                    "cost",
                    "cost_per_gpu_hour",
                    "cost_per_useful_gpu_hour",
                    "idle_cost",
                    "unmeasured_cost",
                ),
            ),
            note="Utilization is measured from GPU usage samples; charges without samples "
            "are counted as unmeasured, not guessed."
            if gpu
            else NO_GPU_NOTE,
        )
    )
    try:
        movers = analytics.top_movers(ledger, by=["service"], n=8, filters=["source=focus"])
        sections.append(
            Section(
                f"Top movers: {movers.current.label} vs {movers.previous.label}",
                "infracast movers --by service --filter source=focus",
                table=_fmt_table(movers.rows, ("current", "previous", "change")),
            )
        )
    except QueryError as exc:
        sections.append(Section("Top movers", "infracast movers", note=exc.message))
    saved = analytics.savings(ledger, by=["provider"], start=start, end=end)
    sections.append(
        Section(
            "Savings (FOCUS definitions)",
            "infracast savings --by provider",
            table=_fmt_table(
                [
                    {
                        k: r[k]
                        for k in (
                            "provider",
                            "currency",
                            "list_cost",
                            "effective_cost",
                            "negotiated_savings",
                            "commitment_savings",
                            "total_savings",
                            "savings_rate_pct",
                        )
                    }
                    for r in saved
                ],
                (
                    "list_cost",
                    "effective_cost",
                    "negotiated_savings",
                    "commitment_savings",
                    "total_savings",
                ),
            ),
        )
    )
    held = quarantine_summary(ledger)
    sections.append(
        Section(
            "Data quality: quarantined rows",
            "infracast quarantine list",
            table=[
                {
                    "ingest": g.ingest_id,
                    "file": Path(g.source).name,
                    "reason": g.reason,
                    "rows": g.rows,
                    "resolved": g.resolved,
                    "example": g.example,
                }
                for g in held
            ],
            note="" if held else "Nothing is in quarantine.",
        )
    )
    return sections


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("infracast.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def default_window(ledger: Ledger) -> tuple[str | None, str | None]:
    """The last 12 months of the ledger: from the first day of the month 11 months
    before the latest charge's month, to the end of that month."""
    return last_months(analytics.coverage(ledger))


def last_months(covered: analytics.Coverage, months: int = 12) -> tuple[str | None, str | None]:
    """``[start, end)`` of the ``months`` months up to the latest charge's month (UTC)."""
    last = covered.latest_start
    if last is None:
        return None, None
    first_year, first_month = divmod(last.year * 12 + last.month - months, 12)
    end_year, end_month = divmod(last.year * 12 + last.month, 12)
    return (
        f"{first_year:04d}-{first_month + 1:02d}-01",
        f"{end_year:04d}-{end_month + 1:02d}-01",
    )


def write_summary(
    ledger: Ledger,
    out: Path,
    *,
    start: str | None = None,
    end: str | None = None,
    title: str = "infracast summary",
) -> Path:
    """Write the summary page to ``out`` (one HTML file, plotly.js inline) and return it.

    Without ``start`` and ``end`` it covers the last 12 months of the ledger.
    """
    covered = analytics.coverage(ledger)
    if start is None and end is None:
        start, end = last_months(covered)
    totals = analytics.costs(ledger, start=start, end=end)
    ingests = list_ingests(ledger.con)
    html = _TEMPLATES.get_template("summary.html").render(
        title=title,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        ledger=str(ledger.path),
        charges=covered.charges,
        first=covered.first,
        last=covered.last,
        start=start,
        end=end,
        totals=[
            {
                "currency": t["currency"],
                "billed": _money(t["billed_cost"]),
                "effective": _money(t["effective_cost"]),
            }
            for t in totals
        ],
        ingests=len(ingests),
        sections=build_sections(ledger, start, end),
        plotlyjs=get_plotlyjs(),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
