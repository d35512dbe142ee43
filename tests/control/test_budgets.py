"""Budgets over the ledger: stored definitions, and status by hand arithmetic."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.control.budgets import (
    budget_status,
    get_budget,
    list_budgets,
    remove_budget,
    set_budget,
    set_budgets,
)
from infracast.errors import ControlError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges, reset
from tests.control.budget_fixtures import add_january, research_budget

D = Decimal


def test_a_budget_round_trips_through_the_ledger(ledger: Ledger) -> None:
    budget = research_budget(
        actual_thresholds=[D("12.5"), 50, 80],
        forecast_thresholds=[90, 100],
        end="2027-01",
        webhook="https://hooks.example.com/x",
        metric="billed",
    )
    assert set_budget(ledger, budget) == "created"
    assert get_budget(ledger, "research-compute") == budget
    assert list_budgets(ledger) == [budget]


def test_setting_again_updates_or_leaves_unchanged(ledger: Ledger) -> None:
    set_budget(ledger, research_budget())
    assert set_budget(ledger, research_budget()) == "unchanged"
    assert set_budget(ledger, research_budget(amount=D(3500))) == "updated"
    assert get_budget(ledger, "research-compute").amount == D(3500)


def test_set_budgets_is_one_transaction(ledger: Ledger) -> None:
    actions = set_budgets(ledger, [research_budget(), research_budget(name="all", filters=[])])
    assert actions == [("research-compute", "created"), ("all", "created")]
    assert [b.name for b in list_budgets(ledger)] == ["all", "research-compute"]


def test_remove_returns_the_budget_and_unknown_names_suggest(ledger: Ledger) -> None:
    set_budget(ledger, research_budget())
    assert remove_budget(ledger, "research-compute").name == "research-compute"
    assert list_budgets(ledger) == []
    set_budget(ledger, research_budget())
    with pytest.raises(ControlError, match='Did you mean "research-compute"') as caught:
        remove_budget(ledger, "research-compte")
    assert caught.value.hint is not None and "budget list" in caught.value.hint


def test_status_by_hand(ledger: Ledger) -> None:
    add_january(ledger)
    set_budget(ledger, research_budget())
    [status] = budget_status(ledger, as_of="2026-01-16")
    # actual: Jan 2 + Jan 9 + Jan 15 = 3 × 500 = 1,500 (Jan 16 is not before as_of)
    assert status.actual == D(1500)
    assert status.actual_pct == D("50.0")  # 1,500 / 3,000
    # forecast: 1,500 / 15 days × 16 remaining days + 1,500 = 3,100
    assert status.forecast == D("3100.00")
    assert status.forecast_pct == D("103.3")  # 3,100 / 3,000 = 103.33…
    assert status.variance == D("-100.00")  # 3,000 − 3,100
    assert status.status == "warning"
    assert [(a.kind, a.threshold_pct) for a in status.new_alerts] == [
        ("actual", D(50)),
        ("forecast", D(100)),
    ]
    assert status.other_currencies == {"EUR": D(40)}
    assert any("EUR" in note and "not counted" in note for note in status.notes)
    assert status.period is not None and status.period.label == "2026-01"


def test_status_over_at_the_end_of_january(ledger: Ledger) -> None:
    add_january(ledger)
    set_budget(ledger, research_budget(amount=D(1700)))
    # as of Feb 1 00:00 the period is February; as of Jan 31 23:00 it is January:
    # 1,500 + 300 (Jan 16) = 1,800 > 1,700
    [status] = budget_status(ledger, as_of="2026-01-31T23:00")
    assert status.actual == D(1800)
    assert status.status == "over"
    assert {a.threshold_pct for a in status.new_alerts if a.kind == "actual"} == {50, 80, 100}


def test_billed_cost_budget(ledger: Ledger) -> None:
    add_january(ledger)
    set_budget(ledger, research_budget(metric="billed_cost"))
    [status] = budget_status(ledger, as_of="2026-01-16", notify=False)
    assert status.actual == D(1600)  # 500 + 600 (billed) + 500


def test_status_before_the_budget_starts(ledger: Ledger) -> None:
    add_january(ledger)
    set_budget(ledger, research_budget(start="2026-03"))
    [status] = budget_status(ledger, as_of="2026-01-16")
    assert status.status == "not_started"
    assert status.period is None and status.new_alerts == ()
    assert status.actual == 0 and status.forecast == 0


def test_project_budget_spans_its_whole_life(ledger: Ledger) -> None:
    add_january(ledger)
    set_budget(ledger, research_budget(period="project", start="2026-01-01", end="2026-03-02"))
    [status] = budget_status(ledger, as_of="2026-02-10", notify=False)
    # Jan: 500 + 500 + 500 + 300, Feb 3: 2,700 -> 4,500 over 40 days (Jan 1 .. Feb 9);
    # 20 days remain (Feb 10 .. Mar 1): 4,500 + 112.5 × 20 = 6,750
    assert status.actual == D(4500)
    assert status.forecast == D("6750.00")
    assert status.period is not None and status.period.label == "2026-01-01/2026-03-02"


def test_tag_filters_scope_a_budget(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            {"cost": 70, "Tags": {"env": "prod"}, "ChargePeriodStart": "2026-01-03T00:00"},
            {"cost": 30, "Tags": {"env": "dev"}, "ChargePeriodStart": "2026-01-03T00:00"},
        ],
    )
    set_budget(ledger, research_budget(filters=["tag.env=prod"], amount=D(100)))
    [status] = budget_status(ledger, as_of="2026-01-04", notify=False)
    assert status.actual == D(70)


def test_status_of_one_budget_by_name(ledger: Ledger) -> None:
    set_budget(ledger, research_budget())
    set_budget(ledger, research_budget(name="other"))
    assert [s.budget for s in budget_status(ledger, "other", as_of="2026-01-02")] == ["other"]
    with pytest.raises(ControlError, match="no budget called"):
        budget_status(ledger, "nope", as_of="2026-01-02")


def test_status_json_keys_are_stable(ledger: Ledger) -> None:
    set_budget(ledger, research_budget())
    [status] = budget_status(ledger, as_of="2026-01-02")
    assert list(status.to_dict()) == [
        "budget",
        "period",
        "period_start",
        "period_end",
        "as_of",
        "currency",
        "amount",
        "actual",
        "actual_pct",
        "forecast",
        "forecast_pct",
        "forecast_method",
        "variance",
        "status",
        "new_alerts",
        "other_currencies",
        "notes",
    ]


_charges = st.lists(
    st.tuples(
        st.integers(0, 40 * 24 - 1),  # hours after Jan 1 (into February)
        st.decimals(min_value=D(0), max_value=D(1000), places=2),
        st.sampled_from(["research", "applied"]),
        st.sampled_from(["USD", "EUR"]),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(charges=_charges, as_of_hours=st.integers(0, 31 * 24 - 1))  # within January
def test_actual_is_the_sum_of_charges_in_scope_before_as_of(
    ledger: Ledger, charges: list[tuple[int, Decimal, str, str]], as_of_hours: int
) -> None:
    reset(ledger)
    ledger.con.execute("DELETE FROM alerts")
    start = datetime(2026, 1, 1)
    add_charges(
        ledger,
        [
            {
                "ChargePeriodStart": (start + timedelta(hours=h)).isoformat(),
                "cost": cost,
                "x_team": team,
                "BillingCurrency": currency,
            }
            for h, cost, team, currency in charges
        ],
    )
    set_budget(ledger, research_budget(filters=["team=research"]))
    as_of = start + timedelta(hours=as_of_hours)
    [status] = budget_status(ledger, as_of=as_of, notify=False)
    expected = sum(
        (c for h, c, t, cur in charges if t == "research" and cur == "USD" and h < as_of_hours),
        D(0),
    )
    assert status.actual == expected
    assert status.forecast >= status.actual
    assert status.variance == status.amount - status.forecast
