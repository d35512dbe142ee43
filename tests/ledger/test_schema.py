"""Schema migrations: a ledger written by an older infracast is brought up to date on open."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.errors import LedgerError
from infracast.ledger import rollup
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
FORECAST_TABLES = {"forecasts", "forecast_points", "anomalies"}
RECOMMEND_TABLES = {"recommendations", "bucket_stats"}
USER_TABLES = {"users", "api_tokens"}


def _tables(ledger: Ledger) -> set[str]:
    rows = ledger.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _version(ledger: Ledger) -> int:
    row = ledger.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert row is not None
    return int(row[0])


def _back_to_version_7(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 7: a rollup
    without the GPU measures (its shape stands in: migration 8 builds it again)."""
    ledger.con.execute("DROP TABLE charges_daily_teams")
    ledger.con.execute("DROP TABLE charges_daily")
    ledger.con.execute("CREATE TABLE charges_daily (x_rows BIGINT)")
    ledger.con.execute("DELETE FROM meta WHERE key = 'rollup_samples'")
    ledger.con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")


def _back_to_version_6(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 6: no rollup."""
    _back_to_version_7(ledger)
    ledger.con.execute("DROP TABLE charges_daily")
    ledger.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")


def _back_to_version_5(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 5: no users."""
    _back_to_version_6(ledger)
    for table in USER_TABLES:
        ledger.con.execute(f"DROP TABLE {table}")
    ledger.con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")


def _back_to_version_4(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 4: no
    recommendations, no bucket statistics."""
    _back_to_version_5(ledger)
    for table in RECOMMEND_TABLES:
        ledger.con.execute(f"DROP TABLE {table}")
    ledger.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")


def _back_to_version_3(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 3: no forecasts."""
    _back_to_version_4(ledger)
    for table in FORECAST_TABLES:
        ledger.con.execute(f"DROP TABLE {table}")
    ledger.con.execute("DROP SEQUENCE forecast_id_seq")
    ledger.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")


def _back_to_version_2(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 2: periods per
    provider only, 12 decimals, no row fingerprints."""
    _back_to_version_3(ledger)
    con = ledger.con
    con.execute("DROP TABLE IF EXISTS v2_periods")
    con.execute(
        """CREATE TEMP TABLE v2_periods AS SELECT ingest_id, provider, billing_period_start,
               billing_period_end, currency, sum(rows) AS rows, sum(billed_cost) AS b,
               sum(effective_cost) AS e, superseded_by
           FROM ingest_periods GROUP BY ALL"""
    )
    con.execute("DELETE FROM ingest_periods")
    con.execute("ALTER TABLE ingest_periods DROP COLUMN billing_account_id")
    con.execute("ALTER TABLE ingest_periods DROP COLUMN invoice_id")
    con.execute("INSERT INTO ingest_periods SELECT * FROM v2_periods")
    con.execute("ALTER TABLE charges DROP COLUMN x_row_hash")
    for table, column in _MONEY:
        con.execute(f'ALTER TABLE {table} ALTER "{column}" TYPE DECIMAL(38, 12)')
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.execute("DELETE FROM meta WHERE key = 'fingerprint'")


_MONEY = [
    ("charges", "BilledCost"),
    ("charges", "EffectiveCost"),
    ("charges", "ListCost"),
    ("charges", "ContractedCost"),
    ("ingest_periods", "billed_cost"),
    ("ingest_periods", "effective_cost"),
    ("quarantine", "billed_cost"),
    ("quarantine", "effective_cost"),
]


def _back_to_version_1(ledger: Ledger) -> None:
    """Turn a new ledger back into what infracast wrote at schema version 1."""
    _back_to_version_3(ledger)
    for table in PLAN_TABLES:
        ledger.con.execute(f"DROP TABLE {table}")
    ledger.con.execute("DROP SEQUENCE alert_id_seq")
    ledger.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_new_ledger_has_the_plan_tables_at_the_current_version(ledger: Ledger) -> None:
    assert _tables(ledger) >= PLAN_TABLES | FORECAST_TABLES | RECOMMEND_TABLES | USER_TABLES
    assert _version(ledger) == SCHEMA_VERSION == 8


def test_a_version_6_ledger_gains_the_daily_rollup_of_its_charges(tmp_path: Path) -> None:
    path = tmp_path / "v6.duckdb"
    with Ledger.open(path) as ledger:
        _back_to_version_6(ledger)
        ledger.con.execute(
            "INSERT INTO charges (x_ingest_id, x_source, x_cost_category, BillingCurrency, "
            "BilledCost, EffectiveCost, ChargePeriodStart, ChargePeriodEnd) VALUES "
            "(1, 'focus', 'compute', 'USD', 12.5, 10, '2026-01-05 03:00', '2026-01-05 04:00'), "
            "(1, 'focus', 'compute', 'USD', 0.25, 0.25, '2026-01-05 09:00', '2026-01-05 10:00')"
        )
    with Ledger.open(path) as ledger:
        assert _version(ledger) == SCHEMA_VERSION
        # both charges of 5 January in one row: 12.5 + 0.25 billed, 10 + 0.25 effective
        assert ledger.con.execute(
            "SELECT ChargePeriodStart, ChargePeriodEnd, BilledCost, EffectiveCost, x_rows "
            "FROM charges_daily"
        ).fetchall() == [
            (datetime(2026, 1, 5), datetime(2026, 1, 5, 10), Decimal("12.75"), Decimal("10.25"), 2)
        ]
        assert rollup.drift(ledger.con) == 0


def test_a_version_7_ledger_gains_the_gpu_measures_of_its_charges(tmp_path: Path) -> None:
    path = tmp_path / "v7.duckdb"
    with Ledger.open(path) as ledger:
        _back_to_version_7(ledger)
        ledger.con.execute(
            "INSERT INTO charges (x_ingest_id, x_source, x_cost_category, BillingCurrency, "
            "BilledCost, EffectiveCost, ChargePeriodStart, ChargePeriodEnd, ResourceId, "
            "x_gpu_count, x_gpu_hours) VALUES (1, 'focus', 'compute', 'USD', 8, 8, "
            "'2026-01-05 03:00', '2026-01-05 04:00', 'node-1', 2, 2)"
        )
        ledger.con.execute(
            "INSERT INTO usage_samples (ts, interval_s, resource_id, gpu_index, utilization, "
            "share, x_ingest_id) VALUES ('2026-01-05 03:00', 3600, 'node-1', 0, 0.5, 1, 2), "
            "('2026-01-05 03:00', 3600, 'node-1', 1, 0.25, 1, 2)"
        )
    with Ledger.open(path) as ledger:
        assert _version(ledger) == SCHEMA_VERSION
        # 2 GPUs × 1 h = 7200 GPU-s; busy 0.5·3600 + 0.25·3600 = 2700 s; u = 0.375:
        # useful 2 × 0.375 = 0.75 GPU-h, idle 8 − 8 × 0.375 = 5 USD
        assert ledger.con.execute(
            "SELECT x_gpu_rows, x_measured_rows, x_useful_gpu_hours, x_idle_effective_cost "
            "FROM charges_daily"
        ).fetchall() == [(1, 1, 0.75, Decimal(5))]
        assert rollup.drift(ledger.con) == 0


def test_a_version_4_ledger_gains_the_recommendation_tables_and_keeps_its_forecasts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.duckdb"
    with Ledger.open(path) as ledger:
        _back_to_version_4(ledger)
        ledger.con.execute(
            "INSERT INTO forecast_points VALUES (1, 'a', '2026-01-01', 'ets', 2.5, [], [])"
        )
        assert not _tables(ledger) & RECOMMEND_TABLES
    with Ledger.open(path) as ledger:
        assert _tables(ledger) >= RECOMMEND_TABLES
        assert _version(ledger) == SCHEMA_VERSION
        assert ledger.con.execute("SELECT sum(yhat) FROM forecast_points").fetchone() == (2.5,)


def test_a_version_3_ledger_gains_the_forecast_tables_and_keeps_its_charges(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.duckdb"
    with Ledger.open(path) as ledger:
        _back_to_version_3(ledger)
        ledger.con.execute(
            "INSERT INTO charges (x_ingest_id, x_source, x_cost_category, BilledCost) "
            "VALUES (1, 'focus', 'compute', 12.5)"
        )
        assert not _tables(ledger) & FORECAST_TABLES
    with Ledger.open(path) as ledger:
        assert _tables(ledger) >= FORECAST_TABLES
        assert _version(ledger) == SCHEMA_VERSION
        assert ledger.con.execute("SELECT sum(BilledCost) FROM charges").fetchone() == (12.5,)


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
        assert _version(ledger) == SCHEMA_VERSION
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
        assert _version(ledger) == SCHEMA_VERSION


def test_a_version_2_ledger_gains_scopes_fingerprints_and_18_decimals(tmp_path: Path) -> None:
    from decimal import Decimal

    from infracast.ledger import ingest_focus
    from tests.ledger.focus_rows import write_focus_csv

    path = tmp_path / "old.duckdb"
    bill = write_focus_csv(
        tmp_path / "ab.csv",
        [{"BillingAccountId": "A", "BilledCost": "10"}, {"BillingAccountId": "B"}],
    )
    with Ledger.open(path) as ledger:
        ingest_focus(ledger, [bill])
        hashes = ledger.con.execute("SELECT x_row_hash FROM charges ORDER BY 1").fetchall()
        _back_to_version_2(ledger)
    with Ledger.open(path) as ledger:
        assert _version(ledger) == SCHEMA_VERSION
        periods = ledger.con.execute(
            "SELECT billing_account_id, rows, billed_cost FROM ingest_periods ORDER BY 1"
        ).fetchall()
        assert periods == [("A", 1, Decimal(10)), ("B", 1, Decimal(1))]
        # the fingerprints are those a fresh ingest computes, so a copy is still caught
        assert ledger.con.execute("SELECT x_row_hash FROM charges ORDER BY 1").fetchall() == hashes
        types = ledger.con.execute(
            "SELECT DISTINCT data_type FROM information_schema.columns "
            "WHERE column_name IN ('BilledCost', 'billed_cost')"
        ).fetchall()
        assert types == [("DECIMAL(38,18)",)]
        # and a restated bill of A replaces A only
        restated = write_focus_csv(
            tmp_path / "a.csv", [{"BillingAccountId": "A", "BilledCost": "3"}]
        )
        (result,) = ingest_focus(ledger, [restated], replace=True)
        assert result.status == "replaced"
        totals = ledger.con.execute(
            "SELECT BillingAccountId, sum(BilledCost) FROM charges GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert totals == [("A", Decimal(3)), ("B", Decimal(1))]


def test_fingerprints_made_another_way_are_computed_again_on_open(tmp_path: Path) -> None:
    """A new DuckDB may hash differently: the ledger notices and recomputes every one."""
    from infracast.ledger import ingest_focus
    from tests.ledger.focus_rows import write_focus_csv

    path = tmp_path / "l.duckdb"
    with Ledger.open(path) as ledger:
        ingest_focus(ledger, [write_focus_csv(tmp_path / "a.csv", [{}])])
        hashes = ledger.con.execute("SELECT x_row_hash FROM charges").fetchall()
        ledger.con.execute("UPDATE charges SET x_row_hash = 1")
        ledger.con.execute("UPDATE meta SET value = 'duckdb 0.0.1' WHERE key = 'fingerprint'")
    with Ledger.open(path) as ledger:
        assert ledger.con.execute("SELECT x_row_hash FROM charges").fetchall() == hashes
