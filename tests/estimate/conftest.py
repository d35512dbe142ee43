"""Hand-checkable accelerators, prices and defaults for the estimator tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.catalog import write_prices
from infracast.catalog.models import Accelerator, PriceOption
from infracast.estimate.defaults import Defaults, load_defaults

# Round numbers: 1000 TFLOPS bf16, 5000 GB/s → a ridge of exactly 200 FLOP/byte.
GPU = Accelerator(
    name="TEST-GPU",
    vendor="Test",
    family="Test",
    memory_gib=80,
    memory_bandwidth_gbs=5000,
    tdp_w=700,
    peak_tflops={"fp32": 60, "bf16": 1000, "fp16": 1000, "fp8": 2000, "int8": 2000},
    source="test datasheet",
)
# A Volta-like part: fp16 only, 32 GiB.
OLD = Accelerator(
    name="OLD-GPU",
    vendor="Test",
    family="Old",
    memory_gib=32,
    memory_bandwidth_gbs=900,
    tdp_w=300,
    peak_tflops={"fp32": 15, "fp16": 125},
    source="old datasheet",
)
# A TPU-like part without a published TDP.
NO_TDP = Accelerator(
    name="NO-TDP",
    vendor="Test",
    family="Chip",
    memory_gib=32,
    memory_bandwidth_gbs=1200,
    tdp_w=None,
    peak_tflops={"bf16": 275},
    source="chip datasheet",
)

ON_DEMAND = PriceOption(
    provider="TestCloud",
    accelerator="TEST-GPU",
    accelerators_per_instance=8,
    pricing_model="on_demand",
    price_per_hour=Decimal("98.32"),  # 12.29 per accelerator-hour
    currency="USD",
    as_of=date(2026, 1, 15),
    source="TestCloud price list",
    region="us-test-1",
    instance_type="t8.big",
)
SPOT = PriceOption(
    provider="OtherCloud",
    accelerator="TEST-GPU",
    accelerators_per_instance=8,
    pricing_model="spot",
    price_per_hour=Decimal("20"),  # 2.50 per accelerator-hour
    currency="USD",
    as_of=date(2026, 2, 1),
    source="OtherCloud spot page",
    region="eu-test-2",
    instance_type="s8",
)

# 12·L·d² with L = d/128 and d = 4096 exactly: N = 12·4096³/128.
D4096_PARAMS = 12 * 4096**3 / 128  # 6,442,450,944


@pytest.fixture
def defaults() -> Defaults:
    return load_defaults()


def h100_price(provider: str, per_hour: str, count: int = 1) -> PriceOption:
    """An on-demand H100 price of ``per_hour`` per instance of ``count`` GPUs."""
    return PriceOption(
        provider=provider,
        accelerator="H100-SXM",
        accelerators_per_instance=count,
        pricing_model="on_demand",
        price_per_hour=Decimal(per_hour),
        currency="USD",
        as_of=date(2026, 5, 20),
        source="test book",
        region="r1",
    )


def write_h100_book(path: Path) -> Path:
    """A price book of two H100 prices per GPU-hour: Google Cloud 2.00, AWS 24/8 = 3.00
    (the packaged book has dozens, so a result with exactly these two was priced from it)."""
    write_prices([h100_price("Google Cloud", "2.00"), h100_price("AWS", "24", count=8)], path)
    return path
