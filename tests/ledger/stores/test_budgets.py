"""The budgets store: rows in and out by name, as the table holds them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from infracast.ledger.connection import Ledger
from infracast.ledger.stores import budgets

NOW = datetime(2026, 1, 1, 12)


def _row(name: str, amount: str = "100") -> dict[str, Any]:
    return {
        "name": name,
        "amount": Decimal(amount),
        "currency": "USD",
        "period": "month",
        "starts": date(2026, 1, 1),
        "ends": None,
        "filters": ["team=research"],
        "metric": "effective_cost",
        "actual_thresholds": [0.5, 1.0],
        "forecast_thresholds": [1.0],
        "webhook_url": None,
    }


def test_an_inserted_row_is_found_as_written(ledger: Ledger) -> None:
    budgets.insert(ledger.con, _row("b"), NOW)
    assert budgets.find(ledger.con, "b") == _row("b")
    assert budgets.find(ledger.con, "a") is None


def test_rows_and_names_come_by_name(ledger: Ledger) -> None:
    for name in ("c", "a", "b"):
        budgets.insert(ledger.con, _row(name), NOW)
    assert [r["name"] for r in budgets.rows(ledger.con)] == ["a", "b", "c"]
    assert budgets.names(ledger.con) == ["a", "b", "c"]


def test_update_overwrites_every_column_and_the_update_time(ledger: Ledger) -> None:
    budgets.insert(ledger.con, _row("b"), NOW)
    later = datetime(2026, 2, 1)
    budgets.update(ledger.con, _row("b", amount="250.5"), later)
    assert budgets.find(ledger.con, "b") == _row("b", amount="250.5")
    stamps = ledger.con.execute("SELECT created_at, updated_at FROM budgets").fetchone()
    assert stamps == (NOW, later)


def test_delete_removes_only_the_named_budget(ledger: Ledger) -> None:
    budgets.insert(ledger.con, _row("a"), NOW)
    budgets.insert(ledger.con, _row("b"), NOW)
    budgets.delete(ledger.con, "a")
    assert budgets.names(ledger.con) == ["b"]
