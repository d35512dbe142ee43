"""Budgets in the ledger: stored, read back, listed and removed, whatever a stored row holds."""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.control.budgets.spec import Budget, BudgetFields
from infracast.control.budgets.stored import (
    InvalidBudget,
    get_budget,
    list_budgets,
    load_budget_file,
    remove_budget,
    set_budget,
    set_budgets,
    store_budget,
    stored_budget,
)
from infracast.errors import ControlError, NotFoundError
from infracast.ledger.connection import Ledger
from tests.control.budgets.fixtures import research_budget

D = Decimal


def test_a_budget_round_trips_through_the_ledger(ledger: Ledger) -> None:
    budget = research_budget(
        actual_thresholds=[D("12.5"), 50, 80],
        forecast_thresholds=[90, 100],
        end="2027-01",
        webhook="https://hooks.example.com/x",
        metric="billed",
    )
    assert store_budget(ledger, budget) == "created"
    assert get_budget(ledger, "research-compute") == budget
    assert list_budgets(ledger) == [budget]


def test_setting_again_updates_or_leaves_unchanged(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    assert store_budget(ledger, research_budget()) == "unchanged"
    assert store_budget(ledger, research_budget(amount=D(3500))) == "updated"
    assert get_budget(ledger, "research-compute").amount == D(3500)


def test_set_budgets_is_one_transaction(ledger: Ledger) -> None:
    actions = set_budgets(ledger, [research_budget(), research_budget(name="all", filters=[])])
    assert actions == [("research-compute", "created"), ("all", "created")]
    assert [b.name for b in list_budgets(ledger)] == ["all", "research-compute"]


def test_remove_returns_the_budget_and_unknown_names_suggest(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    assert remove_budget(ledger, "research-compute").name == "research-compute"
    assert list_budgets(ledger) == []
    store_budget(ledger, research_budget())
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
    store_budget(ledger, research_budget(amount=written))
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
    store_budget(ledger, research_budget())
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
    assert store_budget(with_bad_rows, research_budget(name="zero", amount="1e6")) == "updated"
    assert get_budget(with_bad_rows, "zero").amount == D(1_000_000)


def test_a_stored_budget_is_read_the_same_whether_valid_or_not(with_bad_rows: Ledger) -> None:
    assert stored_budget(with_bad_rows, "research-compute") == research_budget()
    assert isinstance(stored_budget(with_bad_rows, "zero"), InvalidBudget)
    with pytest.raises(ControlError, match=r'no budget called "zer"\. Did you mean "zero"\?'):
        stored_budget(with_bad_rows, "zer")


# --- set_budget: the fields given, merged into the stored budget (budget set) -------------


def test_a_new_budget_needs_amount_currency_and_start(ledger: Ledger) -> None:
    with pytest.raises(ControlError, match=r'budget "new" is new and needs --currency, --start\.'):
        set_budget(ledger, "new", amount="100")
    assert list_budgets(ledger) == []


def test_a_new_budget_takes_the_defaults_for_the_rest(ledger: Ledger) -> None:
    change = set_budget(ledger, "new", amount="5e4", currency="usd", start="2026-01")
    assert change.action == "created"
    assert change.budget == research_budget(name="new", amount=D(50_000), filters=[])
    assert change.budget.period == "month" and change.budget.actual_thresholds == (50, 80, 100)


def test_changing_one_field_keeps_the_others(ledger: Ledger) -> None:
    store_budget(ledger, research_budget(webhook="https://hooks.example.com/x"))
    change = set_budget(ledger, "research-compute", amount="3500", actual_thresholds="80,100")
    assert change.action == "updated"
    assert change.budget == research_budget(
        amount=D(3500), actual_thresholds=[80, 100], webhook="https://hooks.example.com/x"
    )
    assert get_budget(ledger, "research-compute") == change.budget


def test_setting_the_stored_values_again_changes_nothing(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    assert set_budget(ledger, "research-compute", amount="3000").action == "unchanged"


def test_an_empty_webhook_removes_it(ledger: Ledger) -> None:
    store_budget(ledger, research_budget(webhook="https://hooks.example.com/x"))
    assert set_budget(ledger, "research-compute", webhook="").budget.webhook is None


def test_an_invalid_stored_budget_is_mended_by_the_field_it_lacks(with_bad_rows: Ledger) -> None:
    change = set_budget(with_bad_rows, "zero", amount="1e6")
    assert change.action == "updated" and get_budget(with_bad_rows, "zero").amount == D(10**6)


def test_a_merge_that_breaks_a_rule_is_refused_and_nothing_stored(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    with pytest.raises(ControlError, match="a project budget needs an end"):
        set_budget(ledger, "research-compute", period="project")
    assert get_budget(ledger, "research-compute") == research_budget()


def test_the_change_serializes_as_budget_set_prints_it(ledger: Ledger) -> None:
    change = set_budget(ledger, "new", amount="100", currency="EUR", start="2026-02-01")
    assert change.to_dict() == {
        "action": "created",
        "name": "new",
        "amount": D(100),
        "currency": "EUR",
        "period": "month",
        "start": date(2026, 2, 1),
        "end": None,
        "filters": [],
        "metric": "effective_cost",
        "actual_thresholds": [50, 80, 100],
        "forecast_thresholds": [100],
        "webhook": None,
    }


def test_a_budget_file_is_loaded_and_each_change_summarized(ledger: Ledger, tmp_path: Path) -> None:
    store_budget(ledger, research_budget())
    path = tmp_path / "budgets.yaml"
    path.write_text(
        "budgets:\n"
        "  - {name: research-compute, amount: 3000, currency: USD, start: 2026-01,\n"
        "     filters: [team=research, cost_category=compute]}\n"
        "  - {name: all, amount: 1e4, currency: USD, period: quarter, start: 2026-01}\n",
        encoding="utf-8",
    )
    assert [c.summary() for c in load_budget_file(ledger, path)] == [
        {
            "name": "research-compute",
            "action": "unchanged",
            "period": "month",
            "amount": D(3000),
            "currency": "USD",
        },
        {
            "name": "all",
            "action": "created",
            "period": "quarter",
            "amount": D(10_000),
            "currency": "USD",
        },
    ]


def test_an_unknown_budget_is_not_found_with_the_listing_command(ledger: Ledger) -> None:
    store_budget(ledger, research_budget())
    with pytest.raises(NotFoundError) as caught:
        stored_budget(ledger, "research")
    assert caught.value.http_status == 404 and isinstance(caught.value, ControlError)
    assert 'Did you mean "research-compute"' in caught.value.message
    assert caught.value.hint is not None and "infracast budget list" in caught.value.hint


def test_the_fields_model_names_set_budgets_parameters() -> None:
    parameters = set(inspect.signature(set_budget).parameters) - {"ledger", "name"}
    assert set(BudgetFields.model_fields) == parameters
    assert all(field.description for field in BudgetFields.model_fields.values())
