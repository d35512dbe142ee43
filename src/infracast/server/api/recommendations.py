"""Recommendations over HTTP: the stored list, running the rules, accepting and dismissing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast.control.users import ForbiddenError
from infracast.ledger.connection import Ledger
from infracast.recommend import accept as accept_rec
from infracast.recommend import dismiss as dismiss_rec
from infracast.recommend import recommend
from infracast.recommend.status import stored
from infracast.server.app import LedgerDep, Principal, UserDep, require
from infracast.server.errors import ROWS, json_response, record

router = APIRouter()


@router.get("/recommendations", tags=["recommendations"], responses=ROWS)
def recommendations(
    user: UserDep,
    ledger: LedgerDep,
    kind: str | None = None,
    team: str | None = None,
    min_savings: Annotated[float | None, Query(ge=0)] = None,
    status: str = "active",
) -> Response:
    """`infracast recommend --stored`: the stored recommendations, ranked by monthly savings
    (a scoped user: its team's only). Running the rules is a write: `POST` (to come)."""
    if user.team is not None:
        team = user.team
    found = recommend(ledger, kind=kind, team=team, min_savings=min_savings, status=status,
                      refresh=False)  # fmt: skip
    return json_response([r.to_dict() for r in found])


@router.post("/recommendations/refresh", tags=["recommendations"], responses=ROWS)
def recommendations_refresh(user: UserDep, ledger: LedgerDep) -> Response:
    """`infracast recommend`: run the rules, store what they find, list it ranked (editors
    and admins; a scoped user: its team's findings)."""
    require(user, "write")
    found = recommend(ledger, team=user.team)
    return json_response([r.to_dict() for r in found])


@router.post(
    "/recommendations/{rec_id}/accept", tags=["recommendations"], responses=record("id", "status")
)
def recommendation_accept(
    user: UserDep,
    ledger: LedgerDep,
    rec_id: str,
    effective: Annotated[date | None, Query(description="When the change took effect.")] = None,
    note: str | None = None,
) -> Response:
    """`infracast recommend accept ID`: its savings are then measured from the ledger."""
    _may_change(user, ledger, rec_id)
    return json_response(accept_rec(ledger, rec_id, effective=effective, note=note).to_dict())


@router.post(
    "/recommendations/{rec_id}/dismiss", tags=["recommendations"], responses=record("id", "status")
)
def recommendation_dismiss(
    user: UserDep, ledger: LedgerDep, rec_id: str, note: str | None = None
) -> Response:
    """`infracast recommend dismiss ID`: later runs keep it dismissed."""
    _may_change(user, ledger, rec_id)
    return json_response(dismiss_rec(ledger, rec_id, note=note).to_dict())


def _may_change(user: Principal, ledger: Ledger, rec_id: str) -> None:
    """An editor or admin, and for a scoped user a recommendation of its own team."""
    require(user, "write")
    if user.team is not None and stored(ledger, rec_id)["team"] != user.team:
        raise ForbiddenError(
            f"recommendation {rec_id} is not {user.team}'s",
            hint="a scoped user changes its own team's recommendations only",
        )
