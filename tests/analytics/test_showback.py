import re
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from infracast.analytics._showback import Showback, assemble, showback
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

from .ledgers import add_charges, add_samples, reset
from .strategies import BASE, ledgers, money

D = Decimal
HOUR = {"ChargePeriodStart": "2026-01-05T10:00", "ChargePeriodEnd": "2026-01-05T11:00"}


def _gpu(resource: str, cost: int, team: str | None = None) -> dict[str, Any]:
    return {
        **HOUR,
        "ResourceId": resource,
        "x_gpu_count": 1.0,
        "x_gpu_hours": 1.0,
        "x_team": team,
        "cost": cost,
    }


def _held(resource: str, team: str | None, share: float) -> dict[str, Any]:
    return {"ts": "2026-01-05T10:00", "resource_id": resource, "team": team, "share": share}


# January 2026 (the period [Jan 1, Feb 1)), one-hour GPU charges of 1 GPU (3600 GPU-s):
#   d1 research, support contract              100 USD  direct
#   d2 applied, dedicated GPU i-d               40 USD  direct, though research samples it
#   p1 untagged GPU i-p                         12 USD  research holds 0.5 x 3600 -> 6,
#                                                       applied 0.25 x 3600 -> 3, idle 3
#   p2 untagged GPU i-q, oversubscribed          9 USD  research, applied and an unlabelled
#      workload each hold 3600: held 10800, scaled by 1/3 -> 3 each, the unlabelled 3 is idle
#   p3 untagged GPU i-r, no samples              5 USD  shared
#   p4 untagged GPU i-s, unlabelled samples      2 USD  shared
#   s1 untagged network                         20 USD  shared
#   x1 research, Feb 1 00:00                  1000 USD  out of the period
#   e1 research                                 50 EUR  direct
#   e2 untagged                                 10 EUR  shared, research is the only EUR team
#   g1 untagged                                  7 GBP  shared, no GBP team: unallocated
SHOWBACK_CHARGES = [
    {"x_team": "research", "x_cost_category": "support", "cost": 100},
    _gpu("i-d", 40, "applied"),
    _gpu("i-p", 12),
    _gpu("i-q", 9),
    _gpu("i-r", 5),
    _gpu("i-s", 2),
    {"x_cost_category": "network", "cost": 20},
    {"x_team": "research", "ChargePeriodStart": "2026-02-01T00:00", "cost": 1000},
    {"x_team": "research", "BillingCurrency": "EUR", "cost": 50},
    {"BillingCurrency": "EUR", "cost": 10},
    {"BillingCurrency": "GBP", "cost": 7},
]
SHOWBACK_SAMPLES = [
    _held("i-d", "research", 1.0),
    _held("i-p", "research", 0.5),
    _held("i-p", "applied", 0.25),
    _held("i-q", "research", 1.0),
    _held("i-q", "applied", 1.0),
    _held("i-q", None, 1.0),
    _held("i-s", None, 1.0),
]


@pytest.fixture
def ledger(make_ledger: Callable[..., Ledger]) -> Ledger:
    return make_ledger(charges=SHOWBACK_CHARGES, samples=SHOWBACK_SAMPLES)


def _lines(result: Showback, currency: str) -> list[tuple[Any, ...]]:
    return [
        (r["line"], r["team"], r["direct"], r["gpu_allocated"], r["shared"], r["idle"], r["total"])
        for r in result.rows
        if r["currency"] == currency
    ]


def test_proportional_showback_by_hand(ledger: Ledger) -> None:
    result = showback(ledger, start="2026-01", end="2026-02")
    # USD allocated: research 100 + (6 + 3) = 109, applied 40 + (3 + 3) = 46, of 155.
    # Shared 5 + 2 + 20 = 27: research 27 x 109 / 155 = 18.987096774193548387|0967..,
    # applied 27 x 46 / 155 = 8.012903225806451612|9032.. (18 decimal places, the ledger's);
    # the leftover 1e-18 goes to applied (remainder .903 > .097). Idle 3 + 3 = 6.
    # Check: 127.987096774193548387 + 54.012903225806451613 + 6 = 188
    #        = 100 + 40 + 12 + 9 + 5 + 2 + 20.
    assert _lines(result, "USD") == [
        (
            "team",
            "research",
            D(100),
            D(9),
            D("18.987096774193548387"),
            D(0),
            D("127.987096774193548387"),
        ),
        (
            "team",
            "applied",
            D(40),
            D(6),
            D("8.012903225806451613"),
            D(0),
            D("54.012903225806451613"),
        ),
        ("unallocated_idle", None, D(0), D(0), D(0), D(6), D(6)),
    ]
    assert _lines(result, "EUR") == [("team", "research", D(50), D(0), D(10), D(0), D(60))]
    assert _lines(result, "GBP") == [("unallocated_shared", None, D(0), D(0), D(7), D(0), D(7))]
    assert result.totals == {"USD": D(188), "EUR": D(60), "GBP": D(7)}
    assert result.notes == ["GBP: no charge names a team, so shared cost stays unallocated."]
    assert (result.start, result.end) == (datetime(2026, 1, 1), datetime(2026, 2, 1))


def test_even_showback_by_hand(ledger: Ledger) -> None:
    result = showback(ledger, start="2026-01", end="2026-02", split="even")
    # Shared 27 / 2 = 13.5 each: research 109 + 13.5 = 122.5, applied 46 + 13.5 = 59.5.
    assert [
        (r["team"], r["shared"], r["total"]) for r in result.rows if r["currency"] == "USD"
    ] == [
        ("research", D("13.5"), D("122.5")),
        ("applied", D("13.5"), D("59.5")),
        (None, D(0), D(6)),
    ]


def test_period_bounds_are_half_open(ledger: Ledger) -> None:
    # [Feb 1, Mar 1) holds only x1, research's 1000.
    result = showback(ledger, start="2026-02-01", end="2026-03-01")
    assert _lines(result, "USD") == [("team", "research", D(1000), D(0), D(0), D(0), D(1000))]


def test_billed_basis_and_filters(make_ledger: Callable[..., Ledger]) -> None:
    # Billed 30 vs effective 20 on research's charge; shared 10 billed goes to research.
    ledger = make_ledger(
        charges=[
            {"x_team": "research", "BilledCost": 30, "EffectiveCost": 20},
            {"cost": 10, "ServiceName": "support"},
        ]
    )
    billed = showback(ledger, basis="billed")
    assert [(r["team"], r["total"]) for r in billed.rows] == [("research", D(40))]
    filtered = showback(ledger, filters=["service=support"])
    assert [(r["line"], r["total"]) for r in filtered.rows] == [("unallocated_shared", D(10))]


def test_proportional_with_no_positive_allocation_falls_back_to_even() -> None:
    # Two teams whose direct costs are 0 and -5 (a credit): 9 shared splits 4.5 / 4.5.
    cost_rows = [
        {"currency": "USD", "kind": "direct", "team": "a", "cost": D(0), "charges": 1},
        {"currency": "USD", "kind": "direct", "team": "b", "cost": D(-5), "charges": 1},
        {"currency": "USD", "kind": "shared", "team": None, "cost": D(9), "charges": 1},
    ]
    rows, totals, notes = assemble(cost_rows, [], "proportional")
    assert [(r["team"], r["shared"]) for r in rows] == [("a", D("4.5")), ("b", D("4.5"))]
    assert totals == {"USD": D(4)}
    assert "split evenly" in notes[0]


def test_unknown_split_is_a_query_error(ledger: Ledger) -> None:
    with pytest.raises(QueryError, match=re.escape('unknown split "proportion". Did you mean')):
        showback(ledger, split="proportion")


def _in_scope(charge: dict[str, Any], start: datetime, end: datetime) -> bool:
    return start <= charge["ChargePeriodStart"] < end


def _labelled(charge: dict[str, Any], samples: list[dict[str, Any]]) -> bool:
    """The oracle of a GPU-split charge: untagged, GPU, with a labelled sample in its period."""
    return (
        not charge["x_team"]
        and charge["x_gpu_hours"] is not None
        and charge["ResourceId"] is not None
        and any(
            s["team"]
            and s["resource_id"] == charge["ResourceId"]
            and charge["ChargePeriodStart"] <= s["ts"] < charge["ChargePeriodEnd"]
            for s in samples
        )
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=ledgers(),
    bounds=st.tuples(st.integers(0, 3), st.integers(4, 8)),
    split=st.sampled_from(["proportional", "even"]),
)
def test_showback_reconciles_exactly_with_the_charges_in_scope(
    scratch: Ledger,
    data: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    bounds: tuple[int, int],
    split: str,
) -> None:
    charges, samples = data
    reset(scratch)
    add_charges(scratch, charges)
    add_samples(scratch, samples)
    start, end = (BASE + timedelta(hours=h) for h in bounds)
    result = showback(scratch, start=start, end=end, split=split)

    scope = [c for c in charges if _in_scope(c, start, end)]
    cost: dict[str, Decimal] = defaultdict(Decimal)
    direct: dict[str, Decimal] = defaultdict(Decimal)
    pooled: dict[str, Decimal] = defaultdict(Decimal)
    for charge in scope:
        currency, amount = charge["BillingCurrency"], charge["EffectiveCost"]
        cost[currency] += amount
        if charge["x_team"]:
            direct[currency] += amount
        elif _labelled(charge, samples):
            pooled[currency] += amount
            event("a GPU charge is split by labelled samples")
    lines: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in result.rows:
        for key in ("direct", "gpu_allocated", "shared", "idle", "total"):
            lines[row["currency"]][key] += row[key]
        assert row["total"] == row["direct"] + row["gpu_allocated"] + row["shared"] + row["idle"]
        # All costs are >= 0 here: no part may be negative.
        assert min(row["gpu_allocated"], row["shared"], row["idle"]) >= 0
    assert result.totals == {c: v for c, v in cost.items()}
    assert {c: v["total"] for c, v in lines.items()} == dict(cost)
    for currency in cost:
        assert lines[currency]["direct"] == direct[currency]
        assert lines[currency]["gpu_allocated"] + lines[currency]["idle"] == pooled[currency]
    teams = {row["team"] for row in result.rows if row["line"] == "team"}
    assert teams <= {c["x_team"] for c in scope} | {s["team"] for s in samples}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ledgers(costs=money(-50, 50)))
def test_showback_reconciles_with_credits_too(
    scratch: Ledger, data: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    charges, samples = data
    reset(scratch)
    add_charges(scratch, charges)
    add_samples(scratch, samples)
    result = showback(scratch)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for charge in charges:
        expected[charge["BillingCurrency"]] += charge["EffectiveCost"]
    got: dict[str, Decimal] = defaultdict(Decimal)
    for row in result.rows:
        got[row["currency"]] += row["total"]
    assert got == expected
