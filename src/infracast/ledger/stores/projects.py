"""The ``projects``, ``project_tasks`` and ``task_progress`` tables: tracked projects,
their tasks and the progress recorded on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

Row = dict[str, Any]
TASK_COLUMNS: tuple[str, ...] = (
    "task",
    "planned_cost",
    "planned_start",
    "planned_end",
    "filters",
)
PROGRESS_COLUMNS: tuple[str, ...] = (
    "task",
    "as_of",
    "percent_complete",
    "estimate_to_complete",
    "note",
)


def ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ids of the tracked projects, sorted."""
    return [r[0] for r in con.execute("SELECT project FROM projects ORDER BY 1").fetchall()]


def find(con: duckdb.DuckDBPyConnection, project: str) -> Row | None:
    """The project's ``name``, ``budget`` and ``currency``, or None when it is not tracked."""
    found = con.execute(
        "SELECT name, budget, currency FROM projects WHERE project = ?", [project]
    ).fetchone()
    return None if found is None else dict(zip(("name", "budget", "currency"), found, strict=True))


def tasks(con: duckdb.DuckDBPyConnection, project: str) -> list[Row]:
    """The project's task rows (:data:`TASK_COLUMNS`), by planned start, then name."""
    found = con.execute(
        f"SELECT {', '.join(TASK_COLUMNS)} FROM project_tasks "
        "WHERE project = ? ORDER BY planned_start, task",
        [project],
    ).fetchall()
    return [dict(zip(TASK_COLUMNS, r, strict=True)) for r in found]


def task_names(con: duckdb.DuckDBPyConnection, project: str) -> set[str]:
    """The names of the project's stored tasks."""
    found = con.execute("SELECT task FROM project_tasks WHERE project = ?", [project])
    return {r[0] for r in found.fetchall()}


def put(
    con: duckdb.DuckDBPyConnection,
    project: str,
    *,
    name: str | None,
    budget: Decimal | None,
    currency: str,
    now: datetime,
) -> bool:
    """Add the project, or change its name, budget and currency; True when it was added."""
    if con.execute("SELECT 1 FROM projects WHERE project = ?", [project]).fetchone() is None:
        con.execute(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?)", [project, name, budget, currency, now]
        )
        return True
    con.execute(
        "UPDATE projects SET name = ?, budget = ?, currency = ? WHERE project = ?",
        [name, budget, currency, project],
    )
    return False


def replace_tasks(
    con: duckdb.DuckDBPyConnection, project: str, rows: Iterable[Mapping[str, Any]]
) -> None:
    """Make ``rows`` (:data:`TASK_COLUMNS`; ``filters`` None for none) the project's tasks."""
    con.execute("DELETE FROM project_tasks WHERE project = ?", [project])
    for row in rows:
        con.execute(
            "INSERT INTO project_tasks VALUES (?, ?, ?, ?, ?, ?)",
            [project, *(row[c] for c in TASK_COLUMNS)],
        )


def delete_progress(con: duckdb.DuckDBPyConnection, project: str, tasks: Sequence[str]) -> int:
    """Delete the progress recorded on ``tasks`` of the project; return how many updates went."""
    if not tasks:
        return 0
    where = "project = ? AND list_contains(?, task)"
    counted = con.execute(
        f"SELECT count(*) FROM task_progress WHERE {where}", [project, list(tasks)]
    ).fetchone()
    con.execute(f"DELETE FROM task_progress WHERE {where}", [project, list(tasks)])
    return int(counted[0]) if counted else 0


def progress(con: duckdb.DuckDBPyConnection, project: str) -> list[Row]:
    """The project's progress rows (:data:`PROGRESS_COLUMNS`), oldest first."""
    found = con.execute(
        f"SELECT {', '.join(PROGRESS_COLUMNS)} FROM task_progress "
        "WHERE project = ? ORDER BY as_of, recorded_at",
        [project],
    ).fetchall()
    return [dict(zip(PROGRESS_COLUMNS, r, strict=True)) for r in found]


def put_progress(
    con: duckdb.DuckDBPyConnection,
    project: str,
    row: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Store a progress update (:data:`PROGRESS_COLUMNS`), replacing one of the same task and
    day; True when it replaced one."""
    where = "project = ? AND task = ? AND as_of = ?"
    key = [project, row["task"], row["as_of"]]
    existing = con.execute(f"SELECT count(*) FROM task_progress WHERE {where}", key).fetchone()
    con.execute(f"DELETE FROM task_progress WHERE {where}", key)
    con.execute(
        "INSERT INTO task_progress VALUES (?, ?, ?, ?, ?, ?, ?)",
        [project, *(row[c] for c in PROGRESS_COLUMNS), now],
    )
    return bool(existing and existing[0])


def last_progress(con: duckdb.DuckDBPyConnection, project: str) -> date | None:
    """The day of the project's latest progress update (None: none yet)."""
    found = con.execute(
        "SELECT max(as_of) FROM task_progress WHERE project = ?", [project]
    ).fetchone()
    return found[0] if found else None


def delete(con: duckdb.DuckDBPyConnection, project: str) -> None:
    """Delete the project with its tasks and their progress."""
    for table in ("task_progress", "project_tasks", "projects"):
        con.execute(f"DELETE FROM {table} WHERE project = ?", [project])
