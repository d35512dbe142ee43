"""Re-budgeting: moves from under-spends to overruns that keep each group's total."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infracast.control.projects.rebudget import (
    ScopeForecast,
    plan_moves,
    rebudget_suggestions,
    suggest,
)
from infracast.control.projects.tracking import add_project, record_progress
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.projects.fixtures import AS_OF, add_atlas

D = Decimal


def _scope(name: str, budget: int, eac: int | None, currency: str = "USD") -> ScopeForecast:
    return ScopeForecast(name, "project", currency, D(budget), None if eac is None else D(eac))


def test_largest_overrun_is_served_by_the_largest_under_spends_first() -> None:
    # needs: a 300 (1,300 − 1,000), b 100; surpluses: c 250, d 200, e 0 (on budget)
    # a takes 250 from c, then 50 from d; b takes 100 from d (d keeps 50)
    moves, shortfalls = plan_moves(
        [_scope("a", 1000, 1300), _scope("b", 500, 600), _scope("c", 1000, 750),
         _scope("d", 800, 600), _scope("e", 100, 100)]
    )  # fmt: skip
    assert [(m.source, m.target, m.amount) for m in moves] == [
        ("c", "a", D(250)),
        ("d", "a", D(50)),
        ("d", "b", D(100)),
    ]
    assert shortfalls == []


def test_not_enough_under_spend_is_reported_as_a_shortfall() -> None:
    # a needs 500, c can give 200: 300 uncovered
    moves, shortfalls = plan_moves([_scope("a", 1000, 1500), _scope("c", 1000, 800)])
    assert [(m.source, m.target, m.amount) for m in moves] == [("c", "a", D(200))]
    (short,) = shortfalls
    assert (short.need, short.covered, short.uncovered) == (D(500), D(200), D(300))
    assert "300.00 USD is not covered" in short.message


def test_scopes_without_an_eac_neither_give_nor_take() -> None:
    result = suggest([[_scope("a", 1000, 1200), _scope("new", 5000, None)]], AS_OF)
    assert result.moves == ()
    assert result.shortfalls[0].uncovered == D(200)
    assert any("new" in n and "No EAC yet" in n for n in result.notes)


def test_a_group_in_two_currencies_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="one currency"):
        plan_moves([_scope("a", 1, 2), _scope("b", 2, 1, "EUR")])


scopes_strategy = st.lists(
    st.tuples(st.integers(0, 10**7), st.one_of(st.none(), st.integers(0, 2 * 10**7))),
    min_size=1,
    max_size=8,
)


@given(scopes_strategy)
def test_moves_keep_the_total_and_respect_needs_and_surpluses(
    pairs: list[tuple[int, int | None]],
) -> None:
    scopes = [
        ScopeForecast(f"s{i}", "project", "USD", D(b) / 100, None if e is None else D(e) / 100)
        for i, (b, e) in enumerate(pairs)
    ]
    result = suggest([scopes], AS_OF)
    before = sum(s.budget for s in result.scopes)
    assert sum(s.suggested_budget for s in result.scopes) == before
    given_by: dict[str, Decimal] = defaultdict(Decimal)
    taken_by: dict[str, Decimal] = defaultdict(Decimal)
    for move in result.moves:
        assert move.amount > 0 and move.source != move.target
        given_by[move.source] += move.amount
        taken_by[move.target] += move.amount
    for s in scopes:
        assert given_by[s.scope] <= s.surplus and taken_by[s.scope] <= s.need
    total_need = sum(s.need for s in scopes)
    total_surplus = sum(s.surplus for s in scopes)
    assert (result.shortfalls == ()) == (total_need <= total_surplus)


def test_suggestions_over_the_ledger_move_between_projects_of_one_currency(
    ledger: Ledger,
) -> None:
    # atlas (project_fixtures): BAC 10,000, EAC 10,227.27 → needs 227.27
    # borealis: BAC 5,000, one task 50 % done (EV 2,500), AC 1,000 → EAC = 5,000 × 1,000 /
    # 2,500 = 2,000 → can give 3,000
    add_atlas(ledger)
    add_project(
        ledger,
        {"project": "borealis", "currency": "USD", "tasks": [
            {"task": "all", "planned_cost": 5000, "planned_start": "2026-01-01",
             "planned_end": "2026-02-01"}]},
    )  # fmt: skip
    record_progress(ledger, "borealis", "all", 50, as_of="2026-01-20")
    add_charges(
        ledger, [{"x_project": "borealis", "ChargePeriodStart": "2026-01-10T00:00", "cost": 1000}]
    )
    result = rebudget_suggestions(ledger, AS_OF)
    assert [(m.level, m.source, m.target, m.amount) for m in result.moves] == [
        ("project", "borealis", "atlas", D("227.27"))
    ]
    rows = {s.scope: s for s in result.scopes}
    assert rows["atlas"].suggested_budget == D("10227.27")
    assert rows["borealis"].suggested_budget == D("4772.73")  # 5,000 − 227.27
    # atlas/data has its own AC (1,500 against 2,000 planned) but no other task to give to
    assert rows["atlas/data"].eac == D(1500) and rows["atlas/data"].level == "task"
    assert result.shortfalls == ()
