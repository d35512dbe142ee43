"""The projects store: a project, its tasks and the progress recorded on them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from infracast.ledger.connection import Ledger
from infracast.ledger.stores import projects

NOW = datetime(2026, 1, 1)


def _task(name: str, start: int, filters: list[str] | None = None) -> dict[str, Any]:
    return {
        "task": name,
        "planned_cost": Decimal("1000"),
        "planned_start": date(2026, 1, start),
        "planned_end": date(2026, 2, 1),
        "filters": filters,
    }


def _progress(task: str, day: int, percent: float, note: str | None = None) -> dict[str, Any]:
    return {
        "task": task,
        "as_of": date(2026, 1, day),
        "percent_complete": percent,
        "estimate_to_complete": None,
        "note": note,
    }


def _add(ledger: Ledger, project: str = "atlas") -> None:
    projects.put(ledger.con, project, name="Atlas", budget=None, currency="USD", now=NOW)
    projects.replace_tasks(
        ledger.con, project, [_task("train", 5), _task("data", 1, ["cost_category=storage"])]
    )


def test_put_adds_then_updates_a_project(ledger: Ledger) -> None:
    assert projects.put(ledger.con, "atlas", name=None, budget=None, currency="USD", now=NOW)
    assert not projects.put(
        ledger.con, "atlas", name="Atlas", budget=Decimal(5), currency="EUR", now=NOW
    )
    assert projects.find(ledger.con, "atlas") == {
        "name": "Atlas",
        "budget": Decimal(5),
        "currency": "EUR",
    }
    assert projects.find(ledger.con, "other") is None
    assert projects.ids(ledger.con) == ["atlas"]


def test_tasks_come_by_planned_start_and_replace_the_old_ones(ledger: Ledger) -> None:
    _add(ledger)
    assert [t["task"] for t in projects.tasks(ledger.con, "atlas")] == ["data", "train"]
    assert projects.tasks(ledger.con, "atlas")[0] == _task("data", 1, ["cost_category=storage"])
    projects.replace_tasks(ledger.con, "atlas", [_task("eval", 9)])
    assert projects.task_names(ledger.con, "atlas") == {"eval"}


def test_progress_of_the_same_task_and_day_is_replaced(ledger: Ledger) -> None:
    _add(ledger)
    assert not projects.put_progress(ledger.con, "atlas", _progress("train", 10, 30.0), NOW)
    assert projects.put_progress(ledger.con, "atlas", _progress("train", 10, 35.0, "redo"), NOW)
    assert projects.progress(ledger.con, "atlas") == [_progress("train", 10, 35.0, "redo")]


def test_progress_comes_oldest_first_with_the_last_day(ledger: Ledger) -> None:
    _add(ledger)
    projects.put_progress(ledger.con, "atlas", _progress("train", 20, 50.0), NOW)
    projects.put_progress(ledger.con, "atlas", _progress("data", 3, 100.0), NOW)
    assert [p["as_of"].day for p in projects.progress(ledger.con, "atlas")] == [3, 20]
    assert projects.last_progress(ledger.con, "atlas") == date(2026, 1, 20)
    assert projects.last_progress(ledger.con, "other") is None


def test_deleting_progress_of_tasks_counts_the_updates(ledger: Ledger) -> None:
    _add(ledger)
    for day in (3, 4):
        projects.put_progress(ledger.con, "atlas", _progress("data", day, 50.0), NOW)
    projects.put_progress(ledger.con, "atlas", _progress("train", 4, 10.0), NOW)
    assert projects.delete_progress(ledger.con, "atlas", ["data"]) == 2
    assert projects.delete_progress(ledger.con, "atlas", []) == 0
    assert [p["task"] for p in projects.progress(ledger.con, "atlas")] == ["train"]


def test_delete_removes_the_project_its_tasks_and_progress(ledger: Ledger) -> None:
    _add(ledger)
    _add(ledger, "other")
    projects.put_progress(ledger.con, "atlas", _progress("train", 4, 10.0), NOW)
    projects.delete(ledger.con, "atlas")
    assert projects.ids(ledger.con) == ["other"]
    assert projects.tasks(ledger.con, "atlas") == []
    assert projects.progress(ledger.con, "atlas") == []
