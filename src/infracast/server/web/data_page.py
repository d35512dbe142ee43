"""The Data page: the ingest log, the quarantine, and a form to upload a FOCUS export.

``GET /data`` shows what ``GET /api/v1/ingests`` and ``GET /api/v1/quarantine?rows=true``
answer (``infracast ingests``, ``infracast quarantine list --rows``); both hold every
team's rows, so a user scoped to a team is refused (403), as by the API. ``?ingest=ID``
puts that ingest's result and its quarantined rows at the top.

``POST /data/upload`` ingests one file as ``POST /api/v1/ingests`` does, with its
functions: the body is streamed to disk by :func:`infracast.server.uploads.receive` (the
``upload_max_mb`` limit, 413 as soon as it is crossed), ingested by
:func:`infracast.ledger.sources.ingest` under the ledger's lock (the same validation,
quarantine, all-or-nothing transaction and once-only rule), for editors and admins without
a team scope. The upload takes one multipart field, the file, and nothing else, so the
form's CSRF token and the ingest's options ride in the query string as the API's do
(``?csrf=…&replace_account=true``); the token is checked before a byte of the body is
read. Then 303 to ``/data?ingest=ID&upload=STATUS``.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from infracast.ledger import sources
from infracast.ledger.connection import Ledger
from infracast.ledger.quarantine import list_quarantine
from infracast.ledger.records import Status
from infracast.ledger.records import ingests as ingest_log
from infracast.server.api.data import _ingest, _whole_ledger
from infracast.server.app import LedgerDep, Principal, require, unscoped
from infracast.server.uploads import MB, receive
from infracast.server.web.auth import PageUser, check_csrf, page_user
from infracast.server.web.render import page

router = APIRouter(include_in_schema=False)

LOG_ROWS = 25  # the ingest log's latest files shown
QUARANTINE_ROWS = 500  # quarantined rows shown (the CSV export holds what the table shows)
INGEST_COLUMNS = [
    ("ingest_id", "Ingest", "text"), ("kind", "Kind", "text"), ("source", "File", "text"),
    ("status", "Status", "text"), ("rows_read", "Read", "num"),
    ("rows_ingested", "Ingested", "num"), ("rows_quarantined", "Quarantined", "num"),
    ("started_at", "When (UTC)", "text"), ("message", "Message", "text"),
]  # fmt: skip
QUARANTINE_COLUMNS = [
    ("quarantine_id", "Id", "text"), ("ingest_id", "Ingest", "text"),
    ("source", "File", "text"), ("row_number", "Row", "text"), ("reason", "Reason", "text"),
    ("detail", "What was wrong", "text"), ("resolved_by_ingest_id", "Fixed by ingest", "text"),
]  # fmt: skip
REPLACE_OPTIONS = [
    ("", "Add a new bill (or another part of one)"),
    ("replace", "Restate what the file covers (--replace)"),
    ("replace_account", "Restate its billing accounts' periods (--replace-account)"),
    ("replace_period", "Restate its billing periods, every account (--replace-period)"),
]


@dataclass
class DataPage:
    """What the Data page shows."""

    ingests: list[dict[str, Any]]
    quarantine: list[dict[str, Any]]
    ingest: dict[str, Any] | None = None  # the ingest asked for with ?ingest=ID
    ingest_rows: list[dict[str, Any]] = field(default_factory=list)  # its quarantined rows
    upload_max_mb: float = 0.0


def data(ledger: Ledger, user: Principal, ingest: int | None = None) -> DataPage:
    """The ingest log and the quarantine as ``infracast ingests`` and ``infracast
    quarantine list --rows`` list them; with ``ingest``, that ingest and its rows first.
    Refused (403) to a user scoped to a team, as the API refuses it."""
    unscoped(user, "the ingest log")
    unscoped(user, "the quarantine")
    result = DataPage(
        ingests=ingest_log(ledger, limit=LOG_ROWS),
        quarantine=list_quarantine(ledger, rows=True, limit=QUARANTINE_ROWS),
        upload_max_mb=float(ledger.settings.upload_max_mb),
    )
    if ingest is not None:
        found = [r for r in ingest_log(ledger, limit=None) if r["ingest_id"] == ingest]
        result.ingest = found[0] if found else None
        result.ingest_rows = list_quarantine(ledger, ingest_id=ingest, rows=True, limit=None)
    return result


@router.get("/data")
def data_page(
    request: Request,
    user: PageUser,
    ledger: LedgerDep,
    ingest: int | None = None,
    upload: Status | None = None,
) -> Response:
    """Data: the ingest log, the quarantine, and the upload form (``?ingest=ID``: that
    ingest's result and quarantined rows first; ``&upload=STATUS``: what the upload that
    led here did, e.g. ``already_ingested``)."""
    shown = data(ledger, user, ingest=ingest)
    may_upload = user.role in ("editor", "admin")
    return page(request, "data.html", title="Data", data=shown, asked=ingest, upload=upload,
                may_upload=may_upload, ingest_columns=INGEST_COLUMNS,
                quarantine_columns=QUARANTINE_COLUMNS, replace_options=REPLACE_OPTIONS)  # fmt: skip


def _user_held(request: Request) -> Principal:
    """:func:`page_user` with the ledger held for the check alone (not while the file
    arrives), as :func:`infracast.server.app.principal_held` does for the API."""
    with request.app.state.lock:
        return page_user(request, request.app.state.ledger)


@router.post("/data/upload")
async def data_upload(
    request: Request,
    csrf: str | None = None,
    replace: bool = False,
    replace_account: bool = False,
    replace_period: bool = False,
    append: bool = False,
    day_first: bool = False,
) -> Response:
    """Upload a FOCUS export (multipart, field ``file``; the CSRF token and the options of
    ``infracast ingest`` in the query string) and ingest it as ``POST /api/v1/ingests``
    does; then 303 to ``/data?ingest=ID&upload=STATUS``."""
    user = await run_in_threadpool(_user_held, request)
    require(user, "write")
    _whole_ledger(user)
    check_csrf(request, csrf)
    width = sources.replace_width(replace, replace_account, replace_period)
    sources.check_options("focus", width, False)
    limit = int(request.app.state.ledger.settings.upload_max_mb * MB)
    folder = Path(tempfile.mkdtemp(prefix="infracast-upload-"))
    try:
        path = await receive(request, folder, "focus", limit)
        options: dict[str, Any] = {
            "kind": "focus", "replace": width, "append": append, "dry_run": False,
            "day_first": day_first, "through": None,
        }  # fmt: skip
        results = await run_in_threadpool(_ingest, request, path, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results = [dataclasses.replace(r, file=path.name) for r in results]
    if not results or results[0].ingest_id is None:
        return RedirectResponse("/data", status_code=303)
    first = results[0]
    return RedirectResponse(f"/data?ingest={first.ingest_id}&upload={first.status}", 303)
