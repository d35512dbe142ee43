"""The small company the contract tests run on: fixed, hand-checkable inputs, not the demo.

Two monthly AWS bills (written by ``tests/ledger/focus_rows.py``) and an hour-by-hour
GPU usage file, under a folder that is the working directory of the command, so every
path in an output is relative and the same on every machine:

- ``bills/2026-01.csv``: EC2 for research (billed 10.50, effective 9.25), S3 for data
  (2.25), two hours of an untagged g5.xlarge (1 A10G; 1.00 an hour), the month's
  support (5.00, shared) and one row whose cost is ``oops`` (quarantined);
- ``bills/2026-02.csv``: EC2 for research (12.00 / 11.00), S3 for data (2.00), support
  (5.00, the whole of February, so February is complete) and CloudWatch tagged
  ``owner: platform`` but with no team (1.50);
- ``usage/gpu.csv``: the g5.xlarge at 50 % held by research, then 80 % held by applied.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from infracast.ledger import ingest
from infracast.ledger.connection import Ledger
from tests.ledger.focus_rows import write_focus_csv

LEDGER = "ledger.duckdb"

_JAN = {
    "BillingPeriodStart": "2026-01-01T00:00:00Z",
    "BillingPeriodEnd": "2026-02-01T00:00:00Z",
}
_FEB = {
    "BillingPeriodStart": "2026-02-01T00:00:00Z",
    "BillingPeriodEnd": "2026-03-01T00:00:00Z",
}


def _hour(day: str, hour: int) -> dict[str, str]:
    return {
        "ChargePeriodStart": f"{day}T{hour:02d}:00:00Z",
        "ChargePeriodEnd": f"{day}T{hour + 1:02d}:00:00Z",
    }


def _costs(billed: str, effective: str, listed: str, contracted: str) -> dict[str, str]:
    return {
        "BilledCost": billed,
        "EffectiveCost": effective,
        "ListCost": listed,
        "ContractedCost": contracted,
    }


def _s3(team: str, day: str, cost: str) -> dict[str, str]:
    return {
        **_hour(day, 0),
        **_costs(cost, cost, cost, cost),
        "ServiceName": "Amazon S3",
        "ServiceCategory": "Storage",
        "ChargeDescription": "S3 standard storage",
        "ResourceId": "bucket-data",
        "Tags": f'{{"team": "{team}"}}',
    }


def _support(month: dict[str, str], cost: str) -> dict[str, str]:
    return {
        **month,
        "ChargePeriodStart": month["BillingPeriodStart"],
        "ChargePeriodEnd": month["BillingPeriodEnd"],
        **_costs(cost, cost, cost, cost),
        "ServiceName": "AWS Support (Business)",
        "ServiceCategory": "Management and Governance",
        "ChargeDescription": "Business support plan",
        "ChargeFrequency": "Recurring",
        "PricingUnit": "Months",
        "ConsumedUnit": "Months",
        "ResourceId": "",
        "Tags": "{}",
    }


def _gpu_hour(hour: int) -> dict[str, str]:
    return {
        **_hour("2026-01-07", hour),
        **_costs("1.00", "1.00", "1.20", "1.00"),
        "ChargeDescription": "g5.xlarge on-demand instance hour",
        "ResourceId": "i-gpu1",
        "Tags": "{}",
    }


JANUARY: list[dict[str, Any]] = [
    {**_JAN, **_hour("2026-01-05", 0), **_costs("10.50", "9.25", "12.00", "10.50")},
    {**_JAN, **_s3("data", "2026-01-06", "2.25")},
    {**_JAN, **_gpu_hour(0)},
    {**_JAN, **_gpu_hour(1)},
    _support(_JAN, "5.00"),
    {**_JAN, **_hour("2026-01-08", 0), "BilledCost": "oops"},
]
FEBRUARY: list[dict[str, Any]] = [
    {**_FEB, **_hour("2026-02-05", 0), **_costs("12.00", "11.00", "14.00", "12.00")},
    {**_FEB, **_s3("data", "2026-02-06", "2.00")},
    _support(_FEB, "5.00"),
    {
        **_FEB,
        **_hour("2026-02-09", 0),
        **_costs("1.50", "1.50", "1.50", "1.50"),
        "ServiceName": "Amazon CloudWatch",
        "ServiceCategory": "Management and Governance",
        "ChargeDescription": "CloudWatch metrics",
        "ResourceId": "metrics",
        "Tags": '{"owner": "platform"}',
    },
]
USAGE = """timestamp,resource_id,gpu_index,utilization_pct,team,interval_s
2026-01-07T00:00:00Z,i-gpu1,0,50,research,3600
2026-01-07T01:00:00Z,i-gpu1,0,80,applied,3600
"""


def write_files(root: Path) -> None:
    """The bills and the usage file under ``root`` (``bills/``, ``usage/``)."""
    (root / "bills").mkdir(parents=True, exist_ok=True)
    (root / "usage").mkdir(parents=True, exist_ok=True)
    write_focus_csv(root / "bills" / "2026-01.csv", JANUARY)
    write_focus_csv(root / "bills" / "2026-02.csv", FEBRUARY)
    (root / "usage" / "gpu.csv").write_text(USAGE, encoding="utf-8")


def build(root: Path) -> None:
    """The files, ingested into ``root / LEDGER``: what the read-only commands run on.

    Paths are given relative to ``root``, as a user in that folder would give them, so the
    ledger records the same sources on every machine.
    """
    write_files(root)
    with contextlib.chdir(root), Ledger.open(LEDGER) as led:
        ingest(led, ["bills"])
        ingest(led, ["usage"], kind="usage")
