"""The planted opportunities: in the manifest, in the files, and their savings by hand.

Every figure is recomputed from the files written (FOCUS exports, GPU samples,
buckets.csv), not from the generator's formulas. The default demo runs 2025-11-01 to
2026-11-01; its last 30 days are [2026-10-02, 2026-11-01), its last month is October
(31 days, 744 hours).
"""

from __future__ import annotations

import csv
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from infracast.demo import DemoManifest, generate
from infracast.demo.company import load_company
from infracast.demo.manifest import Opportunity
from infracast.demo.opportunities import plant_start
from infracast.demo.period import Period
from infracast.ledger.connection import Ledger

WINDOW = "TIMESTAMP '2026-10-02 00:00:00'"  # the period's last 30 days start here
END = "TIMESTAMP '2026-11-01 00:00:00'"
KINDS = {"idle_gpu", "consolidate_replicas", "storage_tier", "commitment_unused"}


def _by_kind(manifest: DemoManifest) -> dict[str, Opportunity]:
    return {o.kind: o for o in manifest.opportunities}


def _focus(out: Path, provider: str) -> str:
    return f"read_parquet('{out / 'focus' / provider / '*.parquet'}')"


def _usage(out: Path, provider: str) -> str:
    return f"read_parquet('{out / 'usage' / provider}-*.parquet')"


def test_the_manifest_lists_the_four_kinds_and_reads_back(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    assert {o.kind for o in manifest.opportunities} == KINDS
    for o in manifest.opportunities:
        assert o.team and o.project and o.resource_ids and o.monthly_savings > 0
        assert "avings" in o.description  # each says how its saving is computed
    assert DemoManifest.read(out / "manifest.json").opportunities == manifest.opportunities


def test_idle_gpus_idle_for_the_last_weeks_and_save_their_last_30_days(
    demo: tuple[Path, DemoManifest],
) -> None:
    out, manifest = demo
    idle = _by_kind(manifest)["idle_gpu"]
    con = duckdb.connect()
    ids = idle.resource_ids
    util = con.execute(
        f"""SELECT max(utilization_pct), count(*), count(DISTINCT resource_id)
            FROM {_usage(out, "azure")}
            WHERE list_contains(?, resource_id) AND "timestamp" >= TIMESTAMP '2026-09-20'""",
        [ids],
    ).fetchone()
    # 2 VMs × 1 GPU × 42 days × 24 samples = 2,016 samples, none above 2%
    assert util == (pytest.approx(2.0, abs=0.05), 2016, 2)
    cost = con.execute(
        f"""SELECT sum(EffectiveCost), count(*) FROM {_focus(out, "azure")}
            WHERE list_contains(?, ResourceId) AND ChargePeriodStart >= {WINDOW}""",
        [ids],
    ).fetchone()
    # 2 VMs × 30 daily rows; 2 × 720 h × 3.673 × (1 − 0.04) = 5,077.5552
    assert cost is not None and cost[1] == 60
    assert cost[0] == pytest.approx(Decimal("5077.5552"), abs=Decimal("0.01"))
    assert idle.monthly_savings == pytest.approx(cost[0], abs=Decimal("0.01"))


def test_the_oversized_pool_fits_in_one_replica(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    pool = _by_kind(manifest)["consolidate_replicas"]
    ids = pool.resource_ids
    con = duckdb.connect()
    p95 = con.execute(
        f"""SELECT resource_id, any_value(workload), quantile_cont(utilization_pct, 0.95)
            FROM {_usage(out, "azure")}
            WHERE list_contains(?, resource_id) AND "timestamp" >= {WINDOW}
            GROUP BY ALL""",
        [ids],
    ).fetchall()
    assert len(p95) == 6 and {w for _, w, _ in p95} == {"embed-batch-az"}
    assert all(5.9 <= p <= 10.0 for _, _, p in p95)
    # Σ p95 ≈ 6 × 9.8% = 58.8%; needed = ceil(0.588 / 0.70) = 1
    needed = math.ceil(sum(p for _, _, p in p95) / 100 / 0.70)
    assert needed == 1
    replica = con.execute(
        f"""SELECT sum(EffectiveCost) FROM {_focus(out, "azure")}
            WHERE ResourceId = ? AND ChargePeriodStart >= {WINDOW}""",
        [ids[0]],
    ).fetchone()
    # one replica: 720 h × 0.526 × 0.96 = 363.5712; savings (6 − 1) × 363.5712 = 1,817.856
    assert replica is not None
    assert replica[0] == pytest.approx(Decimal("363.5712"), abs=Decimal("0.001"))
    assert pool.monthly_savings == pytest.approx(5 * replica[0], abs=Decimal("0.01"))


def test_the_rarely_read_bucket_saves_the_deep_archive_difference(
    demo: tuple[Path, DemoManifest],
) -> None:
    out, manifest = demo
    plant = _by_kind(manifest)["storage_tier"]
    (bucket,) = plant.resource_ids
    rows = {r["bucket"]: r for r in csv.DictReader((out / "buckets.csv").open())}
    stats = rows[bucket]
    assert stats["storage_class"] == "STANDARD" and stats["region"] == "us-east-1"
    assert float(stats["read_gb_per_month"]) < 0.001 * float(stats["size_gb"])
    con = duckdb.connect()
    last = con.execute(
        f"""SELECT ConsumedQuantity, ServiceCategory, ResourceType, ChargeDescription,
                   ConsumedUnit, count(*) OVER ()
            FROM {_focus(out, "aws")}
            WHERE ResourceId = ? AND ChargePeriodStart >= {WINDOW}
            ORDER BY ChargePeriodStart DESC LIMIT 1""",
        [bucket],
    ).fetchone()
    assert last is not None
    qty, category, rtype, description, unit, days = last
    assert (category, rtype, unit, days) == ("Storage", "Bucket", "GB-Month", 30)
    assert "Standard storage" in description
    size = float(qty) * 31  # a day's GB-months in October: GB × 24 / 744
    assert size == pytest.approx(200_000, rel=0.006)  # 200 TB, ±0.5% daily noise
    assert float(stats["size_gb"]) == pytest.approx(size, abs=0.01)
    # savings = size × (0.023 − 0.00099) ≈ 200,000 × 0.02201 = 4,402
    expected = size * (0.023 - 0.00099)
    assert float(plant.monthly_savings) == pytest.approx(expected, abs=0.01)


def test_busy_buckets_are_read_more_than_any_colder_class_allows(
    demo: tuple[Path, DemoManifest],
) -> None:
    out, manifest = demo
    plant = _by_kind(manifest)["storage_tier"].resource_ids
    rows = [r for r in csv.DictReader((out / "buckets.csv").open()) if r["bucket"] not in plant]
    assert len(rows) >= 3
    assert {r["storage_class"] for r in rows} <= {"STANDARD", "Hot"}
    # S3 Standard-IA pays once reads pass 1.05 × size a month; 2× is well above it
    assert all(float(r["read_gb_per_month"]) >= 2 * float(r["size_gb"]) for r in rows)
    assert manifest.files["buckets"][0].rows == len(rows) + 1


def test_buckets_csv_has_the_columns_of_bucket_stats(demo: tuple[Path, DemoManifest]) -> None:
    out, _ = demo
    header = (out / "buckets.csv").read_text().splitlines()[0].split(",")
    with Ledger.open(":memory:") as ledger:
        columns = [
            r[0]
            for r in ledger.con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'bucket_stats' ORDER BY ordinal_position"
            ).fetchall()
        ]
    assert header == [c for c in columns if c != "source"]  # source: the reader names the file


def test_the_commitment_is_55_percent_used_and_its_unused_october_is_the_saving(
    demo: tuple[Path, DemoManifest],
) -> None:
    out, manifest = demo
    plant = _by_kind(manifest)["commitment_unused"]
    (cid,) = plant.resource_ids
    con = duckdb.connect()
    row = con.execute(
        f"""SELECT sum(EffectiveCost) FILTER (WHERE CommitmentDiscountStatus = 'Used'),
                   sum(EffectiveCost) FILTER (WHERE CommitmentDiscountStatus = 'Unused'),
                   sum(EffectiveCost) FILTER (WHERE CommitmentDiscountStatus = 'Unused'
                                              AND ChargePeriodStart >= TIMESTAMP '2026-10-01')
            FROM {_focus(out, "azure")}
            WHERE CommitmentDiscountId = ? AND ChargePeriodStart >= TIMESTAMP '2026-09-01'""",
        [cid],
    ).fetchone()
    assert row is not None
    used, unused, october_unused = row
    assert float(used / (used + unused)) == pytest.approx(0.55, abs=1e-9)
    # covered: 2 × 3.673 × 0.62 = 4.55452 an hour; unused = 4.55452 × 0.45 / 0.55
    # = 3.7264255 an hour × 744 h in October = 2,772.4605
    assert october_unused == pytest.approx(Decimal("2772.4605"), abs=Decimal("0.001"))
    assert plant.monthly_savings == pytest.approx(october_unused, abs=Decimal("0.01"))
    # the covered VMs are busy (60–90%), so no idle or rightsizing rule claims them
    covered = plant.details["covered_resource_ids"]
    band = con.execute(
        f"""SELECT min(utilization_pct), max(utilization_pct) FROM {_usage(out, "azure")}
            WHERE list_contains(?, resource_id)""",
        [covered],
    ).fetchone()
    assert band is not None
    low, high = band
    assert len(covered) == 2 and low >= 60 and high <= 90


def test_small_demos_start_the_plants_later_but_keep_them_open(tmp_path: Path) -> None:
    company = load_company()
    period = Period.of(date(2025, 11, 1), 12)
    # 5,000 rows: 3% = 150 rows over 12 plant rows a day = 12 days, raised to 30 days
    assert plant_start(company, period, 5_000) == period.hours - 30 * 24
    # 200,000 rows: 6,000 / 12 = 500 days, more than the year: from the start
    assert plant_start(company, period, 200_000) == 0
    manifest = generate(tmp_path, rows=5_000, months=2)
    assert {o.kind for o in manifest.opportunities} == KINDS
