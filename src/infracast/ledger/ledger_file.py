"""The ledger's file: what a path that is not a ledger is, and cleaning up after a failure.

DuckDB's own messages point the wrong way for the usual mistakes: a folder is
"Could not read from file", a text file "not a valid DuckDB database file", and
a ``*.csv`` path is silently opened as a throw-away in-memory database with the
CSV as a view, so everything written to it is lost. The path is checked before
DuckDB sees it, and each case gets its own sentence and fix.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from infracast.errors import LedgerError

# DuckDB's main header: an 8-byte checksum, then the magic bytes.
_MAGIC_OFFSET, _MAGIC = 8, b"DUCK"
_KNOWN_FORMATS = (
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"PK\x03\x04", "a zip archive (or an Excel workbook)"),
)
_BILL_SUFFIXES = (".csv", ".gz", ".parquet")
_NEW_LEDGER = "Pass --ledger with a new file name to start a ledger there (e.g. infracast.duckdb)"


def check_ledger_path(target: Path, *, must_exist: bool) -> None:
    """Raise a :class:`LedgerError` naming the problem when ``target`` cannot be a ledger."""
    if target.is_dir():
        raise LedgerError(
            f"{target} is a folder, not a ledger file.",
            hint=f"Pass a file path such as {target / 'infracast.duckdb'} "
            "(--ledger or INFRACAST_LEDGER).",
            file=target,
        )
    if target.exists():
        _check_contents(target)
        return
    if must_exist:
        raise LedgerError(
            f"no ledger at {target}.",
            hint="Ingest something first (infracast ingest FILE) or pass --ledger PATH.",
            file=target,
        )
    if not target.parent.exists():
        raise LedgerError(
            f"cannot create the ledger {target}: folder {target.parent} does not exist.",
            hint="Create the folder or pass another --ledger PATH.",
            file=target,
        )


def _check_contents(target: Path) -> None:
    try:
        with target.open("rb") as fh:
            head = fh.read(256)
    except OSError:
        return  # unreadable: DuckDB's error says why (open_error translates it)
    if not head:
        raise LedgerError(
            f"{target} is an empty file, not a DuckDB ledger.",
            hint=f"Delete it to start a new ledger at that path, or {_NEW_LEDGER[0].lower()}"
            f"{_NEW_LEDGER[1:]}.",
            file=target,
        )
    if head[_MAGIC_OFFSET : _MAGIC_OFFSET + len(_MAGIC)] == _MAGIC:
        return
    hint = f"{_NEW_LEDGER}, or the path of an existing ledger."
    if target.name.lower().endswith(_BILL_SUFFIXES):
        hint += f" To ingest this file into the ledger instead, run: infracast ingest {target}"
    raise LedgerError(
        f"{target} is not a DuckDB ledger: it is {_describe(head)}.", hint=hint, file=target
    )


def _describe(head: bytes) -> str:
    for magic, name in _KNOWN_FORMATS:
        if head.startswith(magic):
            return name
    if b"\x00" in head:
        return "a binary file of another kind"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0].strip() if text.strip() else ""
    first = first if len(first) <= 40 else first[:39] + "…"
    return f"a text file that starts with '{first}'"


def open_error(target: Path, exc: duckdb.IOException, *, read_only: bool) -> LedgerError:
    """Translate DuckDB's error for a file it could not open."""
    text = str(exc)
    denied = "Permission denied" in text
    read_only_fs = "Read-only file system" in text
    verb = "read" if read_only else "write"
    if denied or read_only_fs:
        why = "is on a read-only file system" if read_only_fs else "is read-only for this user"
        if target.exists():
            message = f"cannot {verb} {target}: the file {why} (permission denied)."
            hint = (
                "Make it writable, or pass --ledger with a writable copy; commands that only "
                "read (costs, report) can still open it."
                if not read_only
                else "Ask for read access, or pass --ledger with a copy you can read."
            )
        else:
            message = f"cannot write {target}: the folder {target.parent} {why}."
            hint = "Pass --ledger with a path in a writable folder (e.g. ~/infracast.duckdb)."
        return LedgerError(message, hint=hint, file=target)
    return LedgerError(
        f"cannot open the ledger {target}: {text.splitlines()[0]}".rstrip("."),
        hint="Check that the path is a ledger file this user can read and write.",
        file=target,
    )


def holds_nothing(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every table but ``meta`` (the schema version) is empty."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")  # a transaction left open by the failure
    try:
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = current_database() AND table_name <> 'meta'"
            ).fetchall()
        ]
        for table in tables:
            row = con.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()
            if row is None or row[0]:
                return False
    except duckdb.Error:
        return False  # cannot tell: keep the file
    return True


def remove_ledger_file(path: Path) -> None:
    """Delete a ledger file and its write-ahead log (a ledger this command created)."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
