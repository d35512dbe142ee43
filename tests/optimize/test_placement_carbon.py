"""Placement with a carbon price: dollars traded for emissions, against hand arithmetic and
brute force."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.placement_plan import placement

WORKLOAD = {"workload": "w", "gpus": 1, "hours": 10, "accelerators": "H100", "team": "t"}
# dirty: 2.0 per hour, 0.5 kg/h; clean: 2.1 per hour, 0.1 kg/h. Over 10 hours the clean
# offer costs 1.0 more and saves 4 kg, so it wins exactly when P x 4 / 1000 > 1.0, i.e.
# at a carbon price above 250 per tonne.
OFFERS: list[dict[str, Any]] = [
    {
        "offer": "dirty",
        "provider": "aws",
        "region": "r1",
        "accelerator": "H100",
        "gpus_per_instance": 1,
        "price_per_hour": 2.0,
        "co2e_kg_per_hour": 0.5,
    },
    {
        "offer": "clean",
        "provider": "aws",
        "region": "r2",
        "accelerator": "H100",
        "gpus_per_instance": 1,
        "price_per_hour": 2.1,
        "co2e_kg_per_hour": 0.1,
    },
]


@pytest.mark.parametrize(("price", "chosen"), [(0, "dirty"), (200, "dirty"), (300, "clean")])
def test_a_carbon_price_moves_work_when_price_times_kg_beats_the_cost(
    price: float, chosen: str
) -> None:
    result = placement([WORKLOAD], OFFERS, carbon_price_per_tonne=price)
    (a,) = result.assignments
    assert a.offer == chosen
    kg = {"dirty": 5.0, "clean": 1.0}[chosen]  # 0.5 x 10, 0.1 x 10
    money = {"dirty": 20.0, "clean": 21.0}[chosen]
    assert a.co2e_kg == pytest.approx(kg)
    assert a.carbon_cost == pytest.approx(price * kg / 1000)
    # at 300: clean 21 + 300 x 1 / 1000 = 21.3 < dirty 20 + 300 x 5 / 1000 = 21.5
    assert a.cost == pytest.approx(money + price * kg / 1000)
    assert result.objective == pytest.approx(a.cost)
    assert result.co2e_kg == pytest.approx(kg)
    out = result.to_dict()
    assert out["carbon_price_per_tonne"] == price and out["co2e_kg"] == pytest.approx(kg)


def test_without_a_price_the_result_has_no_carbon_keys() -> None:
    plain = [{k: v for k, v in o.items() if k != "co2e_kg_per_hour"} for o in OFFERS]
    out = placement([WORKLOAD], plain).to_dict()
    assert "carbon_price_per_tonne" not in out and "co2e_kg" not in out
    assert "co2e_kg" not in out["assignments"][0]


def test_carbon_figures_and_the_price_are_hashed_as_inputs() -> None:
    plain = [{k: v for k, v in o.items() if k != "co2e_kg_per_hour"} for o in OFFERS]
    with_figures = placement([WORKLOAD], OFFERS).inputs_hash
    assert placement([WORKLOAD], plain).inputs_hash != with_figures
    priced = placement([WORKLOAD], OFFERS, carbon_price_per_tonne=0).inputs_hash
    assert priced != with_figures  # the price is an input


def test_an_offer_without_a_figure_is_named() -> None:
    offers = [OFFERS[0], {k: v for k, v in OFFERS[1].items() if k != "co2e_kg_per_hour"}]
    with pytest.raises(OptimizeError, match="clean") as caught:
        placement([WORKLOAD], offers, carbon_price_per_tonne=100)
    assert "co2e_kg_per_hour" in caught.value.message


def test_budget_caps_count_money_not_the_carbon_price() -> None:
    # at 300/t clean costs 21 in money (+0.3 carbon): a monthly cap of 21 holds it
    cap = [{"team": "t", "per": "month", "amount": 21.0}]
    result = placement([WORKLOAD], OFFERS, budget_caps=cap, carbon_price_per_tonne=300)
    assert result.assignments[0].offer == "clean"


def test_spot_rework_burns_carbon_too() -> None:
    # one spot instance, 0.1 interruptions per hour, no checkpoints (c = d = 10 h):
    # instance-hours 10 x (1 + 1 x 0.1 x 10 / 2) = 15; kg 15 x 0.5 = 7.5
    spot = {**OFFERS[0], "pricing": "spot", "interruption_rate_per_hour": 0.1}
    result = placement([{**WORKLOAD, "interruptible": True}], [spot], carbon_price_per_tonne=100)
    assert result.assignments[0].co2e_kg == pytest.approx(7.5)


@pytest.mark.parametrize("seed", range(6))
def test_optimal_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    price = float(rng.choice([0.0, 100.0, 400.0, 2000.0]))
    offers: list[dict[str, Any]] = [
        {
            "offer": f"o{j}",
            "provider": "aws",
            "region": f"r{j}",
            "accelerator": "H100",
            "gpus_per_instance": 1,
            "price_per_hour": round(float(rng.uniform(1.5, 3.0)), 2),
            "co2e_kg_per_hour": round(float(rng.uniform(0.0, 1.0)), 3),
            "capacity_instances": int(rng.integers(1, 3)),
        }
        for j in range(3)
    ]
    workloads: list[dict[str, Any]] = [
        {"workload": f"w{i}", "gpus": 1, "hours": float(rng.integers(1, 20))} for i in range(3)
    ]
    result = placement(workloads, offers, carbon_price_per_tonne=price, mip_gap=1e-9)
    best = np.inf
    for choice in itertools.product(range(3), repeat=3):  # every workload on every offer
        if any(choice.count(j) > offers[j]["capacity_instances"] for j in range(3)):
            continue
        total = sum(
            w["hours"]
            * (offers[j]["price_per_hour"] + price * offers[j]["co2e_kg_per_hour"] / 1000)
            for w, j in zip(workloads, choice, strict=True)
        )
        best = min(best, total)
    assert result.objective == pytest.approx(best, rel=1e-9)
    kg = sum(
        w["hours"] * next(o for o in offers if o["offer"] == a.offer)["co2e_kg_per_hour"]
        for w, a in zip(
            workloads, sorted(result.assignments, key=lambda a: a.workload), strict=True
        )
    )
    assert result.co2e_kg == pytest.approx(kg)
