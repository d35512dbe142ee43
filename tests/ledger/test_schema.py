"""Schema migrations: a ledger written by an older infracast is brought up to date on open."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.errors import LedgerError
from infracast.ledger.connection import Ledger
from infracast.ledger.schema import SCHEMA_VERSION

PLAN_TABLES = {
    "budgets",
    "alerts",
    "projects",
    "project_tasks",
    "task_progress",
    "plans",
    "plan_lines",
}


def _tables(ledger: Ledger) -> set[str]:
    rows = ledger.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _version(ledger: Ledger) -> int:
    row = ledger.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert row is not None
    return int(row[0])


def _back_to_version_1(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 1."""
    for table in PLAN_TABLES:
        ledger.con.execute(f"DROP TABLE {table}")
    ledger.con.execute("DROP SEQUENCE alert_id_seq")
    ledger.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_new_ledger_has_the_plan_tables_at_the_current_version(ledger: Ledger) -> None:
    assert _tables(ledger) >= PLAN_TABLES
    assert _version(ledger) == SCHEMA_VERSION == 2


def test_a_version_1_ledger_gains_the_plan_tables_and_keeps_its_charges(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Ledger.open(path) as ledger:
        _back_to_version_1(ledger)
        ledger.con.execute(
            "INSERT INTO charges (x_ingest_id, x_source, x_cost_category, BilledCost) "
            "VALUES (1, 'focus', 'compute', 12.5)"
        )
    with Ledger.open(path) as ledger:
        assert _tables(ledger) >= PLAN_TABLES
        assert _version(ledger) == 2
        assert ledger.con.execute("SELECT sum(BilledCost) FROM charges").fetchone() == (12.5,)


def test_a_ledger_from_a_newer_infracast_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with Ledger.open(path) as ledger:
        ledger.con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(LedgerError, match="newer than this infracast"):
        Ledger.open(path)


def test_opening_a_version_1_ledger_read_only_upgrades_it_first(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Ledger.open(path) as ledger:
        _back_to_version_1(ledger)
    with Ledger.open(path, read_only=True) as ledger:
        assert _tables(ledger) >= PLAN_TABLES
        assert _version(ledger) == 2
