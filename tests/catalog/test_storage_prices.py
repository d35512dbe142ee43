"""Storage list prices: the packaged table, its sources, and clear errors on a bad file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog.storage_prices import (
    COLUMNS,
    TIERS,
    class_key,
    find_class,
    load_storage_prices,
    region_prices,
)
from infracast.errors import CatalogError

HEADER = ",".join(COLUMNS)
GOOD = "aws,r1,STANDARD,S3 Standard,hot,0.023,0,0.0004,0,0,USD,2024-06-01,a page"


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_every_provider_has_each_tier_in_its_us_region_with_a_source_and_date():
    prices = load_storage_prices()
    for provider, region in (("aws", "us-east-1"), ("gcp", "us-central1"), ("azure", "eastus")):
        classes, note = region_prices(prices, provider, region)
        assert note is None
        assert {p.tier for p in classes} == set(TIERS)
        assert [p.tier for p in classes] == sorted((p.tier for p in classes), key=TIERS.index)
        for p in classes:
            assert p.source.startswith(("AWS", "Google", "Azure")) and "https://" in p.source
            assert "check against the live page" in p.source
            assert p.as_of.year == 2024 and p.currency == "USD"


def test_s3_standard_ia_list_prices():
    # AWS S3 pricing page, us-east-1 (2024): $0.0125 per GB-month, $0.01 per GB retrieved,
    # GET $0.001 per 1,000, lifecycle transition $0.01 per 1,000, 30 days minimum.
    classes, _ = region_prices(load_storage_prices(), "AWS", "us-east-1")
    ia = find_class(classes, "Standard-IA")
    assert ia is not None and ia.storage_class == "STANDARD_IA"
    assert (ia.storage_per_gb_month, ia.retrieval_per_gb, ia.read_per_1000) == (
        Decimal("0.0125"),
        Decimal("0.01"),
        Decimal("0.001"),
    )
    assert (ia.transition_per_1000, ia.min_storage_days) == (Decimal("0.01"), 30)


def test_colder_tiers_store_for_less_and_read_for_more():
    prices = load_storage_prices()
    for provider in ("aws", "gcp", "azure"):
        classes, _ = region_prices(prices, provider, None)
        hot, cold = classes[0], classes[-1]
        assert cold.storage_per_gb_month < hot.storage_per_gb_month
        assert cold.read_per_1000 > hot.read_per_1000
        assert cold.min_storage_days > hot.min_storage_days == 0


def test_class_names_compare_without_case_and_punctuation():
    assert class_key("Standard-IA") == class_key("STANDARD_IA") == "standardia"


def test_an_unpriced_region_falls_back_and_says_so():
    classes, note = region_prices(load_storage_prices(), "gcp", "asia-south1")
    assert classes[0].region == "us-central1"
    assert note is not None and "asia-south1" in note


def test_an_unknown_provider_names_the_known_ones():
    with pytest.raises(CatalogError, match="oracle") as caught:
        region_prices(load_storage_prices(), "oracle", None)
    assert "aws, azure, gcp" in (caught.value.hint or "")


def test_a_file_in_the_same_layout_is_read(tmp_path: Path):
    (only,) = load_storage_prices(_file(tmp_path, GOOD))
    assert (only.provider, only.storage_per_gb_month, only.notes) == ("aws", Decimal("0.023"), "")


@pytest.mark.parametrize(
    ("cell", "bad", "column"),
    [
        ("hot", "tepid", "tier"),
        ("0.023", "cheap", "storage_per_gb_month"),
        ("0.0004", "-1", "read_per_1000"),
        (",0,USD", ",thirty,USD", "min_storage_days"),
        ("2024-06-01", "June 2024", "as_of"),
        ("USD", "dollars", "currency"),
    ],
)
def test_a_bad_cell_names_its_line_and_column(tmp_path: Path, cell: str, bad: str, column: str):
    row = GOOD.replace(cell, bad, 1)
    with pytest.raises(CatalogError) as caught:
        load_storage_prices(_file(tmp_path, GOOD.replace("r1", "r0"), row))
    assert caught.value.row == 3 and caught.value.field == column
    assert f"line 3, column {column}" in caught.value.message


def test_a_file_without_a_column_says_which(tmp_path: Path):
    path = tmp_path / "prices.csv"
    path.write_text("provider,region\naws,r1\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="lacks the columns storage_class"):
        load_storage_prices(path)


def test_a_class_priced_twice_is_refused(tmp_path: Path):
    with pytest.raises(CatalogError, match="already priced on line 2"):
        load_storage_prices(_file(tmp_path, GOOD, GOOD))


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CatalogError, match="no storage price file"):
        load_storage_prices(tmp_path / "nope.csv")
