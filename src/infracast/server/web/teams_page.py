"""The Teams page: showback, every charge of a period assigned to a team or shown as
unallocated (:func:`infracast.analytics.showback`, as ``GET /api/v1/showback`` does).

Over the last 12 months with charges by default (:func:`.overview.window`), or the months
``?from=YYYY-MM&to=YYYY-MM`` (both included): a stacked bar per team of its direct cost,
the GPU cost allocated to it by held GPU time and its share of shared cost, beside the
unallocated idle GPU and shared lines, and the same rows as a table. The shares are
computed over every team; a user scoped to a team (or the page's ``?team=``) sees that
team's line only (``Showback.for_team``), as the API gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from infracast import analytics
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from infracast.server.app import LedgerDep, Principal
from infracast.server.web import overview
from infracast.server.web.auth import PageUser
from infracast.server.web.render import PALETTE, Chart, layout, page

router = APIRouter(include_in_schema=False)

KINDS: tuple[tuple[str, str, str], ...] = (
    ("direct", "Direct", PALETTE[0]),
    ("gpu_allocated", "GPU allocated", PALETTE[1]),
    ("shared", "Shared", PALETTE[2]),
    ("idle", "Unallocated idle GPU", "#9aa5b1"),
)


@dataclass
class Teams:
    """What the Teams page shows: the months, the chart, the showback rows and totals."""

    start: datetime | None
    end: datetime | None
    charts: list[Chart] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)
    command: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def last_month(self) -> str:
        """The last month shown (``end`` is the first day after it)."""
        return "" if self.end is None else f"{overview._months_back(self.end, 1):%B %Y}"

    @property
    def last_month_iso(self) -> str:
        """The last month shown as ``YYYY-MM`` (the form's ``to``)."""
        return "" if self.end is None else f"{overview._months_back(self.end, 1):%Y-%m}"


def month(value: str | None, name: str) -> datetime | None:
    """A ``YYYY-MM`` query value as the first of its month (None when empty)."""
    if not value:
        return None
    try:
        return datetime.strptime(value[:7], "%Y-%m")
    except ValueError:
        raise QueryError(
            f"{name}={value!r} is not a month", hint=f"give {name} as YYYY-MM, e.g. 2026-01"
        ) from None


def months(
    ledger: Ledger, user: Principal, start: str | None, end: str | None
) -> tuple[datetime | None, datetime | None]:
    """``[start, end)`` of the months ``start`` to ``end`` (both included), the missing one
    from the default window (the last 12 months with charges)."""
    lo, last = month(start, "from"), month(end, "to")
    hi = None if last is None else overview._months_back(last, -1)
    if lo is None or hi is None:
        default_lo, default_hi = overview.window(ledger, user)
        lo, hi = lo or default_lo, hi or default_hi
    if lo is not None and hi is not None and lo >= hi:
        raise QueryError(
            f"from={lo:%Y-%m} is after to={overview._months_back(hi, 1):%Y-%m}",
            hint="choose a first month no later than the last",
        )
    return lo, hi


def teams(
    ledger: Ledger,
    user: Principal,
    start: str | None = None,
    end: str | None = None,
    team: str | None = None,
) -> Teams:
    """Showback of the months ``start`` to ``end`` (``YYYY-MM``, both included; default the
    last 12 with charges) as ``user`` may see it, of ``team``'s line only if given."""
    user = overview.as_team(user, team)
    lo, hi = months(ledger, user, start, end)
    result = Teams(lo, hi)
    if lo is None or hi is None:
        result.notes.append(
            "The ledger has no charges yet: ingest a FOCUS bill (infracast ingest FILE, or "
            "the Data page) or run make demo."
        )
        return result
    found = analytics.showback(ledger, start=lo, end=hi)
    if user.team is not None:
        found = found.for_team(user.team)
    result.command = f"infracast showback --from {lo:%Y-%m-%d} --to {hi:%Y-%m-%d}"
    result.notes.extend(found.notes)
    result.rows = found.named_rows()
    result.totals = [{"currency": c, "total": t} for c, t in sorted(found.totals.items())]
    currency = overview.main_currency([{"currency": r["currency"], "effective_cost": r["total"]}
                                       for r in result.rows])  # fmt: skip
    if currency is None:
        result.notes.append("No charges in these months.")
        return result
    others = sorted({r["currency"] for r in result.rows} - {currency})
    if others:
        result.notes.append(f"The chart shows {currency}; also charged in {', '.join(others)}.")
    result.charts.append(_stacked(result.rows, currency, result.command))
    return result


def _stacked(rows: list[dict[str, Any]], currency: str, command: str) -> Chart:
    """One stacked bar per team (then the unallocated lines): direct, GPU allocated, shared
    and idle, the costliest on top."""
    rows = [r for r in rows if r["currency"] == currency]
    rows = sorted((r for r in rows if r["line"] == "team"), key=lambda r: -Decimal(r["total"])) + [
        r for r in rows if r["line"] != "team"
    ]
    names = [str(r["team"]) for r in rows]
    data = [
        {
            "type": "bar", "orientation": "h", "name": label, "y": names,
            "x": [float(r[key]) for r in rows], "marker": {"color": color},
            "hovertemplate": "%{x:,.0f} " + currency + f"<extra>{label}</extra>",
        }
        for key, label, color in KINDS
        if any(r[key] for r in rows)
    ]  # fmt: skip
    height = max(220, 80 + 34 * len(rows))
    figure = {"data": data, "layout": layout(
        barmode="stack", margin={"l": 170}, hovermode="closest", height=height,
        yaxis={"autorange": "reversed"}, xaxis={"title": {"text": currency}},
    )}  # fmt: skip
    note = ("Direct: charges that name the team. GPU allocated: untagged GPU cost split by "
            "the GPU time each team's samples held. Shared: untagged cost split in "
            "proportion to the teams' direct and GPU cost.")  # fmt: skip
    return Chart("showback", f"Cost per team ({currency})", figure, command, note)


@router.get("/teams")
def teams_page(
    request: Request,
    user: PageUser,
    ledger: LedgerDep,
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    team: str | None = None,
) -> Response:
    """Teams: showback per team of a range of months (of one team with ``?team=``)."""
    data = teams(ledger, user, start=start, end=end, team=team)
    return page(request, "teams.html", title="Teams", data=data,
                teams=overview.teams(ledger, user), team=team or user.team)  # fmt: skip
