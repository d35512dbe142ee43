"""The catalog: accelerator specs, cloud price books with their importers, server prices.

Facts live in the package's data files with their sources beside them
(``data/accelerators.csv``, ``data/price_book.csv``, ``data/server_prices.csv``);
this package reads them, imports SkyPilot catalogs and negotiated prices, and
ranks the ways to buy an accelerator. :func:`gpus`, :func:`prices` and
:func:`servers` are the ``infracast catalog`` commands; :class:`PriceSelection`
is the price book and filters every pricing command shares. Prices observed in
the ledger are read by :mod:`infracast.analytics.observed_prices`, so importing
the catalog loads no database.
"""

from infracast.catalog._accelerators import accelerator, accelerators, find_accelerator, gpus
from infracast.catalog._price_book import PriceBook, price_book, read_prices, write_prices
from infracast.catalog._servers import server, servers
from infracast.catalog.exceptions import (
    UnknownAcceleratorError,
    UnknownProviderError,
    UnknownRegionError,
    UnknownServerError,
)
from infracast.catalog.models import (
    PRECISIONS,
    PRICING_MODELS,
    Accelerator,
    PriceOption,
    PricingModel,
    ServerPrice,
)
from infracast.catalog.overrides import load_overrides
from infracast.catalog.providers import canonical_provider, same_provider
from infracast.catalog.selection import PriceListing, PriceSelection, prices
from infracast.catalog.skypilot import SkyPilotImport, import_skypilot, read_skypilot

__all__ = [
    "PRECISIONS",
    "PRICING_MODELS",
    "Accelerator",
    "PriceBook",
    "PriceListing",
    "PriceOption",
    "PriceSelection",
    "PricingModel",
    "ServerPrice",
    "SkyPilotImport",
    "UnknownAcceleratorError",
    "UnknownProviderError",
    "UnknownRegionError",
    "UnknownServerError",
    "accelerator",
    "accelerators",
    "canonical_provider",
    "find_accelerator",
    "gpus",
    "import_skypilot",
    "load_overrides",
    "price_book",
    "prices",
    "read_prices",
    "read_skypilot",
    "same_provider",
    "server",
    "servers",
    "write_prices",
]
