from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from infracast.analytics._savings import savings
from infracast.ledger.connection import Ledger

D = Decimal

#        team  list  contracted  effective   negotiated  commitment  total
#   s1   a     100   80          60          20          20          40
#   s2   a      50   -           45          -           -            5
#   s3   b      -    30          25          -            5           -
#   s4   b      a commitment purchase (billed 1000, effective 0): left out
#   s5   b      -    -           10          -           -            -
#   s6   a     EUR: 20 18 15                  2           3            5
#   s7   b      a server bought (Purchase, billed 5000, effective 0, list = contracted
#               = 5000 as the asset register writes it; amortized elsewhere): left out
#   s8   a     300   300         300          0           0            0  (a licence
#               bought outright: a Purchase with an effective cost, kept)
SAVINGS = [
    {"x_team": "a", "ListCost": 100, "ContractedCost": 80, "cost": 60},
    {"x_team": "a", "ListCost": 50, "cost": 45},
    {"x_team": "b", "ContractedCost": 30, "cost": 25},
    {
        "x_team": "b",
        "ChargeCategory": "Purchase",
        "CommitmentDiscountCategory": "Spend",
        "BilledCost": 1000,
        "EffectiveCost": 0,
        "ListCost": 1000,
        "ContractedCost": 1000,
    },
    {"x_team": "b", "cost": 10},
    {"x_team": "a", "BillingCurrency": "EUR", "ListCost": 20, "ContractedCost": 18, "cost": 15},
    {
        "x_team": "b",
        "x_source": "asset",
        "ChargeCategory": "Purchase",
        "BilledCost": 5000,
        "EffectiveCost": 0,
        "ListCost": 5000,
        "ContractedCost": 5000,
    },
    {
        "x_team": "a",
        "ChargeCategory": "Purchase",
        "ListCost": 300,
        "ContractedCost": 300,
        "cost": 300,
    },
]


@pytest.fixture
def ledger(make_ledger: Callable[..., Ledger]) -> Ledger:
    return make_ledger(charges=SAVINGS)


def test_totals_per_currency_with_coverage(ledger: Ledger) -> None:
    # USD: list 100 + 50 + 300 = 450 (s1, s2, s8); contracted 80 + 30 + 300 = 410
    # (s1, s3, s8); effective 60 + 45 + 25 + 10 + 300 = 440; negotiated 20;
    # commitment 20 + 5 = 25; total 40 + 5 = 45; rate 45 / 450 = 10 %.
    # Five charges counted, s4 and s7 left out; s3 and s5 lack a list cost,
    # s2 and s5 a contracted cost.
    usd, eur = savings(ledger)
    assert usd == {
        "currency": "USD",
        "list_cost": D(450),
        "contracted_cost": D(410),
        "effective_cost": D(440),
        "negotiated_savings": D(20),
        "commitment_savings": D(25),
        "total_savings": D(45),
        "savings_rate_pct": pytest.approx(10.0),
        "charges": 5,
        "charges_without_list_cost": 2,
        "charges_without_contracted_cost": 2,
        "prepaid_purchases_excluded": 2,
    }
    # EUR (s6): 20 - 18 = 2, 18 - 15 = 3, 20 - 15 = 5, rate 5 / 20 = 25 %.
    assert (eur["currency"], eur["negotiated_savings"], eur["commitment_savings"]) == (
        "EUR",
        D(2),
        D(3),
    )
    assert (eur["total_savings"], eur["savings_rate_pct"]) == (D(5), pytest.approx(25.0))


def test_savings_by_team(ledger: Ledger) -> None:
    # a USD: negotiated 20, commitment 20, total 40 + 5 = 45, list 450 -> 10 %.
    # b USD: negotiated 0 (no row has both), commitment 5, total 0, no list cost -> no rate;
    # s3 and s5 counted, both without a list cost; s4 and s7 left out.
    rows = {(r["team"], r["currency"]): r for r in savings(ledger, by=["team"])}
    a, b = rows[("a", "USD")], rows[("b", "USD")]
    assert _measures(a) == (D(20), D(20), D(45), 10.0)
    assert _measures(b) == (D(0), D(5), D(0), None)
    assert (b["charges"], b["charges_without_list_cost"], b["prepaid_purchases_excluded"]) == (
        2,
        2,
        2,
    )
    assert list(rows) == [("a", "USD"), ("a", "EUR"), ("b", "USD")]  # by total savings


def _measures(row: dict[str, Any]) -> tuple[Any, ...]:
    rate = row["savings_rate_pct"]
    return (
        row["negotiated_savings"],
        row["commitment_savings"],
        row["total_savings"],
        None if rate is None else round(rate, 9),
    )


def test_negative_savings_are_kept(make_ledger: Callable[..., Ledger]) -> None:
    # A marketplace charge above list price: list 10, contracted 12, effective 12.
    ledger = make_ledger(charges=[{"ListCost": 10, "ContractedCost": 12, "cost": 12}])
    (row,) = savings(ledger)
    assert (row["negotiated_savings"], row["total_savings"]) == (D(-2), D(-2))
