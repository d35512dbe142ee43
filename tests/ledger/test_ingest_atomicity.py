"""A crash or Ctrl-C in the middle of a large file leaves the ledger exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import write_big_focus_parquet, write_focus_csv

pytestmark = pytest.mark.slow

SCRIPT = """
import signal
import sys
# Ctrl-C as at a terminal: a child of a shell's background job inherits SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
from infracast.ledger.connection import Ledger
from infracast.ledger import ingest_focus
ledger = Ledger.open(sys.argv[1])
def report(name, pct):
    print(f"{pct:.1f}", flush=True)
ingest_focus(ledger, [sys.argv[2]], progress=report)
ledger.close()
print("done", flush=True)
"""


def snapshot(path: Path) -> dict[str, object]:
    with Ledger.open(path) as ledger:
        con = ledger.con
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchall()
            for table in ("charges", "quarantine", "ingests", "ingest_periods")
        } | {
            "sums": con.execute(
                "SELECT sum(BilledCost), sum(EffectiveCost), max(x_ingest_id) FROM charges"
            ).fetchall(),
            "ingests": con.execute(
                "SELECT * EXCLUDE (started_at, finished_at) FROM ingests"
            ).fetchall(),
        }


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_focus_parquet(tmp_path_factory.mktemp("big") / "big.parquet", 3_000_000)


def start_and_wait_for_progress(ledger_path: Path, big: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(ledger_path), str(big)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.strip() != "done" and 5.0 <= float(line) < 60.0:
            return proc  # the rows are being written
    proc.kill()
    pytest.fail("the ingest never reported progress between 5% and 60%")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_ingest_leaves_the_ledger_unchanged(
    tmp_path: Path, big_file: Path, sig: signal.Signals
) -> None:
    ledger_path = tmp_path / "ledger.duckdb"
    with Ledger.open(ledger_path) as ledger:
        before_rows = [
            {"ProviderName": "Microsoft"},
            {"ProviderName": "Microsoft", "BilledCost": "x"},
        ]
        ingest_focus(ledger, [write_focus_csv(tmp_path / "before.csv", before_rows)])
    before = snapshot(ledger_path)
    proc = start_and_wait_for_progress(ledger_path, big_file)
    os.kill(proc.pid, sig)
    # read what it still prints (a full pipe would block it) and give a loaded machine time
    proc.communicate(timeout=240)
    assert proc.returncode != 0
    assert snapshot(ledger_path) == before
    # and the ledger still works: the same file now ingests completely
    with Ledger.open(ledger_path) as ledger:
        (result,) = ingest_focus(ledger, [big_file])
        assert result.rows_ingested == 3_000_000
