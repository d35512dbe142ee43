"""Ingest bookkeeping shared by every source: hashes, ingest records, results.

Every file taken in gets a row in ``ingests`` (its content hash, counts and
status) in the same transaction as its charges, so a crash leaves neither.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from infracast.errors import QueryError

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

Status = Literal["ingested", "already_ingested", "replaced", "rejected"]
Kind = Literal["focus", "usage", "assets", "manual"]


@dataclass
class ReplacedScope:
    """Charges a replacement removed (or, in a dry run, would remove): one provider,
    billing period, billing account, invoice and currency, from the ingests listed."""

    provider: str | None
    billing_period_start: datetime
    billing_account_id: str | None
    invoice_id: str | None
    currency: str
    rows: int
    billed_cost: Decimal
    effective_cost: Decimal
    ingest_ids: list[int]

    def label(self) -> str:
        """``AWS 2026-05-01 account 1234 invoice INV-1`` (the parts that are known)."""
        parts = [self.provider or "(no provider)", f"{self.billing_period_start:%Y-%m-%d}"]
        if self.billing_account_id is not None:
            parts.append(f"account {self.billing_account_id}")
        if self.invoice_id is not None:
            parts.append(f"invoice {self.invoice_id}")
        return " ".join(parts)


@dataclass
class IngestResult:
    """What happened to one file. The first seven fields are a JSON contract
    (``infracast ingest --format json``); the rest may grow."""

    file: str
    ingest_id: int | None
    status: Status
    focus_version: str | None
    rows_read: int
    rows_ingested: int
    rows_quarantined: int
    rows_with_warnings: int = 0
    warnings: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    replaced_ingest_ids: list[int] = field(default_factory=list)
    message: str = ""
    kind: Kind = "focus"
    # what a replacement removed, per scope (listed before anything is deleted in a dry run)
    replaced: list[ReplacedScope] = field(default_factory=list)
    dry_run: bool = False  # nothing was changed: the result says what would have happened

    def to_json(self) -> dict[str, Any]:
        """The JSON object printed for this file (stable keys first)."""
        return asdict(self)


def file_sha256(path: Path, extra: bytes = b"") -> str:
    """SHA-256 of the file's bytes (plus ``extra``, e.g. options that change the result)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    digest.update(extra)
    return digest.hexdigest()


def new_batch_id() -> str:
    """An id shared by the files of one ingest command."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (the ledger stores naive UTC timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None)


def next_ingest_id(con: duckdb.DuckDBPyConnection) -> int:
    """A fresh ingest id."""
    row = con.execute("SELECT nextval('ingest_id_seq')").fetchone()
    assert row is not None
    return int(row[0])


def find_live_ingest(con: duckdb.DuckDBPyConnection, kind: Kind, sha256: str) -> int | None:
    """The ingest that already holds this content (and still has its rows), if any."""
    row = con.execute(
        """SELECT ingest_id FROM ingests
           WHERE kind = ? AND content_sha256 = ? AND status IN ('ingested', 'replaced')
             AND superseded_by IS NULL
           ORDER BY ingest_id LIMIT 1""",
        [kind, sha256],
    ).fetchone()
    return int(row[0]) if row else None


def already_ingested(
    con: duckdb.DuckDBPyConnection, kind: Kind, source: str, sha256: str
) -> IngestResult | None:
    """The no-op result when the same content is already in the ledger, else None."""
    live = find_live_ingest(con, kind, sha256)
    if live is None:
        return None
    row = con.execute(
        "SELECT rows_read, focus_version, started_at FROM ingests WHERE ingest_id = ?", [live]
    ).fetchone()
    assert row is not None
    return IngestResult(
        file=source,
        ingest_id=live,
        status="already_ingested",
        focus_version=row[1],
        rows_read=int(row[0] or 0),
        rows_ingested=0,
        rows_quarantined=0,
        kind=kind,
        message=f"the same content was ingested as ingest {live} on "
        f"{row[2]:%Y-%m-%d %H:%M} UTC; nothing changed.{retag_hint(kind)}",
    )


def retag_hint(kind: Kind) -> str:
    """What to run when the tag settings changed since a file was ingested (or '')."""
    return {
        "focus": " If team_tags, project_tags or category_rules changed since, run "
        "`infracast ledger retag` to apply them to the charges already in the ledger.",
        "assets": " If team_tags or project_tags changed since, run "
        "`infracast ledger retag` to apply them to the asset charges.",
    }.get(kind, "")


def write_ingest_record(
    con: duckdb.DuckDBPyConnection,
    *,
    ingest_id: int,
    batch_id: str,
    kind: Kind,
    source: str,
    sha256: str | None,
    file_bytes: int | None,
    file_format: str | None,
    result: IngestResult,
    source_columns: list[str] | None,
    started_at: datetime,
) -> None:
    """Insert the ``ingests`` row for ``result`` (call inside the file's transaction)."""
    con.execute(
        """INSERT INTO ingests (ingest_id, batch_id, kind, source, content_sha256, file_bytes,
               file_format, focus_version, status, rows_read, rows_ingested, rows_quarantined,
               rows_with_warnings, warnings, notes, source_columns, replaced_ingest_ids,
               superseded_by, message, started_at, finished_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, MAP(?, ?), ?, ?, ?, NULL, ?, ?, ?)""",
        [
            ingest_id,
            batch_id,
            kind,
            source,
            sha256,
            file_bytes,
            file_format,
            result.focus_version,
            result.status,
            result.rows_read,
            result.rows_ingested,
            result.rows_quarantined,
            result.rows_with_warnings,
            list(result.warnings),
            list(result.warnings.values()),
            result.notes,
            source_columns,
            result.replaced_ingest_ids,
            result.message,
            started_at,
            utcnow(),
        ],
    )


def mark_superseded(
    con: duckdb.DuckDBPyConnection, old_ingest_ids: list[int], new_ingest_id: int
) -> None:
    """Record that ``new_ingest_id`` removed the rows of ``old_ingest_ids``."""
    if old_ingest_ids:
        con.execute(
            "UPDATE ingests SET superseded_by = ? WHERE list_contains(?, ingest_id)",
            [new_ingest_id, old_ingest_ids],
        )


MAX_LIMIT = 2**63 - 1  # DuckDB reads a LIMIT as a 64-bit integer


def check_limit(limit: int | None, *, name: str = "limit", hint: str | None = None) -> int | None:
    """``limit`` (how many rows to show) if it is None or from 1 to :data:`MAX_LIMIT`;
    else a QueryError."""
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise QueryError(
            f"{name} must be at least 1, not {limit}."
            if limit < 1
            else f"{name} must be at most {MAX_LIMIT} (the ledger's largest row count), "
            f"not {limit}.",
            hint=hint or f"{name} counts the rows to show: 10 shows ten.",
        )
    return limit


def list_ingests(
    con: duckdb.DuckDBPyConnection, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """The ingest log, newest first (at most ``limit`` entries)."""
    check_limit(limit)
    sql = """SELECT ingest_id, kind, source, status, focus_version, rows_read, rows_ingested,
                    rows_quarantined, rows_with_warnings, superseded_by, started_at, message
             FROM ingests ORDER BY ingest_id DESC"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


LOG_LIMIT = 50
"""How many ingests ``infracast ingests`` shows by default."""


def ingests(ledger: Ledger, *, limit: int | None = LOG_LIMIT) -> list[dict[str, Any]]:
    """The ledger's ingest log, newest first: the ``limit`` latest files taken in (None:
    all), each with its kind, source, status, row counts and time."""
    return list_ingests(ledger.con, limit=limit)
