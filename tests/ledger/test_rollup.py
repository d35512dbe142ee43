"""The daily rollup follows the charges at every write, in the same transaction.

(Every test of this folder that uses the ``ledger`` fixture also ends with the rollup in
step: tests/ledger/conftest.py.)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from infracast.ledger import ingest_focus, rollup
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import write_focus_csv


def hour(day: int, h: int, cost: str, **extra: str) -> dict[str, str]:
    return {
        "ChargePeriodStart": f"2026-01-{day:02d}T{h:02d}:00:00Z",
        "ChargePeriodEnd": f"2026-01-{day:02d}T{h + 1:02d}:00:00Z",
        "BilledCost": cost,
        "EffectiveCost": cost,
        **extra,
    }


def daily(ledger: Ledger) -> list[tuple]:
    return ledger.con.execute(
        "SELECT ChargePeriodStart, ChargePeriodEnd, x_team, BilledCost, ListCost, "
        "x_list_cost_rows, x_rows FROM charges_daily ORDER BY ALL"
    ).fetchall()


def test_an_ingest_sums_its_charges_per_day(ledger: Ledger, tmp_path: Path) -> None:
    bill = write_focus_csv(
        tmp_path / "bill.csv",
        [hour(5, 0, "1.25"), hour(5, 7, "2.50", ListCost=""), hour(6, 3, "4")],
    )
    ingest_focus(ledger, [bill])
    # 5 Jan: 1.25 + 2.50 = 3.75 billed; list 1.20 from the one charge that has it (1 of 2)
    # 6 Jan: 4 billed, list 1.20 (the defaults' ListCost)
    assert daily(ledger) == [
        (datetime(2026, 1, 5), datetime(2026, 1, 5, 8), "research", Decimal("3.75"),
         Decimal("1.2"), 1, 2),
        (datetime(2026, 1, 6), datetime(2026, 1, 6, 4), "research", Decimal("4"),
         Decimal("1.2"), 1, 1),
    ]  # fmt: skip


def test_a_replacement_swaps_the_rollup_rows_of_what_it_replaced(
    ledger: Ledger, tmp_path: Path
) -> None:
    ingest_focus(ledger, [write_focus_csv(tmp_path / "a.csv", [hour(5, 0, "10"), hour(6, 0, "5")])])
    (restated,) = ingest_focus(
        ledger, [write_focus_csv(tmp_path / "b.csv", [hour(5, 0, "12")])], replace=True
    )
    assert restated.status == "replaced"
    # 10 and 5 are gone with the charges they summed; only the restated 12 remains
    assert [(r[0], r[3], r[6]) for r in daily(ledger)] == [(datetime(2026, 1, 5), Decimal("12"), 1)]


def test_a_dry_run_and_a_refused_file_leave_the_rollup_as_it_was(
    ledger: Ledger, tmp_path: Path
) -> None:
    ingest_focus(ledger, [write_focus_csv(tmp_path / "a.csv", [hour(5, 0, "10")])])
    before = daily(ledger)
    other = write_focus_csv(tmp_path / "b.csv", [hour(5, 1, "3")])
    (dry,) = ingest_focus(ledger, [other], replace=True, dry_run=True)
    (refused,) = ingest_focus(ledger, [other])  # overlaps the period already held
    assert (dry.dry_run, refused.status) == (True, "rejected")
    assert daily(ledger) == before


def test_a_failed_refresh_rolls_the_ingest_back(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(con: duckdb.DuckDBPyConnection, ingest_ids: object = None) -> None:
        raise duckdb.InterruptException("interrupted")

    monkeypatch.setattr(rollup, "refresh", fail)
    with pytest.raises(Exception, match=r"(?i)interrupt"):
        ingest_focus(ledger, [write_focus_csv(tmp_path / "a.csv", [hour(5, 0, "10")])])
    monkeypatch.undo()
    # neither the charges nor their rollup: the ingest's one transaction was rolled back
    assert ledger.con.execute("SELECT count(*) FROM charges").fetchone() == (0,)
    assert daily(ledger) == []


def test_in_step_counts_the_charges(ledger: Ledger, tmp_path: Path) -> None:
    ingest_focus(ledger, [write_focus_csv(tmp_path / "a.csv", [hour(5, 0, "10")])])
    assert rollup.in_step(ledger.con)
    ledger.con.execute("DELETE FROM charges")  # around the library
    assert not rollup.in_step(ledger.con)
    rollup.refresh(ledger.con)
    assert rollup.in_step(ledger.con) and daily(ledger) == []
