"""Prices observed in the ledger: effective cost per GPU-hour, by where it was bought."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from infracast.analytics.observed_prices import prices_from_ledger, read_observed
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges

P5 = {
    "ServiceProviderName": "AWS",
    "RegionId": "us-east-1",
    "SkuId": "p5.48xlarge",
    "x_gpu_type": "H100-SXM",
    "x_gpu_count": 8.0,
}


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:") as opened:
        # Two charges of one hour of an 8-GPU instance: 8 GPU-hours each, 40 USD each.
        add_charges(
            opened,
            [
                {**P5, "cost": 40, "x_gpu_hours": 8.0,
                 "ChargePeriodStart": "2026-01-05T00:00", "ChargePeriodEnd": "2026-01-05T01:00"},
                {**P5, "cost": 40, "x_gpu_hours": 8.0,
                 "ChargePeriodStart": "2026-01-06T00:00", "ChargePeriodEnd": "2026-01-06T01:00"},
                # February: 8 GPU-hours at 48 USD, outside a January window.
                {**P5, "cost": 48, "x_gpu_hours": 8.0,
                 "ChargePeriodStart": "2026-02-01T00:00", "ChargePeriodEnd": "2026-02-01T01:00"},
                # Without a GPU type: counted, not priced.
                {**P5, "x_gpu_type": None, "cost": 10, "x_gpu_hours": 2.0,
                 "ChargePeriodStart": "2026-01-07T00:00", "ChargePeriodEnd": "2026-01-07T01:00"},
                # No GPU-hours: not a GPU charge.
                {"ServiceProviderName": "AWS", "cost": 99, "SkuId": "s3"},
            ],
        )  # fmt: skip
        yield opened


def test_price_is_effective_cost_per_gpu_hour(ledger: Ledger) -> None:
    # January: (40 + 40) USD / (8 + 8) GPU-hours = 5 USD per GPU-hour.
    (option,) = prices_from_ledger(ledger, start="2026-01-01", end="2026-02-01")
    assert option.price_per_hour == Decimal("5")
    assert option.price_per_accelerator_hour == Decimal("5")
    assert (option.provider, option.region, option.instance_type, option.accelerator) == (
        "AWS",
        "us-east-1",
        "p5.48xlarge",
        "H100-SXM",
    )
    assert option.pricing_model == "observed" and option.currency == "USD"
    assert option.as_of == date(2026, 1, 6)
    assert "2 charges, 16 GPU-hours" in option.source
    assert "[2026-01-01T00:00:00, 2026-02-01T00:00:00)" in option.source


def test_without_a_window_every_charge_counts(ledger: Ledger) -> None:
    # (40 + 40 + 48) / 24 = 5.333… USD per GPU-hour.
    (option,) = prices_from_ledger(ledger)
    assert option.price_per_hour.quantize(Decimal("0.0001")) == Decimal("5.3333")


def test_charges_without_a_gpu_type_are_counted_not_priced(ledger: Ledger) -> None:
    observed = read_observed(ledger, start="2026-01-01", end="2026-02-01")
    assert observed.untyped_gpu_hours == 2.0
    assert len(observed.options) == 1


def test_an_empty_ledger_observes_nothing() -> None:
    with Ledger.open(":memory:") as empty:
        assert prices_from_ledger(empty) == []
