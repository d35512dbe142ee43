"""`infracast ledger retag`, a busy ledger, and commands that fail leaving no ledger behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from infracast.ledger import retag
from infracast.ledger.connection import Ledger
from tests.cli.conftest import Ran
from tests.ledger.focus_rows import write_focus_csv

CLI = Callable[..., Ran]


def bill(tmp_path: Path) -> Path:
    return write_focus_csv(
        tmp_path / "bill.csv",
        [
            {"Tags": '{"team": "a", "owner": "x"}', "BilledCost": "10"},
            {"Tags": '{"team": "b"}', "BilledCost": "5"},
        ],
    )


def teams(cli: CLI, ledger: str) -> dict[str | None, str]:
    ran = cli("costs", "--by", "team", "-l", ledger, "-f", "json")
    assert ran.code == 0, ran.err
    return {r["team"]: str(r["billed_cost"]) for r in json.loads(ran.out)}


def test_retag_applies_changed_tag_keys_to_stored_charges(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    assert cli("ingest", str(bill(tmp_path)), "-l", ledger).code == 0
    assert teams(cli, ledger) == {"a": "10", "b": "5"}
    monkeypatch.setenv("INFRACAST_TEAM_TAGS", "owner")
    ran = cli("ledger", "retag", "-l", ledger)
    assert ran.code == 0, ran.err
    assert "2 of 2 charges changed (team 2, project 0, cost_category 0)" in ran.err
    assert teams(cli, ledger) == {"x": "10", None: "5"}


def test_retag_json_is_the_library_result(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "l.duckdb"
    cli("ingest", str(bill(tmp_path)), "-l", str(ledger))
    monkeypatch.setenv("INFRACAST_TEAM_TAGS", "owner")
    ran = cli("ledger", "retag", "--dry-run", "-l", str(ledger), "-f", "json")
    with Ledger.open(ledger) as led:
        expected = retag(led, dry_run=True).to_json()
    assert json.loads(ran.out) == json.loads(json.dumps(expected))
    assert list(expected)[:3] == ["dry_run", "rows_examined", "rows_changed"]


def test_retag_dry_run_writes_nothing(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = str(tmp_path / "l.duckdb")
    cli("ingest", str(bill(tmp_path)), "-l", ledger)
    monkeypatch.setenv("INFRACAST_TEAM_TAGS", "owner")
    ran = cli("ledger", "retag", "--dry-run", "-l", ledger)
    assert ran.code == 0 and "Would change" in ran.out and "Dry run" in ran.err
    monkeypatch.delenv("INFRACAST_TEAM_TAGS")
    assert teams(cli, ledger) == {"a": "10", "b": "5"}


def test_retag_on_a_missing_ledger_creates_none(cli: CLI, tmp_path: Path) -> None:
    ran = cli("ledger", "retag", "-l", str(tmp_path / "none.duckdb"))
    assert ran.code == 2 and "no ledger at" in ran.err
    assert os.listdir(tmp_path) == []


# --- a busy ledger ------------------------------------------------------------------------


def test_a_reader_says_it_waits_then_names_the_holder(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "l.duckdb"
    Ledger.open(ledger).close()
    hold = "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
    proc = subprocess.Popen(
        [sys.executable, "-c", hold + "time.sleep(30)", str(ledger)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ok"
        monkeypatch.setenv("INFRACAST_LOCK_TIMEOUT", "0.5")
        ran = cli("costs", "-l", str(ledger))
    finally:
        proc.kill()
        proc.wait()
    assert ran.code == 3  # LedgerBusyError: try again later
    assert f"waiting for the ledger {ledger}, held by PID {proc.pid}" in ran.err
    assert f"Error: the ledger {ledger} is still in use by PID {proc.pid}" in ran.err
    assert "Traceback" not in ran.err


# --- a failed command creates nothing -----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "missing.csv"],
        ["budget", "set", "m1", "--amount", "100"],  # a new budget needs --currency, --start
        ["budget", "set", "m1", "--amount", "abc", "--currency", "USD", "--start", "2026-01"],
        ["costs"],
        ["ingests"],
        ["ledger", "retag"],
    ],
)
def test_a_failed_command_leaves_no_ledger(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    ran = cli(*args, "--ledger", str(tmp_path / "new.duckdb"))
    assert ran.code != 0 and "Traceback" not in ran.err
    assert os.listdir(tmp_path) == []
