"""The ingest log, the quarantine, and files uploaded to be ingested, over HTTP.

``POST /api/v1/ingests`` takes one file (``multipart/form-data``, field ``file``) and
ingests it with :func:`infracast.ledger.sources.ingest`, the function ``infracast ingest``
calls, with the command's options as query parameters. The body is streamed to a file in a
private temporary folder, under the name the client gave it, and never held in memory; the
upload is refused (413) as soon as it crosses the ``upload_max_mb`` setting, and the folder
is removed whatever happens. The ledger is held only while the file is ingested, not while
it arrives.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from infracast.cli.common import library_default
from infracast.control.users import ForbiddenError
from infracast.errors import IngestError
from infracast.ledger import sources
from infracast.ledger.quarantine import list_quarantine
from infracast.ledger.records import IngestResult, Kind
from infracast.ledger.records import ingests as ingests_
from infracast.server.app import (
    LedgerDep,
    Principal,
    UserDep,
    principal_held,
    require,
    unscoped,
)
from infracast.server.errors import RESPONSES, error_body, json_response
from infracast.server.uploads import FIELD, MB, receive

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


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {
                        FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The file, under its own name (bill.csv, "
                            "bill.csv.gz, bill.parquet; YAML or CSV for assets and manual).",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "/ingests",
    tags=["data"],
    openapi_extra=_UPLOAD_BODY,
    responses={413: {**RESPONSES[400], "description": "The file is larger than upload_max_mb"}},
)
async def ingest_upload(
    request: Request,
    authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None,
    kind: Annotated[Kind, Query(description="What the file holds.")] = "focus",
    replace_: Annotated[
        bool, Query(alias="replace", description="The file restates a bill (--replace).")
    ] = False,
    replace_account: Annotated[bool, Query(description="--replace-account")] = False,
    replace_period: Annotated[bool, Query(description="--replace-period")] = False,
    append: Annotated[bool, Query(description="Another part of an ingested export.")] = False,
    dry_run: Annotated[bool, Query(description="Report; change nothing.")] = False,
    day_first: Annotated[bool, Query(description="Read slash dates as D/M/Y.")] = False,
    through: Annotated[
        str | None, Query(description="Assets, manual: charges up to this date (YYYY-MM-DD).")
    ] = None,
) -> Response:
    """`infracast ingest FILE`: upload one file (multipart, field `file`) and ingest it: the
    same validation, quarantine, atomicity and once-only rule as the command, and its JSON
    (editors and admins, unscoped: a file holds every team's rows). A rejected file is a 422
    with the command's JSON under `results`."""
    user = await run_in_threadpool(principal_held, request, authorization)
    require(user, "write")
    _whole_ledger(user)
    width = sources.replace_width(replace_, replace_account, replace_period)
    sources.check_options(kind, width, dry_run)
    sources.read_through(through)
    limit = int(request.app.state.ledger.settings.upload_max_mb * MB)
    folder = Path(tempfile.mkdtemp(prefix="infracast-upload-"))
    try:
        path = await receive(request, folder, kind, limit)
        options: dict[str, Any] = {
            "kind": kind, "replace": width, "append": append, "dry_run": dry_run,
            "day_first": day_first, "through": through,
        }  # fmt: skip
        results = await run_in_threadpool(_ingest, request, path, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # the file as the client named it, as the command prints the path it was given
    results = [dataclasses.replace(r, file=path.name) for r in results]
    rejected = [r for r in results if r.status == "rejected"]
    if rejected:
        first = rejected[0]
        return json_response(
            error_body("IngestError", f"{first.file}: {first.message}",
                       "Nothing of the file was ingested; the ingest log records the "
                       "rejection (GET /api/v1/ingests).",
                       file=first.file, results=results),
            IngestError.http_status,
        )  # fmt: skip
    return json_response(results)


def _ingest(request: Request, path: Path, options: dict[str, Any]) -> list[IngestResult]:
    """``infracast ingest PATH`` on the server's ledger, held for the ingest."""
    with request.app.state.lock:
        return sources.ingest(request.app.state.ledger, [path], **options)


def _whole_ledger(user: Principal) -> None:
    """Refuse an upload to a user scoped to a team (403): a bill's rows are every team's."""
    if user.team is not None:
        raise ForbiddenError(
            f"{user.name} sees only {user.team}'s rows, and an uploaded file is ingested "
            "whole: a bill covers billing accounts and periods, not teams, so it holds "
            "every team's rows",
            hint="ask an editor or admin without a team scope to upload it "
            "(infracast users add NAME --role editor)",
        )
