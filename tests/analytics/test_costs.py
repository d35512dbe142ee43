import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.analytics._costs import METRICS, cost_by, costs
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

from .ledgers import add_charges, reset
from .strategies import charges as charge_rows

D = Decimal


def test_cost_by_team_keeps_currencies_apart(company: Ledger) -> None:
    # research USD: billed 100 + 10 + 7 + 3 = 120, effective 80 + 10 + 7 + 3 = 100,
    #   list 120 + 12 + 8 + 3 = 143, contracted 100 + 10 + 7 + 3 = 120.
    # applied USD (r3) 50 / 45 / 60 / 50; applied EUR (r5) 40 / 40 / 50 / 45.
    # no team USD (r4) 30 / 30, no list or contracted cost: those sums are null.
    assert costs(company, by=["team"], measures=METRICS) == [
        row("research", D(120), D(100), D(143), D(120), "USD"),
        row("applied", D(50), D(45), D(60), D(50), "USD"),
        row("applied", D(40), D(40), D(50), D(45), "EUR"),
        row(None, D(30), D(30), None, None, "USD"),
    ]


def row(team: str | None, billed: D, eff: D, lst: D | None, con: D | None, cur: str) -> dict:
    return {
        "team": team,
        "billed_cost": billed,
        "effective_cost": eff,
        "list_cost": lst,
        "contracted_cost": con,
        "currency": cur,
    }


def test_empty_by_gives_totals_per_currency(company: Ledger) -> None:
    # USD billed 100 + 10 + 50 + 30 + 7 + 3 = 200, effective 80 + 10 + 45 + 30 + 7 + 3 = 175;
    # r4 has no list cost, so the USD list total is null rather than a partial sum.
    assert costs(company, measures=METRICS) == [
        {
            "billed_cost": D(200),
            "effective_cost": D(175),
            "list_cost": None,
            "contracted_cost": None,
            "currency": "USD",
        },
        {
            "billed_cost": D(40),
            "effective_cost": D(40),
            "list_cost": D(50),
            "contracted_cost": D(45),
            "currency": "EUR",
        },
    ]


def test_period_is_half_open_on_charge_period_start(company: Ledger) -> None:
    # [Jan 1, Mar 1) keeps r7 (starts Jan 1 00:00) and drops r6 (starts Mar 1 00:00):
    # USD effective 175 - 7 = 168.
    result = costs(company, start="2026-01-01", end="2026-03-01")
    assert {r["currency"]: r["effective_cost"] for r in result} == {"USD": D(168), "EUR": D(40)}
    # [Mar 1, Apr 1) is r6 alone.
    result = costs(company, start="2026-03", end="2026-04")
    assert [(r["currency"], r["effective_cost"]) for r in result] == [("USD", D(7))]


def test_cost_by_two_dimensions(company: Ledger) -> None:
    # Jan USD: r7 3 + r1 80 + r2 10 = 93; Feb USD: r3 45 + r4 30 = 75; Mar USD: r6 7;
    # Jan EUR: r5 40. Sorted by effective cost, largest first.
    result = costs(company, by="month,provider")
    assert [(r["month"], r["provider"], r["currency"], r["effective_cost"]) for r in result] == [
        ("2026-01-01", "AWS", "USD", D(93)),
        ("2026-02-01", "Google Cloud", "USD", D(45)),
        ("2026-01-01", "Microsoft", "EUR", D(40)),
        ("2026-02-01", "AWS", "USD", D(30)),
        ("2026-03-01", "AWS", "USD", D(7)),
    ]


def test_tag_dimension_keeps_its_dotted_name(company: Ledger) -> None:
    # prod USD r1 80 + r3 45 + r6 7 = 132; missing (r4 no tags, r7 empty) 30 + 3 = 33; dev 10.
    result = costs(company, by=["tag.env"])
    assert [(r["tag.env"], r["currency"], r["effective_cost"]) for r in result] == [
        ("prod", "USD", D(132)),
        ("prod", "EUR", D(40)),
        (None, "USD", D(33)),
        ("dev", "USD", D(10)),
    ]


def test_filters_apply_before_grouping(company: Ledger) -> None:
    # provider != AWS: Google Cloud 45 USD, Microsoft 40 EUR.
    result = costs(company, by=["provider"], filters=["provider!=AWS"])
    assert [(r["provider"], r["effective_cost"]) for r in result] == [
        ("Google Cloud", D(45)),
        ("Microsoft", D(40)),
    ]


def test_metric_orders_the_rows(make_ledger: Callable[..., Ledger]) -> None:
    # A: billed 10, effective 1 (a prepaid commitment); B: billed 5, effective 5.
    ledger = make_ledger(
        charges=[
            {"ServiceName": "A", "BilledCost": 10, "EffectiveCost": 1},
            {"ServiceName": "B", "cost": 5},
        ]
    )
    assert [r["service"] for r in costs(ledger, by=["service"])] == ["B", "A"]
    assert [r["service"] for r in costs(ledger, by=["service"], metric="billed")] == ["A", "B"]
    assert [r["service"] for r in costs(ledger, by=["service"], metric="billed_cost")] == [
        "A",
        "B",
    ]


def test_unknown_metric_is_a_query_error(company: Ledger) -> None:
    with pytest.raises(QueryError, match=re.escape('unknown metric "efective". Did you mean')):
        costs(company, metric="efective")


def test_cost_by_agrees_with_hand_written_sql(company: Ledger) -> None:
    # The same breakdown by team and month, written as plain DuckDB SQL.
    sql = """
        SELECT NULLIF(x_team, '') AS team,
               strftime(date_trunc('month', ChargePeriodStart), '%Y-%m-%d') AS month,
               sum(BilledCost) AS billed_cost, sum(EffectiveCost) AS effective_cost,
               BillingCurrency AS currency
        FROM charges GROUP BY ALL
    """
    expected = {(t, m, c): (b, e) for t, m, b, e, c in company.con.execute(sql).fetchall()}
    got = {
        (r["team"], r["month"], r["currency"]): (r["billed_cost"], r["effective_cost"])
        for r in costs(company, by=["team", "month"])
    }
    assert got == expected
    # research Jan (r7, r1, r2) and Mar (r6), applied Feb USD (r3) and Jan EUR (r5), none Feb (r4).
    assert len(got) == 5


def test_by_default_the_rows_are_the_json_contract(company: Ledger) -> None:
    # what infracast costs --format json prints: dimensions, billed, effective, currency
    (first, *_) = costs(company, by=["team"])
    assert first == {
        "team": "research",
        "billed_cost": D(120),
        "effective_cost": D(100),
        "currency": "USD",
    }


def test_builder_returns_an_ibis_expression_with_stable_columns(company: Ledger) -> None:
    expr = cost_by(company.ibis().table("charges"), ["team", "tag.env"])
    assert list(expr.columns) == [
        "team",
        "tag.env",
        "billed_cost",
        "effective_cost",
        "list_cost",
        "contracted_cost",
        "currency",
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(charge_rows(), max_size=12),
    by=st.lists(st.sampled_from(["team", "project", "service", "resource", "day"]), max_size=3),
)
def test_every_breakdown_adds_up_to_the_totals(
    scratch: Ledger, rows: list[dict[str, Any]], by: list[str]
) -> None:
    reset(scratch)
    add_charges(scratch, rows)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for charge in rows:
        expected[charge["BillingCurrency"]] += charge["EffectiveCost"]
    got: dict[str, Decimal] = defaultdict(Decimal)
    for result in costs(scratch, by=by):
        got[result["currency"]] += result["effective_cost"]
    assert got == expected


def test_top_keeps_the_largest_rows(company: Ledger) -> None:
    # by team, largest effective cost first: research 100, applied USD 45 (then 40 EUR, 30)
    assert [r["team"] for r in costs(company, by=["team"], top=2)] == ["research", "applied"]


@pytest.mark.parametrize("top", [0, -3])
def test_top_below_one_is_refused(company: Ledger, top: int) -> None:
    with pytest.raises(QueryError, match=f"top must be at least 1, not {top}"):
        costs(company, by=["team"], top=top)
