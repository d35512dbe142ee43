"""Small hand-written ledgers for the analytics tests: insert helpers and the company.

A charge row uses the ledger's column names; ``cost`` sets
BilledCost and EffectiveCost at once, and the NOT NULL columns have defaults.
Timestamps are ISO strings in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from infracast.ledger import rollup
from infracast.ledger.connection import Ledger

CHARGE_DEFAULTS: dict[str, Any] = {
    "BillingCurrency": "USD",
    "BilledCost": "0",
    "EffectiveCost": "0",
    "ChargeCategory": "Usage",
    "ChargePeriodStart": "2026-01-01T00:00",
    "ChargePeriodEnd": "2026-01-02T00:00",
    "x_ingest_id": 1,
    "x_source": "focus",
    "x_cost_category": "compute",
}
SAMPLE_DEFAULTS: dict[str, Any] = {
    "interval_s": 3600.0,
    "gpu_index": 0,
    "share": 1.0,
    "x_ingest_id": 2,
}
_TIMESTAMPS = {"ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"}
_DECIMALS = {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost"}
_MAPS = {"Tags"}
_JSON = {"x_custom_columns"}


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _TIMESTAMPS or column == "ts":
        return datetime.fromisoformat(value) if isinstance(value, str) else value
    if column in _DECIMALS:
        return Decimal(str(value))
    return value


def _insert(ledger: Ledger, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    for row in rows:
        columns = list(row)
        slots: list[str] = []
        params: list[Any] = []
        for column in columns:
            value = row[column]
            if column in _MAPS and value is not None:
                slots.append("map(?::VARCHAR[], ?::VARCHAR[])")
                params.extend([list(value), list(value.values())])
            elif column in _JSON and value is not None:
                slots.append("?::JSON")
                params.append(json.dumps(value))
            else:
                slots.append("?")
                params.append(_value(column, value))
        names = ", ".join(f'"{c}"' for c in columns)
        ledger.con.execute(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join(slots)})",
            params,
        )


def add_charges(ledger: Ledger, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert charges, filling the defaults (``cost`` sets billed and effective cost).

    The daily rollup is summed again afterwards, as every write of charges in the ledger
    does, so the analytics tests run on the rollup wherever it answers.
    """
    full = []
    for row in rows:
        merged = {**CHARGE_DEFAULTS, **row}
        if "cost" in merged:
            cost = merged.pop("cost")
            merged["BilledCost"] = row.get("BilledCost", cost)
            merged["EffectiveCost"] = row.get("EffectiveCost", cost)
        full.append(merged)
    _insert(ledger, "charges", full)
    rollup.refresh(ledger.con)


def add_samples(ledger: Ledger, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert usage samples, filling interval_s (3600), gpu_index (0) and share (1)."""
    _insert(ledger, "usage_samples", [{**SAMPLE_DEFAULTS, **row} for row in rows])


# A small company, January to March 2026 (effective cost unless said otherwise):
#   r1 AWS EC2 research/atlas-13b   USD Jan 10   billed 100 eff 80 list 120 contracted 100
#   r2 AWS S3  research/atlas-chat  USD Jan 20   billed  10 eff 10 list  12 contracted  10
#   r3 GCP     applied/atlas-chat   USD Feb 3    billed  50 eff 45 list  60 contracted  50
#   r4 AWS Support (no team)        USD Feb 1    billed  30 eff 30 (no list, no contracted)
#   r5 Azure   applied              EUR Jan 15   billed  40 eff 40 list  50 contracted  45
#   r6 AWS EC2 research/atlas-13b   USD Mar 1 00:00 (a month boundary)  7 / 7 / 8 / 7
#   r7 AWS Data Transfer research   USD Jan 1 00:00 (a period start)    3 / 3 / 3 / 3
COMPANY: list[dict[str, Any]] = [
    {
        "ServiceProviderName": "AWS",
        "ServiceName": "AmazonEC2",
        "ServiceCategory": "Compute",
        "RegionId": "us-east-1",
        "RegionName": "US East (N. Virginia)",
        "BillingAccountId": "A1",
        "SubAccountId": "S1",
        "x_team": "research",
        "x_project": "atlas-13b",
        "x_cost_category": "compute",
        "x_gpu_type": "H100-SXM",
        "PricingCategory": "Standard",
        "ResourceId": "i-1",
        "SkuId": "sku-p5",
        "ChargePeriodStart": "2026-01-10T00:00",
        "ChargePeriodEnd": "2026-01-11T00:00",
        "BilledCost": 100,
        "EffectiveCost": 80,
        "ListCost": 120,
        "ContractedCost": 100,
        "Tags": {"env": "prod"},
        "x_custom_columns": {"cost_center": "cc-1"},
    },
    {
        "ServiceProviderName": "AWS",
        "ServiceName": "AmazonS3",
        "ServiceCategory": "Storage",
        "RegionId": "us-east-1",
        "BillingAccountId": "A1",
        "SubAccountId": "S1",
        "x_team": "research",
        "x_project": "atlas-chat",
        "x_cost_category": "storage",
        "PricingCategory": "Standard",
        "ResourceId": "bucket-1",
        "SkuId": "sku-s3",
        "ChargePeriodStart": "2026-01-20T00:00",
        "ChargePeriodEnd": "2026-01-21T00:00",
        "cost": 10,
        "ListCost": 12,
        "ContractedCost": 10,
        "Tags": {"env": "dev"},
    },
    {
        "ServiceProviderName": "Google Cloud",
        "ServiceName": "Compute Engine",
        "ServiceCategory": "Compute",
        "RegionName": "europe-west4",
        "BillingAccountId": "A2",
        "SubAccountId": "S2",
        "x_team": "applied",
        "x_project": "atlas-chat",
        "PricingCategory": "Committed",
        "ResourceId": "vm-7",
        "SkuId": "sku-n2",
        "ChargePeriodStart": "2026-02-03T00:00",
        "ChargePeriodEnd": "2026-02-04T00:00",
        "BilledCost": 50,
        "EffectiveCost": 45,
        "ListCost": 60,
        "ContractedCost": 50,
        "Tags": {"env": "prod"},
    },
    {
        "ServiceProviderName": "AWS",
        "ServiceName": "AWS Support",
        "ServiceCategory": "Management and Governance",
        "BillingAccountId": "A1",
        "x_cost_category": "support",
        "ChargeCategory": "Purchase",
        "ChargePeriodStart": "2026-02-01T00:00",
        "ChargePeriodEnd": "2026-03-01T00:00",
        "cost": 30,
    },
    {
        "ServiceProviderName": "Microsoft",
        "ServiceName": "Virtual Machines",
        "ServiceCategory": "Compute",
        "RegionId": "westeurope",
        "BillingAccountId": "A3",
        "SubAccountId": "S3",
        "x_team": "applied",
        "PricingCategory": "Standard",
        "ResourceId": "vm-9",
        "BillingCurrency": "EUR",
        "ChargePeriodStart": "2026-01-15T00:00",
        "ChargePeriodEnd": "2026-01-16T00:00",
        "cost": 40,
        "ListCost": 50,
        "ContractedCost": 45,
        "Tags": {"env": "prod"},
    },
    {
        "ServiceProviderName": "AWS",
        "ServiceName": "AmazonEC2",
        "ServiceCategory": "Compute",
        "RegionId": "us-east-1",
        "BillingAccountId": "A1",
        "SubAccountId": "S1",
        "x_team": "research",
        "x_project": "atlas-13b",
        "ResourceId": "i-1",
        "ChargePeriodStart": "2026-03-01T00:00",
        "ChargePeriodEnd": "2026-03-02T00:00",
        "cost": 7,
        "ListCost": 8,
        "ContractedCost": 7,
        "Tags": {"env": "prod"},
    },
    {
        "ServiceProviderName": "AWS",
        "ServiceName": "AWS Data Transfer",
        "ServiceCategory": "Networking",
        "RegionId": "us-east-1",
        "BillingAccountId": "A1",
        "SubAccountId": "S1",
        "x_team": "research",
        "x_cost_category": "network",
        "ChargePeriodStart": "2026-01-01T00:00",
        "ChargePeriodEnd": "2026-01-02T00:00",
        "cost": 3,
        "ListCost": 3,
        "ContractedCost": 3,
        "Tags": {"env": ""},
    },
]


def reset(ledger: Ledger) -> None:
    """Empty the charges and usage samples (for property tests that reuse one ledger)."""
    ledger.con.execute("DELETE FROM charges")
    ledger.con.execute("DELETE FROM charges_daily")
    ledger.con.execute("DELETE FROM usage_samples")
