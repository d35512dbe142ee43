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
from typing import Literal

from infracast.errors import CatalogError, did_you_mean

Precision = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4"]
PRECISIONS: tuple[str, ...] = ("fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4")
PricingModel = Literal["on_demand", "spot", "commit_1y", "commit_3y", "observed"]
# "observed": an effective price measured in the ledger (EffectiveCost per GPU-hour).
PRICING_MODELS: tuple[str, ...] = ("on_demand", "spot", "commit_1y", "commit_3y", "observed")


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
        raise CatalogError(f"{self.name} has no bf16, fp16 or fp32 peak in the catalog.")


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
