"""Waiting for a busy ledger.

DuckDB lets one process hold a database file for writing, and while it does no
other process can open the file at all, not even to read; several processes
may read it together. DuckDB does not wait: a second open fails at once with
"Could not set lock on file". :func:`connect_waiting` retries that one error
with a growing pause (50 ms doubling to 1 s) for up to ``timeout`` seconds,
says once through ``on_wait`` that it is waiting and for whom, and then fails
with a :class:`~infracast.errors.LedgerBusyError` naming the holder. Every other
error is raised at once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from infracast.errors import LedgerBusyError

WaitCallback = Callable[[str], None]

_LOCK_ERROR = "Could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# DuckDB adds this when the holder only reads, so another reader could open the file.
_HOLDER_READS = "open this database in read-only mode"


@dataclass(frozen=True)
class LockHolder:
    """The process DuckDB says holds the lock (both fields None when it does not say)."""

    pid: int | None
    program: str | None
    reading: bool = False

    def describe(self) -> str:
        """'PID 5332 (infracast ingest bills/)', or 'another process'."""
        if self.pid is None:
            return "another process"
        command = _command_line(self.pid) or (Path(self.program).name if self.program else "")
        return f"PID {self.pid}" + (f" ({command})" if command else "")


def is_lock_error(exc: BaseException) -> bool:
    """True for DuckDB's error when another process holds the file."""
    return isinstance(exc, duckdb.IOException) and _LOCK_ERROR in str(exc)


def lock_holder(message: str) -> LockHolder:
    """The holder named in DuckDB's lock error, as far as the message names it."""
    found = _HOLDER.search(message)
    reading = _HOLDER_READS in message
    if found is None:
        return LockHolder(None, None, reading)
    return LockHolder(int(found["pid"]), found["program"], reading)


def _command_line(pid: int, width: int = 60) -> str | None:
    """The holder's command line where the system shows it (Linux /proc), shortened."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    args = [a for a in raw.decode("utf-8", errors="replace").split("\x00") if a]
    if not args:
        return None
    args[0] = Path(args[0]).name
    if len(args) > 1 and args[0].startswith("python") and Path(args[1]).name == "infracast":
        args = args[1:]
        args[0] = "infracast"
    text = " ".join(" ".join(args).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def connect_waiting(
    path: Path,
    *,
    read_only: bool,
    timeout: float,
    on_wait: WaitCallback | None = None,
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect(path)``, waiting up to ``timeout`` seconds for another process's lock."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    announced = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            holder = lock_holder(str(exc))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise busy_error(path, holder, timeout) from exc
        if not announced and on_wait is not None:
            on_wait(
                f"waiting for the ledger {path}, held by {holder.describe()} … "
                f"up to {timeout:g} s (lock_timeout); Ctrl-C to stop"
            )
        announced = True
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, 1.0)


def busy_error(path: Path, holder: LockHolder, timeout: float) -> LedgerBusyError:
    """The error for a ledger still locked after ``timeout`` seconds."""
    who = holder.describe() + (", which is reading it" if holder.reading else "")
    if timeout <= 0:
        message = f"the ledger {path} is in use by {who}."
        wait = "or let infracast wait for it: INFRACAST_LOCK_TIMEOUT=60 (seconds)."
    else:
        message = f"the ledger {path} is still in use by {who} after {timeout:g} s."
        wait = "or wait longer: INFRACAST_LOCK_TIMEOUT=300 (seconds; 0 fails at once)."
    return LedgerBusyError(
        message,
        hint="DuckDB lets one process write a ledger at a time, and no other process read it "
        "meanwhile (readers can share it). Run again when that process has finished, " + wait,
        file=path,
    )
