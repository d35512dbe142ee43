"""Estimates and budgets as planned charges by month, project and category (pure)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from infracast import estimate
from infracast.cli.render import to_json
from infracast.control.plans.estimates import choose_option, plan_from_estimate
from infracast.control.plans.lines import (
    hours_by_month,
    plan_from_budget,
    split_by_weights,
)
from infracast.errors import ControlError
from tests.control.plans.fixtures import (
    A100_AWS,
    A100_AWS_SPOT,
    SMALL_SPEC,
    SMALL_TRAINING_FEATURES,
    inference_json,
    option,
    small_training,
    training_json,
)

REPO = Path(__file__).resolve().parents[3]
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def amounts(plan: Any, category: str | None = None) -> dict[date, Decimal]:
    out: dict[date, Decimal] = {}
    for line in plan.lines:
        if category is None or line.cost_category == category:
            out[line.month] = out.get(line.month, Decimal(0)) + line.amount
    return out


# --- money and months ---------------------------------------------------------------


def test_split_by_weights_loses_no_cent() -> None:
    # 100.00 in thirds: marks 0, 33.33, 66.67, 100.00 → 33.33, 33.34, 33.33
    assert split_by_weights(Decimal("100"), [Decimal(1)] * 3) == [
        Decimal("33.33"),
        Decimal("33.34"),
        Decimal("33.33"),
    ]
    # 2000 over 72 and 53 hours: 2000 × 72/125 = 1152.00, the rest 848.00
    assert split_by_weights(Decimal("2000"), [Decimal(72), Decimal(53)]) == [
        Decimal("1152.00"),
        Decimal("848.00"),
    ]


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40),
)
def test_split_by_weights_sums_to_the_total_and_stays_within_a_cent(
    total: Decimal, weights: list[int]
) -> None:
    parts = split_by_weights(total, [Decimal(w) for w in weights])
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part >= 0
        assert abs(part - total * weight / whole) <= Decimal("0.01")


def test_hours_by_month_splits_a_run_at_month_ends() -> None:
    # Jan 29 00:00 + 125 h: 3 days × 24 = 72 h in January, 53 h in February
    assert hours_by_month(datetime(2026, 1, 29), 125) == [(JAN, 72), (FEB, 53)]
    # Dec 31 12:00 + 36 h: 12 h in December 2025, 24 h in January 2026
    assert hours_by_month(datetime(2025, 12, 31, 12), 36) == [(date(2025, 12, 1), 12), (JAN, 24)]
    # Jan 31 + 720 h: 24 h in January, all 672 h of February, 24 h in March
    assert hours_by_month(datetime(2026, 1, 31), 720) == [(JAN, 24), (FEB, 672), (MAR, 24)]
    assert hours_by_month(datetime(2026, 3, 2), 10) == [(MAR, 10)]


# --- from an estimate -----------------------------------------------------------------


def test_training_cost_is_spread_pro_rata_by_hours_in_each_month() -> None:
    plan = plan_from_estimate(
        training_json(125, "2000.00"), name="atlas", project="atlas", start="2026-01-29"
    )
    # 72 of the 125 hours in January: 2000 × 72/125 = 1152.00; February 848.00
    assert amounts(plan) == {JAN: Decimal("1152.00"), FEB: Decimal("848.00")}
    assert plan.total == Decimal("2000.00")
    assert (plan.source, plan.currency, plan.starts) == ("training", "USD", JAN)
    for line in plan.lines:
        assert (line.project, line.cost_category) == ("atlas", "compute")
        assert line.price_as_of == date(2026, 5, 20)
        assert line.price_source is not None
        assert "hand-written test price" in line.price_source
        assert "2.0000 USD/accelerator-hour" in line.price_source


def test_a_month_start_means_its_first_day() -> None:
    # 2026-01 + 125 h ends Jan 6 05:00: all in January
    plan = plan_from_estimate(training_json(125, "2000.00"), name="p", project="p", start="2026-01")
    assert amounts(plan) == {JAN: Decimal("2000.00")}


def test_the_estimate_object_and_its_json_make_the_same_plan() -> None:
    result = small_training()
    from_object = plan_from_estimate(result, name="a", project="atlas", start="2026-01-29")
    text = to_json(result.to_json())  # what `infracast estimate training --format json` prints
    from_json = plan_from_estimate(
        json.loads(text, parse_float=Decimal), name="a", project="atlas", start="2026-01-29"
    )
    assert from_object.lines == from_json.lines
    assert from_object.features == from_json.features
    # 1000 accelerator-hours × 2.00 = 2000.00 over 125 h: 1152.00 + 848.00
    assert amounts(from_object) == {JAN: Decimal("1152.00"), FEB: Decimal("848.00")}


def test_the_features_are_the_estimates_inputs_and_the_chosen_price() -> None:
    plan = plan_from_estimate(small_training(), name="a", project="atlas", start="2026-01")
    assert plan.features == SMALL_TRAINING_FEATURES
    assert plan.spec is not None and plan.spec["flops"] == 5.616e20


def test_a_fine_tune_keeps_its_method_among_the_features() -> None:
    data = training_json(10, "500.00", method="lora", epochs=3.0, trainable_params=2.5e7)
    plan = plan_from_estimate(data, name="ft", project="ft", start="2026-02")
    assert plan.source == "finetune"
    assert (plan.features["method"], plan.features["epochs"]) == ("lora", 3.0)
    assert amounts(plan) == {FEB: Decimal("500.00")}


def test_serving_costs_its_monthly_cost_each_month() -> None:
    plan = plan_from_estimate(
        inference_json("1234.56"), name="serve", project="chat", start="2026-02", months=3
    )
    # 3 × 1234.56 = 3703.68
    assert amounts(plan) == {
        FEB: Decimal("1234.56"),
        MAR: Decimal("1234.56"),
        date(2026, 4, 1): Decimal("1234.56"),
    }
    assert plan.total == Decimal("3703.68")
    assert plan.features["months"] == 3
    assert plan.features["accelerator_hours"] == 1460.0 * 3


def test_serving_needs_the_number_of_months() -> None:
    with pytest.raises(ControlError, match="--months"):
        plan_from_estimate(inference_json("100"), name="s", project="s", start="2026-01")


def test_energy_is_planned_only_when_asked() -> None:
    data = training_json(125, "2000.00", energy="38.40")
    assert {
        line.cost_category
        for line in plan_from_estimate(data, name="a", project="a", start="2026-01-29").lines
    } == {"compute"}
    plan = plan_from_estimate(data, name="a", project="a", start="2026-01-29", energy=True)
    # 38.40 × 72/125 = 22.1184 → 22.12 in January; 16.28 in February
    assert amounts(plan, "energy") == {JAN: Decimal("22.12"), FEB: Decimal("16.28")}
    assert plan.total == Decimal("2038.40")
    serving = plan_from_estimate(
        inference_json("100", energy="9.99"),
        name="s",
        project="s",
        start="2026-01",
        months=2,
        energy=True,
    )
    assert amounts(serving, "energy") == {JAN: Decimal("9.99"), FEB: Decimal("9.99")}


def test_energy_without_a_figure_or_in_another_currency_is_refused() -> None:
    with pytest.raises(ControlError, match="no energy cost"):
        plan_from_estimate(
            training_json(10, "1"), name="a", project="a", start="2026-01", energy=True
        )
    data = training_json(10, "1", energy="5")
    data["energy_cost"]["currency"] = "EUR"
    with pytest.raises(ControlError, match="EUR"):
        plan_from_estimate(data, name="a", project="a", start="2026-01", energy=True)


def test_several_price_options_need_a_choice_and_the_error_lists_them() -> None:
    result = small_training(A100_AWS, A100_AWS_SPOT)
    with pytest.raises(ControlError) as caught:
        plan_from_estimate(result, name="a", project="a", start="2026-01")
    message = str(caught.value)
    assert "2 price options" in message
    assert "--pricing on_demand --provider AWS" in message
    assert "--pricing spot --provider AWS" in message
    spot = plan_from_estimate(result, name="a", project="a", start="2026-01", pricing="spot")
    # spot: 8.00 / 8 = 1.00 per accelerator-hour × 1000 = 1000.00
    assert spot.total == Decimal("1000.00")
    assert spot.lines[0].price_as_of == date(2026, 5, 21)


def test_no_matching_option_is_an_error_naming_what_was_asked() -> None:
    options = [option(total=Decimal(1))]
    with pytest.raises(ControlError, match="matches --provider GCP"):
        choose_option(options, provider="GCP")
    with pytest.raises(ControlError, match="no price options"):
        choose_option([])
    assert choose_option(options, provider="aws")["provider"] == "AWS"  # any case


def test_json_that_is_not_an_estimate_is_refused() -> None:
    with pytest.raises(ControlError, match="not the JSON of a training"):
        plan_from_estimate({"project": "x"}, name="a", project="a", start="2026-01")


def test_a_bad_start_says_how_to_write_it() -> None:
    with pytest.raises(ControlError, match="YYYY-MM"):
        plan_from_estimate(training_json(1, "1"), name="a", project="a", start="March")


# --- from a project budget ------------------------------------------------------------


def test_a_budget_becomes_lines_by_month_category_and_phase() -> None:
    budget = estimate.budget(SMALL_SPEC)
    plan = plan_from_budget(budget, name="tiny", project="tiny-tag")
    # compute: 100 h × 3.00 = 300.00 over 2 months = 150.00 + 10% = 165.00 a month
    # people: 1 × 10,000 = 10,000.00 + 10% = 11,000.00 a month
    got = {(ln.month, ln.cost_category, ln.phase): ln.amount for ln in plan.lines}
    assert got == {
        (JAN, "compute", "train"): Decimal("165.00"),
        (JAN, "people", "train"): Decimal("11000.00"),
        (FEB, "compute", "train"): Decimal("165.00"),
        (FEB, "people", "train"): Decimal("11000.00"),
    }
    compute = [ln for ln in plan.lines if ln.cost_category == "compute"]
    assert {(ln.price_source, ln.price_as_of) for ln in compute} == {("quote 42", date(2026, 1, 5))}
    assert {ln.price_source for ln in plan.lines if ln.cost_category == "people"} == {None}
    assert (plan.project, plan.source, plan.total) == ("tiny-tag", "project", Decimal("22330.00"))


def test_start_moves_month_one_of_the_spec() -> None:
    plan = plan_from_budget(estimate.budget(SMALL_SPEC), name="t", start="2026-11")
    assert amounts(plan) == {
        date(2026, 11, 1): Decimal("11165.00"),
        date(2026, 12, 1): Decimal("11165.00"),
    }
    assert plan.starts == date(2026, 11, 1)
    assert plan.project == "tiny"  # the spec's name when no project is given


def test_the_example_project_plans_its_budget_month_by_month() -> None:
    spec = yaml.safe_load((REPO / "examples" / "project.yaml").read_text(encoding="utf-8"))
    budget = estimate.project(spec)
    plan = plan_from_budget(budget, name="support", project="support", start="2026-03")
    by_month = amounts(plan)
    assert plan.total == budget.total
    # the spec's 18 months 2026-01 … 2027-06 become 2026-03 … 2027-08, amounts unchanged
    assert list(by_month.values()) == list(budget.by_month.values())
    assert min(by_month) == date(2026, 3, 1)
    assert max(by_month) == date(2027, 8, 1)
    assert by_month[date(2026, 3, 1)] == budget.by_month["2026-01"]
    assert by_month[date(2027, 8, 1)] == budget.by_month["2027-06"]
    sourced = [ln for ln in plan.lines if ln.price_source]
    assert sourced and all(ln.cost_category in ("compute", "energy") for ln in sourced)


# --- issue 10: an estimate's amounts are read by the one parser ----------------------------


def test_an_estimate_total_in_e_notation_is_planned_as_written() -> None:
    plan = plan_from_estimate(training_json(125, "2e3"), name="p", project="p", start="2026-01")
    assert amounts(plan) == {JAN: Decimal("2000.00")}


@pytest.mark.parametrize("total", ["1e400", "NaN", "-5"])
def test_an_estimate_total_that_is_not_an_amount_is_one_sentence(total: str) -> None:
    with pytest.raises(ControlError, match="total"):
        plan_from_estimate(training_json(125, total), name="p", project="p", start="2026-01")
