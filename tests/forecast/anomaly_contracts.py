"""The command contracts of ``infracast anomalies``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`ANOMALY_CONTRACTS`), and the small
worlds they run on.

``spike_company``: 70 days of AWS cost from Thursday 2026-01-01 (one bill a month):

- research's EC2 instance ``i-base``: 100.00 a weekday, 60.00 a Saturday or Sunday, plus
  0, 1 or 2 (day number modulo 3);
- data's S3 bucket ``bucket-data``: 10.00 a day;
- on Monday 2026-03-02 (day 61) and after, a forgotten instance ``i-forgot`` of research
  adds 200.00 a day.

The scan (team × project × service, each day against the same weekday of the four weeks
before, spend above what was expected) flags research/atlas/Amazon EC2 on 2026-03-02 (300
against about 100; its drill-down names ``i-forgot``, +200.00 against nothing the week
before) and nothing else.

``spiky.csv``: one series ``cpu`` at 5-minute steps, 3 days of a flat 10.0 ± 1 pattern
(``10 + (i % 3) - 1``) with one reading of 95.0 at 2026-01-03 12:00.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from infracast.control.anomalies import anomalies
from infracast.ledger import ingest
from infracast.ledger.connection import Ledger
from tests.cli.contracts import LEDGER_ARGS, Contract
from tests.cli.small_company import LEDGER
from tests.ledger.focus_rows import write_focus_csv

START = date(2026, 1, 1)
DAYS = 70
SPIKE = date(2026, 3, 2)


def _row(day: date, resource: str, cost: float, **extra: str) -> dict[str, Any]:
    month = day.replace(day=1)
    after = (month + timedelta(days=32)).replace(day=1)
    return {
        "BillingPeriodStart": f"{month}T00:00:00Z",
        "BillingPeriodEnd": f"{after}T00:00:00Z",
        "ChargePeriodStart": f"{day}T00:00:00Z",
        "ChargePeriodEnd": f"{day + timedelta(days=1)}T00:00:00Z",
        "BilledCost": f"{cost:.2f}",
        "EffectiveCost": f"{cost:.2f}",
        "ListCost": f"{cost:.2f}",
        "ContractedCost": f"{cost:.2f}",
        "ResourceId": resource,
        **extra,
    }


def spike_rows() -> dict[str, list[dict[str, Any]]]:
    """The bills' rows by month (``2026-01`` …)."""
    months: dict[str, list[dict[str, Any]]] = {}
    for i in range(DAYS):
        day = START + timedelta(days=i)
        rows = months.setdefault(f"{day:%Y-%m}", [])
        base = 60.0 if day.weekday() >= 5 else 100.0
        rows.append(_row(day, "i-base", base + i % 3))
        rows.append(
            _row(
                day,
                "bucket-data",
                10.0,
                ServiceName="Amazon S3",
                ServiceCategory="Storage",
                SkuId="S3STD",
                Tags='{"team": "data"}',
            )
        )
        if day >= SPIKE:
            rows.append(_row(day, "i-forgot", 200.0))
    return months


def spike_company(root: Path) -> None:
    """The bills under ``root / "bills"``, ingested into ``root / LEDGER``."""
    (root / "bills").mkdir(parents=True, exist_ok=True)
    for month, rows in spike_rows().items():
        write_focus_csv(root / "bills" / f"{month}.csv", rows)
    with contextlib.chdir(root), Ledger.open(LEDGER) as led:
        ingest(led, ["bills"])


def write_spiky(root: Path) -> None:
    """``spiky.csv`` under ``root`` (columns ``series``, ``timestamp``, ``value``)."""
    lines = ["series,timestamp,value"]
    first = date(2026, 1, 1)
    for i in range(3 * 288):
        minutes = 5 * i
        day = first + timedelta(days=minutes // 1440)
        stamp = f"{day}T{minutes % 1440 // 60:02d}:{minutes % 60:02d}:00"
        value = 95.0 if stamp == "2026-01-03T12:00:00" else 10.0 + (i % 3) - 1
        lines.append(f"cpu,{stamp},{value}")
    (root / "spiky.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ledger_call(root: Path) -> object:
    with Ledger.open(root / LEDGER) as led:
        return anomalies(led).to_json()


ANOMALY_CONTRACTS = [
    Contract(
        "anomalies",
        ("anomalies", *LEDGER_ARGS),
        _ledger_call,
        world=spike_company,
        writes=True,
    ),
    Contract(
        "anomalies-file",
        (
            "anomalies",
            "--input",
            "spiky.csv",
            "--id-col",
            "series",
            "--time-col",
            "timestamp",
            "--target-col",
            "value",
            "--freq",
            "5min",
        ),
        lambda root: anomalies(
            input="spiky.csv",
            id_col="series",
            time_col="timestamp",
            target_col="value",
            freq="5min",
        ).to_json(),
        world=write_spiky,
    ),
]
