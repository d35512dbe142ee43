"""A file's header: its column names as written, mapped onto FOCUS column ids.

Two checks point at the real cause before any row is read: an empty file (no
header at all; DuckDB would call its one column ``column0``) and a FOCUS column
given twice (``BilledCost`` twice, in another case, or under its old and new name:
``AmortizedCost`` and ``EffectiveCost``), which would leave it to chance which
value is counted. A custom column given twice is kept (DuckDB names the second
``NAME_1``), with a note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import duckdb

from infracast.errors import IngestError
from infracast.vocabulary import focus_spec

_RENAMED = re.compile(r"^(.*)_([0-9]+)$")


@cache
def _lookups() -> tuple[dict[str, str], dict[str, str]]:
    by_lower = {c.lower(): c for c in focus_spec.columns()}
    renames = {old.lower(): new for old, new in focus_spec.renames().items()}
    return by_lower, renames


def focus_id(name: str) -> tuple[str | None, bool]:
    """(FOCUS column id or None for a custom column, True if read through an old name);
    ids match regardless of case and of a byte-order mark."""
    clean = name.strip().lstrip("\ufeff").lower()
    by_lower, renames = _lookups()
    if clean in by_lower:
        return by_lower[clean], False
    if clean in renames:
        return renames[clean], True
    return None, False


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_not_empty(con: duckdb.DuckDBPyConnection, path: Path, names: list[str]) -> None:
    """Raise when the file has no header (0 bytes, or nothing but blank lines)."""
    empty = path.stat().st_size == 0
    if not empty and names == ["column0"] and not path.name.lower().endswith((".parquet", ".pq")):
        row = con.execute(
            f"SELECT count(*) FROM read_csv({_lit(str(path))}, header = false, "
            "all_varchar = true, ignore_errors = true) WHERE trim(column0) <> ''"
        ).fetchone()
        empty = not row or row[0] == 0
    if empty:
        raise IngestError(
            f"{path}: the file is empty: it has no header and no rows.",
            hint="Export the bill again; a FOCUS export starts with a header of its column ids.",
        )


def has_rows(con: duckdb.DuckDBPyConnection, source_sql: str) -> bool:
    """True if the file has at least one data row."""
    return con.execute(f"SELECT 1 FROM {source_sql} LIMIT 1").fetchone() is not None


def written_names(
    con: duckdb.DuckDBPyConnection, path: Path, file_format: str, names: list[str]
) -> list[str]:
    """The column names as written in the file, in order. DuckDB renames a repeated
    name (``BilledCost_1``); only then is the header read again as it is written."""
    seen = {n.lower() for n in names}
    suspect = any(
        (m := _RENAMED.match(n)) is not None and m.group(1).lower() in seen for n in names
    )
    if not suspect:
        return names
    if file_format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    row = con.execute(
        f"SELECT * FROM read_csv({_lit(str(path))}, header = false, all_varchar = true, "
        "ignore_errors = true) LIMIT 1"
    ).fetchone()
    return [str(v) for v in row] if row and len(row) == len(names) else names


def check_repeats(path: Path, written: list[str], read: list[str]) -> list[str]:
    """Raise naming every FOCUS column given twice (with positions); return notes on
    repeated custom columns (``written``: as in the file, ``read``: as DuckDB names them)."""
    positions: dict[str, list[int]] = defaultdict(list)
    customs: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(written, start=1):
        canonical, _ = focus_id(name)
        if canonical is not None:
            positions[canonical].append(index)
        else:
            customs[name.strip().lower()].append(index)
    repeated = {c: p for c, p in positions.items() if len(p) > 1}
    if repeated:
        listed = "; ".join(
            " and ".join(f"{written[i - 1]} (column {i})" for i in p) + f" are all {c}"
            for c, p in repeated.items()
        )
        raise IngestError(
            f"{path}: a FOCUS column is given more than once: {listed}. It is not clear "
            "which value to count; nothing was ingested.",
            hint="Keep one column per FOCUS column id (remove or rename the others, e.g. to "
            "x_<name> to keep it as a custom column) and ingest the file again.",
        )
    return [
        f"column {written[p[0] - 1]} appears {'twice' if len(p) == 2 else f'{len(p)} times'} "
        f"(columns {', '.join(map(str, p))}); "
        f"the later ones are kept as {', '.join(read[i - 1] for i in p[1:])}"
        for p in customs.values()
        if len(p) > 1
    ]
