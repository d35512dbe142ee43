"""The alerts store: raised once per key, selected oldest first, delivery recorded on the row."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from infracast.ledger.connection import Ledger
from infracast.ledger.stores import alerts


def _row(con: Any, budget: str = "b", *, kind: str = "actual", **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "alert_id": alerts.next_id(con),
        "budget": budget,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 2, 1),
        "kind": kind,
        "threshold": 0.5,
        "spend": Decimal("50"),
        "budget_amount": Decimal("100"),
        "currency": "USD",
        "message": "half spent",
        "raised_at": datetime(2026, 1, 10),
        "webhook_url": None,
        "delivery_status": None,
        "delivery_attempts": 0,
        "delivery_error": None,
        "delivered_at": None,
    }
    return {**row, **changes}


def test_ids_come_from_the_sequence_one_after_another(ledger: Ledger) -> None:
    first = alerts.next_id(ledger.con)
    assert alerts.next_id(ledger.con) == first + 1


def test_an_inserted_alert_is_selected_as_written(ledger: Ledger) -> None:
    row = _row(ledger.con)
    alerts.insert(ledger.con, row)
    assert alerts.select(ledger.con) == [row]


def test_raised_names_the_kinds_and_thresholds_of_a_budgets_period(ledger: Ledger) -> None:
    alerts.insert(ledger.con, _row(ledger.con))
    alerts.insert(ledger.con, _row(ledger.con, kind="forecast", threshold=1.0))
    alerts.insert(ledger.con, _row(ledger.con, "other"))
    assert alerts.raised(ledger.con, "b", date(2026, 1, 1)) == {
        ("actual", 0.5),
        ("forecast", 1.0),
    }
    assert alerts.raised(ledger.con, "b", date(2026, 2, 1)) == set()


def test_select_filters_by_budget_and_undelivered_oldest_first(ledger: Ledger) -> None:
    late = _row(ledger.con, raised_at=datetime(2026, 1, 20), webhook_url="https://h/x")
    early = _row(ledger.con, "other", raised_at=datetime(2026, 1, 5))
    waiting = {**late, "delivery_status": "pending"}
    alerts.insert(ledger.con, waiting)
    alerts.insert(ledger.con, early)
    assert [r["budget"] for r in alerts.select(ledger.con)] == ["other", "b"]
    assert alerts.select(ledger.con, "b") == [waiting]
    assert alerts.select(ledger.con, undelivered=True) == [waiting]


def test_a_delivery_is_recorded_on_the_row(ledger: Ledger) -> None:
    row = _row(ledger.con, webhook_url="https://h/x", delivery_status="pending")
    alerts.insert(ledger.con, row)
    at = datetime(2026, 1, 11)
    alerts.record_delivery(
        ledger.con, row["alert_id"], status="delivered", attempts=2, error=None, delivered_at=at
    )
    [stored] = alerts.select(ledger.con)
    assert (stored["delivery_status"], stored["delivery_attempts"], stored["delivered_at"]) == (
        "delivered",
        2,
        at,
    )


def test_undelivered_alerts_follow_the_budgets_webhook(ledger: Ledger) -> None:
    pending = _row(ledger.con, webhook_url="https://old/x", delivery_status="pending")
    delivered = _row(
        ledger.con, kind="forecast", webhook_url="https://old/x", delivery_status="delivered"
    )
    alerts.insert(ledger.con, pending)
    alerts.insert(ledger.con, delivered)
    alerts.follow_webhook(ledger.con, "b", "https://new/x")
    urls = {r["alert_id"]: r["webhook_url"] for r in alerts.select(ledger.con)}
    assert urls == {pending["alert_id"]: "https://new/x", delivered["alert_id"]: "https://old/x"}
