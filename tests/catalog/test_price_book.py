"""The price book: filters, best options, overrides, and the two file layouts it reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog import PriceBook, PriceOption, price_book, read_prices, write_prices
from infracast.errors import CatalogError

DAY = date(2026, 5, 20)


def option(
    provider: str,
    price: str,
    count: float = 8,
    model: str = "on_demand",
    region: str | None = "r1",
    instance: str | None = "i8",
    accelerator: str = "H100-SXM",
    currency: str = "USD",
) -> PriceOption:
    return PriceOption(
        provider=provider,
        accelerator=accelerator,
        accelerators_per_instance=count,
        pricing_model=model,
        price_per_hour=Decimal(price),
        currency=currency,
        as_of=DAY,
        source="test",
        region=region,
        instance_type=instance,
    )


# Per accelerator-hour: AWS 80/8 = 10, AWS r2 72/8 = 9, AWS spot 24/8 = 3,
# Google 40/8 = 5, Google i1 6/1 = 6, Lambda (A100) 2.
BOOK = PriceBook(
    [
        option("AWS", "80"),
        option("AWS", "72", region="r2"),
        option("AWS", "24", model="spot"),
        option("Google Cloud", "40"),
        option("Google Cloud", "6", count=1, instance="i1"),
        option("Lambda", "2", count=1, accelerator="A100-80GB"),
    ]
)


def per_hour(options: list[PriceOption]) -> list[Decimal]:
    return [o.price_per_accelerator_hour for o in options]


def test_options_are_sorted_by_price_per_accelerator_hour() -> None:
    assert per_hour(BOOK.options(accelerator="H100")) == [3, 5, 6, 9, 10]


def test_filters_combine_and_accept_aliases_in_any_case() -> None:
    found = BOOK.options(accelerator="h100", provider="aws", pricing_model="on_demand")
    assert per_hour(found) == [9, 10]
    assert per_hour(BOOK.options(provider="gcp", region="R1")) == [5, 6]


def test_best_options_keep_the_cheapest_per_provider_and_pricing_model() -> None:
    best = BOOK.best_options("H100-SXM")
    assert [(o.provider, o.pricing_model, o.price_per_accelerator_hour) for o in best] == [
        ("AWS", "spot", 3),
        ("Google Cloud", "on_demand", 5),
        ("AWS", "on_demand", 9),
    ]


def test_best_options_keep_currencies_apart() -> None:
    book = PriceBook([option("AWS", "80"), option("AWS", "40", currency="EUR")])
    assert {o.currency for o in book.best_options("H100")} == {"USD", "EUR"}


def test_unknown_filter_values_are_errors_with_suggestions() -> None:
    with pytest.raises(CatalogError, match='Did you mean "Google Cloud"'):
        BOOK.options(provider="googel")
    with pytest.raises(CatalogError, match=r'unknown pricing model "spott"\. Did you mean "spot"'):
        BOOK.options(pricing_model="spott")
    with pytest.raises(CatalogError, match="unknown accelerator"):
        BOOK.options(accelerator="H1000")


def test_known_accelerator_without_prices_is_an_empty_list() -> None:
    assert BOOK.options(accelerator="TPU-v5e") == []


def test_overrides_replace_matching_options_and_win(tmp_path: Path) -> None:
    negotiated = option("AWS", "56", region="r1", instance="i8")  # 7 per accelerator-hour
    plain = PriceBook([option("AWS", "80"), option("AWS", "72", region="r2")])
    merged = price_book(_write(tmp_path, plain), overrides=[negotiated])
    assert per_hour(merged.options(provider="AWS")) == [7, 9]  # r1's 10 replaced by 7


def test_override_without_region_or_instance_replaces_all_of_them(tmp_path: Path) -> None:
    plain = PriceBook(
        [option("AWS", "80"), option("AWS", "72", region="r2"), option("AWS", "24", model="spot")]
    )
    wide = option("AWS", "88", region=None, instance=None)  # 11 per accelerator-hour
    merged = price_book(_write(tmp_path, plain), overrides=[wide])
    assert [(o.pricing_model, o.price_per_accelerator_hour) for o in merged] == [
        ("spot", 3),
        ("on_demand", 11),
    ]


def test_extra_options_join_the_book(tmp_path: Path) -> None:
    observed = option("AWS", "5", count=1, model="observed", instance="sku")
    book = price_book(_write(tmp_path, BOOK), extra=[observed])
    assert book.options(pricing_model="observed") == [observed]


def _write(tmp_path: Path, book: PriceBook) -> Path:
    path = tmp_path / "book.csv"
    write_prices(book, path)
    return path


def test_written_book_reads_back_the_same_options(tmp_path: Path) -> None:
    assert sorted(read_prices(_write(tmp_path, BOOK)), key=repr) == sorted(BOOK, key=repr)


def test_a_skypilot_file_is_read_as_a_price_book(tmp_path: Path) -> None:
    folder = tmp_path / "lambda"
    folder.mkdir()
    (folder / "vms.csv").write_text(
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice\n"
        "gpu_8x_h100_sxm5,H100,8.0,208.0,1800.0,23.92,us-east-1,H100,\n",
        encoding="utf-8",
    )
    book = price_book(folder / "vms.csv")
    # 23.92 / 8 = 2.99 per accelerator-hour
    assert per_hour(book.options(accelerator="H100")) == [Decimal("2.99")]


def test_bad_rows_name_the_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, BOOK)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("on_demand", "ondemand")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"line 3, column pricing_model.*Did you mean"):
        read_prices(path)


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not a price book"):
        read_prices(path)


def test_packaged_book_is_dated_sourced_and_priced() -> None:
    book = price_book()
    assert len(book) > 100
    for o in book:
        assert o.price_per_hour > 0 and o.source and o.as_of <= date(2026, 12, 31)
        assert o.pricing_model in ("on_demand", "spot", "commit_1y", "commit_3y")
        assert o.derived == o.pricing_model.startswith("commit")


def test_packaged_commitments_are_cheaper_than_their_on_demand_rows() -> None:
    book = price_book()
    for commit in book.options(provider="gcp"):
        if not commit.derived:
            continue
        (on_demand,) = [
            o
            for o in book.options(provider="gcp", region=commit.region, pricing_model="on_demand")
            if o.instance_type == commit.instance_type
        ]
        assert commit.price_per_hour < on_demand.price_per_hour
        assert "derived" in commit.source and "Cyclenerd" in commit.source
