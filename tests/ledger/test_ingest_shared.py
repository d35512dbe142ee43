"""The real and specification FOCUS files in ../shared/data/focus reconcile to the cent."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from tests.conftest import shared_path

pytestmark = pytest.mark.shared

FILES = [
    "multi-1.0-focus-sample-1000.csv",
    "aws-1.2-synthetic-rows100.csv",
    "azure-1.2-synthetic-rows100.csv",
    "azure-1.2-synthetic-credits-rows25.csv",
    "spec-1.2-virtual-currency-a1-purchase.csv",
    "spec-1.2-virtual-currency-a2-usage.csv",
    "spec-1.2-saas-simple-agreement-c.csv",
]
# Files without a column the ledger needs (a provider, a currency): rejected whole.
REJECTED = {"spec-1.2-commitment-flex-1-resource.csv", "columns.csv"}


# The numbers rule of docs/ingest.md, written out independently of the ledger's SQL.
NUMBER = re.compile(r"\s*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*")
NULLS = ("", "NULL", "null", "Null")


def number(text: str | None) -> Decimal:
    """The exact value of a cost as written; 0 where the rule does not accept it."""
    if text is None or text.strip() in NULLS or not NUMBER.fullmatch(text):
        return Decimal(0)
    return Decimal(text.strip())


def raw_totals(path: Path) -> dict[str, tuple[int, Decimal, Decimal]]:
    """rows, ΣBilledCost, ΣEffectiveCost per provider: exact decimal sums of the file's text."""
    totals: dict[str, tuple[int, Decimal, Decimal]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            rows, billed, effective = totals.get(row["ProviderName"], (0, Decimal(0), Decimal(0)))
            totals[row["ProviderName"]] = (
                rows + 1,
                billed + number(row["BilledCost"]),
                effective + number(row["EffectiveCost"]),
            )
    return totals


@pytest.mark.parametrize("name", FILES)
def test_file_reconciles_per_provider(name: str) -> None:
    """ledger + quarantine = file, to the last digit of every value (18 decimals are kept)."""
    path = shared_path("focus", name)
    with Ledger.open(":memory:") as ledger:
        (result,) = ingest_focus(ledger, [path])
        assert result.status == "ingested"
        ledger_rows = dict(
            ((r[0], (int(r[1]), Decimal(r[2]), Decimal(r[3]))))
            for r in ledger.con.execute(
                """SELECT ServiceProviderName, count(*), sum(BilledCost), sum(EffectiveCost)
                   FROM charges GROUP BY ALL"""
            ).fetchall()
        )
        held = dict(
            ((r[0], (int(r[1]), Decimal(r[2]), Decimal(r[3]))))
            for r in ledger.con.execute(
                """SELECT raw['ProviderName'], count(*), coalesce(sum(billed_cost), 0),
                          coalesce(sum(effective_cost), 0)
                   FROM quarantine GROUP BY ALL"""
            ).fetchall()
        )
    expected = raw_totals(path)
    for provider, (rows, billed, effective) in expected.items():
        got = ledger_rows.get(provider, (0, Decimal(0), Decimal(0)))
        kept = held.get(provider, (0, Decimal(0), Decimal(0)))
        assert got[0] + kept[0] == rows
        assert got[1] + kept[1] == billed
        assert got[2] + kept[2] == effective
    assert result.rows_read == sum(r[0] for r in expected.values())


def test_every_shared_file_is_either_reconciled_or_rejected_whole() -> None:
    """No file of the folder is left out of the reconciliation above."""
    names = {p.name for p in shared_path("focus").glob("*.csv")}
    assert names == set(FILES) | REJECTED


def test_rejected_shared_files_leave_nothing_behind() -> None:
    with Ledger.open(":memory:") as ledger:
        results = ingest_focus(ledger, [shared_path("focus", n) for n in sorted(REJECTED)])
        held = ledger.con.execute(
            "SELECT (SELECT count(*) FROM charges) + (SELECT count(*) FROM quarantine)"
        ).fetchone()
    assert {r.status for r in results} == {"rejected"} and held == (0,)


def test_14_decimal_costs_are_kept_exactly() -> None:
    """aws-1.2-synthetic-rows100.csv writes costs with 14 decimals; none is rounded."""
    path = shared_path("focus", "aws-1.2-synthetic-rows100.csv")
    with Ledger.open(":memory:") as ledger:
        ingest_focus(ledger, [path])
        stored = [
            Decimal(v)
            for (v,) in ledger.con.execute(
                "SELECT BilledCost FROM charges ORDER BY x_source_row"
            ).fetchall()
        ]
    with path.open(encoding="utf-8", newline="") as fh:
        written = [Decimal(r["BilledCost"]) for r in csv.DictReader(fh)]
    assert stored == written
    assert any(-v.as_tuple().exponent == 14 for v in written)


def test_sample_totals_match_the_published_figures() -> None:
    """Totals from the data README (exact decimal sums of the text values)."""
    path = shared_path("focus", "multi-1.0-focus-sample-1000.csv")
    with Ledger.open(":memory:") as ledger:
        ingest_focus(ledger, [path])
        totals = dict(
            (r[0], (Decimal(r[1]), Decimal(r[2])))
            for r in ledger.con.execute(
                "SELECT ServiceProviderName, sum(BilledCost), sum(EffectiveCost) FROM charges "
                "GROUP BY ALL"
            ).fetchall()
        )
    cent = Decimal("0.005")
    assert abs(totals["AWS"][0] - Decimal("18.00663861840")) < cent
    assert abs(totals["Microsoft"][0] - Decimal("1.97651418586")) < cent
    assert abs(totals["Oracle"][0] - Decimal("0.53707392473")) < cent
    assert totals["AWS"][1] == Decimal("13")


def test_sample_quirks_become_warnings() -> None:
    path = shared_path("focus", "multi-1.0-focus-sample-1000.csv")
    with Ledger.open(":memory:") as ledger:
        (result,) = ingest_focus(ledger, [path])
        ids = ledger.con.execute(
            "SELECT DISTINCT BillingAccountId FROM charges WHERE ServiceProviderName = 'AWS'"
        ).fetchall()
        chargeclass_nulls = ledger.con.execute(
            "SELECT count(*) FROM charges WHERE ChargeClass IS NULL"
        ).fetchone()
        custom = ledger.con.execute(
            "SELECT x_custom_columns->>'Id' FROM charges LIMIT 1"
        ).fetchone()
    assert result.rows_ingested == 1000 and result.rows_quarantined == 0
    # 12 negative Microsoft Usage rows; 7 Oracle 'Usage-based'; 1 Oracle charge in October's bill
    assert result.warnings["negative_cost"] == 12
    assert result.warnings["wrong_case:ChargeFrequency"] == 7
    assert result.warnings["charge_outside_billing_period"] == 1
    assert ids == [("1234567890123",)]
    assert chargeclass_nulls == (1000,)
    assert custom is not None and custom[0] is not None


def test_unparseable_costs_are_quarantined() -> None:
    path = shared_path("focus", "spec-1.2-saas-simple-agreement-c.csv")
    with Ledger.open(":memory:") as ledger:
        (result,) = ingest_focus(ledger, [path])
        reasons = ledger.con.execute("SELECT DISTINCT reason FROM quarantine").fetchall()
    assert (result.rows_ingested, result.rows_quarantined) == (0, 3)
    assert reasons == [("invalid_cost",)]


def test_file_without_provider_and_currency_is_rejected_naming_them() -> None:
    path = shared_path("focus", "spec-1.2-commitment-flex-1-resource.csv")
    with Ledger.open(":memory:") as ledger:
        (result,) = ingest_focus(ledger, [path])
    assert result.status == "rejected"
    assert "ProviderName" in result.message and "BillingCurrency" in result.message


def test_whole_folder_ingests_in_one_command() -> None:
    folder = shared_path("focus")
    with Ledger.open(":memory:") as ledger:
        results = ingest_focus(ledger, [folder])
    by_name = {Path(r.file).name: r.status for r in results}
    assert by_name["spec-1.2-commitment-flex-1-resource.csv"] == "rejected"
    assert by_name["columns.csv"] == "rejected"
    assert all(s == "ingested" for n, s in by_name.items() if n in FILES)
