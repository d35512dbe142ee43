"""A budget's status is the same read from the daily rollup as from the charges."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from infracast.control.budgets.evaluation import evaluate_budget
from infracast.control.budgets.forecast import period_days
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.spend import SpendScope
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.budgets.fixtures import add_flat, research_budget, usage_charge

SCOPE = SpendScope(("team=research",), "USD")
FEBRUARY = BudgetPeriod("month", date(2026, 2, 1), date(2026, 3, 1))


def _uneven(ledger: Ledger) -> None:
    """The flat scope and charges that test every split: hours inside a day, digits past
    the cent, one-time charges and credits, another currency, another team, a yearly fee
    that started long before the history and is still running."""
    add_flat(ledger)
    add_charges(
        ledger,
        [
            usage_charge(date(2026, 2, 3), "0.000000000000000001"),
            {
                **usage_charge(date(2026, 2, 9), "12.345678901234567891"),
                "ChargePeriodStart": "2026-02-09T17:30",
            },
            usage_charge(
                date(2026, 2, 10), "-40", ChargeCategory="Credit", ChargeFrequency="One-Time"
            ),
            usage_charge(date(2026, 2, 11), "900", ChargeCategory="Purchase"),
            usage_charge(date(2026, 2, 12), "70", BillingCurrency="EUR"),
            usage_charge(date(2026, 2, 12), "5000", x_team="applied"),
            {
                "x_team": "research",
                "ChargeCategory": "Purchase",
                "ChargeFrequency": "Recurring",
                "ChargePeriodStart": "2023-06-01T00:00",
                "ChargePeriodEnd": "2026-06-01T00:00",
                "cost": "36000",
            },
        ],
    )


def _statuses(ledger: Ledger, **budget: Any) -> list[dict[str, Any]]:
    """Every status the budget shows through February and at its end (alerts aside:
    they are raised once)."""
    found = []
    for as_of in (
        datetime(2026, 2, 1),
        datetime(2026, 2, 15),
        datetime(2026, 2, 15, 6),
        datetime(2026, 3, 1),
    ):
        for method in ("forecast", "run_rate"):
            status = evaluate_budget(
                ledger, research_budget(**budget), as_of, notify=False, method=method
            )
            found.append({k: v for k, v in status.to_dict().items() if k != "new_alerts"})
    return found


@pytest.mark.parametrize(
    "budget",
    [
        {"filters": ["team=research"]},
        {"filters": ["team=research"], "metric": "billed_cost", "amount": Decimal(2000)},
        {"filters": ["team=research", "cost_category=compute"], "amount": Decimal(99000)},
    ],
)
def test_statuses_from_the_rollup_equal_those_from_the_charges(
    ledger: Ledger, budget: dict[str, Any]
) -> None:
    _uneven(ledger)
    assert period_days(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15)) is not None  # rollup
    from_rollup = _statuses(ledger, **budget)
    ledger.con.execute("DELETE FROM charges_daily")  # out of step: the charges are read
    assert period_days(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15)) is None
    from_charges = _statuses(ledger, **budget)
    assert from_rollup == from_charges
    # the digits past the cent count: 2,400 + 1e-18 + 12.345… − 40 + 900 + the fees
    assert any(str(s["actual"]).endswith("567892") for s in from_charges)


def test_scope_days_are_not_read_for_bounds_inside_a_day(ledger: Ledger) -> None:
    add_flat(ledger)
    assert period_days(ledger, SCOPE, FEBRUARY, datetime(2026, 2, 15, 6)) is None


def test_a_filter_the_rollup_does_not_keep_reads_the_charges(ledger: Ledger) -> None:
    add_flat(ledger)
    scope = SpendScope(("resource=r1",), "USD")
    assert period_days(ledger, scope, FEBRUARY, datetime(2026, 2, 15)) is None
