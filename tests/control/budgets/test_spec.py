"""Budget definitions: validation with errors that name the budget and the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.control.budgets.spec import Budget, load_budgets, validate_budget, validate_budgets
from infracast.errors import ControlError, InputFileError

D = Decimal
GOOD: dict[str, Any] = {
    "name": "research-compute",
    "amount": 50000,
    "currency": "usd",
    "start": "2026-01",
}

YAML = """\
budgets:
  - name: research-compute
    amount: 50000
    currency: USD
    period: month
    start: 2026-01
    end: 2027-01
    filters: [team=research, cost_category=compute]
    actual_thresholds: [50, 80, 100]
    forecast_thresholds: [100]
    webhook: https://hooks.example.com/infracast
  - name: atlas-life
    amount: 1200000
    currency: EUR
    period: project
    start: 2026-01-15
    end: 2026-09-15
    filters: project=atlas-13b
    metric: billed
"""


def _problem(data: Any) -> str:
    with pytest.raises(ControlError) as caught:
        validate_budgets(data, source="budgets.yaml")
    return caught.value.message


def test_defaults_and_normalization() -> None:
    budget = validate_budget(GOOD)
    assert budget.currency == "USD"
    assert budget.period == "month"
    assert budget.start == date(2026, 1, 1)
    assert budget.metric == "effective_cost"
    assert budget.actual_thresholds == (D(50), D(80), D(100))
    assert budget.forecast_thresholds == (D(100),)


def test_thresholds_from_a_comma_list_are_sorted_without_repeats() -> None:
    budget = validate_budget({**GOOD, "actual_thresholds": "100, 50%,80,50"})
    assert budget.actual_thresholds == (D(50), D(80), D(100))


def test_filters_are_parsed_and_written_canonically() -> None:
    budget = validate_budget({**GOOD, "filters": [" team = research ", "provider!=AWS,GCP"]})
    assert budget.filters == ("team=research", "provider!=AWS,GCP")


def test_load_a_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "budgets.yaml"
    path.write_text(YAML, encoding="utf-8")
    first, second = load_budgets(path)
    assert first.name == "research-compute" and first.end == date(2027, 1, 1)
    assert first.webhook == "https://hooks.example.com/infracast"
    assert second.period == "project" and second.filters == ("project=atlas-13b",)
    assert second.metric == "billed_cost" and second.currency == "EUR"


def test_an_unknown_filter_dimension_suggests_one() -> None:
    message = _problem({"budgets": [{**GOOD, "filters": ["category=compute"]}]})
    assert "budget 'research-compute': filters: unknown dimension" in message
    assert 'Did you mean "cost_category"?' in message


def test_a_misspelt_field_names_the_budget_and_suggests() -> None:
    data = {k: v for k, v in GOOD.items() if k != "amount"} | {"amout": 5}
    message = _problem([data])
    assert message == (
        "budgets.yaml has 1 problem: budget 'research-compute': unknown field 'amout'. "
        'Did you mean "amount"?'
    )  # the misspelt field is the one problem: amount is not also reported missing


def test_every_problem_of_every_budget_at_once() -> None:
    message = _problem(
        [
            {**GOOD, "period": "monthly"},
            {**GOOD, "name": "b", "start": "2026-01-15"},
            {"amount": -1, "currency": "USDX", "start": "2026-01"},
        ]
    )
    assert message.startswith("budgets.yaml has 5 problems: ")
    assert "budget 'research-compute': period 'monthly' is not one of" in message
    assert 'Did you mean "month"?' in message
    assert "budget #3: currency 'USDX' is not an ISO 4217 code" in message
    assert "budget 'b': a monthly budget starts on the first of a month" in message
    assert "budget #3: name is required" in message
    assert "budget #3: amount -1 is negative; it must be more than 0" in message


def test_a_project_budget_needs_an_end() -> None:
    message = _problem([{**GOOD, "period": "project"}])
    assert "a project budget needs an end" in message


def test_repeated_names_are_refused() -> None:
    assert "budget 'research-compute' is defined more than once" in _problem([GOOD, GOOD])


def test_thresholds_must_be_percentages() -> None:
    message = _problem([{**GOOD, "actual_thresholds": [0, 50]}])
    assert "threshold 0 is not a percentage" in message


def test_webhook_must_be_http() -> None:
    message = _problem([{**GOOD, "webhook": "ftp://example.com/hook"}])
    assert "webhook: webhook 'ftp://example.com/hook' is not an http(s) URL" in message


def test_unknown_top_level_keys_are_refused() -> None:
    assert "unknown top-level key 'budget'" in _problem({"budgets": [GOOD], "budget": []})


def test_an_empty_file_holds_no_budgets(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ControlError, match="holds no budgets"):
        load_budgets(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"the budgets file: no such file .*nope\.yaml"):
        load_budgets(tmp_path / "nope.yaml")


def test_a_budget_is_immutable() -> None:
    budget = Budget.model_validate(GOOD)
    with pytest.raises(Exception, match="frozen"):
        budget.amount = D(1)  # type: ignore[misc]


def test_an_amount_in_e_notation_is_read_as_written(tmp_path: Path) -> None:
    file = tmp_path / "budgets.yaml"
    file.write_text(
        "budgets:\n  - {name: a, amount: 1.5e3, currency: USD, start: 2026-01}\n"
        "  - {name: b, amount: '1,000,000', currency: USD, start: 2026-01}\n"
        "  - {name: c, amount: 0100, currency: USD, start: 2026-01}\n",
        encoding="utf-8",
    )
    assert [b.amount for b in load_budgets(file)] == [D(1500), D(1_000_000), D(100)]


@pytest.mark.parametrize("amount", ["1e19", "1e20", "1e400", "123456789012345678901234567890"])
def test_an_amount_beyond_the_ledger_is_one_sentence(amount: str) -> None:
    message = _problem([{**GOOD, "amount": amount}])
    assert f"amount {amount} is beyond what the ledger stores" in message


@pytest.mark.parametrize("amount", ["1.000.000", "$5", "5 USD", "nan", ""])
def test_an_amount_in_another_form_lists_the_accepted_ones(amount: str) -> None:
    message = _problem([{**GOOD, "amount": amount}])
    assert "write it as 1000000, 1e6, 1_000_000 or 1,000,000" in message
