"""What projects actually cost, by project, month and category, per currency.

Charges (effective cost, ChargePeriodStart):
  atlas  compute  100 USD  Jan 10      atlas  compute  0.5 USD  Jan 31 23:00
  atlas  storage   20 USD  Jan 12      atlas  compute   40 EUR  Jan 15
  atlas  compute   70 USD  Feb 01      other  compute  999 USD  Jan 10
  (no project)     compute    5 USD  Jan 10
"""

from __future__ import annotations

from decimal import Decimal

from infracast.analytics.actuals import charged_projects, project_actuals
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges

D = Decimal
CHARGES = [
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-10T00:00", "cost": 100},
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-31T23:00", "cost": "0.5"},
    {"x_project": "atlas", "x_cost_category": "storage", "ChargePeriodStart": "2026-01-12T00:00",
     "cost": 20},
    {"x_project": "atlas", "ChargePeriodStart": "2026-01-15T00:00", "cost": 40,
     "BillingCurrency": "EUR"},
    {"x_project": "atlas", "ChargePeriodStart": "2026-02-01T00:00", "cost": 70},
    {"x_project": "other", "ChargePeriodStart": "2026-01-10T00:00", "cost": 999},
    {"ChargePeriodStart": "2026-01-10T00:00", "cost": 5},
]  # fmt: skip


def _sums(rows: list[dict[str, object]]) -> dict[tuple[object, ...], Decimal]:
    return {
        tuple(v for k, v in r.items() if k != "effective_cost"): D(str(r["effective_cost"]))
        for r in rows
    }


def test_actuals_are_by_project_month_category_and_currency(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    assert _sums(project_actuals(ledger, ["atlas"])) == {
        ("atlas", "2026-01-01", "compute", "EUR"): D(40),
        ("atlas", "2026-01-01", "compute", "USD"): D("100.5"),
        ("atlas", "2026-01-01", "storage", "USD"): D(20),
        ("atlas", "2026-02-01", "compute", "USD"): D(70),
    }


def test_actuals_stop_before_the_end(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    rows = project_actuals(ledger, ["atlas", "other"], by=["project"], end="2026-02-01")
    assert _sums(rows) == {
        ("atlas", "EUR"): D(40),
        ("atlas", "USD"): D("120.5"),  # February's 70 starts at the end: not counted
        ("other", "USD"): D(999),
    }


def test_no_projects_give_no_rows(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    assert project_actuals(ledger, []) == []


def test_charged_projects_are_every_project_a_charge_carries(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    assert charged_projects(ledger) == ["atlas", "other"]
