"""The price selection: the book it reads and the filters it applies; `catalog prices`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog import PriceOption, PriceSelection, prices, same_provider, write_prices
from infracast.errors import CatalogError, NotFoundError

DAY = date(2026, 5, 20)


def option(provider: str, per_hour: str, model: str = "on_demand", count: int = 1) -> PriceOption:
    return PriceOption(
        provider=provider,
        accelerator="H100-SXM",
        accelerators_per_instance=count,
        pricing_model=model,
        price_per_hour=Decimal(per_hour),
        currency="USD",
        as_of=DAY,
        source="test book",
        region="r1",
        instance_type=f"{provider.split()[0].lower()}-{count}g",
    )


# Per accelerator-hour: Google Cloud 2.00, AWS 24/8 = 3.00, AWS spot 1.50.
OPTIONS = [
    option("Google Cloud", "2.00"),
    option("AWS", "24", count=8),
    option("AWS", "1.5", "spot"),
]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.csv"
    write_prices(OPTIONS, path)
    return path


@dataclass
class Line:
    provider: str
    region: str | None
    pricing_model: str


def test_a_selection_reads_the_book_it_names(book: Path) -> None:
    best = PriceSelection(prices=book).best_options("H100")
    assert [o.price_per_accelerator_hour for o in best] == [Decimal("1.5"), 2, 3]


def test_without_a_file_the_price_book_setting_is_read(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFRACAST_PRICE_BOOK", str(book))
    assert len(PriceSelection().book()) == 3


def test_the_overrides_file_replaces_the_prices_it_matches(book: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "o.yaml"
    overrides.write_text(
        "- {provider: gcp, accelerator: H100, pricing_model: on_demand,"
        " price_per_accelerator_hour: 1.25, currency: USD, as_of: 2026-04-01}\n",
        encoding="utf-8",
    )
    best = PriceSelection(prices=book, overrides=overrides).best_options("H100")
    google = [o for o in best if o.provider == "Google Cloud"]
    assert [(o.price_per_accelerator_hour, o.source) for o in google] == [
        (Decimal("1.25"), "override o.yaml entry 1")
    ]


@pytest.mark.parametrize("name", ["Google Cloud", "google cloud", "gcp", "GCP", "google"])
def test_the_provider_filter_takes_any_name_of_the_provider(name: str) -> None:
    assert PriceSelection(provider=name).matches(Line("Google Cloud", "r1", "on_demand"))


def test_every_filter_given_must_match() -> None:
    chosen = PriceSelection(provider="aws", region="R1", pricing="spot")
    assert chosen.matches(Line("AWS", "r1", "spot"))
    assert not chosen.matches(Line("AWS", "r1", "on_demand"))
    assert not chosen.matches(Line("AWS", "r2", "spot"))
    assert not chosen.matches(Line("Google Cloud", "r1", "spot"))


def test_keep_without_filters_keeps_everything_even_nothing() -> None:
    lines = [Line("AWS", None, "spot")]
    assert PriceSelection().keep(lines, price=lambda line: line) == lines
    assert PriceSelection().keep([], price=lambda line: line) == []


def test_a_filter_nothing_passes_names_what_is_offered() -> None:
    lines = [Line("AWS", None, "spot"), Line("Google Cloud", None, "on_demand")]
    with pytest.raises(CatalogError) as caught:
        PriceSelection(provider="Lambda", pricing="spot").keep(lines, price=lambda line: line)
    assert caught.value.message == "no price line matches provider Lambda pricing spot."
    assert caught.value.hint == "The price book offers: AWS spot, Google Cloud on_demand."


def test_an_invalid_field_is_a_catalog_error_naming_it_and_the_valid_values() -> None:
    with pytest.raises(CatalogError) as caught:
        PriceSelection.of(pricing="spott")
    assert "pricing: must be 'on_demand'" in caught.value.message
    assert caught.value.hint is not None and "commit_1y" in caught.value.hint


def test_fields_given_as_none_leave_the_selection_as_it_was(book: Path) -> None:
    assert PriceSelection.of(PriceSelection(prices=book), prices=None).prices == book


def test_same_provider_by_short_name_and_case() -> None:
    assert same_provider("azure", "Microsoft") and same_provider("AWS", "amazon")
    assert not same_provider("AWS", "Google Cloud")


def test_prices_are_cheapest_first_cut_at_top_and_count_every_match(book: Path) -> None:
    listing = prices(prices=book, accelerator="h100", top=2)
    assert listing.accelerator == "H100-SXM" and listing.matched == 3
    assert [o.price_per_accelerator_hour for o in listing.options] == [Decimal("1.5"), 2]


def test_prices_filter_by_provider_and_pricing_model(book: Path) -> None:
    listing = prices(PriceSelection(prices=book, provider="amazon", pricing="spot"))
    assert [(o.provider, o.pricing_model) for o in listing.options] == [("AWS", "spot")]


def test_prices_add_observed_options_to_the_book(book: Path) -> None:
    seen = PriceOption(
        provider="AWS", accelerator="H100-SXM", accelerators_per_instance=1,
        pricing_model="observed", price_per_hour=Decimal("5"), currency="USD", as_of=DAY,
        source="ledger",
    )  # fmt: skip
    listing = prices(prices=book, pricing="observed", observed=[seen])
    assert listing.options == (seen,)


def test_prices_refuse_a_top_below_one(book: Path) -> None:
    with pytest.raises(CatalogError, match="top must be at least 1"):
        prices(prices=book, top=0)


def test_an_unknown_provider_is_not_found_with_the_closest_name(book: Path) -> None:
    with pytest.raises(NotFoundError, match='Did you mean "Google Cloud"'):
        prices(prices=book, provider="Googel")


def test_the_listing_as_json_is_each_options_plain_data(book: Path) -> None:
    listing = prices(prices=book, top=1)
    assert listing.to_json() == [listing.options[0].to_dict()]
    assert set(listing.to_json()[0]) == {
        "provider", "region", "instance_type", "accelerator", "accelerators_per_instance",
        "pricing_model", "price_per_hour", "price_per_accelerator_hour", "currency", "as_of",
        "derived", "source",
    }  # fmt: skip
