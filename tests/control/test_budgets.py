"""Budgets in the ledger: stored, read back, listed and removed, whatever a stored row holds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.control.budget_spec import Budget
from infracast.control.budgets import (
    InvalidBudget,
    get_budget,
    list_budgets,
    remove_budget,
    set_budget,
    set_budgets,
    stored_budget,
)
from infracast.errors import ControlError
from infracast.ledger.connection import Ledger
from tests.control.budget_fixtures import research_budget

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


# --- issue 10, item 3: an amount in E-notation is the amount written ---------------------


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1e6", D(1_000_000)),
        ("2.5e6", D(2_500_000)),
        ("1e17", D(10) ** 17),
        ("1,000,000", D(10**6)),
    ],
)
def test_an_amount_in_e_notation_is_stored_as_written(
    ledger: Ledger, written: str, amount: Decimal
) -> None:
    set_budget(ledger, research_budget(amount=written))
    assert get_budget(ledger, "research-compute").amount == amount
    stored = ledger.con.execute("SELECT amount FROM budgets").fetchone()
    assert stored is not None and stored[0] == amount  # not 1, 25 or 0.1 (the digits alone)


# --- issue 10, item 4: any stored row can be read, reported and removed -------------------


def _store_by_hand(ledger: Ledger, name: str, amount: str, currency: str = "USD") -> None:
    """A row as an older version (or a hand-written SQL) left it, past the model's checks."""
    ledger.con.execute(
        "INSERT INTO budgets VALUES (?, CAST(? AS DECIMAL(38, 12)), ?, 'month', DATE '2026-01-01', "
        "NULL, [], 'effective_cost', [0.5, 0.8, 1.0], [1.0], NULL, now(), now())",
        [name, amount, currency],
    )


@pytest.fixture
def with_bad_rows(ledger: Ledger) -> Ledger:
    """research-compute (valid) and rows of amount 0, −5 and 1e-12, and a bad currency."""
    set_budget(ledger, research_budget())
    _store_by_hand(ledger, "zero", "0")
    _store_by_hand(ledger, "negative", "-5")
    _store_by_hand(ledger, "tiny", "0.000000000001")
    _store_by_hand(ledger, "odd-currency", "100", currency="US$")
    return ledger


def test_rows_that_fail_the_model_are_listed_with_their_problem(with_bad_rows: Ledger) -> None:
    listed = {b.name: b for b in list_budgets(with_bad_rows)}
    assert sorted(listed) == ["negative", "odd-currency", "research-compute", "tiny", "zero"]
    zero, negative, odd = listed["zero"], listed["negative"], listed["odd-currency"]
    assert (
        isinstance(zero, InvalidBudget)
        and zero.problem == "amount 0 is zero; it must be more than 0."
    )
    assert isinstance(negative, InvalidBudget)
    assert negative.problem == "amount -5 is negative; it must be more than 0."
    assert isinstance(odd, InvalidBudget) and "currency 'US$'" in odd.problem
    assert isinstance(listed["tiny"], Budget)  # 0.000000000001 > 0: small, but a budget
    assert negative.to_dict()["amount"] == D(-5) and "problem" in negative.to_dict()


def test_an_invalid_row_can_be_removed(with_bad_rows: Ledger) -> None:
    for name in ("zero", "negative", "odd-currency"):
        removed = remove_budget(with_bad_rows, name)
        assert isinstance(removed, InvalidBudget) and removed.name == name
    assert [b.name for b in list_budgets(with_bad_rows)] == ["research-compute", "tiny"]


def test_getting_an_invalid_budget_says_why_and_how_to_fix_it(with_bad_rows: Ledger) -> None:
    with pytest.raises(ControlError, match='budget "zero" in the ledger is invalid') as caught:
        get_budget(with_bad_rows, "zero")
    assert caught.value.hint is not None
    assert "infracast budget set zero" in caught.value.hint
    assert "infracast budget remove zero" in caught.value.hint


def test_setting_a_valid_budget_over_an_invalid_row_mends_it(with_bad_rows: Ledger) -> None:
    assert set_budget(with_bad_rows, research_budget(name="zero", amount="1e6")) == "updated"
    assert get_budget(with_bad_rows, "zero").amount == D(1_000_000)


def test_a_stored_budget_is_read_the_same_whether_valid_or_not(with_bad_rows: Ledger) -> None:
    assert stored_budget(with_bad_rows, "research-compute") == research_budget()
    assert isinstance(stored_budget(with_bad_rows, "zero"), InvalidBudget)
    with pytest.raises(ControlError, match=r'no budget called "zer"\. Did you mean "zero"\?'):
        stored_budget(with_bad_rows, "zer")
