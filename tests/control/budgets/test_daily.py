"""A scope's spend day by day by the structure of its cost, and its recurring fees' schedule."""

from __future__ import annotations

from datetime import date, datetime

from infracast.control.budgets.daily import daily_parts, recurring_due
from infracast.control.budgets.spend import SpendScope
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges

SCOPE = SpendScope(("team=research",), "USD")


def _fee(start: str, end: str, cost: str, **extra: str) -> dict[str, str]:
    return {
        "x_team": "research",
        "ChargeCategory": "Purchase",
        "ChargeFrequency": "Recurring",
        "ChargePeriodStart": f"{start}T00:00",
        "ChargePeriodEnd": f"{end}T00:00",
        "cost": cost,
        **extra,
    }


def test_daily_parts_split_usage_recurring_and_one_time(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            {"x_team": "research", "ChargePeriodStart": "2026-01-05T03:00", "cost": "7"},
            {"x_team": "research", "ChargePeriodStart": "2026-01-05T09:00", "cost": "3"},
            _fee("2026-01-01", "2026-02-01", "1000"),  # a Purchase that recurs: recurring
            {
                "x_team": "research",
                "ChargeCategory": "Credit",
                "ChargeFrequency": "One-Time",
                "ChargePeriodStart": "2026-01-03T00:00",
                "cost": "-50",
            },
            {
                "x_team": "research",
                "ChargePeriodStart": "2026-01-05T00:00",
                "cost": "99",
                "BillingCurrency": "EUR",
            },
            {"x_team": "other", "ChargePeriodStart": "2026-01-05T00:00", "cost": "99"},
        ],
    )
    parts = daily_parts(ledger, SCOPE, datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert parts == {
        "usage": {date(2026, 1, 5): 10.0},  # 7 + 3 the same day; EUR and other team out
        "recurring": {date(2026, 1, 1): 1000.0},
        "one_time": {date(2026, 1, 3): -50.0},
    }


def test_recurring_due_adds_each_current_fee_on_its_schedule(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            _fee("2026-01-01", "2026-02-01", "1000"),  # ended: February's is below
            _fee("2026-02-01", "2026-03-01", "1000"),  # monthly: due Mar 1, Apr 1
            _fee("2026-01-01", "2026-04-01", "3000"),  # quarterly: due Apr 1
            _fee("2026-02-01", "2026-03-01", "70", BillingCurrency="EUR"),  # not USD
        ],
    )
    due = recurring_due(ledger, SCOPE, datetime(2026, 2, 15), datetime(2026, 4, 2))
    assert due == {date(2026, 3, 1): 1000.0, date(2026, 4, 1): 4000.0}
