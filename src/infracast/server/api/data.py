"""The ingest log and the quarantine over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast.cli.common import library_default
from infracast.ledger.quarantine import list_quarantine
from infracast.ledger.records import ingests as ingests_
from infracast.server.app import LedgerDep, UserDep, unscoped
from infracast.server.errors import json_response

router = APIRouter()


@router.get("/ingests", tags=["data"])
def ingests(
    user: UserDep,
    ledger: LedgerDep,
    limit: Annotated[int, Query(ge=1)] = library_default(ingests_, "limit"),
) -> Response:
    """`infracast ingests`: the ingest log, newest first (every team's files: not for a
    user scoped to one team)."""
    unscoped(user, "the ingest log")
    return json_response(ingests_(ledger, limit=limit))


@router.get("/quarantine", tags=["data"])
def quarantine(
    user: UserDep,
    ledger: LedgerDep,
    ingest: int | None = None,
    reason: str | None = None,
    rows: bool = False,
    limit: Annotated[int, Query(ge=1)] = library_default(list_quarantine, "limit"),
) -> Response:
    """`infracast quarantine list`: quarantined rows by ingest and reason, or row by row
    (every team's rows: not for a user scoped to one team)."""
    unscoped(user, "the quarantine")
    return json_response(
        list_quarantine(ledger, ingest_id=ingest, reason=reason, rows=rows, limit=limit)
    )
