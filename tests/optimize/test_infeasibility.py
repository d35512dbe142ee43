"""Infeasible placements: the workload, the constraint, and the nearest feasible change."""

from __future__ import annotations

import pytest

from infracast.optimize.exceptions import InfeasibleError
from infracast.optimize.placement_plan import placement

OFFERS = [
    {"offer": "h", "provider": "aws", "region": "us-east-1", "accelerator": "H100",
     "gpus_per_instance": 8, "price_per_hour": 98, "capacity_instances": 2},
    {"offer": "a", "provider": "gcp", "region": "europe-west4", "accelerator": "A100",
     "gpus_per_instance": 8, "price_per_hour": 30, "capacity_instances": 1, "pricing": "spot",
     "interruption_rate_per_hour": 0.01},
]  # fmt: skip


def _error(workloads, caps=()):
    with pytest.raises(InfeasibleError) as err:
        placement(workloads, OFFERS, budget_caps=caps)
    return err.value


def _job(name="w", gpus=8, hours=1.0, **extra):
    return {"workload": name, "gpus": gpus, "hours": hours, **extra}


def test_no_offer_of_the_accelerator():
    err = _error([_job(accelerators="B200")])
    assert err.message == "workload 'w' accepts only B200, and no offer has one."
    assert "accept one of the offers' accelerators: A100-80GB, H100-SXM" in err.hint
    assert err.field == "accelerators"


def test_not_enough_memory_names_the_most_on_offer():
    err = _error([_job(min_gpu_memory_gb=100)])
    assert "needs 100 GB of GPU memory" in err.message and "the most is 80 GB" in err.message
    assert err.hint.startswith("Lower min_gpu_memory_gb to 80")


def test_no_offer_from_the_allowed_providers():
    err = _error([_job(providers="azure")])
    assert err.message.startswith("workload 'w' may run only on Microsoft")
    assert "Allow one of the providers that has: AWS, Google Cloud" in err.hint


def test_no_offer_in_the_allowed_regions():
    err = _error([_job(regions="asia-east1")])
    assert "may run only in asia-east1" in err.message
    assert "us-east-1, europe-west4" in err.hint and err.field == "regions"


def test_only_spot_left_for_a_workload_that_cannot_be_interrupted():
    err = _error([_job(accelerators="A100")])
    assert "is not interruptible, and every offer it can use is spot" in err.message
    assert err.field == "interruptible"


def test_deadline_too_early_names_the_earliest_finish():
    # 10 h on the first accelerator (A100) is 10 × 312 / 989.5 = 3.153 h on the H100
    err = _error([_job(hours=10, accelerators="A100;H100", deadline_hours=3)])
    assert "must finish by hour 3" in err.message
    assert "the earliest finish is hour 3.16, on h" in err.message
    assert err.hint.startswith("Move deadline_hours to 3.16 or later")


def test_one_workload_bigger_than_any_offer():
    err = _error([_job(gpus=24, accelerators="H100")])
    assert "needs 3 instances of one offer" in err.message and "2 on h" in err.message
    assert err.hint.startswith("Raise capacity_instances of h to 3, or set split to true")


def test_workloads_that_fit_alone_but_not_together_get_the_smallest_capacity_increase():
    # 2 + 1 instances of h are needed at once; h has 2: short by 1
    err = _error([_job("w1", gpus=16, accelerators="H100"), _job("w2", accelerators="H100")])
    assert err.message == (
        "no plan fits every constraint: offer h has 2 instances but workloads 'w1', 'w2' "
        "need 1 more at once."
    )
    assert err.hint.startswith("The nearest feasible change: raise capacity_instances of h to 3")
    assert err.field == "capacity_instances"


def test_a_team_cap_short_names_the_team_and_the_missing_amount():
    # on h: w1 costs 98 × 1 h, w2 98 × 10 h: 1,078 against a monthly cap of 500: short by 578
    jobs = [
        _job("w1", accelerators="H100", team="t"),
        _job("w2", hours=10, accelerators="H100", team="t"),
    ]
    err = _error(jobs, caps=[{"team": "t", "per": "month", "amount": 500}])
    assert (
        "team t's cap of 500.00 USD per month is short by 578.00 USD for workloads 'w1', 'w2'"
        in err.message
    )
    assert "raise team t's cap per month to 1,078.00" in err.hint
    assert err.field == "budget_caps"


def test_an_hourly_cap_short_counts_spend_at_once():
    # both on h at once: 98 + 98 = 196 per hour against 150: short by 46
    jobs = [_job("w1", accelerators="H100", team="t"), _job("w2", accelerators="H100", team="t")]
    err = _error(jobs, caps=[{"team": "t", "per": "hour", "amount": 150}])
    assert "per hour is short by 46.00 USD" in err.message
