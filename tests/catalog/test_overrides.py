"""Negotiated prices in YAML: the documented format, validated with clear errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog import load_overrides, price_book
from infracast.errors import CatalogError

GOOD = """
prices:
  - provider: aws
    accelerator: H100
    instance_type: p5.48xlarge
    region: us-east-1
    pricing_model: commit_1y
    price_per_hour: 40.00
    currency: USD
    as_of: 2026-03-01
    note: EDP contract 2026-014
  - provider: gcp
    accelerator: A100-80GB
    pricing_model: on_demand
    price_per_accelerator_hour: 2.5
    accelerators_per_instance: 8
    currency: EUR
    as_of: 2026-02-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_format_loads(tmp_path: Path) -> None:
    first, second = load_overrides(write(tmp_path, GOOD))
    # p5.48xlarge carries 8 H100 (data/gpu_instances.csv): 40 / 8 = 5 per accelerator-hour.
    assert (first.provider, first.accelerator, first.accelerators_per_instance) == (
        "AWS",
        "H100-SXM",
        8,
    )
    assert first.price_per_accelerator_hour == Decimal("5")
    assert first.as_of == date(2026, 3, 1) and "EDP contract 2026-014" in first.source
    # 2.5 per accelerator-hour x 8 = 20 per instance-hour.
    assert (second.provider, second.price_per_hour, second.currency) == (
        "Google Cloud",
        Decimal("20.0"),
        "EUR",
    )
    assert second.region is None and second.instance_type is None


def test_a_plain_list_is_accepted(tmp_path: Path) -> None:
    text = GOOD.replace("prices:\n", "").replace("\n  ", "\n")
    assert len(load_overrides(write(tmp_path, text))) == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("price_per_hour: 40.00", "exactly one of price_per_hour"),
        ("price_per_accelerator_hour: -1", "greater than 0"),
        ("currency: usd", "currency"),
        ("as_of: someday", "as_of"),
        ("pricing_model: observed", "pricing_model must be one of"),
        ("colour: red", "colour"),
    ],
)
def test_invalid_entries_say_which_entry_and_field(tmp_path: Path, line: str, message: str) -> None:
    # The appended line belongs to the second entry (a repeated key replaces the first).
    with pytest.raises(CatalogError, match="entry 2 is not a valid price") as caught:
        load_overrides(write(tmp_path, GOOD + "    " + line + "\n"))
    assert message in caught.value.message


def test_unknown_accelerator_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match='entry 1: unknown accelerator "H1000"'):
        load_overrides(write(tmp_path, GOOD.replace("accelerator: H100", "accelerator: H1000")))


def test_price_per_hour_needs_a_known_accelerator_count(tmp_path: Path) -> None:
    text = GOOD.replace("p5.48xlarge", "p99.mystery")
    with pytest.raises(CatalogError, match="how many accelerators"):
        load_overrides(write(tmp_path, text))


def test_not_yaml_and_not_a_list_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_overrides(write(tmp_path, "prices: [unclosed"))
    with pytest.raises(CatalogError, match="no list of prices"):
        load_overrides(write(tmp_path, "prices: 3"))
    with pytest.raises(CatalogError, match="the price overrides: no such file"):
        load_overrides(tmp_path / "absent.yaml")


def test_overrides_file_wins_in_the_packaged_book(tmp_path: Path) -> None:
    book = price_book(overrides=write(tmp_path, GOOD))
    found = book.options(accelerator="H100", provider="AWS", region="us-east-1")
    commits = [o for o in found if o.pricing_model == "commit_1y"]
    assert [o.price_per_hour for o in commits] == [Decimal("40.00")]
