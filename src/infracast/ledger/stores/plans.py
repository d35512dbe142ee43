"""The ``plans`` and ``plan_lines`` tables: saved plans and their planned charges."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

Row = dict[str, Any]
PLAN_COLUMNS: tuple[str, ...] = (
    "plan",
    "project",
    "source",
    "description",
    "currency",
    "total",
    "starts",
    "features",
    "spec",
    "assumptions",
    "status",
    "created_at",
    "finished_at",
)
LINE_COLUMNS: tuple[str, ...] = (
    "plan",
    "month",
    "project",
    "cost_category",
    "phase",
    "amount",
    "currency",
    "price_source",
    "price_as_of",
)
_JSON = ("features", "spec")


def exists(con: duckdb.DuckDBPyConnection, plan: str) -> bool:
    """True when a plan of that name is stored."""
    return con.execute("SELECT 1 FROM plans WHERE plan = ?", [plan]).fetchone() is not None


def insert(
    con: duckdb.DuckDBPyConnection,
    plan: Mapping[str, Any],
    lines: Iterable[Mapping[str, Any]],
) -> None:
    """Store a plan row (:data:`PLAN_COLUMNS`; ``features`` and ``spec`` as Python data,
    stored as JSON) and its line rows (:data:`LINE_COLUMNS`)."""
    values = [_json_text(plan[c]) if c in _JSON else plan[c] for c in PLAN_COLUMNS]
    marks = ", ".join("?::JSON" if c in _JSON else "?" for c in PLAN_COLUMNS)
    con.execute(f"INSERT INTO plans ({', '.join(PLAN_COLUMNS)}) VALUES ({marks})", values)
    values = [[line[c] for c in LINE_COLUMNS] for line in lines]
    if values:  # DuckDB refuses executemany of nothing
        con.executemany(
            f"INSERT INTO plan_lines ({', '.join(LINE_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in LINE_COLUMNS)})",
            values,
        )


def delete(con: duckdb.DuckDBPyConnection, plan: str) -> None:
    """Delete a plan and its lines."""
    con.execute("DELETE FROM plan_lines WHERE plan = ?", [plan])
    con.execute("DELETE FROM plans WHERE plan = ?", [plan])


def names(
    con: duckdb.DuckDBPyConnection, *, project: str | None = None, status: str | None = None
) -> list[str]:
    """The names of the plans (of ``project``, in ``status``), oldest first."""
    where, params = [], []
    if project is not None:
        where.append("project = ?")
        params.append(project)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    sql = "SELECT plan FROM plans" + (f" WHERE {' AND '.join(where)}" if where else "")
    return [r[0] for r in con.execute(sql + " ORDER BY created_at, plan", params).fetchall()]


def sorted_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every plan's name, alphabetically."""
    return [r[0] for r in con.execute("SELECT plan FROM plans ORDER BY plan").fetchall()]


def rows(con: duckdb.DuckDBPyConnection, plans: Sequence[str]) -> list[Row]:
    """The rows of the plans named (:data:`PLAN_COLUMNS` but ``total``; ``features`` and
    ``spec`` parsed, None when null), in no particular order."""
    columns = [c for c in PLAN_COLUMNS if c != "total"]
    found = con.execute(
        f"SELECT {', '.join(columns)} FROM plans WHERE list_contains(?, plan)", [list(plans)]
    ).fetchall()
    out = []
    for values in found:
        row = dict(zip(columns, values, strict=True))
        for key in _JSON:
            row[key] = json.loads(row[key]) if row[key] else None
        out.append(row)
    return out


def lines(con: duckdb.DuckDBPyConnection, plans: Sequence[str]) -> list[Row]:
    """The line rows (:data:`LINE_COLUMNS`) of the plans named, by plan, month, category and
    phase (no phase first)."""
    found = con.execute(
        f"SELECT {', '.join(LINE_COLUMNS)} FROM plan_lines WHERE list_contains(?, plan) "
        "ORDER BY plan, month, cost_category, phase NULLS FIRST",
        [list(plans)],
    ).fetchall()
    return [dict(zip(LINE_COLUMNS, r, strict=True)) for r in found]


def finish(con: duckdb.DuckDBPyConnection, plan: str, at: datetime) -> None:
    """Mark the plan finished at ``at``."""
    con.execute("UPDATE plans SET status = 'finished', finished_at = ? WHERE plan = ?", [at, plan])


def _json_text(value: Any) -> str | None:
    """JSON for the JSON columns: decimals as numbers, dates as ISO text (None stays null)."""
    if value is None:
        return None

    def plain(item: Any) -> Any:
        if isinstance(item, Decimal):
            return float(item)
        if isinstance(item, datetime | date):
            return item.isoformat()
        raise TypeError(f"cannot store {type(item).__name__} as JSON")

    return json.dumps(value, default=plain, ensure_ascii=False)
