"""Plans in the ledger: save, list, show, finish, remove."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from infracast import estimate
from infracast.control.plans.lines import Plan, PlanLine
from infracast.control.plans.stored import (
    finish_plan,
    list_plans,
    remove_plan,
    save_budget,
    save_estimate,
    show_plan,
    store_plan,
)
from infracast.errors import ControlError
from infracast.ledger.connection import Ledger
from tests.control.plans.fixtures import SMALL_SPEC, inference_json, small_training


def test_a_saved_estimate_reads_back_as_it_was_planned(ledger: Ledger) -> None:
    saved = save_estimate(ledger, "atlas", small_training(), project="atlas", start="2026-01-29")
    again = show_plan(ledger, "atlas")
    assert again == saved
    # 2000.00 over 125 h from Jan 29: 72 h → 1152.00 in January, 53 h → 848.00 in February
    assert [(ln.month, ln.amount) for ln in again.lines] == [
        (date(2026, 1, 1), Decimal("1152.00")),
        (date(2026, 2, 1), Decimal("848.00")),
    ]
    assert again.lines[0].price_as_of == date(2026, 5, 20)
    assert again.features["params"] == 7.8e9
    assert again.spec is not None and again.spec["wallclock_hours"] == 125.0
    assert again.assumptions and "pro rata" in again.assumptions[0]
    assert (again.status, again.finished_at) == ("active", None)
    stored = ledger.con.execute("SELECT total, starts FROM plans").fetchone()
    assert stored == (Decimal("2000.000000000000"), date(2026, 1, 1))


def test_a_saved_budget_keeps_its_phases(ledger: Ledger) -> None:
    plan = save_budget(ledger, "tiny", estimate.budget(SMALL_SPEC), project="tiny")
    assert {ln.phase for ln in plan.lines} == {"train"}
    # 2 months × (165.00 compute + 11,000.00 people)
    assert plan.total == Decimal("22330.00")


def test_a_name_is_saved_once_unless_replaced(ledger: Ledger) -> None:
    save_estimate(ledger, "atlas", small_training(), project="atlas", start="2026-01")
    with pytest.raises(ControlError, match="already exists") as caught:
        save_estimate(ledger, "atlas", small_training(), project="atlas", start="2026-01")
    assert caught.value.hint is not None and "--replace" in caught.value.hint
    replaced = save_estimate(
        ledger,
        "atlas",
        inference_json("10.00"),
        project="chat",
        start="2026-05",
        months=2,
        replace=True,
    )
    assert (replaced.project, replaced.total, len(replaced.lines)) == ("chat", Decimal("20.00"), 2)
    assert ledger.con.execute("SELECT count(*) FROM plan_lines").fetchone() == (2,)


def test_list_filters_by_project_and_status(ledger: Ledger) -> None:
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01")
    save_estimate(ledger, "b", inference_json("5"), project="chat", start="2026-01", months=1)
    finish_plan(ledger, "a", at=datetime(2026, 3, 1))
    assert [p.name for p in list_plans(ledger)] == ["a", "b"]
    assert [p.name for p in list_plans(ledger, project="chat")] == ["b"]
    assert [p.name for p in list_plans(ledger, status="finished")] == ["a"]
    with pytest.raises(ControlError, match="unknown plan status"):
        list_plans(ledger, status="done")


def test_finish_marks_the_plan_once(ledger: Ledger) -> None:
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01")
    done = finish_plan(ledger, "a", at=datetime(2026, 3, 1, 12))
    assert (done.status, done.finished_at) == ("finished", datetime(2026, 3, 1, 12))
    again = finish_plan(ledger, "a", at=datetime(2026, 4, 1))
    assert again.finished_at == datetime(2026, 3, 1, 12)


def test_remove_deletes_the_plan_and_its_lines(ledger: Ledger) -> None:
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01-29")
    removed = remove_plan(ledger, "a")
    assert len(removed.lines) == 2
    assert ledger.con.execute("SELECT count(*) FROM plan_lines").fetchone() == (0,)
    assert list_plans(ledger) == []


def test_an_unknown_name_suggests_the_closest(ledger: Ledger) -> None:
    save_estimate(ledger, "atlas-7b", small_training(), project="atlas", start="2026-01")
    with pytest.raises(ControlError, match='Did you mean "atlas-7b"') as caught:
        show_plan(ledger, "atlas-7")
    assert caught.value.hint == "List the plans with: infracast plan list"
    with pytest.raises(ControlError, match="no plan named"):
        finish_plan(ledger, "nope")


def test_a_plan_needs_a_name_and_a_project(ledger: Ledger) -> None:
    with pytest.raises(ControlError, match="needs a name"):
        save_estimate(ledger, " ", small_training(), project="atlas", start="2026-01")
    with pytest.raises(ControlError, match="project"):
        save_estimate(ledger, "a", small_training(), project="", start="2026-01")


# --- issue 10: amounts reach the ledger as written; any stored row is listed and removed ----


def test_a_plan_made_in_python_stores_an_amount_in_e_notation_as_written(ledger: Ledger) -> None:
    line = PlanLine(date(2026, 1, 1), "atlas", "compute", Decimal("1E+6"), "USD")
    plan = Plan("big", "atlas", "training", "USD", date(2026, 1, 1), (line,))
    saved = store_plan(ledger, plan)
    assert saved.total == Decimal(1_000_000) and saved.lines[0].amount == Decimal(1_000_000)


@pytest.mark.parametrize("amount", [Decimal("1e400"), Decimal("NaN"), Decimal("1e18")])
def test_a_plan_amount_the_ledger_cannot_hold_is_one_sentence(
    ledger: Ledger, amount: Decimal
) -> None:
    line = PlanLine(date(2026, 1, 1), "atlas", "compute", amount, "USD")
    plan = Plan("big", "atlas", "training", "USD", date(2026, 1, 1), (line,))
    with pytest.raises(ControlError, match="plan 'big', line 2026-01 compute: amount"):
        store_plan(ledger, plan)
    assert list_plans(ledger) == []


def test_stored_plans_are_listed_shown_and_removed_whatever_they_hold(ledger: Ledger) -> None:
    ledger.con.execute(
        "INSERT INTO plans (plan, project, source, currency, total, starts, status, created_at) "
        "VALUES ('odd', 'atlas', 'nonsense', 'US$', -5, DATE '2026-01-01', 'weird', now())"
    )
    ledger.con.execute(
        "INSERT INTO plan_lines (plan, month, project, cost_category, amount, currency) "
        "VALUES ('odd', DATE '2026-01-01', 'atlas', 'compute', -5, 'US$')"
    )
    [odd] = list_plans(ledger)
    assert (odd.name, odd.status, odd.total) == ("odd", "weird", Decimal(-5))
    assert show_plan(ledger, "odd") == odd
    assert remove_plan(ledger, "odd") == odd
    assert list_plans(ledger) == []
