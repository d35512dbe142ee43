"""Negotiated prices in YAML: they win over the price book's list prices.

The file is a list of prices, or a mapping with a ``prices`` list::

    prices:
      - provider: AWS                  # as the ledger names it; aws, gcp, azure work too
        accelerator: H100              # catalog name or alias
        instance_type: p5.48xlarge     # optional: without it, every instance type
        region: us-east-1              # optional: without it, every region
        pricing_model: commit_1y       # on_demand, spot, commit_1y or commit_3y
        price_per_hour: 55.04          # per instance-hour, or instead:
        # price_per_accelerator_hour: 6.88
        accelerators_per_instance: 8   # optional when the instance type is known
        currency: USD
        as_of: 2026-03-01
        note: EDP contract 2026-014    # optional, shown in the price's source

Each entry gives exactly one of ``price_per_hour`` and
``price_per_accelerator_hour``. With ``price_per_hour``, the accelerators per
instance come from ``accelerators_per_instance`` or from the instance type
(``data/gpu_instances.csv``); with ``price_per_accelerator_hour`` they default
to 1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from infracast.catalog._accelerators import LIST_COMMAND, find_accelerator
from infracast.catalog.models import PriceOption
from infracast.catalog.providers import canonical_provider
from infracast.errors import CatalogError
from infracast.specfiles import read_yaml
from infracast.vocabulary.instances import gpu_instances, instance_key

OVERRIDE_MODELS: tuple[str, ...] = ("on_demand", "spot", "commit_1y", "commit_3y")


class Override(BaseModel):
    """One negotiated price, as written in the overrides file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    provider: str = Field(min_length=1)
    accelerator: str = Field(min_length=1)
    instance_type: str | None = None
    region: str | None = None
    pricing_model: str
    price_per_hour: Decimal | None = Field(default=None, gt=0)
    price_per_accelerator_hour: Decimal | None = Field(default=None, gt=0)
    accelerators_per_instance: float | None = Field(default=None, gt=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    as_of: date
    note: str | None = None

    @model_validator(mode="after")
    def _one_price(self) -> Override:
        if (self.price_per_hour is None) == (self.price_per_accelerator_hour is None):
            raise ValueError("give exactly one of price_per_hour and price_per_accelerator_hour")
        if self.pricing_model not in OVERRIDE_MODELS:
            raise ValueError(f"pricing_model must be one of {', '.join(OVERRIDE_MODELS)}")
        return self


def load_overrides(path: str | Path) -> list[PriceOption]:
    """Price options from a YAML overrides file (the format is in this module's docstring)."""
    file = Path(path)
    data = read_yaml(file, what="the price overrides", expect="any", error=CatalogError)
    entries = data.get("prices") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise CatalogError(
            f"{file} holds no list of prices.",
            hint="Write a list of entries, or a mapping with a `prices:` list (docs/catalog.md).",
            file=file,
        )
    return [_option(entry, file, number) for number, entry in enumerate(entries, start=1)]


def _option(entry: Any, file: Path, number: int) -> PriceOption:
    where = f"{file} entry {number}"
    try:
        spec = Override.model_validate(entry)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors()
        )
        raise CatalogError(
            f"{where} is not a valid price: {problems}.",
            hint="Each entry needs provider, accelerator, pricing_model, one of price_per_hour "
            "and price_per_accelerator_hour, currency and as_of (docs/catalog.md).",
        ) from None
    found = find_accelerator(spec.accelerator)
    if found is None:
        raise CatalogError(
            f'{where}: unknown accelerator "{spec.accelerator}".',
            hint=f"Use a catalog name or alias (`{LIST_COMMAND}`).",
        )
    provider = canonical_provider(spec.provider)
    count = spec.accelerators_per_instance or _instance_count(provider, spec.instance_type)
    if spec.price_per_hour is not None:
        if count is None:
            raise CatalogError(
                f"{where}: how many accelerators does the instance carry?",
                hint="Add accelerators_per_instance, or give price_per_accelerator_hour instead.",
            )
        price = spec.price_per_hour
    else:
        count = count or 1.0
        assert spec.price_per_accelerator_hour is not None
        price = spec.price_per_accelerator_hour * Decimal(str(count))
    note = f": {spec.note}" if spec.note else ""
    return PriceOption(
        provider=provider,
        accelerator=found.name,
        accelerators_per_instance=count,
        pricing_model=spec.pricing_model,
        price_per_hour=price,
        currency=spec.currency,
        as_of=spec.as_of,
        source=f"override {file.name} entry {number}{note}",
        region=spec.region,
        instance_type=spec.instance_type,
    )


def _instance_count(provider: str, instance_type: str | None) -> float | None:
    if not instance_type:
        return None
    key = instance_key(instance_type)
    for known in gpu_instances():
        if known.key == key and canonical_provider(known.provider) == provider:
            return float(known.gpu_count)
    return None
