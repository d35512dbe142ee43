"""DuckDB's errors of memory, interrupt, disk and damage become infracast's where queries run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from infracast.analytics.scope import to_rows
from infracast.errors import InterruptError, LedgerError, ResourceError
from infracast.ledger.connection import Ledger
from infracast.ledger.duckdb_errors import translate
from infracast.settings import Settings

# Three groups of a list of ~3M integers each: far more than 20 MB.
GREEDY = "SELECT list(range) AS l FROM range(10000000) GROUP BY range % 3"
ENDLESS = "SELECT count(*) AS n FROM range(1000000000000)"


@pytest.fixture
def small() -> Iterator[Ledger]:
    """An in-memory ledger whose DuckDB may use 20 MB."""
    with Ledger.open(":memory:", settings=Settings(memory_limit="20MB")) as opened:
        yield opened


@contextmanager
def interrupting(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Interrupt ``con`` every 50 ms while the block runs (as Ctrl-C or a cancelled request)."""
    done = threading.Event()

    def keep_interrupting() -> None:
        while not done.wait(0.05):
            con.interrupt()

    thread = threading.Thread(target=keep_interrupting)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def test_out_of_memory_in_an_analytics_query_names_the_cap_and_the_spill_folder(
    small: Ledger,
) -> None:
    with pytest.raises(ResourceError) as caught:
        to_rows(small.ibis().sql(GREEDY))
    assert caught.value.message.startswith("DuckDB ran out of memory: ")
    assert caught.value.hint is not None
    assert "memory_limit setting, now 19.0 MiB" in caught.value.hint
    assert "INFRACAST_MEMORY_LIMIT" in caught.value.hint
    assert f"spills to {Path('.tmp').resolve()}" in caught.value.hint
    assert isinstance(caught.value.__cause__, duckdb.OutOfMemoryException)


def test_out_of_memory_in_a_transaction_rolls_back_and_is_translated(small: Ledger) -> None:
    small.con.execute("CREATE TABLE kept (n INTEGER)")
    with pytest.raises(ResourceError), small.transaction() as con:
        con.execute("INSERT INTO kept VALUES (1)")
        con.execute(GREEDY).fetchall()
    assert small.con.execute("SELECT count(*) FROM kept").fetchone() == (0,)


def test_an_interrupted_analytics_query_is_an_interrupt_error(small: Ledger) -> None:
    # The expression is built first: ibis asks DuckDB for its schema when it is made, and an
    # interrupt landing there (under load) would hit ibis, not the query that to_rows runs.
    endless = small.ibis().sql(ENDLESS)
    with interrupting(small.con), pytest.raises(InterruptError) as caught:
        to_rows(endless)
    assert "nothing was half-written" in caught.value.message
    assert caught.value.exit_code == 130


def test_an_error_escaping_the_with_block_is_translated(tmp_path: Path) -> None:
    settings = Settings(memory_limit="20MB")
    with pytest.raises(ResourceError), Ledger.open(tmp_path / "l.duckdb", settings=settings) as led:
        led.con.execute(GREEDY).fetchall()


def test_ctrl_c_during_a_query_is_an_interrupt_error() -> None:
    # What DuckDB's Python client raises when SIGINT arrives during a query.
    assert isinstance(translate(RuntimeError("Query interrupted")), InterruptError)


def test_a_full_disk_is_a_resource_error_naming_the_folders() -> None:
    exc = duckdb.IOException('IO Error: Could not write file "x.wal": No space left on device')
    ours = translate(exc, path="/data/l.duckdb")
    assert isinstance(ours, ResourceError)
    assert ours.message.startswith("the disk ran out of space while DuckDB wrote the ledger ")
    assert ours.hint is not None and "Free disk space" in ours.hint


def test_a_damaged_ledger_file_is_a_ledger_error(tmp_path: Path) -> None:
    path = tmp_path / "l.duckdb"
    with Ledger.open(path) as led:
        led.con.execute("CREATE TABLE t AS SELECT range AS i, random() AS r FROM range(300000)")
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"\xff" * 16384)
    with pytest.raises(LedgerError) as caught, Ledger.open(path, read_only=True) as led:
        led.con.execute("SELECT sum(r) FROM t").fetchall()
    assert caught.value.message.startswith(f"the ledger {path} is damaged")
    assert caught.value.to_dict()["file"] == str(path)


def test_errors_of_the_query_itself_are_left_as_they_are() -> None:
    with pytest.raises(duckdb.CatalogException), Ledger.open(":memory:") as led:
        led.con.execute("SELECT * FROM no_such_table")
    assert translate(duckdb.CatalogException("no table")) is None
    assert translate(RuntimeError("something else")) is None
