"""Alerts: raised once per threshold and period, stored, and delivered to a webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from infracast.control.budgets.alerts import (
    Alert,
    alert_message,
    budget_alerts,
    list_alerts,
    redeliver_alerts,
)
from infracast.control.budgets.evaluation import budget_status
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.stored import remove_budget, store_budget
from infracast.control.budgets.thresholds import Crossing
from infracast.control.budgets.webhook import SIGNATURE_HEADER, RetryPolicy
from infracast.errors import NotFoundError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.budgets.fixtures import (
    add_flat,
    add_january,
    research_budget,
    webhook_receiver,
)

D = Decimal
NO_WAIT = RetryPolicy(attempts=3, backoff=0, timeout=2.0)


def _keys(alerts: list[Alert]) -> list[tuple[str, str, Decimal]]:
    return [(a.period_start.isoformat(), a.kind, a.threshold_pct) for a in alerts]


def test_rerunning_status_never_raises_an_alert_twice(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    [first] = budget_status(ledger, as_of="2026-01-16")
    [again] = budget_status(ledger, as_of="2026-01-16")
    [later] = budget_status(ledger, as_of="2026-01-20")  # still January, more spend
    assert len(first.new_alerts) == 2
    assert again.new_alerts == () and later.new_alerts == ()
    assert _keys(list_alerts(ledger)) == [
        ("2026-01-01", "actual", D(50)),
        ("2026-01-01", "forecast", D(100)),
    ]


def test_a_higher_threshold_later_in_the_period_raises_only_itself(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(amount=D(2000)))
    # as of Jan 10: 500 + 500 = 1,000 = 50% of 2,000
    [early] = budget_status(ledger, as_of="2026-01-10", method="run_rate")
    # as of Jan 17: 1,500 + 300 = 1,800 = 90%: the 80% alert is new, 50% is not
    [late] = budget_status(ledger, as_of="2026-01-17", method="run_rate")
    assert [(a.kind, a.threshold_pct) for a in early.new_alerts] == [
        ("actual", D(50)),
        ("forecast", D(100)),  # 1,000 / 9 days × 31 = 3,444.44 ≥ 2,000
    ]
    assert [(a.kind, a.threshold_pct) for a in late.new_alerts] == [("actual", D(80))]


def test_the_same_threshold_in_a_new_period_raises_again(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget(forecast_thresholds=[]))
    # January as of Jan 16: 1,500 = 50%; February as of Feb 20: 2,700 = 90%
    budget_status(ledger, as_of="2026-01-16")
    [february] = budget_status(ledger, as_of="2026-02-20")
    assert _keys(list(february.new_alerts)) == [
        ("2026-02-01", "actual", D(50)),
        ("2026-02-01", "actual", D(80)),
    ]
    assert len(list_alerts(ledger)) == 3


def test_the_alert_message_by_hand() -> None:
    january = BudgetPeriod("month", date(2026, 1, 1), date(2026, 2, 1))
    actual = Crossing("actual", D(80), D("2400"))
    forecast = Crossing("forecast", D(100), D("3100"))
    assert alert_message("rc", january, D(3000), "USD", actual, "run_rate") == (
        "rc 2026-01: actual spend 2,400.00 USD reached 80% of the 3,000.00 USD budget."
    )
    assert alert_message("rc", january, D(3000), "USD", forecast, "run_rate") == (
        "rc 2026-01: forecast spend 3,100.00 USD by 2026-02-01 (run_rate) reached 100% "
        "of the 3,000.00 USD budget."
    )


def test_a_forecast_alert_says_its_model_and_probability() -> None:
    january = BudgetPeriod("month", date(2026, 1, 1), date(2026, 2, 1))
    forecast = Crossing("forecast", D(100), D("3100"))
    message = alert_message("rc", january, D(3000), "USD", forecast, "forecast:ets", D("0.834"))
    assert message == (
        "rc 2026-01: forecast spend 3,100.00 USD by 2026-02-01 (forecast:ets; 83% probability "
        "of exceeding the budget) reached 100% of the 3,000.00 USD budget."
    )


def test_forecast_thresholds_alert_once_per_period_with_the_forecast(ledger: Ledger) -> None:
    add_flat(ledger)
    store_budget(ledger, research_budget(filters=["team=research"], start="2025-12"))
    # as of Feb 15: 2,400 spent (80%), forecast 3,800 of 3,000: forecast 100% reached
    [first] = budget_status(ledger, as_of="2026-02-15", notify=False)
    [again] = budget_status(ledger, as_of="2026-02-20", notify=False)
    assert first.forecast_method.startswith("forecast:")  # type: ignore[union-attr]
    assert [(a.kind, a.threshold_pct, a.spend) for a in first.new_alerts] == [
        ("actual", D(50), D(2400)),
        ("actual", D(80), D(2400)),
        ("forecast", D(100), D("3800.00")),
    ]
    assert "100% probability of exceeding the budget" in first.new_alerts[2].message
    assert again.new_alerts == ()  # 2,900 (96.7%), forecast still over: raised once


def test_without_a_webhook_nothing_is_delivered(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    budget_status(ledger, as_of="2026-01-16")
    assert {(a.delivery_status, a.delivery_attempts) for a in list_alerts(ledger)} == {(None, 0)}


def test_webhook_receives_signed_json_and_a_retry_is_recorded(ledger: Ledger) -> None:
    add_january(ledger)
    with webhook_receiver([500]) as receiver:  # 500 first, then 200
        store_budget(ledger, research_budget(webhook=receiver.url, forecast_thresholds=[]))
        [status] = budget_status(ledger, as_of="2026-01-16", secret="s3cret", policy=NO_WAIT)
    [raised] = status.new_alerts
    first, second = receiver.requests
    assert first.body == second.body
    payload = json.loads(second.body)
    assert payload == {
        "event": "budget.alert",
        "alert_id": raised.alert_id,
        "budget": "research-compute",
        "period_start": "2026-01-01",
        "period_end": "2026-02-01",
        "kind": "actual",
        "threshold_pct": 50,
        "spend": "1500.00",
        "budget_amount": "3000.00",
        "currency": "USD",
        "message": "research-compute 2026-01: actual spend 1,500.00 USD reached 50% of the "
        "3,000.00 USD budget.",
        "raised_at": raised.raised_at.isoformat(timespec="seconds") + "Z",
    }
    expected = hmac.new(b"s3cret", second.body, hashlib.sha256).hexdigest()
    assert second.headers[SIGNATURE_HEADER] == f"sha256={expected}"
    [stored] = list_alerts(ledger)
    assert (stored.delivery_status, stored.delivery_attempts) == ("delivered", 2)
    assert stored.delivered_at is not None and stored.delivery_error is None
    assert raised.delivery_status == "delivered"


def test_a_failed_delivery_is_kept_and_redelivered(ledger: Ledger) -> None:
    add_january(ledger)
    policy = RetryPolicy(attempts=2, backoff=0, timeout=2.0)
    with webhook_receiver([500, 500]) as receiver:
        store_budget(ledger, research_budget(webhook=receiver.url, forecast_thresholds=[]))
        [status] = budget_status(ledger, as_of="2026-01-16", policy=policy)
        [failed] = list_alerts(ledger, undelivered=True)
        assert (failed.delivery_status, failed.delivery_attempts) == ("failed", 2)
        assert failed.delivery_error is not None and "HTTP 500" in failed.delivery_error
        assert any("not delivered" in note for note in status.notes)
        [again] = redeliver_alerts(ledger, policy=policy)
    assert (again.delivery_status, again.delivery_attempts) == ("delivered", 3)
    assert len(receiver.requests) == 3
    assert receiver.requests[0].body == receiver.requests[2].body  # the same alert, same bytes
    assert list_alerts(ledger, undelivered=True) == []


def test_no_notify_stores_pending_and_the_next_status_delivers(ledger: Ledger) -> None:
    add_january(ledger)
    with webhook_receiver() as receiver:
        store_budget(ledger, research_budget(webhook=receiver.url, forecast_thresholds=[]))
        budget_status(ledger, as_of="2026-01-16", notify=False)
        assert receiver.requests == []
        assert [a.delivery_status for a in list_alerts(ledger)] == ["pending"]
        [status] = budget_status(ledger, as_of="2026-01-16", policy=NO_WAIT)
    assert status.new_alerts == ()  # nothing new was raised ...
    assert [a.delivery_status for a in list_alerts(ledger)] == ["delivered"]  # ... but sent
    assert len(receiver.requests) == 1


def test_fixing_the_webhook_url_reaches_undelivered_alerts(ledger: Ledger) -> None:
    add_january(ledger)
    policy = RetryPolicy(attempts=1, backoff=0, timeout=2.0)
    with webhook_receiver([404]) as wrong, webhook_receiver() as right:
        store_budget(ledger, research_budget(webhook=wrong.url, forecast_thresholds=[]))
        budget_status(ledger, as_of="2026-01-16", policy=policy)
        store_budget(ledger, research_budget(webhook=right.url, forecast_thresholds=[]))
        redeliver_alerts(ledger, "research-compute", policy=policy)
    assert len(wrong.requests) == 1 and len(right.requests) == 1
    [alert] = list_alerts(ledger)
    assert alert.webhook_url == right.url and alert.delivery_status == "delivered"


def test_alerts_outlive_their_budget(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    budget_status(ledger, as_of="2026-01-16")
    remove_budget(ledger, "research-compute")
    assert len(list_alerts(ledger, "research-compute")) == 2


def test_alerts_are_listed_oldest_first_per_budget(ledger: Ledger) -> None:
    add_charges(ledger, [{"cost": 90, "x_team": "research", "ChargePeriodStart": "2026-01-02"}])
    store_budget(ledger, research_budget(name="a", filters=[], amount=D(100)))
    store_budget(ledger, research_budget(name="b", filters=[], amount=D(100)))
    budget_status(ledger, "b", as_of=datetime(2026, 1, 3))
    budget_status(ledger, "a", as_of=datetime(2026, 1, 3))
    assert [a.budget for a in list_alerts(ledger)][:1] == ["b"]
    assert {a.budget for a in list_alerts(ledger, "a")} == {"a"}


def test_removing_the_webhook_stops_undelivered_alerts(ledger: Ledger) -> None:
    add_january(ledger)
    policy = RetryPolicy(attempts=1, backoff=0, timeout=2.0)
    with webhook_receiver([500]) as receiver:
        store_budget(ledger, research_budget(webhook=receiver.url, forecast_thresholds=[]))
        budget_status(ledger, as_of="2026-01-16", policy=policy)
        store_budget(ledger, research_budget(webhook="", forecast_thresholds=[]))
        assert redeliver_alerts(ledger, policy=policy) == []
    assert len(receiver.requests) == 1
    [alert] = list_alerts(ledger)
    assert (alert.webhook_url, alert.delivery_status) == (None, "failed")


# --- budget_alerts: what `budget alerts` shows ---------------------------------------------


def test_budget_alerts_of_an_unknown_budget_is_not_found(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    with pytest.raises(NotFoundError, match='Did you mean "research-compute"'):
        budget_alerts(ledger, "research-compte")


def test_budget_alerts_of_a_removed_budget_are_its_history(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    budget_status(ledger, as_of="2026-01-16")
    remove_budget(ledger, "research-compute")
    shown = budget_alerts(ledger, "research-compute")
    assert len(shown.alerts) == 2 and shown.redelivered is None
    assert shown.to_dict() == [a.to_dict() for a in list_alerts(ledger)]


def test_budget_alerts_redelivers_first_when_asked(ledger: Ledger) -> None:
    add_january(ledger)
    once = RetryPolicy(attempts=1, backoff=0, timeout=2.0)
    with webhook_receiver([500]) as receiver:
        store_budget(ledger, research_budget(webhook=receiver.url, forecast_thresholds=[]))
        budget_status(ledger, as_of="2026-01-16", policy=once)  # 500: failed
        shown = budget_alerts(ledger, undelivered=True, redeliver=True, policy=once)
    assert shown.redelivered is not None
    assert [a.delivery_status for a in shown.redelivered] == ["delivered"]
    assert shown.alerts == ()  # nothing is waiting any more
