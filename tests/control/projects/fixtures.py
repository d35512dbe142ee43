"""A small hand-checkable project with tasks, progress and charges, for the earned-value tests.

Project ``atlas`` (USD, no budget, so BAC = Σ task costs = 10,000):

  task   planned   planned [start, end)          days   filters
  data    2,000    [2026-01-01, 2026-01-11)       10    cost_category=storage
  train   6,000    [2026-01-11, 2026-02-10)       30    -
  eval    2,000    [2026-02-10, 2026-02-20)       10    -

Progress: data 100 % on 01-10; train 30 % on 01-20, 40 % on 01-25 (ETC 4,000),
90 % on 01-27 (after the as-of day 2026-01-26, so not counted then).

Charges (effective cost) with ChargePeriodStart:
  atlas storage  1,500 USD  01-05          counted (and the data task's own AC)
  atlas compute  2,000 USD  01-15          counted
  atlas compute  1,000 USD  01-25 12:00    counted (before 01-26 00:00)
  atlas compute    700 USD  01-26 00:00    not counted as of 01-26 (half-open)
  atlas compute    300 EUR  01-20          other currency: reported, not converted
  other compute    999 USD  01-10          another project

As of 2026-01-26:
  PV = 2,000 (data done by plan) + 6,000 × 15/30 (train) + 0 (eval) = 5,000
  EV = 2,000 × 100 % + 6,000 × 40 % + 0 = 2,000 + 2,400 = 4,400
  AC = 1,500 + 2,000 + 1,000 = 4,500; data's own AC = 1,500
"""

from __future__ import annotations

from datetime import date
from typing import Any

from infracast.control.projects.tracking import add_project, record_progress
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges

AS_OF = date(2026, 1, 26)

ATLAS: dict[str, Any] = {
    "project": "atlas",
    "name": "Atlas 13B",
    "currency": "USD",
    "tasks": [
        {
            "task": "data",
            "planned_cost": 2000,
            "planned_start": date(2026, 1, 1),
            "planned_end": date(2026, 1, 11),
            "filters": ["cost_category=storage"],
        },
        {
            "task": "train",
            "planned_cost": 6000,
            "planned_start": date(2026, 1, 11),
            "planned_end": date(2026, 2, 10),
        },
        {
            "task": "eval",
            "planned_cost": 2000,
            "planned_start": date(2026, 2, 10),
            "planned_end": date(2026, 2, 20),
        },
    ],
}

ATLAS_CHARGES: list[dict[str, Any]] = [
    {"x_project": "atlas", "x_cost_category": "storage", "ChargePeriodStart": "2026-01-05T00:00",
     "cost": 1500},
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-15T00:00", "cost": 2000},
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-25T12:00", "cost": 1000},
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-26T00:00", "cost": 700},
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-20T00:00", "cost": 300,
     "BillingCurrency": "EUR"},
    {"x_project": "other", "ChargePeriodStart": "2026-01-10T00:00", "cost": 999},
]  # fmt: skip

ATLAS_YAML = """\
project: atlas
name: Atlas 13B
currency: USD
tasks:
  - task: data
    planned_cost: 2000
    planned_start: 2026-01-01
    planned_end: 2026-01-11
    filters: [cost_category=storage]
  - task: train
    planned_cost: 6000
    planned_start: 2026-01-11
    planned_end: 2026-02-10
  - task: eval
    planned_cost: 2000
    planned_start: 2026-02-10
    planned_end: 2026-02-20
"""


def add_atlas(ledger: Ledger) -> None:
    """Store atlas with its progress updates and charges."""
    add_project(ledger, ATLAS)
    record_progress(ledger, "atlas", "data", 100, as_of="2026-01-10")
    record_progress(ledger, "atlas", "train", 30, as_of="2026-01-20")
    record_progress(ledger, "atlas", "train", 40, as_of="2026-01-25", estimate_to_complete=4000)
    record_progress(ledger, "atlas", "train", 90, as_of="2026-01-27")
    add_charges(ledger, ATLAS_CHARGES)
