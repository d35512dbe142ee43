"""An unknown budget, project or plan is a NotFoundError (HTTP 404) and still a ControlError."""

from __future__ import annotations

import pytest

from infracast.control.exceptions import UnknownNameError
from infracast.control.plans.compare import compare_plans
from infracast.control.plans.stored import save_estimate, show_plan
from infracast.errors import ControlError, NotFoundError
from infracast.ledger.connection import Ledger
from tests.control.plans.fixtures import small_training


def test_an_unknown_name_is_both_a_control_error_and_not_found() -> None:
    error = UnknownNameError("no plan named 'x'.", hint="List the plans with: infracast plan list")
    assert isinstance(error, ControlError) and isinstance(error, NotFoundError)
    assert isinstance(error, LookupError) and isinstance(error, ValueError)
    assert error.http_status == 404 and error.exit_code == 2
    assert error.to_dict()["error"] == "UnknownNameError"


def test_an_unknown_plan_offers_the_closest_and_the_listing(ledger: Ledger) -> None:
    save_estimate(ledger, "atlas-7b", small_training(), project="atlas", start="2026-01")
    with pytest.raises(NotFoundError) as caught:
        show_plan(ledger, "atlas-7")
    assert caught.value.message == "no plan named 'atlas-7'. Did you mean \"atlas-7b\"?"
    assert caught.value.hint == "List the plans with: infracast plan list"


def test_an_unknown_project_of_plans_offers_the_closest(ledger: Ledger) -> None:
    save_estimate(ledger, "atlas-7b", small_training(), project="atlas", start="2026-01")
    with pytest.raises(NotFoundError) as caught:
        compare_plans(ledger, project="atlsa")
    assert caught.value.message == "no plan for project 'atlsa'. Did you mean \"atlas\"?"
    assert caught.value.hint is not None and "infracast plan list" in caught.value.hint
