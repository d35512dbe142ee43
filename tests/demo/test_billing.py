"""Commitments, fees, credits and the intentional rule breaks."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from infracast.demo import DemoManifest

from .conftest import focus_glob


@pytest.mark.parametrize("provider", ["aws", "gcp"])
def test_commitment_purchase_equals_what_covered_and_unused_rows_amortize(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection, provider: str
) -> None:
    out, _ = demo
    rows = con.execute(
        f"""SELECT BillingPeriodStart,
                   sum(BilledCost) FILTER (WHERE ChargeCategory = 'Purchase'),
                   sum(EffectiveCost) FILTER (WHERE ChargeCategory = 'Usage'),
                   sum(EffectiveCost) FILTER (WHERE ChargeCategory = 'Purchase')
            FROM '{focus_glob(out, provider)}' WHERE CommitmentDiscountId IS NOT NULL
            GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert len(rows) == 12
    for _, purchased, amortized, purchase_effective in rows:
        assert purchased > 0 and purchase_effective == 0
        assert abs(purchased - amortized) < Decimal("0.0001")


@pytest.mark.parametrize("provider", ["aws", "gcp"])
def test_covered_usage_bills_nothing_and_costs_less_than_list(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection, provider: str
) -> None:
    out, _ = demo
    row = con.execute(
        f"""SELECT count(*), max(BilledCost), bool_and(EffectiveCost < ListCost),
                   list_distinct(list(CommitmentDiscountStatus))
            FROM '{focus_glob(out, provider)}'
            WHERE PricingCategory = 'Committed' AND CommitmentDiscountStatus = 'Used'"""
    ).fetchone()
    assert row is not None
    assert row[0] > 1000 and row[1] == 0 and row[2] and row[3] == ["Used"]


def test_the_purchase_is_recurring(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    rows = con.execute(
        f"SELECT DISTINCT ChargeFrequency, PricingCategory FROM '{focus_glob(out, 'aws')}' "
        "WHERE ChargeCategory = 'Purchase'"
    ).fetchall()
    assert rows == [("Recurring", "Standard")]


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_credits_are_negative(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection, provider: str
) -> None:
    out, _ = demo
    row = con.execute(
        f"SELECT count(*), max(BilledCost), max(EffectiveCost) FROM '{focus_glob(out, provider)}' "
        "WHERE ChargeCategory = 'Credit'"
    ).fetchone()
    assert row is not None and row[0] > 0 and row[1] < 0 and row[2] < 0


def test_some_costs_are_untagged_and_shared(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    rows = dict(
        con.execute(
            f"SELECT ServiceCategory, count(*) FROM '{focus_glob(out, 'aws')}' "
            "WHERE Tags IS NULL AND ChargeCategory <> 'Credit' GROUP BY ALL"
        ).fetchall()
    )
    assert {"Management and Governance", "Networking", "Storage"} <= set(rows)


def _parquet_row(path: Path, row: int) -> dict[str, Any]:
    table = pq.read_table(path)
    return table.slice(row - 1, 1).to_pylist()[0]


def test_rule_breaks_are_where_the_manifest_says(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    kinds = {rb.kind for rb in manifest.rule_breaks}
    assert kinds == {"refund_correction", "negative_usage", "wrong_case"}  # no bad cost in Parquet
    for rb in manifest.rule_breaks:
        for n in rb.rows:
            row = _parquet_row(out / rb.file, n)
            assert row["ResourceId"] == rb.resource_id
            if rb.kind == "wrong_case":
                assert row["ChargeFrequency"] == "Usage-based"
            else:
                assert row["ChargeCategory"] == "Usage" and row["BilledCost"] < 0
                assert row["ChargeClass"] == (
                    "Correction" if rb.kind == "refund_correction" else None
                )
    assert sum(len(rb.rows) for rb in manifest.rule_breaks if rb.kind == "negative_usage") == 3


def test_csv_holds_unparseable_costs_where_the_manifest_says(
    demo_csv: tuple[Path, DemoManifest],
) -> None:
    out, manifest = demo_csv
    bad = [rb for rb in manifest.rule_breaks if rb.kind == "unparseable_cost"]
    assert {rb.provider for rb in bad} == {"aws", "gcp"}
    for rb in bad:
        with (out / rb.file).open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        (n,) = rb.rows
        assert not _decimal(rows[n - 1]["BilledCost"])
        assert rows[n - 1]["ResourceId"] == rb.resource_id
        assert sum(not _decimal(r["BilledCost"]) for r in rows) == 1
    unparsed = {t.provider: t.unparsed_rows for t in manifest.totals}
    assert unparsed == {"aws": 1, "gcp": 1, "azure": 0}


def _decimal(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
