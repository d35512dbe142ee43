"""A busy ledger (src/infracast/ledger/lock.py): readers and writers wait for another
process's lock, with a message and a bounded timeout, then fail naming the holder.

The holder is a real second process, because DuckDB's lock is a file lock between
processes (within one process, connections share the database instead).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from infracast.errors import LedgerBusyError
from infracast.ledger.connection import Ledger
from infracast.ledger.lock import lock_holder

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""


@contextmanager
def held(path: Path, seconds: float, mode: str = "write") -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``path`` open (for ``mode``) for ``seconds`` once it says so."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "busy.duckdb"
    Ledger.open(path).close()
    return path


def test_a_writer_waits_for_the_holder_to_exit(ledger_file: Path) -> None:
    messages: list[str] = []
    with held(ledger_file, 1.0) as proc:
        started = time.monotonic()
        with Ledger.open(ledger_file, lock_timeout=10, on_wait=messages.append) as led:
            waited = time.monotonic() - started
            assert led.con.execute("SELECT count(*) FROM charges").fetchone() == (0,)
    assert 0.5 < waited < 5
    (message,) = messages
    assert message.startswith(f"waiting for the ledger {ledger_file}, held by PID {proc.pid}")
    assert "up to 10 s" in message


def test_a_reader_waits_for_a_writer(ledger_file: Path) -> None:
    messages: list[str] = []
    with (
        held(ledger_file, 1.0),
        Ledger.open(ledger_file, read_only=True, lock_timeout=10, on_wait=messages.append),
    ):
        pass
    assert len(messages) == 1


def test_the_wait_is_bounded_and_the_error_names_the_holder(ledger_file: Path) -> None:
    with held(ledger_file, 30) as proc:
        started = time.monotonic()
        with pytest.raises(LedgerBusyError) as caught:
            Ledger.open(ledger_file, lock_timeout=0.5)
        waited = time.monotonic() - started
    assert 0.5 <= waited < 3
    err = caught.value
    assert err.message.startswith(f"the ledger {ledger_file} is still in use by PID {proc.pid} (")
    assert err.message.endswith(") after 0.5 s.")
    assert err.hint is not None and "INFRACAST_LOCK_TIMEOUT" in err.hint


def test_a_timeout_of_zero_fails_at_once_without_waiting(ledger_file: Path) -> None:
    messages: list[str] = []
    with held(ledger_file, 30) as proc:
        started = time.monotonic()
        with pytest.raises(LedgerBusyError, match=f"is in use by PID {proc.pid}"):
            Ledger.open(ledger_file, lock_timeout=0, on_wait=messages.append)
        assert time.monotonic() - started < 1
    assert messages == []


def test_readers_share_the_ledger_without_waiting(ledger_file: Path) -> None:
    messages: list[str] = []
    with (
        held(ledger_file, 30, mode="read"),
        Ledger.open(ledger_file, read_only=True, lock_timeout=0, on_wait=messages.append),
    ):
        pass
    assert messages == []


def test_the_timeout_comes_from_the_settings(ledger_file: Path) -> None:
    from infracast.settings import Settings

    with held(ledger_file, 30), pytest.raises(LedgerBusyError, match=r"after 0\.3 s"):
        Ledger.open(ledger_file, settings=Settings(lock_timeout=0.3))


@pytest.mark.parametrize(
    ("message", "pid", "program"),
    [
        (
            'IO Error: Could not set lock on file "/x/l.duckdb": Conflicting lock is held in '
            "/usr/bin/python3.11 (PID 5332) by user ana. See also https://duckdb.org/docs",
            5332,
            "/usr/bin/python3.11",
        ),
        ('IO Error: Could not set lock on file "/x/l.duckdb": Resource busy', None, None),
    ],
)
def test_the_holder_is_read_from_duckdbs_message(
    message: str, pid: int | None, program: str | None
) -> None:
    holder = lock_holder(message)
    assert (holder.pid, holder.program) == (pid, program)
