"""`infracast buckets`: ingest, list, tiers and scan from the command line, and their errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Ran

CSV = (
    "bucket,provider,region,storage_class,size_gb,objects,age_days,reads_per_month,"
    "read_gb_per_month,team,as_of\n"
    "ckpt,aws,us-east-1,STANDARD,10000,10000,400,1000,5,research,2024-07-01\n"
)


@pytest.fixture
def stored(tmp_path: Path, cli: Callable[..., Ran]) -> Path:
    led = tmp_path / "l.duckdb"
    path = tmp_path / "b.csv"
    path.write_text(CSV, encoding="utf-8")
    ran = cli("buckets", "ingest", str(path), "--ledger", str(led))
    assert ran.code == 0, ran.err
    assert "Stored 1 buckets from b.csv (csv)" in ran.out
    return led


def test_ingest_then_list_as_json(stored: Path, cli: Callable[..., Ran]):
    ran = cli("buckets", "list", "--bucket", "ckpt", "--ledger", str(stored), "-f", "json")
    assert ran.code == 0, ran.err
    (row,) = json.loads(ran.out)
    assert (row["bucket"], row["size_gb"], row["team"], row["source"]) == (
        "ckpt",
        10000,
        "research",
        "b.csv",
    )


def test_tiers_shows_every_class_and_the_saving(stored: Path, cli: Callable[..., Ran]):
    # the same bucket as tests/recommend/test_storage.py: DEEP_ARCHIVE saves 219.858733
    ran = cli("buckets", "tiers", "--bucket", "ckpt", "--ledger", str(stored), "-f", "json")
    assert ran.code == 0, ran.err
    (choice,) = json.loads(ran.out)
    assert choice["best_class"] == "DEEP_ARCHIVE" and len(choice["costs"]) == 5
    assert choice["monthly_savings"] == pytest.approx(219.858733, abs=1e-6)
    table = cli("buckets", "tiers", "--ledger", str(stored))
    assert "cheapest" in table.out and "current" in table.out
    assert "STANDARD → DEEP_ARCHIVE saves 219.86 USD a month" in table.err


def test_tiers_csv_has_one_row_per_class(stored: Path, cli: Callable[..., Ran]):
    ran = cli("buckets", "tiers", "--ledger", str(stored), "-f", "csv")
    lines = ran.out.strip().splitlines()
    assert len(lines) == 1 + 5 and "DEEP_ARCHIVE" in lines[-1] and "cheapest" in lines[-1]


def test_a_bad_row_fails_with_its_line_and_column(tmp_path: Path, cli: Callable[..., Ran]):
    path = tmp_path / "b.csv"
    path.write_text(CSV.replace(",10000,10000,", ",lots,10000,"), encoding="utf-8")
    ran = cli("buckets", "ingest", str(path), "--ledger", str(tmp_path / "l.duckdb"))
    assert ran.code != 0
    assert "line 2, column size_gb" in ran.err and "Traceback" not in ran.err


def test_scan_reports_duplicates(tmp_path: Path, cli: Callable[..., Ran]):
    # two copies of 1,000 bytes and 500 others: 2,500 bytes, 1,000 duplicate, ratio 2,500 / 1,500
    (tmp_path / "a").write_bytes(b"a" * 1000)
    (tmp_path / "b").write_bytes(b"a" * 1000)
    (tmp_path / "c").write_bytes(b"c" * 500)
    ran = cli("buckets", "scan", str(tmp_path), "--no-compression", "-f", "json")
    assert ran.code == 0, ran.err
    out = json.loads(ran.out)
    assert (out["total_bytes"], out["duplicate_bytes"]) == (2500, 1000)
    assert out["dedup_ratio"] == pytest.approx(2500 / 1500, abs=1e-6)
    table = cli("buckets", "scan", str(tmp_path))
    assert "Duplicates (1 groups)" in table.out


def test_list_without_a_ledger_says_so(tmp_path: Path, cli: Callable[..., Ran]):
    ran = cli("buckets", "list", "--ledger", str(tmp_path / "none.duckdb"))
    assert ran.code != 0 and "Traceback" not in ran.err
