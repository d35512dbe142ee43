"""infracast.catalog exports its public names and nothing else, and shadows no module."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import infracast.catalog as catalog

PUBLIC = [
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


def test_public_names_are_pinned() -> None:
    assert catalog.__all__ == PUBLIC


def test_every_public_name_exists() -> None:
    for name in catalog.__all__:
        assert getattr(catalog, name) is not None, name


def test_no_module_is_shadowed_by_an_exported_name() -> None:
    modules = [m.name for m in pkgutil.iter_modules(catalog.__path__)]
    assert "_price_book" in modules  # the walk sees the package's files
    for name in modules:
        assert isinstance(importlib.import_module(f"infracast.catalog.{name}"), ModuleType), name
        assert name not in catalog.__all__, name


def test_the_commands_functions_are_public() -> None:
    assert {"gpus", "prices", "servers"} <= set(catalog.__all__)
