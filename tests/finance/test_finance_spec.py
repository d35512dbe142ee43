"""Finance spec: revenue and cost streams over a project's periods."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.errors import FinanceError
from infracast.finance import cashflows, spec_cashflows
from infracast.finance.finance_spec import validate_finance_spec


def test_streams_with_growth_fill_their_periods() -> None:
    over = cashflows([{"period": "2026-01", "cost": 1}, {"period": "2026-04", "cost": 1}])
    spec = {
        "currency": "USD",
        "revenue": [
            {"name": "api", "amount": 100, "start": "2026-02", "periods": 2, "growth_pct": 10},
            {"name": "saved hours", "amount": 5, "kind": "indirect"},
        ],
        "costs": [{"name": "overhead", "amount": 1, "kind": "indirect", "start": "2026-04"}],
    }
    flows = spec_cashflows(spec, over=over)
    assert flows.periods == ["2026-01", "2026-02", "2026-03", "2026-04"]
    # api: 100 in Feb, 100 × 1.1 = 110 in Mar; saved hours 5 every month of the costs
    assert flows.column("revenue_direct") == [0, 100, Decimal("110.00"), 0]
    assert flows.column("revenue_indirect") == [5, 5, 5, 5]
    assert flows.column("cost_indirect") == [0, 0, 0, 1]
    assert flows.currency == "USD"


def test_a_spec_alone_needs_start_and_periods() -> None:
    flows = spec_cashflows({"start": 2026, "periods": 3, "revenue": [{"name": "r", "amount": 7}]})
    assert flows.periods == ["2026", "2027", "2028"] and flows.total_revenue == 21
    with pytest.raises(FinanceError, match="no periods to lay its streams over"):
        spec_cashflows({"revenue": [{"name": "r", "amount": 7}]})


def test_a_stream_may_run_past_the_costs() -> None:
    over = cashflows([{"period": 0, "cost": 10}])
    flows = spec_cashflows(
        {"revenue": [{"name": "r", "amount": 4, "start": 1, "periods": 2}]}, over=over
    )
    assert flows.column("revenue") == [0, 4, 4]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"revenue": [{"name": "r", "amount": -1}]}, r"revenue\.0\.amount"),
        ({"revenue": [{"name": "r", "amount": 1, "kind": "both"}]}, r"revenue\.0\.kind"),
        ({"revenu": []}, "revenu"),
        ({"revenue": [{"name": "r", "amount": 1, "start": "2026"}]}, "is a year but the periods"),
        ({"revenue": [{"name": "r", "amount": 1, "start": "2027-01"}]}, "after the last period"),
    ],
)
def test_bad_specs_say_where(spec: dict[str, object], message: str) -> None:
    over = cashflows([{"period": "2026-01", "cost": 1}])
    with pytest.raises(FinanceError, match=message):
        spec_cashflows(spec, over=over)


def test_a_typoed_key_names_where_it_is_and_the_closest_key() -> None:
    spec = {"currency": "USD", "revenue": [{"name": "API", "amount": 5, "growth": 2}]}
    with pytest.raises(FinanceError) as err:
        validate_finance_spec(spec)
    message = str(err.value)
    assert "revenue.0 (stream 'API'): unknown key 'growth'. Did you mean \"growth_pct\"?" in message
    assert "Extra inputs" not in message


def test_a_key_unlike_any_lists_the_keys_of_its_place() -> None:
    with pytest.raises(FinanceError) as err:
        validate_finance_spec({"xyzzy": 1})
    assert "unknown key 'xyzzy' (the keys here are currency, start, periods, revenue, costs)" in (
        str(err.value)
    )


def test_every_problem_of_a_spec_is_reported_at_once() -> None:
    spec = {
        "currenncy": "USD",
        "revenue": [{"name": "API", "amout": 5}],
        "costs": [{"name": "ops", "amount": -1}],
    }
    with pytest.raises(FinanceError) as err:
        validate_finance_spec(spec)
    message = str(err.value)
    assert message.startswith("the finance spec has 4 problems: ")
    assert "unknown key 'currenncy'. Did you mean \"currency\"?" in message
    assert "revenue.0 (stream 'API'): unknown key 'amout'. Did you mean \"amount\"?" in message
    assert "revenue.0.amount (stream 'API'): is required" in message
    assert "costs.0.amount (stream 'ops'): amount -1 is negative; it must be 0 or more" in message
