"""What the catalog holds: accelerators, cloud price options and owned-server prices.

Plain frozen dataclasses, shared by the catalog (which loads them from data
files and importers) and the estimators (which take them as plain data and
never open a file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from infracast.errors import CatalogError, did_you_mean

Precision = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4"]
PRECISIONS: tuple[str, ...] = ("fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4")


class PricingModel(StrEnum):
    """How the accelerator is bought."""

    on_demand = "on_demand"
    spot = "spot"
    commit_1y = "commit_1y"
    commit_3y = "commit_3y"
    observed = "observed"  # an effective price measured in the ledger (EffectiveCost per GPU-hour)


PRICING_MODELS: tuple[str, ...] = tuple(m.value for m in PricingModel)


@dataclass(frozen=True)
class Accelerator:
    """One accelerator model with its datasheet figures.

    ``peak_tflops`` holds dense (not sparse) peak throughput per precision in
    TFLOPS (TOPS for int8/int4); a precision the part does not support is absent.
    Memory bandwidth is in GB/s (10^9 bytes per second), memory in GiB.
    """

    name: str  # catalog name, e.g. "H100-SXM"
    vendor: str  # NVIDIA, AMD, Intel, Google
    family: str  # architecture/generation, e.g. "Hopper"
    memory_gib: float
    memory_bandwidth_gbs: float
    tdp_w: float | None  # None where the vendor publishes no TDP (Google's TPUs, GB200 per GPU)
    peak_tflops: Mapping[str, float]
    source: str  # the vendor datasheet the figures come from
    interconnect_gbs: float | None = None  # scale-up bandwidth per accelerator (NVLink, ICI…)
    aliases: tuple[str, ...] = ()

    def peak_flops(self, precision: str) -> float:
        """Dense peak FLOP/s at ``precision``; a CatalogError if the part lacks it."""
        if precision not in self.peak_tflops:
            have = ", ".join(p for p in PRECISIONS if p in self.peak_tflops)
            raise CatalogError(
                f"{self.name} has no {precision} peak in the catalog."
                + did_you_mean(precision, list(self.peak_tflops)),
                hint=f"Use one of: {have} (--precision).",
            )
        return self.peak_tflops[precision] * 1e12

    @property
    def ops_per_byte(self) -> float:
        """BF16 (else FP16/FP32) peak FLOPs per byte of memory bandwidth: the roofline ridge."""
        for precision in ("bf16", "fp16", "fp32"):
            if precision in self.peak_tflops:
                return self.peak_tflops[precision] * 1e12 / (self.memory_bandwidth_gbs * 1e9)
        raise CatalogError(
            f"{self.name} has no bf16, fp16 or fp32 peak in the catalog, so its roofline "
            "cannot be drawn.",
            hint=f"Add the {self.name}'s bf16 peak (TFLOPS, dense) to data/accelerators.csv "
            "from its datasheet, or pick an accelerator that has one (infracast catalog gpus).",
        )

    def to_dict(self) -> dict[str, Any]:
        """The accelerator as plain data (``infracast catalog gpus --format json``)."""
        return {
            "name": self.name,
            "vendor": self.vendor,
            "family": self.family,
            "memory_gib": self.memory_gib,
            "memory_bandwidth_gbs": self.memory_bandwidth_gbs,
            "tdp_w": self.tdp_w,
            "interconnect_gbs": self.interconnect_gbs,
            "bf16_tflops": self.peak_tflops.get("bf16"),
            "fp8_tflops": self.peak_tflops.get("fp8"),
            "peak_tflops": dict(self.peak_tflops),
            "aliases": list(self.aliases),
            "source": self.source,
        }


@dataclass(frozen=True)
class PriceOption:
    """A way to rent accelerators: one instance type, region and pricing model.

    ``price_per_hour`` is per instance; :attr:`price_per_accelerator_hour`
    divides it by the accelerators the instance carries.
    """

    provider: str  # "AWS", "Google Cloud", "Microsoft Azure", "Lambda", …
    accelerator: str  # catalog accelerator name
    accelerators_per_instance: float
    pricing_model: str  # one of PRICING_MODELS
    price_per_hour: Decimal
    currency: str
    as_of: date
    source: str  # where the price comes from: catalog file, commit, page, or the rule deriving it
    region: str | None = None
    instance_type: str | None = None
    derived: bool = False  # True when computed from another price (e.g. a commitment discount)

    @property
    def price_per_accelerator_hour(self) -> Decimal:
        return self.price_per_hour / Decimal(str(self.accelerators_per_instance))

    def describe(self) -> str:
        """One line naming the price, for assumptions lists."""
        where = " ".join(p for p in (self.provider, self.region, self.instance_type) if p)
        return (
            f"{where} {self.pricing_model}: {self.price_per_accelerator_hour:.4f} "
            f"{self.currency}/accelerator-hour ({self.source}, as of {self.as_of.isoformat()})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The option as plain data (``infracast catalog prices --format json``)."""
        return {
            "provider": self.provider,
            "region": self.region,
            "instance_type": self.instance_type,
            "accelerator": self.accelerator,
            "accelerators_per_instance": self.accelerators_per_instance,
            "pricing_model": self.pricing_model,
            "price_per_hour": self.price_per_hour,
            "price_per_accelerator_hour": self.price_per_accelerator_hour,
            "currency": self.currency,
            "as_of": self.as_of,
            "derived": self.derived,
            "source": self.source,
        }


@dataclass(frozen=True)
class ServerPrice:
    """The purchase price of an owned GPU server, with its public source."""

    name: str  # e.g. "NVIDIA DGX H100"
    accelerator: str
    accelerators_per_server: int
    purchase_price: Decimal
    currency: str
    as_of: date
    source: str
    power_kw: float | None = None  # full-load draw of the whole server
    extra: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The server as plain data (``infracast catalog servers --format json``)."""
        return {
            "name": self.name,
            "accelerator": self.accelerator,
            "accelerators_per_server": self.accelerators_per_server,
            "purchase_price": self.purchase_price,
            "currency": self.currency,
            "as_of": self.as_of,
            "power_kw": self.power_kw,
            "notes": self.extra.get("notes"),
            "source": self.source,
        }
