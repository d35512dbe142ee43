"""Project budgets: phases, workloads, people, licences, storage, egress, purchases, contingency."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.cli.render import to_json
from infracast.errors import EstimateError
from infracast.estimate._project import ProjectBudget, WorkloadCost, budget
from infracast.estimate.project_spec import WorkloadSpec, validate_project

D = Decimal
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "project.yaml"


def fixed_cost(compute: str = "1000", energy: str = "200", currency: str = "USD"):  # type: ignore[no-untyped-def]
    """An estimator stand-in that prices every workload the same and records what it saw."""
    seen: list[WorkloadSpec] = []

    def cost(workload: WorkloadSpec) -> WorkloadCost:
        seen.append(workload)
        return WorkloadCost(
            compute_cost=D(compute),
            energy_cost=D(energy),
            currency=currency,
            accelerator_hours=D(400),
            price_source="test price book",
            price_as_of=date(2026, 1, 1),
            assumptions=("MFU 0.4 (test)",),
        )

    cost.seen = seen  # type: ignore[attr-defined]
    return cost


def small_spec(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": "demo",
        "currency": "USD",
        "start": "2026-01",
        "contingency_pct": 10,
        "phases": [
            {
                "name": "train",
                "start_month": 1,
                "duration_months": 2,
                "workloads": [
                    {
                        "name": "prep",
                        "kind": "compute",
                        "params": {"accelerator_hours": 100, "price_per_hour": "2.50"},
                    },
                    {"name": "ft", "kind": "fine_tuning", "params": {"tokens": "1B"}},
                ],
                "people": [{"role": "ML engineer", "fte": 1, "monthly_rate": 10000}],
            },
            {
                "name": "serve",
                "start_month": 3,
                "duration_months": 2,
                "egress": [
                    {
                        "name": "api",
                        "tb_per_month": 1,
                        "growth_tb_per_month": 1,
                        "price_per_tb": 100,
                    }
                ],
                "storage": [
                    {
                        "name": "logs",
                        "initial_tb": 10,
                        "growth_tb_per_month": 2,
                        "price_per_tb_month": 20,
                    }
                ],
                "licences": [{"name": "guardrails", "amount": 1200, "per": "year"}],
                "operations": [{"name": "review", "amount": 500, "per": "one_time"}],
            },
        ],
        "purchases": [{"name": "dev box", "amount": 2400, "life_years": 2}],
    }
    return spec | changes


# The small spec by hand (contingency 10% on all but the purchase):
#   train: prep 100 h × 2.50 = 250 (125 a month); ft 1,000 compute + 200 energy
#          (500 + 100 a month); 1 FTE × 10,000 × 2 months = 20,000        → 21,450
#   serve: egress (1 + 1·(k−1)) TB × 100 = 100, 200; storage (10 + 2·(k − ½)) TB × 20
#          = 220, 260; licence 1,200 a year over 2 months = 600, 600; review 500 → 2,480
#   project-wide: dev box 2,400 / 24 months = 100 a month × 4                   →   400
#   subtotal 24,330; contingency 10% × (21,450 + 2,480) = 2,393; total 26,723.


def test_budget_by_phase_category_and_month_matches_the_hand_sums() -> None:
    result = budget(small_spec(), cost_workload=fixed_cost())
    assert result.subtotal == D("24330.00")
    assert result.contingency == D("2393.00")
    assert result.total == D("26723.00")
    assert result.by_phase == {
        "train": D("23595.00"),  # 21,450 × 1.1
        "serve": D("2728.00"),  # 2,480 × 1.1
        "project_wide": D("400.00"),
    }
    assert result.by_category == {
        "compute": D("1775.00"),  # (250 + 1,000) × 1.1 + 400
        "storage": D("528.00"),
        "network": D("330.00"),
        "software": D("1320.00"),
        "people": D("22000.00"),
        "energy": D("220.00"),
        "facilities": D("0.00"),
        "support": D("550.00"),
        "other": D("0.00"),
    }
    # months 1–2: (125 + 500 + 100 + 10,000) × 1.1 + 100; month 3: (100 + 220 + 600 + 500)
    # × 1.1 + 100; month 4: (200 + 260 + 600) × 1.1 + 100.
    assert result.by_month == {
        "2026-01": D("11897.50"),
        "2026-02": D("11897.50"),
        "2026-03": D("1662.00"),
        "2026-04": D("1266.00"),
    }


def test_tco_shows_the_purchase_both_ways() -> None:
    result = budget(small_spec(), cost_workload=fixed_cost())
    # depreciation view = the budget; cash: the dev box's 2,400 instead of 4 × 100.
    assert result.tco.total_depreciation == result.total == D("26723.00")
    assert result.tco.total_cash == D("28723.00")
    assert result.tco.residual_book_value == D("2000.00")
    assert (result.tco.years, result.tco.months) == (1, 4)


def test_cash_view_budgets_the_purchase_in_the_month_bought() -> None:
    result = budget(small_spec(capex_view="cash"), cost_workload=fixed_cost())
    assert result.total == result.tco.total_cash == D("28723.00")
    assert result.by_month["2026-01"] == D("14197.50")  # 11,897.50 − 100 + 2,400


def test_the_estimator_gets_each_workload_with_its_months_and_its_params_untouched() -> None:
    cost = fixed_cost()
    result = budget(small_spec(), cost_workload=cost)
    (seen,) = cost.seen  # the compute workload needs no estimator
    assert (seen.name, seen.kind, seen.duration_months) == ("ft", "fine_tuning", 2)
    assert seen.params == {"tokens": "1B"}
    ft = next(w for w in result.workloads if w.name == "ft")
    assert (ft.first_month, ft.months, ft.price_as_of) == ("2026-01", 2, date(2026, 1, 1))
    assert "train / ft: MFU 0.4 (test)" in result.assumptions


def test_a_compute_workload_is_priced_as_hours_times_price() -> None:
    result = budget(small_spec(), cost_workload=fixed_cost())
    prep = next(w for w in result.workloads if w.name == "prep")
    assert prep.compute_cost == D("250.00")
    assert prep.accelerator_hours == D(100)
    assert prep.price_source == "given in the project spec"


def test_a_yearly_licence_is_paid_for_every_started_year() -> None:
    # 18 months of a 1,200-a-year licence: 2 years paid, 1,200 over months 1–12, 1,200 over 13–18.
    spec = {
        "name": "lic",
        "currency": "EUR",
        "start": "2026-07",
        "phases": [{"name": "run", "start_month": 1, "duration_months": 18}],
        "licences": [{"name": "tool", "amount": 1200, "per": "year"}],
    }
    result = budget(spec)
    assert result.by_category["software"] == D("2400.00")
    assert result.by_month["2026-07"] == D("100.00")
    assert result.by_month["2027-07"] == D("200.00")  # 1,200 / 6
    assert list(result.by_month)[-1] == "2027-12"


def test_storage_tiers_split_the_volume_by_share() -> None:
    # 100 TB flat: 25% hot at 20 (500) + 75% archive at 4 (300) = 800 a month.
    spec = {
        "name": "tiers",
        "currency": "USD",
        "start": "2026-01",
        "phases": [{"name": "keep", "start_month": 1, "duration_months": 1}],
        "storage": [
            {
                "name": "data",
                "initial_tb": 100,
                "tiers": [
                    {"name": "hot", "share": "0.25", "price_per_tb_month": 20},
                    {"name": "archive", "share": "0.75", "price_per_tb_month": 4},
                ],
            }
        ],
    }
    assert budget(spec).by_category["storage"] == D("800.00")


def test_lifecycle_years_extend_the_budget_past_the_phases() -> None:
    result = budget(small_spec(lifecycle_years=2), cost_workload=fixed_cost())
    assert len(result.by_month) == 24
    # the dev box keeps depreciating: 20 more months × 100.
    assert result.total == D("26723.00") + D("2000.00")
    assert result.tco.residual_book_value == 0


def test_to_json_is_stable_snake_case_and_sums_as_it_says() -> None:
    first = budget(small_spec(), cost_workload=fixed_cost()).to_json()
    again = budget(small_spec(), cost_workload=fixed_cost()).to_json()
    assert first == again
    data = json.loads(to_json(first), parse_float=D)  # as the CLI writes it
    assert list(data)[:9] == [
        "project",
        "currency",
        "start",
        "months",
        "capex_view",
        "subtotal",
        "contingency_pct",
        "contingency",
        "total",
    ]
    assert sum(D(v) for v in data["by_month"].values()) == D(data["total"])
    assert sum(D(line["total"]) for line in data["lines"]) == D(data["total"])


def test_the_example_project_validates_and_budgets() -> None:
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    result = budget(spec, cost_workload=fixed_cost())
    assert list(result.by_phase) == [
        "data_preparation",
        "fine_tuning",
        "evaluation",
        "deployment",
        "operation",
        "project_wide",
    ]
    assert result.months == 18
    assert sum(result.by_phase.values()) == result.total


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"currency": "usdollar"}, "currency: 'usdollar' is not an ISO 4217 currency code"),
        ({"start": "Jan 2026"}, "start must be a month written YYYY-MM"),
        ({"contingancy_pct": 5}, "unknown key 'contingancy_pct'. Did you mean \"contingency_pct\""),
        ({"lifecycle_years": 0}, "lifecycle_years must be greater than 0"),
        ({"phases": []}, "phases list should have at least 1 item"),
    ],
)
def test_spec_problems_are_sentences_that_say_where(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(EstimateError, match=message.replace("(", r"\(").replace(".", r"\.")):
        validate_project(small_spec(**changes))


def test_nested_problems_name_the_phase_and_the_item() -> None:
    spec = small_spec()
    spec["phases"][0]["workloads"][1]["kind"] = "finetuning"
    spec["phases"][1]["storage"][0]["tiers"] = [{"price_per_tb_month": 1, "share": "0.5"}]
    with pytest.raises(EstimateError) as caught:
        validate_project(spec)
    text = str(caught.value)
    assert "the project spec has 2 problems" in text
    assert "phase 'train', workloads #2 (ft): kind must be 'training', 'fine_tuning'" in text
    assert "phase 'serve', storage #1 (logs): give price_per_tb_month" in text


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["phases"].append(dict(s["phases"][0])), "two phases are named 'train'"),
        (lambda s: s["phases"][0].update(name="project_wide"), "kept for project-wide costs"),
        (
            lambda s: s.update(
                lifecycle_years=1,
                phases=s["phases"] + [{"name": "x", "start_month": 12, "duration_months": 3}],
            ),
            "set it to at least 2",
        ),
        (
            lambda s: s["phases"][0]["workloads"][0]["params"].pop("price_per_hour"),
            "params.price_per_hour: is required",
        ),
        (
            lambda s: s["phases"][1]["operations"][0].update(category="suport"),
            'Did you mean "support"',
        ),
        (lambda s: s["purchases"][0].update(life_years="2.01"), "not a whole number of months"),
    ],
)
def test_inconsistent_specs_are_refused(mutate: Any, message: str) -> None:
    spec = small_spec()
    mutate(spec)
    with pytest.raises(EstimateError, match=message.replace("(", r"\(").replace(".", r"\.")):
        validate_project(spec)


def test_an_item_longer_than_its_phase_is_refused_with_the_months() -> None:
    spec = small_spec()
    spec["phases"][0]["people"][0]["duration_months"] = 3
    with pytest.raises(EstimateError, match="phase 'train', people #1: runs months 1–3"):
        budget(spec, cost_workload=fixed_cost())


def test_an_estimate_in_another_currency_is_refused() -> None:
    with pytest.raises(EstimateError, match="is in EUR but the rest is in USD"):
        budget(small_spec(), cost_workload=fixed_cost(currency="EUR"))


def test_a_workload_that_needs_an_estimator_says_how_to_give_one() -> None:
    with pytest.raises(EstimateError, match="workload 'ft' \\(fine_tuning\\) needs an estimator"):
        budget(small_spec())


def test_estimator_errors_say_which_workload_failed() -> None:
    def failing(workload: WorkloadSpec) -> WorkloadCost:
        raise EstimateError("the model does not fit on 1 GPU.", hint="Use more GPUs.")

    with pytest.raises(
        EstimateError, match=r"phase 'train', workload 'ft' .*does not fit"
    ) as caught:
        budget(small_spec(), cost_workload=failing)
    assert caught.value.hint == "Use more GPUs."


# --- invariants over random projects ------------------------------------------------------

_amount = st.decimals(min_value=0, max_value=100_000, places=2)


@st.composite
def _projects(draw: st.DrawFn) -> dict[str, Any]:
    phases = []
    for i in range(draw(st.integers(1, 3))):
        months = draw(st.integers(1, 14))
        phases.append(
            {
                "name": f"phase{i}",
                "start_month": draw(st.integers(1, 10)),
                "duration_months": months,
                "workloads": [
                    {
                        "name": f"w{j}",
                        "kind": draw(st.sampled_from(["training", "inference", "compute"])),
                        "params": {"accelerator_hours": 7, "price_per_hour": str(draw(_amount))},
                    }
                    for j in range(draw(st.integers(0, 2)))
                ],
                "people": [
                    {
                        "role": "eng",
                        "fte": str(draw(st.decimals(min_value="0.1", max_value=5, places=1))),
                        "monthly_rate": str(draw(_amount)),
                    }
                ],
                "licences": [
                    {
                        "name": "lic",
                        "amount": str(draw(_amount)),
                        "per": draw(st.sampled_from(["month", "year", "one_time"])),
                    }
                ],
                "storage": [
                    {
                        "name": "s",
                        "initial_tb": str(draw(st.decimals(min_value=0, max_value=500, places=3))),
                        "growth_tb_per_month": str(
                            draw(st.decimals(min_value=0, max_value=50, places=3))
                        ),
                        "price_per_tb_month": str(
                            draw(st.decimals(min_value=0, max_value=30, places=3))
                        ),
                    }
                ],
                "egress": [
                    {"name": "e", "tb_per_month": "1.333", "price_per_tb": str(draw(_amount))}
                ],
                "purchases": [
                    {
                        "name": "box",
                        "amount": str(draw(_amount)),
                        "life_years": draw(st.sampled_from(["1", "2.5", "4"])),
                        "salvage_pct": draw(st.integers(0, 30)),
                        "month": draw(st.integers(1, months)),
                    }
                ],
            }
        )
    return {
        "name": "random",
        "currency": "USD",
        "start": "2026-03",
        "contingency_pct": str(draw(st.decimals(min_value=0, max_value=40, places=2))),
        "capex_view": draw(st.sampled_from(["depreciation", "cash"])),
        "phases": phases,
        "people": [{"role": "pm", "fte": "0.3", "monthly_rate": str(draw(_amount))}],
    }


def _odd_cost(workload: WorkloadSpec) -> WorkloadCost:
    # an awkward amount that does not split evenly into months
    return WorkloadCost(D("1000.01") / 3, "USD", D(1), "test", energy_cost=D("0.07"))


@settings(max_examples=60, deadline=None)
@given(_projects())
def test_every_view_of_the_budget_sums_to_the_total(spec: dict[str, Any]) -> None:
    result: ProjectBudget = budget(spec, cost_workload=_odd_cost)
    assert sum(result.by_phase.values()) == result.total
    assert sum(result.by_category.values()) == result.total
    assert sum(result.by_month.values()) == result.total
    assert sum(line.total for line in result.lines) == result.total
    assert result.subtotal + result.contingency == result.total
    assert sum(line.contingency for line in result.lines) == result.contingency
    view = result.tco.total_cash if result.capex_view == "cash" else result.tco.total_depreciation
    assert view == result.total
    assert sum(y.depreciation for y in result.tco.by_year) == result.tco.total_depreciation


def test_spec_amounts_are_read_by_the_one_amount_parser() -> None:
    # 1,200 with a thousands separator and 1.2e3 are both 1,200, as in budgets and entries
    spec = small_spec()
    spec["phases"][1]["licences"][0]["amount"] = "1,200"
    spec["purchases"][0]["amount"] = "2.4e3"
    parsed = validate_project(spec)
    assert parsed.phases[1].licences[0].amount == Decimal("1200")
    assert parsed.purchases[0].amount == Decimal("2400")


@pytest.mark.parametrize(
    ("amount", "message"),
    [("1e400", "beyond what the ledger stores"), ("$5", "is not a number"), ("-1", "negative")],
)
def test_spec_amounts_outside_the_rule_are_refused(amount: str, message: str) -> None:
    spec = small_spec()
    spec["purchases"][0]["amount"] = amount
    with pytest.raises(EstimateError, match=re.escape(message)):
        validate_project(spec)
