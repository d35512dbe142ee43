"""Placement inputs: CSV-shaped rows validated into models, with errors a user can act on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from infracast.catalog.models import PriceOption
from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.placement_inputs import (
    Offer,
    check_references,
    offers_from_price_book,
    parse_caps,
    parse_offers,
    parse_workloads,
)

OFFER = {"offer": "o", "provider": "aws", "region": "us-east-1", "accelerator": "H100",
         "gpus_per_instance": "8", "price_per_hour": "98.32"}  # fmt: skip


def test_csv_cells_are_read_as_their_types_and_empty_cells_take_defaults():
    row = {"workload": "w", "gpus": "8", "hours": "10", "accelerators": "H100; A100",
           "interruptible": "true", "checkpoint_minutes": "", "providers": "gcp",
           "notes": "extra columns are ignored"}  # fmt: skip
    (w,) = parse_workloads([row])
    assert w.accelerators == ("H100-SXM", "A100-80GB")
    assert (w.gpus, w.hours, w.interruptible, w.checkpoint_minutes) == (8, 10.0, True, None)
    assert w.providers == ("Google Cloud",)


def test_every_problem_of_a_row_is_named_with_the_row():
    with pytest.raises(OptimizeError) as err:
        parse_workloads([{"workload": "train", "gpus": 0, "hours": -1}])
    assert err.value.message.startswith("workload 1 ('train') has 2 problems: gpus:")
    assert "hours: must be greater than 0" in err.value.message
    assert err.value.field == "gpus"


def test_an_unknown_accelerator_names_the_closest_catalog_names():
    with pytest.raises(OptimizeError) as err:
        parse_workloads([{"workload": "w", "gpus": 1, "hours": 1, "accelerators": "H1000"}])
    assert 'unknown accelerator "H1000". Did you mean "H100-SXM"' in err.value.message


def test_a_deadline_before_the_start_is_refused():
    with pytest.raises(OptimizeError, match=r"deadline_hours \(3\) must come after start_hour"):
        parse_workloads(
            [{"workload": "w", "gpus": 1, "hours": 1, "start_hour": 5, "deadline_hours": 3}]
        )


def test_an_unknown_pricing_model_suggests_the_closest():
    with pytest.raises(OptimizeError, match=r'"spto" is not a pricing model.*Did you mean "spot"'):
        parse_offers([OFFER | {"pricing": "spto"}])


def test_a_committed_offer_needs_its_unused_capacity():
    with pytest.raises(OptimizeError, match="committed offer needs capacity_instances"):
        parse_offers([OFFER | {"committed": "true"}])


def test_offer_defaults_come_from_the_catalog_and_pricing():
    (o,) = parse_offers([OFFER | {"pricing": "spot"}])
    assert (o.memory_gb, o.interruptible, o.marginal_price) == (80.0, True, 98.32)
    committed = Offer(**(OFFER | {"committed": True, "capacity_instances": 2}))
    assert (committed.marginal_price, committed.interruptible) == (0.0, False)


def test_duplicate_names_are_refused():
    with pytest.raises(OptimizeError, match='two workloads are named "w"'):
        parse_workloads([{"workload": "w", "gpus": 1, "hours": 1}] * 2)
    with pytest.raises(OptimizeError, match='two offers are named "o"'):
        parse_offers([OFFER, OFFER])


def test_offers_in_two_currencies_are_refused():
    with pytest.raises(OptimizeError, match=r"mix currencies \(EUR, USD\)"):
        parse_offers([OFFER, OFFER | {"offer": "p", "currency": "EUR"}])


def test_a_current_offer_must_name_an_offer():
    workloads = parse_workloads([{"workload": "w", "gpus": 1, "hours": 1, "current_offer": "O"}])
    with pytest.raises(OptimizeError, match="current_offer 'O' is not among the offers") as err:
        check_references(workloads, parse_offers([OFFER]))
    assert err.value.field == "current_offer"


def test_caps_are_one_per_team_and_period_with_a_known_period():
    with pytest.raises(OptimizeError, match="team 't' has two caps per hour"):
        parse_caps([{"team": "t", "per": "hour", "amount": 1}] * 2)
    with pytest.raises(OptimizeError, match="budget cap 1"):
        parse_caps([{"team": "t", "per": "week", "amount": 1}])


def _option(count: float, price: str, model: str = "on_demand", accelerator: str = "H100-SXM"):
    return PriceOption(
        provider="AWS", accelerator=accelerator, accelerators_per_instance=count,
        pricing_model=model, price_per_hour=Decimal(price), currency="USD",
        as_of=date(2026, 1, 1), source="test", region="us-east-1", instance_type="p5.48xlarge",
    )  # fmt: skip


def test_price_book_options_become_offers_cheapest_per_gpu_first():
    options = [_option(8, "98.32"), _option(8, "40", "spot"), _option(0.5, "1"),
               _option(1, "1.2", accelerator="L4")]  # fmt: skip
    offers = offers_from_price_book(options, accelerators=["H100"])
    # the half-GPU slice and the L4 are left out; spot (5/GPU-h) before on demand (12.29)
    assert [(o.offer, o.pricing, o.price_per_hour) for o in offers] == [
        ("AWS/us-east-1/p5.48xlarge/spot", "spot", 40.0),
        ("AWS/us-east-1/p5.48xlarge/on_demand", "on_demand", 98.32),
    ]
    assert offers[0].capacity_instances is None and offers[0].memory_gb == 80.0


def test_price_book_offers_get_unique_names():
    offers = offers_from_price_book([_option(8, "98.32"), _option(8, "90")])
    assert [o.offer for o in offers] == [
        "AWS/us-east-1/p5.48xlarge/on_demand",
        "AWS/us-east-1/p5.48xlarge/on_demand#2",
    ]


def test_price_book_filter_refuses_an_unknown_accelerator():
    with pytest.raises(OptimizeError, match='unknown accelerator "H1000"'):
        offers_from_price_book([], accelerators=["H1000"])


def test_total_gpu_hours_give_the_hours_at_the_gpus_asked():
    # 800 GPU-hours on 8 GPUs at once: 100 hours; a CSV row leaves hours empty
    (w,) = parse_workloads([{"workload": "w", "gpus": "8", "hours": "", "gpu_hours": "800"}])
    assert (w.gpus, w.hours, w.gpu_hours) == (8, 100.0, 800.0)


def test_gpu_hours_that_disagree_with_gpus_times_hours_are_refused():
    with pytest.raises(OptimizeError, match="is not gpus × hours"):
        parse_workloads([{"workload": "w", "gpus": 8, "hours": 10, "gpu_hours": 800}])
