"""A project's actual cost by month from the ledger, as cash flows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.control.cashflows import ledger_cashflows
from infracast.errors import FinanceError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges

# atlas: Jan 100 compute + 10 support, Mar 30 compute (no Feb charge); other: Jan 999.
CHARGES = [
    {"x_project": "atlas", "cost": 100, "ChargePeriodStart": "2026-01-05T00:00"},
    {
        "x_project": "atlas",
        "cost": 10,
        "x_cost_category": "support",
        "ChargePeriodStart": "2026-01-31T23:00",
        "ChargePeriodEnd": "2026-02-01T00:00",
    },
    {
        "x_project": "atlas",
        "cost": 30,
        "ChargePeriodStart": "2026-03-01T00:00",
        "ChargePeriodEnd": "2026-03-02T00:00",
    },
    {"x_project": "other", "cost": 999, "ChargePeriodStart": "2026-01-05T00:00"},
]


def test_monthly_cost_with_a_missing_month_as_zero(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    flows = ledger_cashflows(ledger, "atlas")
    assert flows.periods == ["2026-01", "2026-02", "2026-03"]
    assert flows.column("cost_direct") == [110, 0, 30]
    assert flows.column("revenue") == [0, 0, 0]
    assert flows.currency == "USD" and flows.unit == "month"
    assert any("2026-02" in note for note in flows.assumptions)


def test_named_categories_are_indirect(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    flows = ledger_cashflows(ledger, "atlas", indirect_categories=["support"])
    assert flows.column("cost_direct") == [100, 0, 30]
    assert flows.column("cost_indirect") == [Decimal(10), 0, 0]


def test_start_and_end_bound_the_months_half_open(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    flows = ledger_cashflows(ledger, "atlas", start="2025-12", end="2026-03")
    # [2025-12-01, 2026-03-01): December empty, March's charge left out
    assert flows.periods == ["2025-12", "2026-01", "2026-02"]
    assert flows.column("cost") == [0, 110, 0]


def test_an_unknown_project_suggests_the_known_ones(ledger: Ledger) -> None:
    add_charges(ledger, CHARGES)
    with pytest.raises(
        FinanceError, match=r"no project 'atlsa' in the ledger\. Did you mean \"atlas\""
    ):
        ledger_cashflows(ledger, "atlsa")
    with pytest.raises(FinanceError, match="has no charges in the ledger from 2027") as caught:
        ledger_cashflows(ledger, "atlas", start="2027-01")
    # the hint names the flags that exist (--from/--to), not --start/--end
    assert "--from/--to" in str(caught.value.hint)
    assert "--start" not in str(caught.value.hint)


def test_two_currencies_are_not_added(ledger: Ledger) -> None:
    add_charges(ledger, [*CHARGES, {"x_project": "atlas", "cost": 5, "BillingCurrency": "EUR"}])
    with pytest.raises(FinanceError, match="in EUR, USD"):
        ledger_cashflows(ledger, "atlas")
