"""infracast.catalog exports its public names and nothing else."""

from __future__ import annotations

import infracast.catalog as catalog


def test_public_names_are_pinned() -> None:
    assert catalog.__all__ == [
        "PRECISIONS",
        "PRICING_MODELS",
        "Accelerator",
        "ObservedPrices",
        "PriceBook",
        "PriceOption",
        "ServerPrice",
        "SkyPilotImport",
        "accelerator",
        "accelerators",
        "canonical_provider",
        "find_accelerator",
        "import_skypilot",
        "load_overrides",
        "price_book",
        "prices_from_ledger",
        "read_observed",
        "read_prices",
        "read_skypilot",
        "server_prices",
        "write_prices",
    ]


def test_every_public_name_exists() -> None:
    for name in catalog.__all__:
        assert getattr(catalog, name) is not None, name
