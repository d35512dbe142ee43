"""A team's budgets: those whose filters keep its charges alone, and their alerts
(``team=`` of list_budgets, stored_budget, budget_status, list_alerts and budget_alerts);
the API shows a user scoped to a team these, and the commands (team None) every budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.control.budgets.alerts import budget_alerts, list_alerts, redeliver_alerts
from infracast.control.budgets.evaluation import budget_status
from infracast.control.budgets.stored import (
    InvalidBudget,
    budget_team,
    list_budgets,
    remove_budget,
    store_budget,
    stored_budget,
)
from infracast.control.exceptions import UnknownNameError
from infracast.ledger.connection import Ledger
from tests.control.budgets.fixtures import add_january, research_budget

D = Decimal


@pytest.mark.parametrize(
    ("filters", "team"),
    [
        (["team=research"], "research"),
        (["team=research", "cost_category=compute"], "research"),
        (["team=research,applied", "team!=applied"], "research"),  # research is what is left
        (["team=research,applied", "team=research"], "research"),  # the filters intersect
        ([], None),  # every team's charges
        (["cost_category=compute"], None),
        (["team=research,applied"], None),  # two teams' charges
        (["team=research,(none)"], None),  # and charges without a team
        (["team=(none)"], None),  # charges without a team are nobody's
        (["team!=applied"], None),  # every other team
        (["team=research", "team=applied"], None),  # keeps nothing
    ],
)
def test_a_budget_is_a_teams_when_its_filters_keep_that_team_alone(
    filters: list[str], team: str | None
) -> None:
    assert budget_team(research_budget(filters=filters)) == team


def test_an_invalid_budget_is_its_teams_by_its_stored_filters() -> None:
    kept = InvalidBudget("x", {"filters": ["team=research"]}, ("amount must be positive",))
    broken = InvalidBudget("y", {"filters": ["team"]}, ("filters: no value",))
    assert budget_team(kept) == "research"
    assert budget_team(broken) is None  # a filter that does not parse keeps no team alone


def _three(ledger: Ledger) -> None:
    """research's, applied's and a budget over both teams, each 1,000 USD a month."""
    store_budget(ledger, research_budget(amount=D(1000)))
    store_budget(ledger, research_budget(name="applied", amount=D(1000), filters=["team=applied"]))
    store_budget(ledger, research_budget(name="both", amount=D(1000), filters=[]))


def test_list_budgets_of_a_team_is_its_own_only(ledger: Ledger) -> None:
    _three(ledger)
    assert [b.name for b in list_budgets(ledger)] == ["applied", "both", "research-compute"]
    assert [b.name for b in list_budgets(ledger, team="research")] == ["research-compute"]
    assert [b.name for b in list_budgets(ledger, team="applied")] == ["applied"]
    assert list_budgets(ledger, team="data") == []


def test_another_teams_budget_is_not_found_as_if_it_did_not_exist(ledger: Ledger) -> None:
    _three(ledger)
    assert stored_budget(ledger, "research-compute", team="research").name == "research-compute"
    with pytest.raises(UnknownNameError) as hidden:
        stored_budget(ledger, "applied", team="research")
    with pytest.raises(UnknownNameError) as absent:
        stored_budget(ledger, "nothing", team="research")
    assert hidden.value.message == 'no budget called "applied" among team research\'s budgets.'
    assert absent.value.hint == hidden.value.hint
    # the names offered are the team's: another team's name is never suggested
    with pytest.raises(UnknownNameError) as close:
        stored_budget(ledger, "aplied", team="research")
    assert "Did you mean" not in close.value.message
    with pytest.raises(UnknownNameError, match='Did you mean "applied"'):
        stored_budget(ledger, "aplied")


def test_budget_status_of_a_team_evaluates_its_budgets_only(ledger: Ledger) -> None:
    add_january(ledger)
    _three(ledger)
    budget_status(ledger, as_of="2026-01-16", notify=False)  # raises the alerts, once
    every = budget_status(ledger, as_of="2026-01-16", notify=False)
    mine = budget_status(ledger, as_of="2026-01-16", notify=False, team="research")
    assert [s.budget for s in mine] == ["research-compute"]
    assert [s.to_dict() for s in mine] == [
        s.to_dict() for s in every if s.budget == "research-compute"
    ]
    with pytest.raises(UnknownNameError):
        budget_status(ledger, "applied", as_of="2026-01-16", notify=False, team="research")


def test_a_teams_alerts_are_those_of_its_budgets(ledger: Ledger) -> None:
    add_january(ledger)
    _three(ledger)
    # as of Jan 16: research 1,500 of 1,000; applied 900 (Jan 5); both 2,400 + others
    budget_status(ledger, as_of="2026-01-16", notify=False)
    assert {a.budget for a in list_alerts(ledger)} == {"research-compute", "applied", "both"}
    mine = list_alerts(ledger, team="research")
    assert mine and {a.budget for a in mine} == {"research-compute"}
    assert budget_alerts(ledger, team="research").alerts == tuple(mine)
    assert budget_alerts(ledger, "research-compute", team="research").alerts == tuple(mine)
    assert redeliver_alerts(ledger, team="research") == []  # no webhook: nothing to deliver
    with pytest.raises(UnknownNameError):
        budget_alerts(ledger, "applied", team="research")


def test_alerts_of_a_removed_budget_are_no_teams(ledger: Ledger) -> None:
    add_january(ledger)
    store_budget(ledger, research_budget())
    budget_status(ledger, as_of="2026-01-16", notify=False)
    remove_budget(ledger, "research-compute")
    assert len(list_alerts(ledger)) == 2  # history, for unscoped readers
    assert list_alerts(ledger, team="research") == []  # no scope left to tell the team by
    with pytest.raises(UnknownNameError):
        budget_alerts(ledger, "research-compute", team="research")
