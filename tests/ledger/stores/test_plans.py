"""The plans store: a plan row with JSON columns, its lines, finishing and deleting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from infracast.ledger.connection import Ledger
from infracast.ledger.stores import plans


def _plan(name: str, project: str = "atlas", created: int = 1, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "plan": name,
        "project": project,
        "source": "training",
        "description": None,
        "currency": "USD",
        "total": Decimal("30.00"),
        "starts": date(2026, 1, 1),
        "features": {"params": Decimal("7.8e9"), "accelerator": "H100"},
        "spec": None,
        "assumptions": ["spread by hours"],
        "status": "active",
        "created_at": datetime(2026, 1, created),
        "finished_at": None,
    }
    return {**row, **changes}


def _line(name: str, month: int, category: str, phase: str | None = None) -> dict[str, Any]:
    return {
        "plan": name,
        "month": date(2026, month, 1),
        "project": "atlas",
        "cost_category": category,
        "phase": phase,
        "amount": Decimal("10.00"),
        "currency": "USD",
        "price_source": "a quote",
        "price_as_of": date(2026, 1, 5),
    }


def test_a_plan_reads_back_with_its_json_parsed(ledger: Ledger) -> None:
    plans.insert(ledger.con, _plan("p", spec={"start": date(2026, 1, 1)}), [])
    [row] = plans.rows(ledger.con, ["p"])
    assert row["features"] == {"params": 7.8e9, "accelerator": "H100"}  # decimals as numbers
    assert row["spec"] == {"start": "2026-01-01"}  # dates as ISO text
    assert row["assumptions"] == ["spread by hours"] and "total" not in row
    assert plans.exists(ledger.con, "p") and not plans.exists(ledger.con, "q")


def test_a_null_spec_reads_back_as_none(ledger: Ledger) -> None:
    plans.insert(ledger.con, _plan("p"), [])
    assert plans.rows(ledger.con, ["p"])[0]["spec"] is None


def test_lines_come_by_month_category_and_phase_without_phase_first(ledger: Ledger) -> None:
    written = [
        _line("p", 2, "compute"),
        _line("p", 1, "storage"),
        _line("p", 1, "compute", "train"),
        _line("p", 1, "compute"),
    ]
    plans.insert(ledger.con, _plan("p"), written)
    keys = [
        (r["month"].month, r["cost_category"], r["phase"]) for r in plans.lines(ledger.con, ["p"])
    ]
    assert keys == [
        (1, "compute", None),
        (1, "compute", "train"),
        (1, "storage", None),
        (2, "compute", None),
    ]


def test_names_filter_by_project_and_status_oldest_first(ledger: Ledger) -> None:
    plans.insert(ledger.con, _plan("b", created=1), [])
    plans.insert(ledger.con, _plan("a", created=2), [])
    plans.insert(ledger.con, _plan("c", project="other", created=3), [])
    plans.finish(ledger.con, "a", datetime(2026, 3, 1))
    assert plans.names(ledger.con) == ["b", "a", "c"]
    assert plans.names(ledger.con, project="atlas") == ["b", "a"]
    assert plans.names(ledger.con, status="finished") == ["a"]
    assert plans.sorted_names(ledger.con) == ["a", "b", "c"]


def test_finish_marks_the_plan_and_when(ledger: Ledger) -> None:
    plans.insert(ledger.con, _plan("p"), [])
    plans.finish(ledger.con, "p", datetime(2026, 3, 1))
    [row] = plans.rows(ledger.con, ["p"])
    assert (row["status"], row["finished_at"]) == ("finished", datetime(2026, 3, 1))


def test_delete_removes_the_plan_and_its_lines(ledger: Ledger) -> None:
    plans.insert(ledger.con, _plan("p"), [_line("p", 1, "compute")])
    plans.insert(ledger.con, _plan("q"), [_line("q", 1, "compute")])
    plans.delete(ledger.con, "p")
    assert plans.sorted_names(ledger.con) == ["q"]
    assert [r["plan"] for r in plans.lines(ledger.con, ["p", "q"])] == ["q"]
