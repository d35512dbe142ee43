"""Replacing by scope: a restated bill swaps exactly what it covers (provider, billing
period, billing account, invoice), nothing wider unless asked, and says what it removed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.errors import IngestError
from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from infracast.ledger.records import IngestResult
from tests.ledger.focus_rows import BASE, write_focus_csv

A, B = "111111111111", "222222222222"
WITH_INVOICE = [*BASE, "InvoiceId"]


def row(account: str, cost: str, *, sub: str = "000000000001", hour: int = 0, **extra: str) -> dict:
    return {
        "BillingAccountId": account,
        "SubAccountId": sub,
        "BilledCost": cost,
        "EffectiveCost": cost,
        "ChargePeriodStart": f"2026-01-05T{hour:02d}:00:00Z",
        "ChargePeriodEnd": f"2026-01-05T{hour + 1:02d}:00:00Z",
        **extra,
    }


def one(ledger: Ledger, path: Path, **kwargs: Any) -> IngestResult:
    (result,) = ingest_focus(ledger, [path], **kwargs)
    return result


def by_account(ledger: Ledger) -> dict[str, Decimal]:
    return {
        str(a): Decimal(s)
        for a, s in ledger.con.execute(
            "SELECT BillingAccountId, sum(BilledCost) FROM charges GROUP BY 1"
        ).fetchall()
    }


def test_restating_one_account_keeps_the_other_accounts_of_the_period(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The issue's reproduction: A, then B with --append, then A restated with --replace."""
    one(ledger, write_focus_csv(tmp_path / "a.csv", [row(A, "10"), row(A, "5", hour=1)]))
    one(ledger, write_focus_csv(tmp_path / "b.csv", [row(B, "7")]), append=True)
    restated = one(ledger, write_focus_csv(tmp_path / "a2.csv", [row(A, "12")]), replace=True)
    assert restated.status == "replaced"
    # A is now the restated 12 (was 10 + 5); B's 7 is untouched: 12 + 7 = 19
    assert by_account(ledger) == {A: Decimal(12), B: Decimal(7)}


def test_another_account_of_the_same_period_is_not_an_overlap(
    ledger: Ledger, tmp_path: Path
) -> None:
    one(ledger, write_focus_csv(tmp_path / "a.csv", [row(A, "10")]))
    second = one(ledger, write_focus_csv(tmp_path / "b.csv", [row(B, "7")]))
    assert second.status == "ingested"
    assert by_account(ledger) == {A: Decimal(10), B: Decimal(7)}


def test_the_same_account_and_period_again_is_still_an_overlap(
    ledger: Ledger, tmp_path: Path
) -> None:
    one(ledger, write_focus_csv(tmp_path / "a.csv", [row(A, "10")]))
    again = one(ledger, write_focus_csv(tmp_path / "a2.csv", [row(A, "11")]))
    assert again.status == "rejected"
    assert A in again.message and "--replace" in again.message and "--append" in again.message


def test_sub_accounts_belong_to_their_billing_account(ledger: Ledger, tmp_path: Path) -> None:
    one(
        ledger,
        write_focus_csv(
            tmp_path / "a.csv",
            [row(A, "10", sub="1"), row(A, "5", sub="2"), row(B, "7", sub="3")],
        ),
    )
    # the restated bill of A no longer has sub-account 2: all of A is swapped, B stays
    one(ledger, write_focus_csv(tmp_path / "a2.csv", [row(A, "11", sub="1")]), replace=True)
    sql = "SELECT SubAccountId, sum(BilledCost) FROM charges GROUP BY 1"
    subs = dict(ledger.con.execute(sql).fetchall())
    assert subs == {"1": Decimal(11), "3": Decimal(7)}


def test_a_restated_invoice_replaces_only_that_invoice(ledger: Ledger, tmp_path: Path) -> None:
    inv1 = write_focus_csv(
        tmp_path / "inv1.csv", [row(A, "10", InvoiceId="INV-1")], columns=WITH_INVOICE
    )
    inv2 = write_focus_csv(
        tmp_path / "inv2.csv", [row(A, "3", hour=2, InvoiceId="INV-2")], columns=WITH_INVOICE
    )
    one(ledger, inv1)
    # another invoice of the same account and period is its own scope: no --append needed
    assert one(ledger, inv2).status == "ingested"
    inv1b = write_focus_csv(
        tmp_path / "inv1b.csv", [row(A, "9", InvoiceId="INV-1")], columns=WITH_INVOICE
    )
    result = one(ledger, inv1b, replace=True)
    assert [(s.billing_account_id, s.invoice_id, s.rows) for s in result.replaced] == [
        (A, "INV-1", 1)
    ]
    totals = dict(
        ledger.con.execute("SELECT InvoiceId, sum(BilledCost) FROM charges GROUP BY 1").fetchall()
    )
    assert totals == {"INV-1": Decimal(9), "INV-2": Decimal(3)}
    # the invoice it left in place is named, with the option that would swap it too
    assert any("invoice INV-2" in n and "--replace-account" in n for n in result.notes)


def test_replace_account_swaps_the_other_invoices_of_the_account(
    ledger: Ledger, tmp_path: Path
) -> None:
    """An invoice reissued under a new id: --replace-account swaps the account's period."""
    one(
        ledger,
        write_focus_csv(
            tmp_path / "a.csv",
            [row(A, "10", InvoiceId="INV-1"), row(B, "7", hour=3, InvoiceId="INV-B")],
            columns=WITH_INVOICE,
        ),
    )
    reissued = write_focus_csv(
        tmp_path / "a2.csv", [row(A, "11", InvoiceId="INV-9")], columns=WITH_INVOICE
    )
    result = one(ledger, reissued, replace="account")
    assert [(s.billing_account_id, s.invoice_id) for s in result.replaced] == [(A, "INV-1")]
    assert by_account(ledger) == {A: Decimal(11), B: Decimal(7)}


def test_a_file_without_invoice_ids_replaces_every_invoice_of_its_account(
    ledger: Ledger, tmp_path: Path
) -> None:
    one(
        ledger,
        write_focus_csv(
            tmp_path / "a.csv",
            [row(A, "10", InvoiceId="INV-1"), row(A, "3", hour=2, InvoiceId="INV-2")],
            columns=WITH_INVOICE,
        ),
    )
    one(ledger, write_focus_csv(tmp_path / "a2.csv", [row(A, "12")]), replace=True)
    assert by_account(ledger) == {A: Decimal(12)}


def test_result_lists_each_replaced_scope_with_rows_costs_and_ingests(
    ledger: Ledger, tmp_path: Path
) -> None:
    first = one(ledger, write_focus_csv(tmp_path / "a.csv", [row(A, "10"), row(A, "5", hour=1)]))
    one(ledger, write_focus_csv(tmp_path / "b.csv", [row(B, "7")]))
    result = one(ledger, write_focus_csv(tmp_path / "a2.csv", [row(A, "12")]), replace=True)
    (scope,) = result.replaced
    assert (scope.provider, scope.billing_account_id, scope.invoice_id) == ("AWS", A, None)
    assert scope.billing_period_start.isoformat() == "2026-01-01T00:00:00"
    # 10 + 5 removed, in USD, from the first ingest only
    assert (scope.rows, scope.billed_cost, scope.effective_cost, scope.currency) == (
        2,
        Decimal(15),
        Decimal(15),
        "USD",
    )
    assert scope.ingest_ids == [first.ingest_id]
    assert result.replaced_ingest_ids == [first.ingest_id]


def test_replacing_the_whole_period_needs_its_own_option(ledger: Ledger, tmp_path: Path) -> None:
    """An account that disappeared from a restated bill is only removed with replace="period"."""
    one(ledger, write_focus_csv(tmp_path / "ab.csv", [row(A, "10"), row(B, "7")]))
    scoped = one(ledger, write_focus_csv(tmp_path / "a2.csv", [row(A, "12")]), replace=True)
    assert by_account(ledger) == {A: Decimal(12), B: Decimal(7)}
    assert scoped.status == "replaced"
    wide = one(ledger, write_focus_csv(tmp_path / "a3.csv", [row(A, "13")]), replace="period")
    assert by_account(ledger) == {A: Decimal(13)}
    assert sorted((s.billing_account_id, s.rows) for s in wide.replaced) == [(A, 1), (B, 1)]


def test_dry_run_lists_what_would_be_replaced_and_changes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    one(ledger, write_focus_csv(tmp_path / "ab.csv", [row(A, "10"), row(B, "7")]))
    before = ledger.con.execute("SELECT count(*), max(ingest_id) FROM ingests").fetchone()
    result = one(
        ledger,
        write_focus_csv(tmp_path / "a2.csv", [row(A, "12")]),
        replace="period",
        dry_run=True,
    )
    assert result.dry_run and result.status == "replaced"
    assert sorted((s.billing_account_id, s.billed_cost) for s in result.replaced) == [
        (A, Decimal(10)),
        (B, Decimal(7)),
    ]
    assert "dry run" in result.message
    assert by_account(ledger) == {A: Decimal(10), B: Decimal(7)}
    assert ledger.con.execute("SELECT count(*), max(ingest_id) FROM ingests").fetchone() == before


def test_unknown_replace_width_is_an_error(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="period"):
        ingest_focus(ledger, [tmp_path], replace="perod")  # type: ignore[arg-type]
