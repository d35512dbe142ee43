"""The ``recommendations`` table: each recommendation once per id, with its status.

A run of the rules writes what it found with :func:`upsert`: a new id is stored ``open``;
an id already there gets the run's figures and evidence but keeps its status, its
``first_seen`` and what acceptance recorded, so a dismissed finding stays dismissed. An
accepted (or done) one keeps the figures it was accepted with: its realized savings are
measured against them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

Row = dict[str, Any]
COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "scope",
    "team",
    "project",
    "resource_ids",
    "title",
    "baseline_monthly_cost",
    "expected_monthly_savings",
    "savings_low",
    "savings_high",
    "currency",
    "confidence",
    "risk",
    "evidence",
    "reproduce",
    "status",
    "first_seen",
    "last_seen",
    "status_at",
    "status_note",
    "effective_from",
    "baseline_run_rate",
)
FOUND = COLUMNS[:16]  # what a rule finds: ``id`` .. ``reproduce``
# what a run refreshes on an id already stored (status and acceptance are kept)
_FINDINGS = (*FOUND[1:], "last_seen")
_JSON = ("resource_ids", "evidence")


def upsert(
    con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]], seen: datetime
) -> None:
    """Store what a run found (each row: the columns ``id`` .. ``reproduce``)."""
    names = ("id", *_FINDINGS, "status", "first_seen")
    frozen = "recommendations.status IN ('accepted', 'done')"  # measured against these
    update = ", ".join(
        f"{c} = CASE WHEN {frozen} THEN recommendations.{c} ELSE excluded.{c} END"
        for c in _FINDINGS
        if c != "last_seen"
    )
    update += ", last_seen = excluded.last_seen"
    sql = (
        f"INSERT INTO recommendations ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)}) "
        f"ON CONFLICT (id) DO UPDATE SET {update}"
    )
    for row in rows:
        values = {**row, "last_seen": seen, "status": "open", "first_seen": seen}
        con.execute(sql, [_param(c, values[c]) for c in names])


def select(con: duckdb.DuckDBPyConnection, ids: Iterable[str] | None = None) -> list[Row]:
    """Stored recommendations (all, or those with the given ids), in id order."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM recommendations"
    params: list[Any] = []
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return []
        sql += f" WHERE id IN ({', '.join('?' for _ in wanted)})"
        params = wanted
    found = con.execute(sql + " ORDER BY id", params).fetchall()
    return [_row(r) for r in found]


def set_status(
    con: duckdb.DuckDBPyConnection,
    rec_id: str,
    status: str,
    *,
    at: datetime,
    note: str | None = None,
    effective_from: date | None = None,
    baseline_run_rate: Decimal | None = None,
) -> None:
    """Change one recommendation's status (and, on acceptance, what it is measured by)."""
    con.execute(
        "UPDATE recommendations SET status = ?, status_at = ?, status_note = ?, "
        "effective_from = ?, baseline_run_rate = ? WHERE id = ?",
        [status, at, note, effective_from, baseline_run_rate, rec_id],
    )


def _param(column: str, value: Any) -> Any:
    return json.dumps(value, sort_keys=True, default=str) if column in _JSON else value


def _row(values: tuple[Any, ...]) -> Row:
    row = dict(zip(COLUMNS, values, strict=True))
    for column in _JSON:
        row[column] = json.loads(row[column]) if isinstance(row[column], str) else row[column]
    return row
