"""The storage rules over a ledger's bucket_stats: savings by hand from the price table."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from infracast.ledger.connection import Ledger
from infracast.ledger.stores import buckets as store
from infracast.recommend.storage import (
    ReductionRatio,
    bucket_tiers,
    storage_recommendations,
    storage_review,
)

from ..analytics.ledgers import add_charges
from .fixtures import daily_charges


def _stats(bucket: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "bucket": bucket,
        "provider": "aws",
        "region": "us-east-1",
        "storage_class": "STANDARD",
        "prefix": "",
        "size_gb": 10_000.0,
        "objects": 10_000,
        "age_days": 400.0,
        "last_access_days": 200.0,
        "reads_per_month": 1_000.0,
        "read_gb_per_month": 5.0,
        "team": "research",
        "project": "llm",
        "as_of": date(2024, 7, 1),
        "source": "stats.csv",
    }
    return {**row, **kw}


def _store(ledger: Ledger, *rows: dict[str, Any]) -> None:
    with ledger.transaction() as con:
        store.replace_rows(con, rows)


def test_a_cold_checkpoint_bucket_moves_to_deep_archive(ledger: Ledger):
    # 10,000 GB in S3 Standard (us-east-1 list prices, data/storage_prices.csv), 10,000 objects,
    # 1,000 reads and 5 GB read a month, horizon 12 months:
    #   STANDARD      10000 × 0.023 = 230 + 1 × 0.0004                       = 230.0004
    #   STANDARD_IA   125 + 1 × 0.001 + 5 × 0.01 + 10 × 0.01 / 12            = 125.059333
    #   GLACIER_IR    40 + 0.01 + 5 × 0.03 + 10 × 0.02 / 12                  = 40.176667
    #   GLACIER       36 + 1 × 0.05 + 5 × 0.01 + 10 × 0.03 / 12              = 36.125
    #   DEEP_ARCHIVE  9.9 + 1 × 0.1 + 5 × 0.02 + 10 × 0.05 / 12 (180 d ≤ 360) = 10.141667
    # saving 230.0004 − 10.141667 = 219.858733. Reads × 0.5: 230.0002 − (9.9 + 0.05 + 0.05
    # + 0.041667) = 219.958533; × 1.5: 230.0006 − (9.9 + 0.15 + 0.15 + 0.041667) = 219.758933.
    _store(ledger, _stats("ckpt"))
    (rec,) = storage_recommendations(ledger)
    assert (rec.kind, rec.scope, rec.resource_ids) == ("storage_tier", "resource", ("ckpt",))
    assert float(rec.baseline_monthly_cost) == pytest.approx(230.0004)
    assert float(rec.expected_monthly_savings) == pytest.approx(219.858733, abs=1e-6)
    assert float(rec.savings_low) == pytest.approx(219.758933, abs=1e-6)
    assert float(rec.savings_high) == pytest.approx(219.958533, abs=1e-6)
    assert (rec.confidence, rec.risk, rec.currency) == (0.9, "high", "USD")
    assert (rec.team, rec.project) == ("research", "llm")
    assert rec.reproduce == "infracast buckets tiers --bucket ckpt"
    assert "S3 Standard to S3 Glacier Deep Archive" in rec.title
    ev = rec.evidence
    assert (ev["current_class"], ev["recommended_class"]) == ("STANDARD", "DEEP_ARCHIVE")
    assert [c["storage_class"] for c in ev["costs"]] == [
        "STANDARD", "STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"
    ]  # fmt: skip
    assert ev["costs"][3]["total"] == pytest.approx(36.125)
    assert "aws.amazon.com/s3/pricing" in ev["price_source"] and ev["price_as_of"] == "2024-06-01"
    assert ev["size_gb"] == 10_000 and ev["observed_monthly_cost"] is None
    json.dumps(rec.to_dict())  # plain JSON, as the ledger stores it


def test_unknown_reads_lower_the_confidence(ledger: Ledger):
    # an inventory: reads, GB read and last access unknown: 0.9 − 0.3 − 0.1 − 0.1 = 0.4
    _store(ledger, _stats("inv", reads_per_month=None, read_gb_per_month=None,
                          last_access_days=None))  # fmt: skip
    (rec,) = storage_recommendations(ledger)
    assert rec.confidence == pytest.approx(0.4)
    assert any("no reads are assumed" in a for a in rec.evidence["assumptions"])


def test_a_busy_bucket_stays_where_it_is(ledger: Ledger):
    # 100 GB read 10 million times a month, 1,000 GB of it: S3 Standard 2.3 + 4 = 6.3;
    # STANDARD_IA 1.25 + 10 + 10 = 21.25 + …: nothing cheaper.
    _store(ledger, _stats("hot", size_gb=100.0, reads_per_month=1e7, read_gb_per_month=1000.0))
    assert storage_recommendations(ledger) == []


def test_the_observed_cost_of_the_bucket_is_in_the_evidence(ledger: Ledger):
    # ckpt charged 7.5 a day for the 30 days to 1 July: 225 USD; logs found by ResourceName
    add_charges(ledger, daily_charges("ckpt", date(2024, 6, 1), 30, "7.5"))
    add_charges(ledger, [{**daily_charges("arn:logs", date(2024, 6, 30), 1, "2")[0],
                          "ResourceName": "logs"}])  # fmt: skip
    _store(ledger, _stats("ckpt"), _stats("logs"))
    found = {r.resource_ids[0]: r for r in storage_recommendations(ledger)}
    ckpt = found["ckpt"].evidence["observed_monthly_cost"]
    assert ckpt["cost"] == {"USD": "225.00"} and ckpt["window_days"] == 30
    assert found["logs"].evidence["observed_monthly_cost"]["cost"] == {"USD": "2.00"}


def test_measured_and_stated_ratios_give_dedup_and_compression(ledger: Ledger):
    # storage in S3 Standard 10000 × 0.023 = 230 a month.
    # dedup measured 2.0: 230 × (1 − 1/2) = 115; range r − 1 ± 10 %: r 1.9 → 230 × 0.9/1.9 =
    # 108.947368, r 2.1 → 230 × 1.1/2.1 = 120.476190; confidence 0.8.
    # compression stated 1.25: 230 × 0.2 = 46; ± 25 %: r 1.1875 → 230 × 0.1875/1.1875 =
    # 36.315789, r 1.3125 → 230 × 0.3125/1.3125 = 54.761905; confidence 0.5.
    _store(ledger, _stats("ckpt"))
    dedup = {"ckpt": ReductionRatio(2.0, "measured", "infracast buckets scan ./ckpt")}
    recs = storage_recommendations(ledger, dedup_ratios=dedup, compression_ratios={"ckpt": 1.25})
    by_kind = {r.kind: r for r in recs}
    d, c = by_kind["storage_dedup"], by_kind["storage_compression"]
    assert float(d.expected_monthly_savings) == pytest.approx(115)
    assert float(d.savings_low) == pytest.approx(108.947368, abs=1e-6)
    assert float(d.savings_high) == pytest.approx(120.476190, abs=1e-6)
    assert (d.confidence, d.risk, d.evidence["ratio_source"]) == (0.8, "medium", "measured")
    assert float(c.expected_monthly_savings) == pytest.approx(46)
    assert float(c.savings_low) == pytest.approx(36.315789, abs=1e-6)
    assert float(c.savings_high) == pytest.approx(54.761905, abs=1e-6)
    assert (c.confidence, c.risk, c.evidence["ratio_source"]) == (0.5, "low", "stated")
    assert float(c.baseline_monthly_cost) == pytest.approx(230)
    assert [r.kind for r in recs] == ["storage_tier", "storage_dedup", "storage_compression"]


def test_small_savings_are_left_out(ledger: Ledger):
    # 10 GB: STANDARD 0.23 + 0.0004 = 0.2304; the cheapest, GLACIER, 0.036 + 0.05 + 0.05 +
    # 0.025 = 0.161 (DEEP_ARCHIVE 0.0099 + 0.1 + 0.1 + 0.041667 = 0.251567): saves 0.0694
    _store(ledger, _stats("tiny", size_gb=10.0))
    assert storage_recommendations(ledger) == []
    (rec,) = storage_recommendations(ledger, min_monthly_savings=Decimal("0.01"))
    assert rec.evidence["recommended_class"] == "GLACIER"
    assert float(rec.expected_monthly_savings) == pytest.approx(0.0694)


def test_an_unpriced_class_is_left_out_and_said(ledger: Ledger):
    _store(ledger, _stats("it", storage_class="INTELLIGENT_TIERING"), _stats("ckpt"))
    found, notes = storage_review(ledger)
    assert [r.resource_ids for r in found] == [("ckpt",)]
    assert len(notes) == 1 and "bucket it" in notes[0] and "INTELLIGENT_TIERING" in notes[0]


def test_the_newest_stats_on_or_before_as_of_are_used(ledger: Ledger):
    _store(ledger, _stats("ckpt"), _stats("ckpt", size_gb=100.0, as_of=date(2024, 8, 1)))
    (july,) = storage_recommendations(ledger, as_of="2024-07-15")
    assert july.evidence["size_gb"] == 10_000
    # August, 100 GB: STANDARD 2.3 + 0.0004 = 2.3004 against DEEP_ARCHIVE 0.099 + 0.1 + 0.1
    # + 0.041667 = 0.340667 (GLACIER 0.36 + 0.05 + 0.05 + 0.025 = 0.485): saves 1.959733
    (august,) = storage_recommendations(ledger)
    assert august.evidence["size_gb"] == 100
    assert float(august.expected_monthly_savings) == pytest.approx(1.959733, abs=1e-6)


def test_a_prefix_is_its_own_resource(ledger: Ledger):
    _store(ledger, _stats("data", prefix="raw/"))
    (rec,) = storage_recommendations(ledger)
    assert rec.resource_ids == ("data/raw/",) and "bucket data/raw/" in rec.title


def test_bucket_tiers_shows_every_class(ledger: Ledger):
    _store(ledger, _stats("ckpt"), _stats("other"))
    (choice,) = bucket_tiers(ledger, bucket="ckpt")
    assert choice.best.storage_class == "DEEP_ARCHIVE" and len(choice.costs) == 5
