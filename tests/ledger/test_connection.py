"""Opening the ledger (src/infracast/ledger/connection.py): what a wrong path says, and
that a command that fails leaves no ledger behind."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from infracast.errors import InfracastError, InterruptError, LedgerError
from infracast.ledger.connection import Ledger


def test_a_text_file_is_named_as_such_not_as_a_lock(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello, ledger\nsecond line\n")
    with pytest.raises(LedgerError) as caught:
        Ledger.open(notes)
    err = caught.value
    assert err.message == (
        f"{notes} is not a DuckDB ledger: it is a text file that starts with 'hello, ledger'."
    )
    assert err.hint is not None and "--ledger with a new file name" in err.hint
    assert "Another infracast process" not in str(err)
    assert notes.read_text() == "hello, ledger\nsecond line\n"  # untouched


def test_a_csv_file_is_refused_not_opened_as_a_throwaway_database(tmp_path: Path) -> None:
    # DuckDB itself opens a *.csv path as an in-memory database with the CSV as a view:
    # everything written to it would be lost when the command ends.
    bill = tmp_path / "bill.csv"
    bill.write_text("BilledCost,BillingCurrency\n1.00,USD\n")
    for read_only in (False, True):
        with pytest.raises(LedgerError, match="is not a DuckDB ledger: it is a text file"):
            Ledger.open(bill, read_only=read_only)
    with pytest.raises(LedgerError) as caught:
        Ledger.open(bill)
    assert caught.value.hint is not None and f"infracast ingest {bill}" in caught.value.hint


def test_a_binary_file_of_another_kind_is_named(tmp_path: Path) -> None:
    sqlite = tmp_path / "old.db"
    sqlite.write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(
        LedgerError, match=r"old\.db is not a DuckDB ledger: it is a SQLite database"
    ):
        Ledger.open(sqlite)


def test_an_empty_file_is_named_as_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    with pytest.raises(LedgerError, match=r"empty\.duckdb is an empty file, not a DuckDB ledger"):
        Ledger.open(empty)


def test_a_folder_suggests_a_file_inside_it(tmp_path: Path) -> None:
    with pytest.raises(LedgerError) as caught:
        Ledger.open(tmp_path)
    assert caught.value.message == f"{tmp_path} is a folder, not a ledger file."
    assert caught.value.hint is not None
    assert f"Pass a file path such as {tmp_path / 'infracast.duckdb'}" in caught.value.hint
    assert "Another infracast process" not in str(caught.value)


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder nobody (this user) can create files in: a 0o555 folder, or /sys as root,
    where permission bits do not stop writes but sysfs still refuses new files."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        try:
            (candidate / ".infracast-probe").touch()
        except OSError:
            return candidate
        (candidate / ".infracast-probe").unlink()
    pytest.skip("no folder here refuses writes for this user")


def test_a_read_only_folder_is_named_as_read_only(tmp_path: Path) -> None:
    folder = _read_only_folder(tmp_path)
    target = folder / "infracast.duckdb"
    with pytest.raises(LedgerError) as caught:
        Ledger.open(target)
    assert caught.value.message.startswith(f"cannot write {target}: the folder {folder} ")
    assert "read-only" in caught.value.message
    assert caught.value.hint is not None and "writable" in caught.value.hint
    assert "Another infracast process" not in str(caught.value)


def test_a_ledger_open_read_only_in_this_process_cannot_also_open_for_writing(
    tmp_path: Path,
) -> None:
    target = tmp_path / "l.duckdb"
    Ledger.open(target).close()
    with Ledger.open(target, read_only=True), pytest.raises(LedgerError) as caught:
        Ledger.open(target)
    assert caught.value.message == f"{target} is already open read-only in this process."


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match=r"folder .* does not exist"):
        Ledger.open(tmp_path / "no" / "such" / "l.duckdb")


# --- a failed command creates nothing ---------------------------------------------------


def test_a_ledger_created_by_a_failing_block_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "new.duckdb"
    with pytest.raises(InfracastError), Ledger.open(target):
        raise InfracastError("the command failed before writing anything")
    assert sorted(os.listdir(tmp_path)) == []


def test_a_ledger_whose_creation_fails_midway_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infracast.ledger import connection

    def broken(con: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(connection, "migrate", broken)
    with pytest.raises(KeyboardInterrupt):
        Ledger.open(tmp_path / "new.duckdb")
    assert os.listdir(tmp_path) == []


def test_a_created_ledger_that_holds_data_is_kept_even_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "new.duckdb"
    with pytest.raises(InfracastError), Ledger.open(target) as led:
        led.con.execute(
            "INSERT INTO ingests (ingest_id, batch_id, kind, source, status, started_at) "
            "VALUES (1, 'b', 'focus', 'x.csv', 'rejected', now())"
        )
        raise InfracastError("a later step failed")
    assert target.exists()


def test_an_existing_empty_ledger_is_never_removed(tmp_path: Path) -> None:
    target = tmp_path / "mine.duckdb"
    Ledger.open(target).close()
    with pytest.raises(InfracastError), Ledger.open(target):
        raise InfracastError("failed")
    assert target.exists()


def test_a_successful_block_keeps_the_new_ledger(tmp_path: Path) -> None:
    target = tmp_path / "new.duckdb"
    with Ledger.open(target):
        pass
    assert target.exists()


def test_reading_a_missing_ledger_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no ledger at"):
        Ledger.open(tmp_path / "none.duckdb", read_only=True)
    assert os.listdir(tmp_path) == []


@pytest.fixture
def ctrl_c_as_at_a_terminal() -> Iterator[None]:
    """Python's own Ctrl-C handler for the test (a background job inherits SIGINT ignored)."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set in the main thread only")
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("ctrl_c_as_at_a_terminal")
def test_a_ctrl_c_between_statements_rolls_the_transaction_back(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.duckdb") as ledger:
        ledger.con.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(InterruptError), ledger.transaction() as con:
            con.execute("INSERT INTO t VALUES (1)")
            os.kill(os.getpid(), signal.SIGINT)  # noticed in Python, not by a query
            con.execute("INSERT INTO t VALUES (2)")  # the block goes on: it must not commit
        assert ledger.con.execute("SELECT count(*) FROM t").fetchone() == (0,)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
        with ledger.transaction() as con:  # and the ledger still works
            con.execute("INSERT INTO t VALUES (3)")
        assert ledger.con.execute("SELECT count(*) FROM t").fetchone() == (1,)
