"""The ``alerts`` table: the threshold crossings raised, and the state of their delivery."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import duckdb

Row = dict[str, Any]
COLUMNS: tuple[str, ...] = (
    "alert_id",
    "budget",
    "period_start",
    "period_end",
    "kind",
    "threshold",
    "spend",
    "budget_amount",
    "currency",
    "message",
    "raised_at",
    "webhook_url",
    "delivery_status",
    "delivery_attempts",
    "delivery_error",
    "delivered_at",
)


def raised(
    con: duckdb.DuckDBPyConnection, budget: str, period_start: date
) -> set[tuple[str, float]]:
    """``(kind, threshold)`` of every alert already raised for the budget in the period."""
    found = con.execute(
        "SELECT kind, threshold FROM alerts WHERE budget = ? AND period_start = ?",
        [budget, period_start],
    ).fetchall()
    return {(kind, threshold) for kind, threshold in found}


def next_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new alert id from the ledger's sequence."""
    found = con.execute("SELECT nextval('alert_id_seq')").fetchone()
    assert found is not None
    return int(found[0])


def insert(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any]) -> None:
    """Store an alert (``row`` holds every column of :data:`COLUMNS`)."""
    con.execute(
        f"INSERT INTO alerts ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
        [row[c] for c in COLUMNS],
    )


def select(
    con: duckdb.DuckDBPyConnection, budget: str | None = None, *, undelivered: bool = False
) -> list[Row]:
    """Alerts, oldest first; of one ``budget``; only those waiting for a webhook if asked."""
    where: list[str] = []
    params: list[Any] = []
    if budget is not None:
        where.append("budget = ?")
        params.append(budget)
    if undelivered:
        where.append("delivery_status IN ('pending', 'failed') AND webhook_url IS NOT NULL")
    sql = f"SELECT {', '.join(COLUMNS)} FROM alerts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    found = con.execute(sql + " ORDER BY raised_at, alert_id", params).fetchall()
    return [dict(zip(COLUMNS, r, strict=True)) for r in found]


def record_delivery(
    con: duckdb.DuckDBPyConnection,
    alert_id: int,
    *,
    status: str,
    attempts: int,
    error: str | None,
    delivered_at: datetime | None,
) -> None:
    """Store the outcome of a delivery attempt on the alert's row."""
    con.execute(
        "UPDATE alerts SET delivery_status = ?, delivery_attempts = ?, delivery_error = ?, "
        "delivered_at = ? WHERE alert_id = ?",
        [status, attempts, error, delivered_at, alert_id],
    )


def follow_webhook(con: duckdb.DuckDBPyConnection, budget: str, url: str | None) -> None:
    """Point the budget's undelivered (pending or failed) alerts at ``url`` (None: no webhook)."""
    con.execute(
        "UPDATE alerts SET webhook_url = ? WHERE budget = ? "
        "AND delivery_status IN ('pending', 'failed')",
        [url, budget],
    )
