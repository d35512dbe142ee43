"""What is in quarantine, by reason or row by row, and the ingest log: the functions under
`infracast quarantine list` and `infracast ingests`."""

from __future__ import annotations

from pathlib import Path

from infracast.ledger import ingest_focus, ingests, list_quarantine
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import write_focus_csv


def bad_bill(ledger: Ledger, path: Path, bad: int) -> None:
    """A bill of one good row then ``bad`` rows with a cost that is not a number."""
    write_focus_csv(
        path, [{}, *[{"BilledCost": "abc", "ResourceId": f"i-{i}"} for i in range(bad)]]
    )
    ingest_focus(ledger, [path])


def test_quarantine_lists_one_entry_per_ingest_and_reason(ledger: Ledger, tmp_path: Path) -> None:
    bad_bill(ledger, tmp_path / "bill.csv", 3)
    (group,) = list_quarantine(ledger)
    assert (group["ingest_id"], group["reason"], group["rows"], group["resolved"]) == (
        1,
        "invalid_cost",
        3,
        0,
    )


def test_quarantine_rows_stop_at_the_limit_in_file_order(ledger: Ledger, tmp_path: Path) -> None:
    bad_bill(ledger, tmp_path / "bill.csv", 60)
    shown = list_quarantine(ledger, rows=True)
    assert len(shown) == 50  # the default limit
    assert [r["row_number"] for r in shown[:2]] == [2, 3]  # data rows from 1; row 1 is good
    assert len(list_quarantine(ledger, rows=True, limit=None)) == 60


def test_ingests_are_newest_first_and_limited(ledger: Ledger, tmp_path: Path) -> None:
    for month in (1, 2, 3):
        write_focus_csv(
            tmp_path / f"{month}.csv",
            [{"BillingPeriodStart": f"2026-0{month}-01T00:00:00Z",
              "BillingPeriodEnd": f"2026-0{month + 1}-01T00:00:00Z",
              "ChargePeriodStart": f"2026-0{month}-05T00:00:00Z",
              "ChargePeriodEnd": f"2026-0{month}-05T01:00:00Z"}],
        )  # fmt: skip
        ingest_focus(ledger, [tmp_path / f"{month}.csv"])
    assert [r["ingest_id"] for r in ingests(ledger)] == [3, 2, 1]
    assert [Path(r["source"]).name for r in ingests(ledger, limit=2)] == ["3.csv", "2.csv"]
