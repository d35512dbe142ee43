"""DuckDB's errors, translated once into infracast's, where the queries run.

A query can fail for reasons that are no one's mistake in the query: DuckDB ran
out of memory, the user pressed Ctrl-C (DuckDB then raises a bare
``RuntimeError("Query interrupted")``, or :class:`duckdb.InterruptException` when
the connection was interrupted), the disk filled up, or the ledger file is
damaged. Each becomes the :mod:`infracast.errors` class a front knows how to
show (:class:`ResourceError`, :class:`InterruptError`, :class:`LedgerError`),
with a hint that names the setting or the next step. Every other error is left
as it is: a query that is wrong is a programming error.

The ledger's connection (:mod:`infracast.ledger.connection`: opening, each
transaction, the ``with`` block), the ingest paths and analytics' query
execution (:func:`infracast.analytics.scope.to_rows`) run their queries under
:func:`translated`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from infracast.errors import InfracastError, InterruptError, LedgerError, ResourceError

# Ctrl-C during a query: DuckDB's Python client raises RuntimeError with this text.
_INTERRUPTED = "Query interrupted"
_DISK_FULL = "No space left on device"
_DAMAGED = "Corrupt database file"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    for prefix in ("Out of Memory Error: ", "IO Error: ", "FATAL Error: ", "INTERRUPT Error: "):
        line = line.removeprefix(prefix)
    return line.rstrip(".")


def _setting(con: duckdb.DuckDBPyConnection | None, name: str) -> str | None:
    """A DuckDB setting of ``con`` (None when the connection cannot say)."""
    if con is None:
        return None
    try:
        row = con.execute("SELECT current_setting(?)", [name]).fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row and row[0] not in (None, "") else None


def _spill_folder(con: duckdb.DuckDBPyConnection | None) -> str:
    folder = _setting(con, "temp_directory")
    return str(Path(folder).resolve()) if folder else "its temporary folder"


def out_of_memory(exc: BaseException, con: duckdb.DuckDBPyConnection | None) -> ResourceError:
    """The error for DuckDB running out of memory, naming the cap and the spill folder."""
    cap = _setting(con, "memory_limit")
    now = f", now {cap}" if cap else ""
    return ResourceError(
        f"DuckDB ran out of memory: {_first_line(exc)}.",
        hint=f"Raise the cap (the memory_limit setting{now}: INFRACAST_MEMORY_LIMIT=8GB) or "
        f"free memory; beyond the cap DuckDB spills to {_spill_folder(con)}, so check that "
        "folder's free disk space too.",
    )


def interrupted() -> InterruptError:
    """The error for a query stopped by Ctrl-C or a cancelled request."""
    return InterruptError(
        "interrupted before the work finished; a change to the ledger commits whole or "
        "not at all, so nothing was half-written.",
        hint="Run the command again to finish it: files an ingest already took in are "
        "skipped, the rest are taken in.",
    )


def translate(
    exc: BaseException,
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    path: str | Path | None = None,
) -> InfracastError | None:
    """The infracast error for DuckDB's ``exc``, or None when it is not one of ours to say.

    ``con`` (the connection that failed) lets the hint name the memory cap and spill
    folder; ``path`` names the ledger file.
    """
    where = f"the ledger {path}" if path is not None else "the ledger"
    if isinstance(exc, duckdb.OutOfMemoryException):
        return out_of_memory(exc, con)
    if isinstance(exc, duckdb.InterruptException) or (
        type(exc) is RuntimeError and str(exc) == _INTERRUPTED
    ):
        return interrupted()
    if isinstance(exc, duckdb.IOException) and _DISK_FULL in str(exc):
        return ResourceError(
            f"the disk ran out of space while DuckDB wrote {where} or its spill files: "
            f"{_first_line(exc)}.",
            hint=f"Free disk space where the ledger lives and in {_spill_folder(con)}, then "
            "run again (nothing was half-written).",
        )
    if isinstance(exc, duckdb.IOException) and _DAMAGED in str(exc):
        return LedgerError(
            f"{where} is damaged and cannot be read: {_first_line(exc)}.",
            hint="Restore the file from a backup, or start a new ledger (--ledger new.duckdb) "
            "and ingest the source files again (infracast ingests lists them).",
            file=path,
        )
    if isinstance(exc, duckdb.FatalException):
        return LedgerError(
            f"DuckDB stopped using {where} after a fatal error: {_first_line(exc)}.",
            hint="Work since the last commit was not kept. Run the command again; if it fails "
            "the same way, restore the file from a backup or re-ingest into a new ledger.",
            file=path,
        )
    return None


@contextmanager
def translated(
    con: duckdb.DuckDBPyConnection | None = None, *, path: str | Path | None = None
) -> Iterator[None]:
    """Run a block of queries; DuckDB errors that :func:`translate` knows become ours."""
    try:
        yield
    except (duckdb.Error, RuntimeError) as exc:
        ours = translate(exc, con, path=path)
        if ours is None:
            raise
        raise ours from exc
