"""The catalog: accelerator specs, cloud price books with their importers, server prices.

Facts live in the package's data files with their sources beside them
(``data/accelerators.csv``, ``data/price_book.csv``, ``data/server_prices.csv``);
this package reads them, imports SkyPilot catalogs, negotiated prices and
prices observed in the ledger, and ranks the ways to buy an accelerator.
"""

from infracast.catalog.accelerators import accelerator, accelerators, find_accelerator
from infracast.catalog.models import (
    PRECISIONS,
    PRICING_MODELS,
    Accelerator,
    PriceOption,
    ServerPrice,
)
from infracast.catalog.observed import ObservedPrices, prices_from_ledger, read_observed
from infracast.catalog.overrides import load_overrides
from infracast.catalog.price_book import PriceBook, price_book, read_prices, write_prices
from infracast.catalog.providers import canonical_provider
from infracast.catalog.servers import server_prices
from infracast.catalog.skypilot import SkyPilotImport, import_skypilot, read_skypilot

__all__ = [
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
