from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from infracast.analytics.gpu import gpu_efficiency
from infracast.ledger.connection import Ledger

D = Decimal
HOUR = {"ChargePeriodStart": "2026-01-05T10:00", "ChargePeriodEnd": "2026-01-05T11:00"}


def _gpu(resource: str, gpus: float, cost: Any, team: str, **extra: Any) -> dict[str, Any]:
    return {
        **HOUR,
        "ResourceId": resource,
        "x_gpu_count": gpus,
        "x_gpu_hours": gpus,  # one hour
        "x_team": team,
        "cost": cost,
        **extra,
    }


def _sample(resource: str, utilization: float | None, **extra: Any) -> dict[str, Any]:
    return {"ts": "2026-01-05T10:00", "resource_id": resource, "utilization": utilization, **extra}


# One hour, 10:00-11:00 (3600 s):
#   g1 i-1 2 GPUs, effective 8 (billed 10), team a. GPU 0 held whole at 50 %; GPU 1 half
#      held (share 0.5, a MIG slice) at 80 %. capacity 7200; held 3600 + 1800 = 5400;
#      busy 1800 + 0.5 x 0.8 x 3600 = 3240; u = 3240 / 7200 = 0.45;
#      useful 2 x 0.45 = 0.9 GPU-h; idle 8 x 0.55 = 4.4 (billed 10 x 0.55 = 5.5).
#   g2 i-2 1 GPU, 4, team a. Two time-sliced workloads each report share 1 at 60 %:
#      held 7200 > capacity 3600, so both scale by 1/2: busy 2 x 0.6 x 3600 x 1/2 = 2160;
#      u = 0.6; useful 0.6 GPU-h; idle 4 x 0.4 = 1.6.
#   g3 i-3 1 GPU, 3, team b: no samples -> unmeasured.
#   g4 i-4 4 GPUs, 10, team b: its only sample starts at 11:00, outside -> unmeasured.
#   g5 i-5 1 GPU, 6, team b: a sample without a utilization reading -> unmeasured.
#   n1 i-1 storage, 100, team a: no GPU-hours, not a GPU charge.
GPU_CHARGES = [
    _gpu("i-1", 2, 8, "a", BilledCost=10),
    _gpu("i-2", 1, 4, "a"),
    _gpu("i-3", 1, 3, "b"),
    _gpu("i-4", 4, 10, "b"),
    _gpu("i-5", 1, 6, "b"),
    {**HOUR, "ResourceId": "i-1", "x_team": "a", "cost": 100, "x_cost_category": "storage"},
]
GPU_SAMPLES = [
    _sample("i-1", 0.5, gpu_index=0),
    _sample("i-1", 0.8, gpu_index=1, share=0.5),
    _sample("i-2", 0.6, workload="w1"),
    _sample("i-2", 0.6, workload="w2"),
    _sample("i-4", 1.0, ts="2026-01-05T11:00"),
    _sample("i-5", None, power_w=300.0),
]


@pytest.fixture
def ledger(make_ledger: Callable[..., Ledger]) -> Ledger:
    return make_ledger(charges=GPU_CHARGES, samples=GPU_SAMPLES)


def test_utilization_useful_hours_and_idle_cost_by_team(ledger: Ledger) -> None:
    rows = {r["team"]: r for r in gpu_efficiency(ledger, by=["team"])}
    a = rows["a"]
    # a: 3 GPU-h for 12 -> 4 per GPU-h; useful 0.9 + 0.6 = 1.5 of 3 measured -> 50 %;
    # 12 / 1.5 = 8 per useful GPU-h; idle 4.4 + 1.6 = 6; g2 was oversubscribed.
    assert a["gpu_hours"] == 3.0 and a["cost"] == D(12) and a["cost_per_gpu_hour"] == D(4)
    assert (a["measured_gpu_hours"], a["measured_cost"]) == (3.0, D(12))
    assert a["useful_gpu_hours"] == pytest.approx(1.5)
    assert a["utilization"] == pytest.approx(0.5)
    assert a["cost_per_useful_gpu_hour"] == D(8)
    assert a["idle_cost"] == D("6.0")
    assert (a["unmeasured_gpu_hours"], a["unmeasured_cost"]) == (0.0, D(0))
    assert (a["charges"], a["unmeasured_charges"], a["oversubscribed_charges"]) == (2, 0, 1)


def test_charges_without_readings_are_unmeasured_not_idle(ledger: Ledger) -> None:
    b = {r["team"]: r for r in gpu_efficiency(ledger, by=["team"])}["b"]
    # b: 1 + 4 + 1 = 6 GPU-h for 3 + 10 + 6 = 19, none measured.
    assert (b["gpu_hours"], b["cost"]) == (6.0, D(19))
    assert b["cost_per_gpu_hour"] == D("3.166666666667")  # 19 / 6
    assert (b["measured_gpu_hours"], b["useful_gpu_hours"], b["idle_cost"]) == (0.0, 0.0, D(0))
    assert (b["utilization"], b["cost_per_useful_gpu_hour"]) == (None, None)
    assert (b["unmeasured_gpu_hours"], b["unmeasured_cost"], b["unmeasured_charges"]) == (
        6.0,
        D(19),
        3,
    )


def test_totals_and_billed_basis(ledger: Ledger) -> None:
    (total,) = gpu_efficiency(ledger, by=())
    # 9 GPU-h, 31; measured 3 GPU-h with 1.5 useful; idle 6.
    assert (total["gpu_hours"], total["cost"], total["idle_cost"]) == (9.0, D(31), D(6))
    (billed,) = gpu_efficiency(ledger, by=(), basis="billed")
    # Billed: g1 costs 10, so cost 33 and idle 10 x 0.55 + 4 x 0.4 = 5.5 + 1.6 = 7.1.
    assert (billed["cost"], billed["idle_cost"]) == (D(33), D("7.1"))


def test_per_charge_breakdown_by_resource(ledger: Ledger) -> None:
    rows = {r["resource"]: r for r in gpu_efficiency(ledger, by=["resource"])}
    assert rows["i-1"]["utilization"] == pytest.approx(0.45)
    assert rows["i-1"]["idle_cost"] == D("4.4")
    assert rows["i-2"]["utilization"] == pytest.approx(0.6)
    assert rows["i-2"]["oversubscribed_charges"] == 1
    assert set(rows) == {"i-1", "i-2", "i-3", "i-4", "i-5"}  # storage on i-1 is not a GPU charge


def test_gpu_count_missing_falls_back_to_gpu_hours(make_ledger: Callable[..., Ledger]) -> None:
    # No x_gpu_count, 2 GPU-hours in one hour -> capacity 7200 GPU-s; one GPU fully
    # busy for the hour -> u = 3600 / 7200 = 0.5; idle 10 x 0.5 = 5.
    ledger = make_ledger(
        charges=[{**HOUR, "ResourceId": "g", "x_gpu_hours": 2.0, "cost": 10}],
        samples=[_sample("g", 1.0)],
    )
    (row,) = gpu_efficiency(ledger, by=())
    assert (row["utilization"], row["idle_cost"]) == (0.5, D(5))


def test_currencies_stay_apart(make_ledger: Callable[..., Ledger]) -> None:
    ledger = make_ledger(
        charges=[
            _gpu("u", 1, 4, "a"),
            _gpu("e", 1, 6, "a", BillingCurrency="EUR"),
        ],
        samples=[_sample("u", 0.25), _sample("e", 0.5)],
    )
    rows = {r["currency"]: r for r in gpu_efficiency(ledger, by=["team"])}
    # USD: idle 4 x 0.75 = 3; EUR: idle 6 x 0.5 = 3.
    assert (rows["USD"]["cost"], rows["USD"]["idle_cost"]) == (D(4), D(3))
    assert (rows["EUR"]["cost"], rows["EUR"]["idle_cost"]) == (D(6), D(3))


def test_filters_and_period_apply(ledger: Ledger) -> None:
    assert [r["team"] for r in gpu_efficiency(ledger, by=["team"], filters=["team=b"])] == ["b"]
    assert gpu_efficiency(ledger, start="2026-01-05T11:00") == []
