"""The page routes: each a few lines over the library, as the signed-in user may see it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast.server.app import LedgerDep
from infracast.server.web.auth import PageUser
from infracast.server.web.overview import overview, teams
from infracast.server.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/")
def overview_page(
    request: Request, user: PageUser, ledger: LedgerDep, team: str | None = None
) -> Response:
    """Overview: spend and its forecast, breakdowns, movers, budgets, recommendations (of
    one team with ``?team=``)."""
    data = overview(ledger, user, team=team)
    return page(request, "overview.html", title="Overview", data=data,
                teams=teams(ledger, user), team=team or user.team)  # fmt: skip
