"""Estimates and bills small enough to check by hand, for the plan tests.

``A100_AWS`` is one A100-80GB on-demand price: 16.00 USD per 8-GPU instance-hour,
2.00 USD per accelerator-hour. ``small_training()`` is a real estimate whose
arithmetic is exact:

    FLOPs             = 6 × 7.8e9 params × 12e9 tokens = 5.616e20
    accelerator-hours = 5.616e20 / (312e12 bf16 peak × 0.5 goodput) / 3600 = 1000
    wall-clock        = 1000 / 8 accelerators = 125 hours
    cost              = 1000 × 2.00 = 2000.00 USD
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from infracast import estimate
from infracast.catalog.models import PriceOption
from infracast.estimate import TrainingEstimate
from tests.ledger.focus_rows import write_focus_csv

A100_AWS = PriceOption(
    provider="AWS",
    accelerator="A100-80GB",
    accelerators_per_instance=8,
    pricing_model="on_demand",
    price_per_hour=Decimal("16.00"),
    currency="USD",
    as_of=date(2026, 5, 20),
    source="hand-written test price",
    region="us-east-1",
    instance_type="p4de.24xlarge",
)
A100_AWS_SPOT = PriceOption(
    provider="AWS",
    accelerator="A100-80GB",
    accelerators_per_instance=8,
    pricing_model="spot",
    price_per_hour=Decimal("8.00"),
    currency="USD",
    as_of=date(2026, 5, 21),
    source="hand-written spot price",
    region="us-east-1",
    instance_type="p4de.24xlarge",
)

# The features a plan of small_training() stores for the learned estimator.
SMALL_TRAINING_FEATURES: dict[str, Any] = {
    "kind": "training",
    "accelerator": "A100-80GB",
    "precision": "bf16",
    "params": 7.8e9,
    "active_params": 7.8e9,
    "tokens": 12e9,
    "accelerator_hours": 1000.0,
    "num_accelerators": 8,
    "wallclock_hours": 125.0,
    "provider": "AWS",
    "pricing_model": "on_demand",
    "price_per_accelerator_hour": 2.0,
}


def small_training(*prices: PriceOption) -> TrainingEstimate:
    """The estimate of the module docstring (1000 accelerator-hours, 125 hours on 8 GPUs)."""
    return estimate.training(
        params="7.8B",
        tokens="12B",
        accelerator="A100-80GB",
        mfu=0.5,
        num_accelerators=8,
        prices=list(prices) or [A100_AWS],
    )


# A two-month project: 100 accelerator-hours at 3.00 (quote 42) and one engineer, +10%.
SMALL_SPEC: dict[str, Any] = {
    "name": "tiny",
    "currency": "USD",
    "start": "2026-01",
    "contingency_pct": 10,
    "phases": [
        {
            "name": "train",
            "start_month": 1,
            "duration_months": 2,
            "workloads": [
                {
                    "name": "run",
                    "kind": "compute",
                    "params": {
                        "accelerator_hours": 100,
                        "price_per_hour": 3,
                        "price_source": "quote 42",
                        "price_as_of": "2026-01-05",
                    },
                }
            ],
            "people": [{"role": "ML engineer", "fte": 1, "monthly_rate": 10000}],
        }
    ],
}


def option(**overrides: Any) -> dict[str, Any]:
    """A price line of an estimate's JSON (training ``cost`` or inference lines)."""
    base: dict[str, Any] = {
        "provider": "AWS",
        "region": "us-east-1",
        "instance_type": "p4de.24xlarge",
        "pricing_model": "on_demand",
        "price_per_accelerator_hour": Decimal("2.00"),
        "currency": "USD",
        "source": "hand-written test price",
        "as_of": "2026-05-20",
        "derived": False,
    }
    return {**base, **overrides}


def training_json(
    hours: float, total: str, *, energy: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A hand-written training estimate JSON: ``hours`` of wall-clock, one option of ``total``."""
    return {
        "accelerator": "A100-80GB",
        "precision": "bf16",
        "params": 7.8e9,
        "active_params": 7.8e9,
        "tokens": 12e9,
        "accelerator_hours": hours * 8,
        "wallclock_hours": hours,
        "num_accelerators": 8,
        "cost": [option(total=Decimal(total))],
        "energy_kwh": 480.0,
        "energy_cost": {
            "total": None if energy is None else Decimal(energy),
            "currency": "USD",
            "price_per_kwh": Decimal("0.08"),
        },
        **extra,
    }


def inference_json(monthly: str, *, energy: str | None = None) -> dict[str, Any]:
    """A hand-written serving estimate JSON with one option costing ``monthly`` a month."""
    return {
        "accelerator": "L40S",
        "precision": "fp8",
        "params": 13e9,
        "active_params": 13e9,
        "input_tokens": 800,
        "output_tokens": 250,
        "requests_per_second": 2.3,
        "replicas": 2,
        "num_accelerators": 2,
        "accelerator_hours_per_month": 1460.0,
        "cost_per_million_tokens": [
            option(
                instance_type="g6e.xlarge",
                price_per_accelerator_hour=Decimal("1.50"),
                monthly_cost=Decimal(monthly),
            )
        ],
        "energy_cost_per_month": {
            "total": None if energy is None else Decimal(energy),
            "currency": "USD",
            "price_per_kwh": Decimal("0.08"),
        },
    }


def write_bill(path: Path, charges: list[tuple[str, str, str, str]], project: str) -> Path:
    """A FOCUS CSV of hourly charges ``(start, service category, cost, currency)`` tagged
    with ``project``; each row's billing period is its calendar month."""
    rows = []
    for n, (start, service, cost, currency) in enumerate(charges, start=1):
        year, month = int(start[:4]), int(start[5:7])
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        rows.append(
            {
                "BillingPeriodStart": f"{year:04d}-{month:02d}-01T00:00:00Z",
                "BillingPeriodEnd": f"{nxt[0]:04d}-{nxt[1]:02d}-01T00:00:00Z",
                "ChargePeriodStart": f"{start}:00:00Z",
                "ChargePeriodEnd": f"{start[:13]}:59:59Z",
                "ServiceCategory": service,
                "ServiceName": "Amazon S3" if service == "Storage" else "Amazon EC2",
                "BilledCost": cost,
                "EffectiveCost": cost,
                "ListCost": cost,
                "ContractedCost": cost,
                "BillingCurrency": currency,
                "ResourceId": f"r-{n}",
                "Tags": f'{{"team": "research", "project": "{project}"}}',
            }
        )
    return write_focus_csv(path, rows)
