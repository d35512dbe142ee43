"""Storage tiering by hand: reads that make archive dearer than cool, a retrieval fee that
flips the choice, the minimum-duration penalties; dedup and compression savings."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.catalog.storage_prices import StoragePrice
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.storage_tiers import (
    BucketUsage,
    reduction_savings,
    savings_range,
    tier_choice,
    tier_choices,
)


def _price(name: str, tier: str, storage: str, retrieval: str, read: str, transition: str,
           days: int) -> StoragePrice:  # fmt: skip
    return StoragePrice(
        provider="aws",
        region="r1",
        storage_class=name,
        class_name=name.title(),
        tier=tier,
        storage_per_gb_month=Decimal(storage),
        retrieval_per_gb=Decimal(retrieval),
        read_per_1000=Decimal(read),
        transition_per_1000=Decimal(transition),
        min_storage_days=days,
        currency="USD",
        as_of=date(2024, 6, 1),
        source="a test table",
    )


# Round figures close to S3's: storage per GB-month, retrieval per GB, read and transition
# per 1,000, minimum days.
HOT = _price("HOT", "hot", "0.02", "0", "0.0004", "0", 0)
COOL = _price("COOL", "cool", "0.01", "0.01", "0.001", "0.01", 30)
ARCHIVE = _price("ARCHIVE", "archive", "0.001", "0.02", "0.1", "0.05", 180)
PRICES = [ARCHIVE, HOT, COOL]  # any order: the model sorts them warmest first


def _bucket(**kw: object) -> BucketUsage:
    base: dict[str, object] = {
        "bucket": "b1",
        "provider": "aws",
        "region": "r1",
        "size_gb": 1000.0,
        "storage_class": "HOT",
        "objects": 1000,
        "reads_per_month": 0.0,
        "read_gb_per_month": 0.0,
        "age_days": 400.0,
    }
    return BucketUsage(**{**base, **kw})  # type: ignore[arg-type]


def _total(choice: object, name: str) -> float:
    return next(float(c.total) for c in choice.costs if c.storage_class == name)  # type: ignore[attr-defined]


def test_reads_make_archive_dearer_than_cool():
    # 1,000 GB read 100,000 times a month (10 GB), horizon 12 months:
    #   HOT      1000 × 0.02 = 20    + 100 × 0.0004 = 0.04                       = 20.04
    #   COOL     1000 × 0.01 = 10    + 100 × 0.001 = 0.1 + 10 × 0.01 = 0.1
    #            + transition 1 × 0.01 / 12 = 0.000833                          = 10.200833
    #   ARCHIVE  1000 × 0.001 = 1    + 100 × 0.1 = 10   + 10 × 0.02 = 0.2
    #            + transition 1 × 0.05 / 12 = 0.004167 (180 d < 360 d: no minimum) = 11.204167
    # so COOL, saving 20.04 − 10.200833 = 9.839167 a month.
    choice = tier_choice(_bucket(reads_per_month=100_000.0, read_gb_per_month=10.0), PRICES)
    assert [c.storage_class for c in choice.costs] == ["HOT", "COOL", "ARCHIVE"]
    assert _total(choice, "HOT") == pytest.approx(20.04)
    assert _total(choice, "COOL") == pytest.approx(10.200833, abs=1e-6)
    assert _total(choice, "ARCHIVE") == pytest.approx(11.204167, abs=1e-6)
    assert choice.best.storage_class == "COOL"
    assert float(choice.monthly_savings) == pytest.approx(9.839167, abs=1e-6)
    assert choice.assumptions == []


def test_the_same_bucket_unread_goes_to_archive():
    # No reads: ARCHIVE 1 + 0.05 / 12 = 1.004167 against COOL 10 + 0.01 / 12 = 10.000833.
    choice = tier_choice(_bucket(), PRICES)
    assert choice.best.storage_class == "ARCHIVE"
    assert float(choice.best.total) == pytest.approx(1.004167, abs=1e-6)
    assert float(choice.monthly_savings) == pytest.approx(20 - 1.004167, abs=1e-6)


def test_a_retrieval_fee_flips_the_choice():
    # 1,000 GB of which 1,000 GB are read a month in few requests:
    #   HOT  20 + 0 = 20;  COOL 10 + 1000 × 0.01 = 10 + 0.000833 = 20.000833: HOT stays.
    # Without COOL's retrieval fee COOL would cost 10.000833 and win.
    read_heavy = _bucket(read_gb_per_month=1000.0)
    choice = tier_choice(read_heavy, PRICES)
    assert _total(choice, "COOL") == pytest.approx(20.000833, abs=1e-6)
    assert choice.best.storage_class == "HOT"
    assert choice.monthly_savings == 0
    free = replace(COOL, retrieval_per_gb=Decimal(0))
    assert tier_choice(read_heavy, [HOT, free, ARCHIVE]).best.storage_class == "COOL"


def test_a_minimum_longer_than_the_horizon_is_billed():
    # Horizon 3 months = 90 days < ARCHIVE's 180: 90 days more, 1000 × 0.001 × 90 / 30 / 3 = 1;
    # transition 1 × 0.05 / 3 = 0.016667; ARCHIVE = 1 + 1 + 0.016667 = 2.016667.
    choice = tier_choice(_bucket(), PRICES, horizon_months=3)
    archive = next(c for c in choice.costs if c.storage_class == "ARCHIVE")
    assert archive.min_duration == Decimal(1)
    assert float(archive.total) == pytest.approx(2.016667, abs=1e-6)
    # 12 months = 360 days ≥ 180: nothing more
    year = tier_choice(_bucket(), PRICES).costs
    assert next(c for c in year if c.storage_class == "ARCHIVE").min_duration == 0


def test_leaving_a_class_before_its_minimum_pays_the_rest():
    # In COOL (30 days minimum) for 10 days: moving out bills 20 days of COOL,
    # 1000 × 0.01 × 20 / 30 = 6.666667 once, over 12 months 0.555556 a month.
    # ARCHIVE = 1 + 0.004167 + 0.555556 = 1.559722; staying in COOL costs 10.
    choice = tier_choice(_bucket(storage_class="COOL", age_days=10.0), PRICES)
    archive = next(c for c in choice.costs if c.storage_class == "ARCHIVE")
    assert float(archive.early_leave) == pytest.approx(0.555556, abs=1e-6)
    assert float(archive.total) == pytest.approx(1.559722, abs=1e-6)
    assert choice.current.early_leave == 0 and choice.current.transition == 0
    assert float(choice.current.total) == pytest.approx(10.0)


def test_an_early_exit_penalty_can_keep_the_data_where_it_is():
    # 1 month horizon, 1 day old in COOL: leaving bills 29 days of COOL = 1000 × 0.01 × 29 / 30
    # = 9.666667; ARCHIVE = 1 + 0.05 + 9.666667 + min (180 − 30) days: 1000 × 0.001 × 150 / 30 = 5
    # = 15.716667 > COOL's 10.
    choice = tier_choice(_bucket(storage_class="COOL", age_days=1.0), PRICES, horizon_months=1)
    assert _total(choice, "ARCHIVE") == pytest.approx(15.716667, abs=1e-6)
    assert choice.best.storage_class == "COOL"


def test_ties_keep_the_current_class():
    same = replace(COOL, storage_class="COOL2", class_name="Cool 2")
    choice = tier_choice(_bucket(storage_class="COOL", objects=0, age_days=100.0),
                         [COOL, same])  # fmt: skip
    assert choice.best.storage_class == "COOL" and choice.monthly_savings == 0


def test_unknown_figures_are_assumed_and_said():
    usage = _bucket(storage_class=None, objects=None, reads_per_month=None,
                    read_gb_per_month=None, age_days=None)  # fmt: skip
    choice = tier_choice(usage, PRICES)
    assert choice.current.storage_class == "HOT"  # the warmest class is assumed
    said = " ".join(choice.assumptions)
    for words in ("current class is not known", "no reads", "no retrieval", "transition fees"):
        assert words in said
    # no transition fee counted: ARCHIVE = 1000 × 0.001 = 1
    assert _total(choice, "ARCHIVE") == pytest.approx(1.0)


def test_an_unpriced_region_uses_the_providers_first_and_says_so():
    choice = tier_choice(_bucket(region="mars-1"), PRICES)
    assert choice.region == "r1"
    assert 'region "mars-1"' in choice.assumptions[0]


def test_an_unpriced_class_is_an_error_naming_the_priced_ones():
    with pytest.raises(OptimizeError, match="INTELLIGENT_TIERING") as caught:
        tier_choice(_bucket(storage_class="INTELLIGENT_TIERING"), PRICES)
    assert "HOT, COOL, ARCHIVE" in (caught.value.hint or "")


def test_class_names_match_without_case_or_punctuation():
    assert tier_choice(_bucket(storage_class="cool"), PRICES).current.storage_class == "COOL"


def test_negative_figures_are_refused():
    with pytest.raises(OptimizeError, match="reads_per_month"):
        _bucket(reads_per_month=-1.0)


def test_savings_range_scales_the_reads_by_half_either_way():
    # Reads × 0.5: HOT 20 + 0.02 = 20.02, COOL 10 + 0.05 + 0.05 + 0.000833 = 10.100833 → 9.919167
    # Reads × 1.5: HOT 20.06,             COOL 10 + 0.15 + 0.15 + 0.000833 = 10.300833 → 9.759167
    usage = _bucket(reads_per_month=100_000.0, read_gb_per_month=10.0)
    low, high = savings_range(usage, PRICES, "COOL")
    assert float(low) == pytest.approx(9.759167, abs=1e-6)
    assert float(high) == pytest.approx(9.919167, abs=1e-6)


def test_tier_choices_rank_by_savings():
    busy = _bucket(bucket="busy", read_gb_per_month=1000.0)
    idle = _bucket(bucket="idle")
    assert [c.usage.bucket for c in tier_choices([busy, idle], PRICES)] == ["idle", "busy"]


def test_to_dict_is_plain_json():
    out = tier_choice(_bucket(), PRICES).to_dict()
    assert json.loads(json.dumps(out))["best_class"] == "ARCHIVE"
    assert out["costs"][0]["total"] == pytest.approx(20.0)


def test_dedup_and_compression_save_storage_times_one_minus_one_over_the_ratio():
    # 20 × (1 − 1/2) = 10; 20 × (1 − 1/4) = 15; a ratio of 1 saves nothing
    assert reduction_savings(Decimal(20), 2.0) == Decimal(10)
    assert reduction_savings(Decimal(20), 4.0) == Decimal(15)
    assert reduction_savings(Decimal(20), 1.0) == 0
    with pytest.raises(OptimizeError, match="ratio"):
        reduction_savings(Decimal(20), 0.5)


def test_importing_the_model_loads_no_database():
    probe = (
        "import sys, json\nimport infracast.optimize.storage_tiers\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    loaded = set(json.loads(ran.stdout.splitlines()[-1]))
    assert not loaded & {"duckdb", "ibis"}


@settings(max_examples=60, deadline=None)
@given(
    size=st.floats(0, 1e6),
    reads=st.floats(0, 1e8),
    read_gb=st.floats(0, 1e6),
    objects=st.integers(0, 10**7),
    age=st.floats(0, 1000),
    current=st.sampled_from(["HOT", "COOL", "ARCHIVE"]),
    horizon=st.integers(1, 36),
)
def test_the_choice_is_the_cheapest_and_never_saves_less_than_nothing(
    size: float, reads: float, read_gb: float, objects: int, age: float, current: str,
    horizon: int,
) -> None:  # fmt: skip
    usage = _bucket(size_gb=size, reads_per_month=reads, read_gb_per_month=read_gb,
                    objects=objects, age_days=age, storage_class=current)  # fmt: skip
    choice = tier_choice(usage, PRICES, horizon_months=horizon)
    assert all(choice.best.total <= c.total for c in choice.costs)
    assert choice.monthly_savings >= 0
    # staying put costs only storage, reads and retrieval
    now = choice.current
    assert now.total == now.storage + now.reads + now.retrieval
