"""Placement: optimal against brute force, costs against hand arithmetic, baselines, greedy."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from infracast.optimize.exceptions import InfeasibleError
from infracast.optimize.placement_plan import placement

# catalog dense bf16 peaks (TFLOPS) and memory (GB) of the parts the random instances use
PEAK = {"H100": 989.5, "A100": 312.0, "L4": 121.0}
MEMORY = {"H100": 80.0, "A100": 80.0, "L4": 24.0}
LEVEL = {"H100": 4.0, "A100": 2.0, "L4": 0.8}  # test prices per GPU-hour, not facts
EGRESS = 0.09


def _random_instance(seed: int, *, split: bool = False):
    rng = np.random.default_rng(seed)
    n_w, n_o = (3, 3) if split else (int(rng.integers(4, 6)), int(rng.integers(4, 7)))
    timed = seed % 3 == 0
    offers = []
    for j in range(n_o):
        first = j < 3 and not split  # one on-demand 8-GPU offer of each part, in r1
        spot = not first and rng.random() < 0.4
        acc = list(PEAK)[j] if j < 3 else str(rng.choice(list(PEAK)))
        gpi = 8 if first else int(rng.choice([1, 2] if split else [1, 2, 4, 8]))
        offers.append(
            {
                "offer": f"o{j}",
                "provider": str(rng.choice(["aws", "gcp"])),
                "region": "r1" if first else str(rng.choice(["r1", "r2"])),
                "accelerator": acc,
                "gpus_per_instance": gpi,
                # per GPU-hour around the part's level (H100 4, A100 2, L4 0.8), ±40%
                "price_per_hour": round(LEVEL[acc] * gpi * float(rng.uniform(0.6, 1.4)), 2),
                "pricing": "spot" if spot else "on_demand",
                "interruption_rate_per_hour": float(rng.choice([0.02, 0.2])) if spot else None,
                "capacity_instances": int(rng.integers(1, 4) if first else rng.integers(3, 7))
                if split or first or rng.random() >= 0.4
                else None,
                "committed": bool(not spot and not first and rng.random() < 0.15),
            }
        )
        if offers[-1]["committed"] and offers[-1]["capacity_instances"] is None:
            offers[-1]["capacity_instances"] = 1
    workloads = []
    for i in range(n_w):
        accs = [str(a) for a in rng.permutation(list(PEAK))[: int(rng.choice([0, 2, 3, 3]))]]
        start = float(rng.choice([0, 0, 4])) if timed else 0.0
        hours = float(rng.integers(1, 10))
        workloads.append(
            {
                "workload": f"w{i}",
                "gpus": 8 if split and i == 0 else int(rng.choice([1, 2, 4, 8])),
                "hours": hours,
                "accelerators": accs,
                "min_gpu_memory_gb": 40.0 if rng.random() < 0.1 else None,
                "regions": ["r1"] if rng.random() < 0.1 else [],
                "interruptible": bool(rng.random() < 0.5),
                "checkpoint_minutes": [None, 30.0, 120.0][int(rng.integers(0, 3))],
                "team": str(rng.choice(["t1", "t2"])),
                "start_hour": start,
                "deadline_hours": start + hours * 3 if rng.random() < 0.3 else None,
                "data_region": "r1" if rng.random() < 0.4 else None,
                "data_gb": float(rng.choice([10.0, 500.0])),
                "split": split and i == 0,
            }
        )
    caps = []
    if rng.random() < 0.6:
        caps.append({"team": "t1", "per": "hour", "amount": float(rng.uniform(10, 80))})
    if rng.random() < 0.6:
        caps.append({"team": "t2", "per": "month", "amount": float(rng.uniform(30, 600))})
    return workloads, offers, caps


def _options(w, offers):
    """Every (offer, instances, cost, hourly, end) the workload may take, by the spec."""
    out = []
    for j, o in enumerate(offers):
        ref = w["accelerators"][0] if w["accelerators"] else o["accelerator"]
        d = w["hours"] * PEAK[ref] / PEAK[o["accelerator"]]
        n = math.ceil(w["gpus"] / o["gpus_per_instance"])
        cap = o["capacity_instances"]
        if w["accelerators"] and o["accelerator"] not in w["accelerators"]:
            continue
        if (w["min_gpu_memory_gb"] or 0) > MEMORY[o["accelerator"]]:
            continue
        if w["regions"] and o["region"] not in w["regions"]:
            continue
        if o["pricing"] == "spot" and not w["interruptible"]:
            continue
        if w["deadline_hours"] is not None and w["start_hour"] + d > w["deadline_hours"]:
            continue
        price = 0.0 if o["committed"] else o["price_per_hour"]
        rate = o["interruption_rate_per_hour"] or 0.0
        c = min((w["checkpoint_minutes"] or math.inf) / 60, d)
        away = w["data_region"] is not None and o["region"] != w["data_region"]
        egress = w["data_gb"] * EGRESS * away
        if w["split"]:
            # k instances of o: each p d (1 + λ c / 2) plus a GPU share of the egress
            one = price * d * (1 + rate * c / 2) + egress * o["gpus_per_instance"] / w["gpus"]
            out.append((j, n, one, price, d, egress, True))
        elif cap is None or n <= cap:
            # the whole workload: n p d (1 + n λ c / 2) + egress
            run = n * price * d * (1 + n * rate * c / 2)
            out.append((j, n, run + egress, n * price, d, egress, False))
    return out


def _choices(w, offers):
    """Each way to place w: a list of (offer, instances, cost, hourly, hours, egress)."""
    opts = _options(w, offers)
    if not w["split"]:
        return [[(j, n, cost, hourly, d, e)] for j, n, cost, hourly, d, e, _ in opts]
    ways = []
    for ks in itertools.product(*[range(n + 1) for _, n, *_ in opts]):
        gpus = sum(k * offers[opt[0]]["gpus_per_instance"] for k, opt in zip(ks, opts, strict=True))
        if gpus >= w["gpus"]:
            ways.append(
                [
                    (j, k, k * one, k * p, d, k * e)
                    for k, (j, _, one, p, d, e, _) in zip(ks, opts, strict=True)
                    if k
                ]
            )
    return ways


def _cap_use(plan, workloads, cap):
    """What the plan spends of the team's cap: the peak hourly spend at a start hour, or the
    cost accrued in the first 730 h (egress at the start)."""
    mine = [
        (w, parts) for w, parts in zip(workloads, plan, strict=True) if w["team"] == cap["team"]
    ]
    if cap["per"] == "hour":
        return max(
            sum(
                h
                for w, parts in mine
                for _, _, _, h, d, _ in parts
                if w["start_hour"] <= t < w["start_hour"] + d
            )
            for t in {w["start_hour"] for w in workloads}
        )
    month = 0.0
    for w, parts in mine:
        s = w["start_hour"]
        for _, _, cost, _, d, e in parts:
            month += (cost - e) * min(max((min(s + d, 730) - s) / d, 0), 1) + e * (s < 730)
    return month


def _feasible_cost(plan, workloads, offers, caps):
    """The plan's cost if it meets capacity and caps at every start hour, else None."""
    for t in {w["start_hour"] for w in workloads}:
        load: dict[int, float] = {}
        for w, parts in zip(workloads, plan, strict=True):
            for j, k, _, _, d, _ in parts:
                if w["start_hour"] <= t < w["start_hour"] + d:
                    load[j] = load.get(j, 0) + k
        for j, o in enumerate(offers):
            if o["capacity_instances"] is not None and load.get(j, 0) > o["capacity_instances"]:
                return None
    if any(_cap_use(plan, workloads, c) > c["amount"] + 1e-9 for c in caps):
        return None
    return sum(cost for parts in plan for _, _, cost, *_ in parts)


def _brute_force(workloads, offers, caps):
    """The least cost over every plan, and that plan (None, None when none is feasible)."""
    best, best_plan = None, None
    for plan in itertools.product(*[_choices(w, offers) for w in workloads]):
        cost = _feasible_cost(plan, workloads, offers, caps)
        if cost is not None and (best is None or cost < best):
            best, best_plan = cost, plan
    return best, best_plan


def _instance(seed, *, split=False):
    """A random instance whose caps, when it has any, cut into the uncapped optimum: hourly
    at 70%, 90% or 150%, monthly at 99%, 100% or 150% of what the brute-force plan without
    caps spends."""
    workloads, offers, caps = _random_instance(seed, split=split)
    _, plan = _brute_force(workloads, offers, [])
    if plan is not None:
        rng = np.random.default_rng(seed + 1000)
        for cap in caps:
            cuts = [0.7, 0.9, 1.5] if cap["per"] == "hour" else [0.99, 1.0, 1.5]
            cap["amount"] = round(_cap_use(plan, workloads, cap) * float(rng.choice(cuts)), 2)
    return workloads, offers, caps


@pytest.mark.parametrize("seed", range(40))
def test_objective_matches_brute_force_on_random_instances(seed):
    workloads, offers, caps = _instance(seed)
    best, _ = _brute_force(workloads, offers, caps)
    if best is None:
        with pytest.raises(InfeasibleError):
            placement(workloads, offers, budget_caps=caps, mip_gap=1e-9)
        return
    result = placement(workloads, offers, budget_caps=caps, mip_gap=1e-9)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    assert sum(a.cost for a in result.assignments) == pytest.approx(result.objective)


@pytest.mark.parametrize("seed", range(15))
def test_split_objective_matches_brute_force(seed):
    workloads, offers, caps = _instance(seed, split=True)
    best, _ = _brute_force(workloads, offers, caps)
    if best is None:
        with pytest.raises(InfeasibleError):
            placement(workloads, offers, budget_caps=caps, mip_gap=1e-9)
        return
    result = placement(workloads, offers, budget_caps=caps, mip_gap=1e-9)
    assert result.objective == pytest.approx(best, rel=1e-7, abs=1e-6)


def _offer(name, acc="H100", price=10.0, **extra):
    return {"offer": name, "provider": "aws", "region": "r1", "accelerator": acc,
            "gpus_per_instance": 8, "price_per_hour": price, **extra}  # fmt: skip


def test_spot_expected_cost_counts_work_lost_since_last_checkpoint():
    # 16 GPUs -> 2 instances; 10 h; λ = 0.1 per instance-hour, checkpoint c = 1 h:
    # 2 × 20 × 10 × (1 + 2 × 0.1 × 1 / 2) = 400 × 1.1 = 440
    job = {
        "workload": "w",
        "gpus": 16,
        "hours": 10,
        "interruptible": True,
        "checkpoint_minutes": 60,
    }
    spot = _offer("s", price=20, pricing="spot", interruption_rate_per_hour=0.1)
    result = placement([job], [spot])
    assert result.objective == pytest.approx(440.0)


def test_hours_scale_by_relative_peak_on_another_accelerator():
    # 10 h on an H100 (989.5 TFLOPS bf16) is 10 × 989.5 / 312 = 31.7147 h on an A100 (312);
    # at 4 per instance-hour: 126.859
    job = {"workload": "w", "gpus": 8, "hours": 10, "accelerators": "H100;A100"}
    result = placement([job], [_offer("a", acc="A100", price=4)])
    assert result.assignments[0].hours == pytest.approx(10 * 989.5 / 312)
    assert result.objective == pytest.approx(4 * 10 * 989.5 / 312)


def test_egress_is_paid_outside_the_data_region():
    # r1 at 10/h × 1 h = 10; r2 at 9.5/h + 100 GB × 0.09 = 9.5 + 9 = 18.5: stays in r1
    job = {"workload": "w", "gpus": 8, "hours": 1, "data_region": "r1", "data_gb": 100}
    far = _offer("far", price=9.5, region="r2")
    result = placement([job], [_offer("near"), far])
    assert (result.assignments[0].offer, result.objective) == ("near", pytest.approx(10.0))
    assert placement([job], [far]).assignments[0].egress_cost == pytest.approx(9.0)


def test_committed_capacity_is_used_first_at_zero_marginal_cost():
    jobs = [{"workload": f"w{i}", "gpus": 8, "hours": 2} for i in range(2)]
    reserved = _offer("res", price=50, committed=True, capacity_instances=1)
    result = placement(jobs, [reserved, _offer("od", price=10)])
    assert sorted(a.offer for a in result.assignments) == ["od", "res"]
    assert result.objective == pytest.approx(20.0)  # 0 on the commitment + 10 × 2 h


def test_sequential_workloads_share_capacity_across_time_slices():
    # cheap offer holds 1 instance; w0 runs [0, 5), w1 [5, 8): both fit there (5 + 3 = 8)
    jobs = [
        {"workload": "w0", "gpus": 8, "hours": 5},
        {"workload": "w1", "gpus": 8, "hours": 3, "start_hour": 5},
    ]
    offers = [_offer("cheap", price=1, capacity_instances=1), _offer("dear", price=10)]
    assert placement(jobs, offers).objective == pytest.approx(8.0)
    jobs[1]["start_hour"] = 4  # now they overlap in [4, 5): one goes to the dear offer
    assert placement(jobs, offers).objective == pytest.approx(5 + 30.0)


def test_deadline_rules_out_an_offer_too_slow_to_finish():
    # 10 h on an H100 is 31.7 h on an A100: past the 20 h deadline, so the dearer H100
    job = {
        "workload": "w",
        "gpus": 8,
        "hours": 10,
        "accelerators": "H100;A100",
        "deadline_hours": 20,
    }
    result = placement([job], [_offer("a", acc="A100", price=1), _offer("h", price=10)])
    assert result.assignments[0].offer == "h"


def test_the_cap_that_binds_is_named_and_a_loose_one_is_not():
    # alone each would take "fast" (30/h × 1 h); t1's hourly cap of 40 allows one of them
    jobs = [{"workload": f"w{i}", "gpus": 8, "hours": 1, "team": "t1"} for i in range(2)]
    jobs.append({"workload": "w2", "gpus": 8, "hours": 1, "team": "t2"})
    caps = [
        {"team": "t1", "per": "hour", "amount": 40},
        {"team": "t2", "per": "month", "amount": 1e6},
    ]
    offers = [_offer("fast", price=30), _offer("slow", acc="A100", price=10)]
    for job in jobs:
        job["accelerators"] = "H100;A100"
    result = placement(jobs, offers, budget_caps=caps)
    binding = [b for b in result.binding if b["constraint"] == "budget_cap"]
    assert [(b["team"], b["per"]) for b in binding] == [("t1", "hour")]
    assert binding[0]["objective_without"] < result.objective


def test_baseline_uses_current_offers_and_greedy_is_beaten_on_a_hand_case():
    # x: 10/h, room for 1; y: 12/h; z: 30/h. w1 (10 h) may use x or y, w2 (5 h) x or z.
    # greedy (w1 first, more GPU-hours): w1 on x 100, w2 on z 150 = 250;
    # optimal: w1 on y 120, w2 on x 50 = 170; baseline (current offers y, z): 120 + 150 = 270
    offers = [
        _offer("x", price=10, capacity_instances=1),
        _offer("y", price=12, provider="gcp"),
        _offer("z", price=30, provider="azure"),
    ]
    jobs = [
        {"workload": "w1", "gpus": 8, "hours": 10, "providers": "aws;gcp", "current_offer": "y"},
        {"workload": "w2", "gpus": 8, "hours": 5, "providers": "aws;azure", "current_offer": "z"},
    ]
    result = placement(jobs, offers)
    assert result.objective == pytest.approx(170.0)
    assert result.greedy_cost == pytest.approx(250.0)
    assert result.baseline_cost == pytest.approx(270.0)
    assert (result.savings, result.savings_vs_greedy) == (pytest.approx(100.0), pytest.approx(80.0))
    # per workload: w1 stays on y (120 against 120: saves 0), w2 moves z → x (150 → 50: 100)
    each = {a.workload: (a.offer, a.baseline_cost, a.savings) for a in result.assignments}
    assert each == {"w1": ("y", pytest.approx(120.0), pytest.approx(0.0)),
                    "w2": ("x", pytest.approx(150.0), pytest.approx(100.0))}  # fmt: skip


def test_greedy_without_a_full_plan_reports_none():
    # w1 (more GPU-hours) greedily takes x, the only offer w2 may use; the optimum moves w1 to y
    offers = [_offer("x", price=10, capacity_instances=1), _offer("y", price=12, provider="gcp")]
    jobs = [
        {"workload": "w1", "gpus": 8, "hours": 10},
        {"workload": "w2", "gpus": 8, "hours": 5, "providers": "aws"},
    ]
    result = placement(jobs, offers)
    assert result.greedy_cost is None
    assert any("greedy found no full plan" in a for a in result.assumptions)
    assert {a.workload: a.offer for a in result.assignments} == {"w1": "y", "w2": "x"}


def test_baseline_without_current_offer_is_cheapest_on_demand_list_price():
    # spot (5) and committed (0) are not list prices; on demand 10 and 12 -> 10 × 2 h = 20
    job = {"workload": "w", "gpus": 8, "hours": 2, "interruptible": True}
    offers = [
        _offer("spot", price=5, pricing="spot", interruption_rate_per_hour=0.0),
        _offer("res", price=7, committed=True, capacity_instances=1),
        _offer("od1", price=10, capacity_instances=0),
        _offer("od2", price=12),
    ]
    result = placement([job], offers)
    assert result.baseline_cost == pytest.approx(20.0)  # capacity 0 of od1 ignored
    assert result.objective == pytest.approx(0.0)


def test_to_dict_has_the_json_contract_and_rows_flatten_the_assignments():
    result = placement([{"workload": "w", "gpus": 8, "hours": 1}], [_offer("o")])
    data = result.to_dict()
    for key in ("status", "objective", "bound", "gap", "baseline_cost", "greedy_cost",
                "savings", "solve_seconds", "assignments", "binding", "assumptions",
                "inputs_hash"):  # fmt: skip
        assert key in data
    json.dumps(data)
    assert result.to_rows()[0] | {} == data["assignments"][0]
    assert {"workload", "offer", "instances", "cost"} <= set(data["assignments"][0])


def test_inputs_hash_is_stable_and_changes_with_a_price():
    job = {"workload": "w", "gpus": 8, "hours": 1}
    one = placement([job], [_offer("o")]).inputs_hash
    assert one == placement([job], [_offer("o")]).inputs_hash
    assert one != placement([job], [_offer("o", price=11)]).inputs_hash


def test_spot_offer_without_a_rate_gets_the_default_and_says_so():
    job = {"workload": "w", "gpus": 8, "hours": 1, "interruptible": True}
    result = placement([job], [_offer("s", pricing="spot")], spot_interruptions_per_hour=0.5)
    # no checkpoint: c = the run (1 h); 10 × 1 × (1 + 1 × 0.5 × 1 / 2) = 12.5
    assert result.objective == pytest.approx(12.5)
    assert any("without interruption_rate_per_hour (s)" in a for a in result.assumptions)


def test_importing_placement_loads_no_database():
    code = "import sys, infracast.optimize.placement_plan; print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "duckdb" not in out.stdout and "'ibis'" not in out.stdout


def test_a_large_plain_model_goes_to_column_generation_within_its_gap(monkeypatch):
    # The same seeded instance (60 workloads, 12 offers with capacities) solved whole by
    # HiGHS and by column generation (forced by lowering the size threshold): the large
    # path's plan respects capacity and costs within its 0.5% gap of the optimum.
    import infracast.optimize.placement_plan as plan

    rng = np.random.default_rng(7)
    offers = [
        _offer(f"o{j}", price=float(rng.uniform(8, 12)), capacity_instances=int(rng.integers(3, 9)))
        for j in range(12)
    ]
    jobs = [
        {"workload": f"w{i}", "gpus": 8, "hours": float(rng.integers(1, 20))} for i in range(60)
    ]
    whole = placement(jobs, offers)
    monkeypatch.setattr(plan, "LARGE_PAIRS", 10)
    large = placement(jobs, offers)
    assert any("column generation" in a for a in large.assumptions)
    assert whole.bound <= large.objective <= whole.objective * (1 + plan.LARGE_GAP) + 1e-9
    assert large.bound <= whole.objective + 1e-6
    used: dict[str, int] = {}
    for a in large.assignments:
        used[a.offer] = used.get(a.offer, 0) + a.instances
    limit = {o["offer"]: o["capacity_instances"] for o in offers}
    assert len(large.assignments) == 60
    assert all(count <= limit[name] for name, count in used.items())
