"""One entry for every kind of source (src/infracast/ledger/sources.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.errors import ConfigError, IngestError
from infracast.ledger import ingest
from infracast.ledger.connection import Ledger
from infracast.ledger.sources import check_ingest, read_through
from tests.ledger.focus_rows import write_focus_csv

MANUAL = """defaults: {currency: USD}
entries:
  - {id: wandb, category: software, vendor: Weights & Biases, amount: 1800,
     frequency: monthly, start: 2026-01-01, end: 2027-01-01}
"""


def test_focus_is_the_default_kind(ledger: Ledger, tmp_path: Path) -> None:
    bill = write_focus_csv(tmp_path / "bill.csv", [{"BilledCost": "2.5"}])
    (result,) = ingest(ledger, [bill])
    assert (result.kind, result.status, result.rows_ingested) == ("focus", "ingested", 1)


def test_manual_entries_are_generated_through_a_date_given_as_text(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "manual.yaml"
    path.write_text(MANUAL, encoding="utf-8")
    (result,) = ingest(ledger, [tmp_path], kind="manual", through="2026-03-31")
    assert result.kind == "manual"
    # monthly from January: January, February and March 2026, 3 × 1,800
    total = ledger.con.execute("SELECT sum(BilledCost) FROM charges").fetchone()
    assert total == (Decimal("5400"),)


@pytest.mark.parametrize(
    ("options", "flag"),
    [({"replace": "account"}, "--replace-account"), ({"dry_run": True}, "--dry-run")],
)
def test_focus_only_options_are_refused_for_other_kinds(
    ledger: Ledger, tmp_path: Path, options: dict[str, object], flag: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        ingest(ledger, [tmp_path], kind="usage", **options)  # type: ignore[arg-type]
    assert caught.value.message == f"{flag} applies to FOCUS bills only, not to --kind usage."


def test_an_unknown_kind_gets_a_did_you_mean(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ingest(ledger, [tmp_path], kind="asset")
    assert caught.value.message == 'unknown kind of source "asset". Did you mean "assets"?'


def test_through_is_a_date() -> None:
    assert read_through("2026-12-31") == date(2026, 12, 31)
    assert read_through(None) is None
    with pytest.raises(ConfigError, match="--through '31/12/2026' is not a date"):
        read_through("31/12/2026")


def test_the_check_needs_no_ledger_and_finds_missing_files(tmp_path: Path) -> None:
    (tmp_path / "assets.yaml").write_text("assets: []\n", encoding="utf-8")
    check_ingest([tmp_path / "assets.yaml"], kind="assets")
    with pytest.raises(IngestError, match="no such file or folder"):
        check_ingest([tmp_path / "missing.csv"])
    (tmp_path / "bills").mkdir()
    (tmp_path / "bills" / "notes.txt").write_text("not a bill", encoding="utf-8")
    with pytest.raises(IngestError, match=r"holds no \.yaml, \.yml, \.csv file"):
        check_ingest([tmp_path / "bills"], kind="manual")
