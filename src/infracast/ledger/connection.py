"""Opening the ledger: one DuckDB file, migrated on open, UTC throughout.

Opening waits for another process's lock (:mod:`infracast.ledger.lock`); a path
that is not a ledger is named for what it is (:mod:`infracast.ledger.ledger_file`).
DuckDB's errors of running out of memory, an interrupt, a full disk or a damaged
file become infracast's while opening, in a transaction and at the end of a
``with`` block (:mod:`infracast.ledger.duckdb_errors`).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import duckdb

from infracast.errors import LedgerError
from infracast.ledger.duckdb_errors import translate, translated
from infracast.ledger.ledger_file import (
    check_ledger_path,
    holds_nothing,
    open_error,
    remove_ledger_file,
)
from infracast.ledger.lock import WaitCallback, connect_waiting
from infracast.ledger.schema import SCHEMA_VERSION, migrate
from infracast.settings import Settings, load_settings

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend


DEFAULT_MEMORY_CAP = 3 * 1024**3


def default_memory_limit() -> str:
    """3 GiB or half the machine's memory, whichever is smaller.

    DuckDB's own default (80% of memory) lets a large ingest hold gigabytes of
    buffers it does not need; under a cap it evicts and spills to disk instead,
    and a 10M-row ingest runs faster as well as smaller (bench/RESULTS.md).
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 2 * DEFAULT_MEMORY_CAP
    return f"{min(DEFAULT_MEMORY_CAP, total // 2) // 1024**2}MiB"


class Ledger:
    """An open ledger: the DuckDB connection plus the settings it was opened with.

    Use as a context manager, or call :meth:`close`. ``con`` is the raw DuckDB
    connection for the data layer; analytics read through :meth:`ibis`.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        settings: Settings,
        *,
        created: bool = False,
    ) -> None:
        self.con = con
        self.path = path
        self.settings = settings
        self.created = created  # this open created the file
        self._ibis: Backend | None = None

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        settings: Settings | None = None,
        read_only: bool = False,
        create: bool = True,
        lock_timeout: float | None = None,
        on_wait: WaitCallback | None = None,
    ) -> Ledger:
        """Open (creating and migrating if needed) the ledger at ``path``.

        ``path`` defaults to the ``ledger`` setting (``INFRACAST_LEDGER`` or
        ``./infracast.duckdb``); ``":memory:"`` opens a throw-away ledger.
        With ``create=False`` (or ``read_only``) a missing ledger is an error.
        While another process holds the file, wait up to ``lock_timeout``
        seconds (default: the ``lock_timeout`` setting), calling ``on_wait``
        once with a sentence saying for whom (:mod:`infracast.ledger.lock`).
        A ledger this call creates is removed again when the ``with`` block
        using it fails before anything was stored in it.
        """
        settings = settings or load_settings()
        target = Path(path) if path is not None else settings.ledger
        memory = str(target) == ":memory:"
        if not memory:
            check_ledger_path(target, must_exist=read_only or not create)
        created = not memory and not target.exists()
        timeout = settings.lock_timeout if lock_timeout is None else lock_timeout
        try:
            if memory:
                con = duckdb.connect(":memory:")
            else:
                con = connect_waiting(target, read_only=read_only, timeout=timeout, on_wait=on_wait)
        except duckdb.IOException as exc:
            raise open_error(target, exc, read_only=read_only) from exc
        except duckdb.ConnectionException as exc:
            # DuckDB opens a file once per process, either read-only or read-write.
            other = "read-write" if read_only else "read-only"
            raise LedgerError(
                f"{target} is already open {other} in this process.",
                hint=f"Close that Ledger first, or open this one {other} too.",
                file=target,
            ) from exc
        except duckdb.Error as exc:
            raise translate(exc, path=target) or LedgerError(
                f"{target} is not a DuckDB ledger infracast can open: {exc}",
                hint="Pass --ledger with a new file name to start a fresh ledger.",
                file=target,
            ) from exc
        try:
            with translated(con, path=target):
                con.execute("SET TimeZone = 'UTC'")
                # Progress is polled and drawn by infracast (a Rich bar), never printed by DuckDB.
                con.execute("SET enable_progress_bar_print = false")
                limit = settings.memory_limit or default_memory_limit()
                con.execute(f"SET memory_limit = '{limit}'")
                if not read_only:
                    migrate(con)
        except BaseException:
            con.close()
            if created:
                remove_ledger_file(target)
            raise
        if read_only and not memory and 0 < _schema_version(con) < SCHEMA_VERSION:
            # A ledger written by an older infracast: upgrade it once, then read it.
            con.close()
            cls.open(target, settings=settings, lock_timeout=timeout, on_wait=on_wait).close()
            return cls.open(
                target, settings=settings, read_only=True, lock_timeout=timeout, on_wait=on_wait
            )
        return cls(con, target, settings, created=created)

    def ibis(self) -> Backend:
        """An Ibis DuckDB backend over this ledger's connection."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: all of it commits, or none of it.

        DuckDB's errors of memory, interrupt, disk or a damaged file leave it as
        infracast's (:func:`~infracast.ledger.duckdb_errors.translate`), after the rollback.

        Ctrl-C (SIGINT, in the main thread) during the block stops the running query
        (``interrupt()``) and the block never commits: DuckDB notices a signal only where it
        polls for one, and one noticed as a statement finishes could otherwise be lost,
        letting the rest of the block run on and commit.
        """
        with translated(self.con, path=self.path), _interruptible(self.con) as interrupted:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
                if interrupted:
                    raise duckdb.InterruptException("interrupted by the user (Ctrl-C)")
            except BaseException:
                with suppress(duckdb.Error):  # a fatal error leaves nothing to roll back
                    self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.con.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # DuckDB's errors that escaped the block become infracast's (read before closing).
        ours = translate(exc, self.con, path=self.path) if exc is not None else None
        if exc_type is not None and self.created:
            # A failed command leaves no ledger behind that only it created and nothing stored in.
            empty = holds_nothing(self.con)
            self.close()
            if empty:
                remove_ledger_file(self.path)
        else:
            self.close()
        if ours is not None:
            raise ours from exc


def open_ledger(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    on_wait: WaitCallback | None = None,
) -> Ledger:
    """Open the ledger at ``path`` (see :meth:`Ledger.open`)."""
    return Ledger.open(path, read_only=read_only, on_wait=on_wait)


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version a ledger was written at (0 for a file without the meta table)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


@contextmanager
def _interruptible(con: duckdb.DuckDBPyConnection) -> Iterator[list[bool]]:
    """While the block runs in the main thread under Python's own Ctrl-C handler: SIGINT
    interrupts ``con``'s running query and is recorded in the list yielded (non-empty:
    interrupted); the handler is put back after, and a Ctrl-C that came too late to stop
    the block is raised then, as KeyboardInterrupt."""
    seen: list[bool] = []
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield seen
        return

    def on_interrupt(signum: int, frame: object) -> None:
        seen.append(True)
        con.interrupt()

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if seen:
        raise KeyboardInterrupt
