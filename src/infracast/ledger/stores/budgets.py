"""The ``budgets`` table: one row per budget, found and written by name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb

Row = dict[str, Any]
COLUMNS: tuple[str, ...] = (
    "name",
    "amount",
    "currency",
    "period",
    "starts",
    "ends",
    "filters",
    "metric",
    "actual_thresholds",
    "forecast_thresholds",
    "webhook_url",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM budgets"


def _row(values: Any) -> Row:
    return dict(zip(COLUMNS, values, strict=True))


def find(con: duckdb.DuckDBPyConnection, name: str) -> Row | None:
    """The row of the budget ``name``, or None."""
    found = con.execute(f"{_SELECT} WHERE name = ?", [name]).fetchone()
    return None if found is None else _row(found)


def rows(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every budget's row, by name."""
    return [_row(r) for r in con.execute(f"{_SELECT} ORDER BY name").fetchall()]


def names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The names of the stored budgets, sorted."""
    return [r[0] for r in con.execute("SELECT name FROM budgets ORDER BY name").fetchall()]


def insert(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any], now: datetime) -> None:
    """Add a budget (``row`` holds every column of :data:`COLUMNS`), created and updated ``now``."""
    con.execute(
        f"INSERT INTO budgets ({', '.join(COLUMNS)}, created_at, updated_at) "
        f"VALUES ({', '.join('?' for _ in COLUMNS)}, ?, ?)",
        [*(row[c] for c in COLUMNS), now, now],
    )


def update(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any], now: datetime) -> None:
    """Overwrite every column of the budget ``row["name"]``, updated ``now``."""
    assignments = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
    con.execute(
        f"UPDATE budgets SET {assignments}, updated_at = ? WHERE name = ?",
        [*(row[c] for c in COLUMNS[1:]), now, row["name"]],
    )


def delete(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Delete the budget ``name`` (its alerts stay)."""
    con.execute("DELETE FROM budgets WHERE name = ?", [name])
