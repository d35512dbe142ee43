"""Quarantine: every row that could not be counted, by ingest and reason.

Rows can be exported as CSV in their source columns plus ``x_quarantine_id``;
a user fixes them and ingests the file again. The fixed rows then count once:
their quarantine entries are marked resolved, and a second file carrying the
same ``x_quarantine_id`` is refused row by row (reason ``already_resolved``).
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from infracast.ledger.records import check_limit


@dataclass(frozen=True)
class QuarantineGroup:
    """Quarantined rows of one ingest with one reason."""

    ingest_id: int
    source: str
    reason: str
    rows: int
    resolved: int
    example: str  # the detail of the first such row
    billed_cost: Decimal | None  # sum of the costs that parsed
    currency: str | None

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``infracast quarantine list --format json`` prints per group."""
        return asdict(self)


def _where(ingest_id: int | None, reason: str | None, unresolved: bool) -> tuple[str, list[Any]]:
    clauses: list[str] = ["true"]
    params: list[Any] = []
    if ingest_id is not None:
        clauses.append("ingest_id = ?")
        params.append(ingest_id)
    if reason is not None:
        clauses.append("reason = ?")
        params.append(reason)
    if unresolved:
        clauses.append("resolved_by_ingest_id IS NULL")
    return " AND ".join(clauses), params


def quarantine_summary(
    ledger: Ledger, *, ingest_id: int | None = None, reason: str | None = None
) -> list[QuarantineGroup]:
    """Quarantined rows grouped by ingest and reason."""
    where, params = _where(ingest_id, reason, unresolved=False)
    rows = ledger.con.execute(
        f"""SELECT ingest_id, any_value(source), reason, count(*),
                   count(resolved_by_ingest_id), arg_min(detail, row_number),
                   sum(billed_cost), CASE WHEN count(DISTINCT currency) = 1
                                          THEN any_value(currency) END
            FROM quarantine WHERE {where}
            GROUP BY ingest_id, reason ORDER BY ingest_id, count(*) DESC, reason""",
        params,
    ).fetchall()
    return [
        QuarantineGroup(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), r[5], r[6], r[7]) for r in rows
    ]


def quarantined_rows(
    ledger: Ledger,
    *,
    ingest_id: int | None = None,
    reason: str | None = None,
    unresolved: bool = True,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Quarantined rows with their row number, reason, detail and raw values."""
    check_limit(limit)
    where, params = _where(ingest_id, reason, unresolved)
    sql = (
        "SELECT quarantine_id, ingest_id, source, row_number, reason, detail, raw, "
        "resolved_by_ingest_id FROM quarantine WHERE "
        f"{where} ORDER BY ingest_id, row_number"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cols = [
        "quarantine_id",
        "ingest_id",
        "source",
        "row_number",
        "reason",
        "detail",
        "raw",
        "resolved_by_ingest_id",
    ]
    return [dict(zip(cols, r, strict=True)) for r in ledger.con.execute(sql, params).fetchall()]


ROWS_LIMIT = 50
"""How many rows ``infracast quarantine list --rows`` shows by default."""


def list_quarantine(
    ledger: Ledger,
    *,
    ingest_id: int | None = None,
    reason: str | None = None,
    rows: bool = False,
    limit: int | None = ROWS_LIMIT,
) -> list[dict[str, Any]]:
    """What is in quarantine: one entry per ingest and reason (:func:`quarantine_summary`),
    or with ``rows`` the rows themselves, resolved ones included, at most ``limit`` of
    them (:func:`quarantined_rows`)."""
    if rows:
        return quarantined_rows(
            ledger, ingest_id=ingest_id, reason=reason, unresolved=False, limit=limit
        )
    return [g.to_json() for g in quarantine_summary(ledger, ingest_id=ingest_id, reason=reason)]


def export_quarantine(
    ledger: Ledger,
    out: Path,
    *,
    ingest_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Write unresolved quarantined rows as CSV for fixing; return the rows written.

    Columns: ``x_quarantine_id``, then the source columns in their file order
    (the union across ingests, in order of first appearance). Fix the values in
    place and ingest the file; keep ``x_quarantine_id`` so the fix counts once.
    CSV lines that could not be split into columns go, as written, to a
    ``.malformed-lines.txt`` file beside ``out``.
    """
    rows = quarantined_rows(ledger, ingest_id=ingest_id, reason=reason, unresolved=True)
    if not rows:
        raise QueryError(
            "no unresolved quarantined rows match"
            + (f" ingest {ingest_id}" if ingest_id is not None else "")
            + (f" with reason {reason}" if reason else "")
            + ".",
            hint="List what is in quarantine with: infracast quarantine list",
        )
    ids = sorted({int(r["ingest_id"]) for r in rows})
    columns: list[str] = []
    for (source_columns,) in ledger.con.execute(
        "SELECT source_columns FROM ingests WHERE list_contains(?, ingest_id) ORDER BY ingest_id",
        [ids],
    ).fetchall():
        for name in source_columns or []:
            if name not in columns and name.strip().lower() != "x_quarantine_id":
                columns.append(name)
    malformed = [r for r in rows if r["reason"] == "malformed_line"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["x_quarantine_id", *columns])
        for row in rows:
            if row["reason"] == "malformed_line":
                continue
            raw = row["raw"] or {}
            writer.writerow([row["quarantine_id"], *(raw.get(c, "") or "" for c in columns)])
    if malformed:
        lines = out.with_suffix(".malformed-lines.txt")
        lines.write_text(
            "".join(
                f"# quarantine {r['quarantine_id']}, {r['source']} line {r['row_number']}\n"
                f"{(r['raw'] or {}).get('line', '')}\n"
                for r in malformed
            ),
            encoding="utf-8",
        )
    return len(rows) - len(malformed)
