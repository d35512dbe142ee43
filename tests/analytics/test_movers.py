from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from infracast.analytics.movers import latest_complete, top_movers
from infracast.analytics.periods import Period
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

D = Decimal


def _month(service: str, month: str, cost: int, currency: str = "USD") -> dict[str, Any]:
    start = datetime.fromisoformat(f"{month}-01")
    end = start.replace(month=start.month + 1)
    return {
        "ServiceName": service,
        "ChargePeriodStart": start.isoformat(),
        "ChargePeriodEnd": end.isoformat(),
        "BillingCurrency": currency,
        "cost": cost,
    }


# Effective cost by service and month (USD unless said):
#            Jan   Feb   Mar   Apr 1 (one day, incomplete month)
#   EC2      100   100   150   999
#   S3             40    10
#   Support              20
#   Lambda          5     5
#   EC2 EUR              10
MONTHLY = [
    _month("EC2", "2026-01", 100),
    _month("EC2", "2026-02", 100),
    _month("EC2", "2026-03", 150),
    _month("S3", "2026-02", 40),
    _month("S3", "2026-03", 10),
    _month("Support", "2026-03", 20),
    _month("Lambda", "2026-02", 5),
    _month("Lambda", "2026-03", 5),
    _month("EC2", "2026-03", 10, "EUR"),
    {
        "ServiceName": "EC2",
        "ChargePeriodStart": "2026-04-01T00:00",
        "ChargePeriodEnd": "2026-04-02T00:00",
        "cost": 999,
    },
]


@pytest.fixture
def monthly(make_ledger: Callable[..., Ledger]) -> Ledger:
    return make_ledger(charges=MONTHLY)


def _changes(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (r["service"], r["currency"], r["current"], r["previous"], r["change"], r["change_pct"])
        for r in rows
    ]


def test_default_compares_the_latest_complete_month_with_the_one_before(monthly: Ledger) -> None:
    # Data ends 2026-04-02, so April is incomplete: March against February.
    # EC2 150 - 100 = +50 (+50 %); S3 10 - 40 = -30 (-75 %); Support 20 - 0 = +20 (no %);
    # Lambda 5 - 5 = 0 is no mover. EUR EC2 10 - 0 = +10, in its own currency.
    result = top_movers(monthly, by=["service"])
    assert result.current == Period(datetime(2026, 3, 1), datetime(2026, 4, 1))
    assert result.previous == Period(datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert _changes(result.rows) == [
        ("EC2", "EUR", D(10), D(0), D(10), None),
        ("EC2", "USD", D(150), D(100), D(50), 50.0),
        ("S3", "USD", D(10), D(40), D(-30), -75.0),
        ("Support", "USD", D(20), D(0), D(20), None),
    ]


def test_top_n_is_per_currency_by_size_of_change(monthly: Ledger) -> None:
    result = top_movers(monthly, by="service", n=2)
    assert [(r["service"], r["currency"]) for r in result.rows] == [
        ("EC2", "EUR"),
        ("EC2", "USD"),
        ("S3", "USD"),
    ]


def test_explicit_period(monthly: Ledger) -> None:
    # February against January: EC2 unchanged; S3 +40 and Lambda +5, both new (no %).
    result = top_movers(monthly, by=["service"], period="2026-02-14")
    assert result.current.label == "2026-02-01" and result.previous.label == "2026-01-01"
    assert _changes(result.rows) == [
        ("S3", "USD", D(40), D(0), D(40), None),
        ("Lambda", "USD", D(5), D(0), D(5), None),
    ]


def test_day_grain_and_filters(make_ledger: Callable[..., Ledger]) -> None:
    # Daily charges; the data ends at Mar 3 12:00, so Mar 2 is the latest complete day.
    #   Mar 1: a 10, b 4;  Mar 2: a 13, b 4;  Mar 3 (half a day): a 100.
    ledger = make_ledger(
        charges=[
            _day("a", "2026-03-01", 10),
            _day("b", "2026-03-01", 4),
            _day("a", "2026-03-02", 13),
            _day("b", "2026-03-02", 4),
            {
                "x_team": "a",
                "ChargePeriodStart": "2026-03-03T00:00",
                "ChargePeriodEnd": "2026-03-03T12:00",
                "cost": 100,
            },
        ]
    )
    result = top_movers(ledger, by=["team"], grain="day")
    assert result.current.label == "2026-03-02"
    # a: 13 - 10 = +3, +30 %; b unchanged.
    assert [(r["team"], r["change"], r["change_pct"]) for r in result.rows] == [
        ("a", D(3), pytest.approx(30.0))
    ]
    assert top_movers(ledger, by=["team"], grain="day", filters=["team=b"]).rows == []


def _day(team: str, day: str, cost: int) -> dict[str, Any]:
    start = datetime.fromisoformat(day)
    return {
        "x_team": team,
        "ChargePeriodStart": start.isoformat(),
        "ChargePeriodEnd": start.replace(day=start.day + 1).isoformat(),
        "cost": cost,
    }


def test_latest_complete_when_data_ends_on_a_boundary(make_ledger: Callable[..., Ledger]) -> None:
    # The last charge starts Mar 1 and runs to Apr 1: March is complete.
    ledger = make_ledger(charges=[_month("EC2", "2026-03", 1)])
    charges = ledger.ibis().table("charges")
    assert latest_complete(charges, "month").label == "2026-03-01"
    # Costs belong to the period their start falls in: by week, the whole charge is in
    # the week of Monday Feb 23 (Mar 1 is a Sunday), and that week is complete.
    assert latest_complete(charges, "week").label == "2026-02-23"


def test_a_long_running_charge_does_not_make_the_future_complete(
    make_ledger: Callable[..., Ledger],
) -> None:
    # A yearly licence from Jan 1 2026 to Jan 1 2027, monthly bills to the end of March,
    # and daily charges to Apr 10: the latest complete month is March, not December.
    ledger = make_ledger(
        charges=[
            {
                "ChargePeriodStart": "2026-01-01T00:00",
                "ChargePeriodEnd": "2027-01-01T00:00",
                "cost": 1200,
            },
            _month("EC2", "2026-02", 100),
            _month("EC2", "2026-03", 100),
            _day("a", "2026-04-09", 1),
        ]
    )
    charges = ledger.ibis().table("charges")
    assert latest_complete(charges, "month").label == "2026-03-01"
    assert latest_complete(charges, "day").label == "2026-04-09"


def test_empty_ledger_has_nothing_to_compare(make_ledger: Callable[..., Ledger]) -> None:
    with pytest.raises(QueryError, match="no charges to compare"):
        top_movers(make_ledger())


def test_movers_refuse_list_cost_and_bad_top(monthly: Ledger) -> None:
    with pytest.raises(QueryError, match="billed or effective cost, not list_cost"):
        top_movers(monthly, metric="list")
    with pytest.raises(QueryError, match="at least 1"):
        top_movers(monthly, n=0)
