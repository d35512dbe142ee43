"""The ``bucket_stats`` table: object storage statistics per bucket, prefix and date.

A row is replaced when the same bucket, prefix and ``as_of`` is stored again (a re-ingest
of the same inventory); :func:`latest` gives each bucket's and prefix's newest row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import duckdb

Row = dict[str, Any]
COLUMNS: tuple[str, ...] = (
    "bucket",
    "provider",
    "region",
    "storage_class",
    "prefix",
    "size_gb",
    "objects",
    "age_days",
    "last_access_days",
    "reads_per_month",
    "read_gb_per_month",
    "team",
    "project",
    "as_of",
    "source",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM bucket_stats"
_ORDER = "ORDER BY bucket, prefix, as_of"


def _row(values: Any) -> Row:
    return dict(zip(COLUMNS, values, strict=True))


def replace_rows(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Store ``rows`` (each with every column of :data:`COLUMNS`), replacing any stored row of
    the same bucket, prefix and as_of; the number stored."""
    values = [[row[c] for c in COLUMNS] for row in rows]
    if not values:
        return 0
    con.executemany(
        "DELETE FROM bucket_stats WHERE bucket = ? AND prefix = ? AND as_of = ?",
        [[v[0], v[4], v[13]] for v in values],
    )
    con.executemany(
        f"INSERT INTO bucket_stats ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in COLUMNS)})",
        values,
    )
    return len(values)


def rows(
    con: duckdb.DuckDBPyConnection, *, bucket: str | None = None, as_of: date | None = None
) -> list[Row]:
    """Every stored row (of ``bucket``, on ``as_of`` when given), by bucket, prefix and date."""
    where, args = _filters(bucket, as_of, "as_of =")
    return [_row(r) for r in con.execute(f"{_SELECT}{where} {_ORDER}", args).fetchall()]


def latest(
    con: duckdb.DuckDBPyConnection, *, bucket: str | None = None, as_of: date | None = None
) -> list[Row]:
    """Each bucket's and prefix's newest row (on or before ``as_of`` when given)."""
    where, args = _filters(bucket, as_of, "as_of <=")
    query = (
        f"{_SELECT}{where} QUALIFY row_number() OVER "
        f"(PARTITION BY bucket, prefix ORDER BY as_of DESC) = 1 {_ORDER}"
    )
    return [_row(r) for r in con.execute(query, args).fetchall()]


def _filters(bucket: str | None, as_of: date | None, on: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if bucket is not None:
        clauses.append("bucket = ?")
        args.append(bucket)
    if as_of is not None:
        clauses.append(f"{on} ?")
        args.append(as_of)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args
