"""The Optimize page: the stored recommendations, their savings and status, and (for
editors and admins) accepting, dismissing and running the rules.

The same library calls as the API's recommendation routes
(:mod:`infracast.server.api.recommendations`): ``recommend(..., refresh=False)`` with the
user's team for a scoped user; :func:`~infracast.recommend.status.accept` and
:func:`~infracast.recommend.status.dismiss` for an editor or admin, a scoped one on its
own team's recommendations only; ``recommend(ledger, team=...)`` to run the rules. Every
form carries the session's CSRF token and answers with a 303 back to the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from infracast.control.users import ACTIONS
from infracast.ledger.connection import Ledger
from infracast.recommend import STATUSES, recommend
from infracast.recommend import accept as accept_rec
from infracast.recommend import dismiss as dismiss_rec
from infracast.server.api.recommendations import _may_change
from infracast.server.app import LedgerDep, Principal, require
from infracast.server.web.auth import PageUser, check_csrf
from infracast.server.web.render import PALETTE, Chart, layout, page

router = APIRouter(include_in_schema=False)
FILTERS: tuple[str, ...] = ("active", *STATUSES, "all")


@dataclass
class RecommendationsPage:
    """What the Optimize page shows, for one ``status`` filter."""

    status: str
    can_write: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    totals: list[dict[str, str]] = field(default_factory=list)
    command: str = ""


def recommendations_page(
    ledger: Ledger, user: Principal, status: str = "active"
) -> RecommendationsPage:
    """The stored recommendations with ``status`` as ``user`` may see them (a scoped user:
    its team's), ranked by monthly savings, and the savings by kind."""
    found = recommend(ledger, team=user.team, status=status, refresh=False)
    result = RecommendationsPage(status, user.role in ACTIONS["write"])
    result.rows = [r.to_dict() for r in found]
    team = f" --team {user.team}" if user.team else ""
    result.command = f"infracast recommend --stored --status {status}{team}"
    by_currency: dict[str, dict[str, Decimal]] = {}
    for r in found:
        kinds = by_currency.setdefault(r.currency, {})
        kinds[r.kind] = kinds.get(r.kind, Decimal(0)) + r.expected_monthly_savings
    for currency, kinds in sorted(by_currency.items()):
        total = sum(kinds.values(), Decimal(0))
        result.totals.append({"label": f"Savings / month ({currency})", "value": f"{total:,.0f}"})
        result.charts.append(savings_by_kind(kinds, currency, result.command))
    return result


def savings_by_kind(kinds: dict[str, Decimal], currency: str, command: str) -> Chart:
    """Expected monthly savings by kind of recommendation, largest on top."""
    ordered = sorted(kinds.items(), key=lambda kv: kv[1])
    bars = {"type": "bar", "orientation": "h", "x": [float(v) for _, v in ordered],
            "y": [k for k, _ in ordered], "marker": {"color": PALETTE[2]},
            "hovertemplate": "%{x:,.0f} " + currency + "<extra></extra>"}  # fmt: skip
    height = max(200, 60 + 32 * len(ordered))
    look = layout(margin={"l": 170}, hovermode="closest", height=height, xaxis={"title": currency})
    figure = {"data": [bars], "layout": look}
    return Chart(f"savings-{currency.lower()}", f"Monthly savings by kind ({currency})",
                 figure, command)  # fmt: skip


def _back(status: str) -> Response:
    return RedirectResponse(f"/recommendations?status={quote(status)}", status_code=303)


@router.get("/recommendations")
def recommendations_route(
    request: Request, user: PageUser, ledger: LedgerDep, status: str = "active"
) -> Response:
    """Optimize: the stored recommendations with savings and status, filtered by status."""
    data = recommendations_page(ledger, user, status)
    return page(request, "recommendations.html", title="Optimize", data=data, filters=FILTERS)


@router.post("/recommendations/refresh")
def refresh_route(
    request: Request,
    user: PageUser,
    ledger: LedgerDep,
    csrf: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "active",
) -> Response:
    """Run the rules (``infracast recommend``), as ``POST /api/v1/recommendations/refresh``."""
    check_csrf(request, csrf)
    require(user, "write")
    recommend(ledger, team=user.team)
    return _back(back)


@router.post("/recommendations/{rec_id}/accept")
def accept_route(
    request: Request,
    user: PageUser,
    ledger: LedgerDep,
    rec_id: str,
    csrf: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "active",
) -> Response:
    """Accept ``rec_id`` (``infracast recommend accept ID``)."""
    check_csrf(request, csrf)
    _may_change(user, ledger, rec_id)
    accept_rec(ledger, rec_id)
    return _back(back)


@router.post("/recommendations/{rec_id}/dismiss")
def dismiss_route(
    request: Request,
    user: PageUser,
    ledger: LedgerDep,
    rec_id: str,
    csrf: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "active",
) -> Response:
    """Dismiss ``rec_id`` (``infracast recommend dismiss ID``)."""
    check_csrf(request, csrf)
    _may_change(user, ledger, rec_id)
    dismiss_rec(ledger, rec_id)
    return _back(back)
