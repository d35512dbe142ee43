"""Each budget's status: actual, forecast, variance and alerts, by hand arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.control.budgets.evaluation import budget_status
from infracast.control.budgets.stored import store_budget
from infracast.errors import ConfigError, ControlError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges, reset
from tests.control.budgets.fixtures import add_flat, add_january, research_budget

D = Decimal


def test_status_by_hand(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    [status] = budget_status(ledger, as_of="2026-01-16", method="run_rate")
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


def test_status_from_the_forecast_by_hand(ledger: Ledger) -> None:
    add_flat(ledger)  # 100 a day of usage and a 1,000 fee on each 1st, from 2025-12
    store_budget(ledger, research_budget(filters=["team=research"], start="2025-12"))
    [status] = budget_status(ledger, as_of="2026-02-15", notify=False)
    # 1,000 + 14 × 100 = 2,400 spent; + 14 × 100 to come = 3,800 (126.7% of 3,000);
    # the run rate would count the fee every day: 2,400 / 14 × 28 = 4,800
    assert (status.actual, status.forecast) == (D(2400), D("3800.00"))
    assert status.forecast_method is not None and status.forecast_method.startswith("forecast:")
    assert status.overrun_probability == 1  # no spread in a flat history
    assert status.crossing_date == date(2026, 2, 20)  # 2,400 + 6 × 100 = 3,000
    assert status.outlook == (
        "research-compute crosses its 2026-02 budget around 2026-02-20, "
        "100% probability of exceeding it"
    )
    [rate] = budget_status(ledger, as_of="2026-02-15", notify=False, method="run_rate")
    assert (rate.forecast, rate.overrun_probability) == (D("4800.00"), None)


def test_a_budget_already_reached_says_the_day(ledger: Ledger) -> None:
    add_flat(ledger)
    store_budget(ledger, research_budget(filters=["team=research"], start="2025-12", amount=2000))
    [status] = budget_status(ledger, as_of="2026-02-15", notify=False)
    # Feb 1: 1,100; 100 a day after: 2,000 on Feb 10
    assert status.outlook == "research-compute reached its 2026-02 budget on 2026-02-10"


def test_an_unknown_method_is_refused(ledger: Ledger) -> None:
    with pytest.raises(ConfigError, match="run_rate"):
        budget_status(ledger, as_of="2026-02-15", method="runrate")


def test_status_over_at_the_end_of_january(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(amount=D(1700)))
    # as of Feb 1 00:00 the period is February; as of Jan 31 23:00 it is January:
    # 1,500 + 300 (Jan 16) = 1,800 > 1,700
    [status] = budget_status(ledger, as_of="2026-01-31T23:00")
    assert status.actual == D(1800)
    assert status.status == "over"
    assert {a.threshold_pct for a in status.new_alerts if a.kind == "actual"} == {50, 80, 100}


def test_billed_cost_budget(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(metric="billed_cost"))
    [status] = budget_status(ledger, as_of="2026-01-16", notify=False)
    assert status.actual == D(1600)  # 500 + 600 (billed) + 500


def test_status_before_the_budget_starts(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(start="2026-03"))
    [status] = budget_status(ledger, as_of="2026-01-16")
    assert status.status == "not_started"
    assert status.period is None and status.new_alerts == ()
    assert status.actual == 0 and status.forecast == 0


def test_project_budget_spans_its_whole_life(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(period="project", start="2026-01-01", end="2026-03-02"))
    [status] = budget_status(ledger, as_of="2026-02-10", notify=False, method="run_rate")
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
    store_budget(ledger, research_budget(filters=["tag.env=prod"], amount=D(100)))
    [status] = budget_status(ledger, as_of="2026-01-04", notify=False)
    assert status.actual == D(70)


def test_status_of_one_budget_by_name(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    store_budget(ledger, research_budget(name="other"))
    assert [s.budget for s in budget_status(ledger, "other", as_of="2026-01-02")] == ["other"]
    with pytest.raises(ControlError, match="no budget called"):
        budget_status(ledger, "nope", as_of="2026-01-02")


def test_status_json_keys_are_stable(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
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
        "overrun_probability",
        "crossing_date",
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
    store_budget(ledger, research_budget(filters=["team=research"]))
    as_of = start + timedelta(hours=as_of_hours)
    [status] = budget_status(ledger, as_of=as_of, notify=False)
    expected = sum(
        (c for h, c, t, cur in charges if t == "research" and cur == "USD" and h < as_of_hours),
        D(0),
    )
    assert status.actual == expected
    assert status.forecast >= status.actual
    assert status.variance == status.amount - status.forecast


def test_a_one_million_budget_with_small_spend_raises_no_alert(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(amount="1e6"))
    [status] = budget_status(ledger, as_of="2026-01-16", notify=False)
    # 1,500 of 1,000,000 is 0.15 %, rounded to a tenth: 0.2 %; forecast 3,100 is 0.31 %
    assert status.amount == D(1_000_000) and status.actual_pct == D("0.2")
    assert status.status == "ok" and status.new_alerts == ()


# --- issue 10, item 4: an invalid stored budget is reported, the others evaluated -------


def test_an_invalid_stored_budget_is_reported_and_the_others_evaluated(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    for name, amount in (("zero", "0"), ("negative", "-5"), ("tiny", "0.000000000001")):
        ledger.con.execute(
            "INSERT INTO budgets VALUES (?, CAST(? AS DECIMAL(38, 12)), 'USD', 'month', "
            "DATE '2026-01-01', NULL, [], 'effective_cost', [0.5], [], NULL, now(), now())",
            [name, amount],
        )
    found = {s.budget: s for s in budget_status(ledger, as_of="2026-01-16", notify=False)}
    zero, negative = found["zero"], found["negative"]
    assert (zero.status, negative.status) == ("invalid", "invalid")
    assert zero.actual is None and zero.actual_pct is None and zero.variance is None
    assert zero.new_alerts == () and negative.amount == D(-5)
    [note] = zero.notes
    assert "amount 0 is zero; it must be more than 0" in note
    assert "infracast budget set zero" in note and "infracast budget remove zero" in note
    assert found["research-compute"].actual == D(1500)  # evaluated as before
    # every USD charge of January before the 16th: 500 + 500 + 500 + 100 + 900 = 2,500, far
    # above 0.000000000001: 2,500 × 100 / 1e-12 = 2.5e17 percent, exactly
    assert found["tiny"].status == "over"
    assert found["tiny"].actual_pct == D("250000000000000000.0")
    assert [s.budget for s in budget_status(ledger, "zero", notify=False)] == ["zero"]
