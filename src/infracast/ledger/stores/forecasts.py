"""The ``forecasts``, ``forecast_points`` and ``anomalies`` tables.

A forecast is stored once per ``input_key`` (a hash of its scope, its data and its
settings, made by the caller): running the same forecast again finds it instead of
fitting again. An anomaly is stored once per scope, series and time, so it is
alerted once however often the scan runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

Row = dict[str, Any]
COLUMNS: tuple[str, ...] = (
    "forecast_id",
    "input_key",
    "kind",
    "scope",
    "model",
    "params",
    "freq",
    "horizon",
    "levels",
    "train_start",
    "train_end",
    "series",
    "backtest",
    "notes",
    "created_at",
)
POINT_COLUMNS: tuple[str, ...] = ("unique_id", "ds", "model", "yhat", "lo", "hi")
ANOMALY_COLUMNS: tuple[str, ...] = (
    "scope_key",
    "scope",
    "unique_id",
    "ds",
    "y",
    "expected",
    "lo",
    "hi",
    "score",
    "drivers",
    "detected_at",
    "alerted_at",
)
_JSON = ("scope", "params", "backtest", "notes", "drivers")


def _text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def _read(row: Sequence[Any], columns: Sequence[str]) -> Row:
    out = dict(zip(columns, row, strict=True))
    for name in _JSON:
        if name in out and isinstance(out[name], str):
            out[name] = json.loads(out[name])
    return out


def find(con: duckdb.DuckDBPyConnection, input_key: str) -> Row | None:
    """The stored forecast of ``input_key`` (None: not stored)."""
    row = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM forecasts WHERE input_key = ?", [input_key]
    ).fetchone()
    return None if row is None else _read(row, COLUMNS)


def get(con: duckdb.DuckDBPyConnection, forecast_id: int) -> Row | None:
    """The stored forecast ``forecast_id`` (None: no such forecast)."""
    row = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM forecasts WHERE forecast_id = ?", [forecast_id]
    ).fetchone()
    return None if row is None else _read(row, COLUMNS)


def insert(
    con: duckdb.DuckDBPyConnection,
    forecast: Mapping[str, Any],
    points: Sequence[Sequence[Any]],
) -> int:
    """Store a forecast (:data:`COLUMNS` but ``forecast_id``; the JSON columns as Python
    data) and its points (rows of :data:`POINT_COLUMNS`); return its id."""
    row = con.execute("SELECT nextval('forecast_id_seq')").fetchone()
    assert row is not None
    forecast_id = int(row[0])
    columns = COLUMNS[1:]
    values = [_text(forecast[c]) if c in _JSON else forecast[c] for c in columns]
    marks = ", ".join("?::JSON" if c in _JSON else "?" for c in columns)
    con.execute(
        f"INSERT INTO forecasts (forecast_id, {', '.join(columns)}) VALUES (?, {marks})",
        [forecast_id, *values],
    )
    if points:  # DuckDB refuses executemany of nothing
        con.executemany(
            f"INSERT INTO forecast_points (forecast_id, {', '.join(POINT_COLUMNS)}) "
            f"VALUES (?, {', '.join('?' for _ in POINT_COLUMNS)})",
            [[forecast_id, *p] for p in points],
        )
    return forecast_id


def points(con: duckdb.DuckDBPyConnection, forecast_id: int) -> list[Row]:
    """The points of a stored forecast, by series and time."""
    rows = con.execute(
        f"SELECT {', '.join(POINT_COLUMNS)} FROM forecast_points WHERE forecast_id = ? "
        "ORDER BY unique_id, ds",
        [forecast_id],
    ).fetchall()
    return [dict(zip(POINT_COLUMNS, r, strict=True)) for r in rows]


def latest(con: duckdb.DuckDBPyConnection, kind: str | None = None) -> list[Row]:
    """Stored forecasts, newest first (of one ``kind`` if given)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM forecasts"
    params: list[Any] = []
    if kind is not None:
        sql += " WHERE kind = ?"
        params.append(kind)
    rows = con.execute(sql + " ORDER BY forecast_id DESC", params).fetchall()
    return [_read(r, COLUMNS) for r in rows]


def add_anomalies(con: duckdb.DuckDBPyConnection, rows: Sequence[Mapping[str, Any]]) -> list[Row]:
    """Store the anomalies not stored yet (same scope, series and time: kept once);
    return the new ones."""
    new: list[Row] = []
    for row in rows:
        key = [row["scope_key"], row["unique_id"], row["ds"]]
        found = con.execute(
            "SELECT 1 FROM anomalies WHERE scope_key = ? AND unique_id = ? AND ds = ?", key
        ).fetchone()
        if found is not None:
            continue
        columns = ANOMALY_COLUMNS
        values = [_text(row.get(c)) if c in _JSON else row.get(c) for c in columns]
        marks = ", ".join("?::JSON" if c in _JSON else "?" for c in columns)
        con.execute(f"INSERT INTO anomalies ({', '.join(columns)}) VALUES ({marks})", values)
        new.append(dict(row))
    return new


def anomalies(con: duckdb.DuckDBPyConnection, scope_key: str | None = None) -> list[Row]:
    """Stored anomalies by time (of one scope if given)."""
    sql = f"SELECT {', '.join(ANOMALY_COLUMNS)} FROM anomalies"
    params: list[Any] = []
    if scope_key is not None:
        sql += " WHERE scope_key = ?"
        params.append(scope_key)
    rows = con.execute(sql + " ORDER BY ds, unique_id", params).fetchall()
    return [_read(r, ANOMALY_COLUMNS) for r in rows]


def mark_alerted(
    con: duckdb.DuckDBPyConnection, scope_key: str, unique_id: str, ds: datetime, at: datetime
) -> None:
    """Record that the anomaly was alerted."""
    con.execute(
        "UPDATE anomalies SET alerted_at = ? WHERE scope_key = ? AND unique_id = ? AND ds = ?",
        [at, scope_key, unique_id, ds],
    )
