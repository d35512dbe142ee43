"""Rightsizing rules on hand-checkable resources (the arithmetic is in the comments)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.optimize.exceptions import OptimizeError
from infracast.optimize.rightsizing import (
    GpuOffer,
    GpuSpec,
    ResourceUsage,
    RightsizingSettings,
    mig_slice,
    replicas_needed,
    rightsizing,
)

D = Decimal
SPECS = {
    "A100-80GB": GpuSpec("A100-80GB", 80, 312),
    "L40S": GpuSpec("L40S", 48, 362),
    "L4": GpuSpec("L4", 24, 121),
    "A10G": GpuSpec("A10G", 24, 70),
    "H100-SXM": GpuSpec("H100-SXM", 80, 989),
}
OFFERS = [
    GpuOffer("L40S", D("1.80"), "USD", "test book", "AWS"),
    GpuOffer("L4", D("0.80"), "USD", "test book", "AWS"),
    GpuOffer("A10G", D("1.00"), "USD", "test book", "AWS"),
]


def usage(resource_id: str = "i-1", **extra: Any) -> ResourceUsage:
    """14 days sampled, busy (p95 60 %) unless told otherwise; 1 GPU at 720 GPU-h a month."""
    values: dict[str, Any] = {
        "resource_id": resource_id,
        "gpu_type": "A100-80GB",
        "gpus": 1,
        "monthly_cost": D("2880"),
        "monthly_gpu_hours": 720.0,
        "currency": "USD",
        "days_sampled": 14.0,
        "recent_hours": 168.0,
        "recent_idle_share": 0.0,
        "p50": 0.5,
        "p90": 0.58,
        "p95": 0.6,
        "p99": 0.7,
        "max": 0.9,
        "peak_memory_gib": 40.0,
        "provider": "AWS",
    }
    values.update(extra)
    return ResourceUsage(**values)


def test_a_gpu_idle_for_two_weeks_is_stopped_for_its_monthly_cost() -> None:
    # 8× H100 costing 60,000 a month, every sample of the last 7 days below 5 %:
    # stop saves 60,000 (low: 60,000 × idle share 1.0). Confidence: 14 / 14 days = 1,
    # margin (1.0 − 0.95) / 0.05 = 1 -> 1 × (0.5 + 0.45 × 1) = 0.95.
    idle = usage(
        "i-dev",
        gpu_type="H100-SXM",
        gpus=8,
        monthly_cost=D("60000"),
        monthly_gpu_hours=5760.0,
        recent_idle_share=1.0,
        p50=0.01,
        p90=0.02,
        p95=0.02,
        p99=0.02,
        max=0.02,
        peak_memory_gib=1.0,
    )
    [decision] = rightsizing([idle], SPECS, OFFERS)
    assert decision.kind == "idle_gpu"
    assert decision.resource_ids == ("i-dev",)
    assert decision.savings == decision.savings_low == decision.savings_high == D("60000")
    assert decision.confidence == pytest.approx(0.95)
    assert decision.risk == "low"


def test_idle_needs_the_sustained_window_sampled() -> None:
    # 3 days of samples (72 h) < 90 % × 7 days × 24 h = 151.2 h: not a sustained idle.
    short = usage(recent_idle_share=1.0, recent_hours=72.0, p95=0.01, p99=0.01, p90=0.01)
    assert [d.kind for d in rightsizing([short], SPECS, OFFERS)] != ["idle_gpu"]


def test_idle_share_below_95_percent_is_not_idle() -> None:
    # 90 % of samples idle, 10 % busy: not idle; p95 60 % fits no other rule either.
    assert rightsizing([usage(recent_idle_share=0.9)], SPECS, OFFERS) == []


def test_a_light_small_memory_job_shares_an_a100_through_a_mig_slice() -> None:
    # A100-80GB, p95 10 %, peak memory 6 GiB, 2,000 a month.
    # 1g.10gb: 1/7 × 0.8 = 0.114 ≥ 0.10 and 6 × 1.2 = 7.2 GiB ≤ 10 GB = 9.31 GiB -> fits;
    # saves 2,000 × 6/7 = 1,714.29. p99 15 % > 0.114 -> 2g.20gb (2/7 × 0.8 = 0.229):
    # 2,000 × 5/7 = 1,428.57 (low). p90 8 % -> 1g.10gb (high = expected).
    # Confidence: 1 × (0.5 + 0.45 × (1 − 0.10 / 0.25)) = 0.5 + 0.27 = 0.77.
    light = usage(
        monthly_cost=D("2000"), p50=0.05, p90=0.08, p95=0.10, p99=0.15, max=0.2, peak_memory_gib=6.0
    )
    [decision] = rightsizing([light], SPECS, OFFERS)
    assert decision.kind == "share_gpu"
    assert decision.details["profile"] == "1g.10gb"
    assert decision.savings == D("2000") * 6 / 7
    assert decision.savings_low == D("2000") * 5 / 7
    assert decision.savings_high == D("2000") * 6 / 7
    assert decision.confidence == pytest.approx(0.77)
    assert decision.risk == "medium"


def test_a_light_job_on_a_gpu_without_mig_is_time_sliced() -> None:
    # L4 (24 GiB), p95 20 %, peak memory 4 GiB, 800 a month: the job needs
    # f = max(0.20 / 0.8, 4 × 1.2 / 24) = max(0.25, 0.2) = 0.25 of a GPU -> 4 jobs per GPU,
    # saves 800 × (1 − 1/4) = 600.
    light = usage(
        gpu_type="L4", monthly_cost=D("800"), p90=0.15, p95=0.20, p99=0.24, peak_memory_gib=4.0
    )
    [decision] = rightsizing([light], SPECS, OFFERS)
    assert decision.kind == "share_gpu"
    assert decision.details["jobs_per_gpu"] == 4
    assert decision.savings == D("600")
    assert decision.risk == "high"


def test_mig_slice_is_the_smallest_that_holds_compute_and_memory() -> None:
    cfg = RightsizingSettings()
    # 0.10 of an H100, 15 GiB: 1g.10gb holds the compute but not 15 × 1.2 = 18 GiB;
    # 1g.20gb (18.6 GiB) holds both.
    profile = mig_slice("H100-SXM", 0.10, 15.0, cfg)
    assert profile is not None and profile.name == "1g.20gb"
    assert mig_slice("L4", 0.10, 1.0, cfg) is None


def test_a_p95_30_percent_small_memory_job_moves_to_the_cheaper_accelerator() -> None:
    # A100-80GB (312 TFLOPS) at 4.00 an hour × 720 h = 2,880 a month; p95 30 %, 16 GiB peak.
    # Need 0.30 × 312 = 93.6 TFLOPS; memory 16 × 1.2 = 19.2 GiB.
    #   L4:   121 × 0.8 = 96.8 ≥ 93.6, 24 ≥ 19.2 -> 2,880 − 0.80 × 720 = 2,304 (best)
    #   L40S: 289.6 ≥ 93.6, 48 ≥ 19.2         -> 2,880 − 1.80 × 720 = 1,584
    #   A10G: 70 × 0.8 = 56 < 93.6            -> does not fit
    # p99 35 %: need 109.2 > 96.8 -> L40S, 1,584 (low); p90 25 % -> L4, 2,304 (high).
    # Confidence: 1 × (0.5 + 0.45 × (1 − 0.30 / 0.40)) = 0.5 + 0.1125 = 0.6125.
    job = usage(p50=0.2, p90=0.25, p95=0.30, p99=0.35, max=0.5, peak_memory_gib=16.0)
    [decision] = rightsizing([job], SPECS, OFFERS)
    assert decision.kind == "rightsize_gpu"
    assert decision.details["to"]["accelerator"] == "L4"
    assert decision.savings == D("2304")
    assert decision.savings_low == D("1584")
    assert decision.savings_high == D("2304")
    assert decision.confidence == pytest.approx(0.6125)
    assert decision.details["price"]["source"] == "test book"


def test_downsize_needs_memory_to_fit() -> None:
    # 45 GiB × 1.2 = 54 GiB fits none of L4, L40S (48), A10G: no decision.
    job = usage(p90=0.25, p95=0.30, p99=0.35, peak_memory_gib=45.0)
    assert rightsizing([job], SPECS, OFFERS) == []


def test_downsize_prefers_offers_of_the_resources_provider() -> None:
    # The L4 is only offered elsewhere; the AWS L40S wins: 2,880 − 1,296 = 1,584.
    offers = [replace(OFFERS[0]), replace(OFFERS[1], provider="Google Cloud")]
    job = usage(p90=0.25, p95=0.30, p99=0.35, peak_memory_gib=16.0)
    [decision] = rightsizing([job], SPECS, offers)
    assert decision.details["to"]["accelerator"] == "L40S"
    assert decision.savings == D("1584")


def test_four_replicas_at_15_percent_consolidate_to_one() -> None:
    # Four 1-GPU replicas of "chat", 1,000 a month each, p95 15 %: load 4 × 0.15 = 0.6 GPU;
    # ⌈0.6 / 0.7⌉ = 1 replica -> remove 3: 4,000 × 3/4 = 3,000.
    # p99 20 %: ⌈0.8 / 0.7⌉ = 2 -> 2,000 (low); p90 12 %: ⌈0.48 / 0.7⌉ = 1 -> 3,000 (high).
    # Confidence: margin 1 − 0.6 / (0.7 × 1 × 4) = 0.7857 -> 0.5 + 0.45 × 0.7857 = 0.8536.
    # The pool's members get no share decision though each p95 is below 25 %.
    pool = [
        usage(
            f"r-{i}",
            gpu_type="L40S",
            workload="chat",
            monthly_cost=D("1000"),
            p90=0.12,
            p95=0.15,
            p99=0.20,
            peak_memory_gib=10.0,
        )
        for i in range(4)
    ]
    [decision] = rightsizing(pool, SPECS, OFFERS)
    assert decision.kind == "consolidate_replicas"
    assert decision.resource_ids == ("r-0", "r-1", "r-2", "r-3")
    assert decision.details["replicas_needed"] == 1
    assert (decision.savings, decision.savings_low, decision.savings_high) == (
        D("3000"),
        D("2000"),
        D("3000"),
    )
    assert decision.confidence == pytest.approx(0.8536, abs=1e-4)
    assert decision.risk == "high"


def test_min_replicas_keeps_two() -> None:
    # The same pool with min_replicas 2: remove 2 of 4 -> 4,000 × 2/4 = 2,000.
    pool = [
        usage(
            f"r-{i}",
            gpu_type="L40S",
            workload="chat",
            monthly_cost=D("1000"),
            p90=0.12,
            p95=0.15,
            p99=0.20,
        )
        for i in range(4)
    ]
    [decision] = rightsizing(pool, SPECS, OFFERS, RightsizingSettings(min_replicas=2))
    assert decision.savings == D("2000")
    assert decision.risk == "medium"


def test_a_busy_pool_is_not_consolidated() -> None:
    # Two replicas at p95 60 %: ⌈1.2 / 0.7⌉ = 2 = all of them.
    pool = [usage(f"r-{i}", workload="chat") for i in range(2)]
    assert rightsizing(pool, SPECS, OFFERS) == []


def test_an_all_idle_pool_is_stopped_replica_by_replica() -> None:
    # Two idle replicas of the same workload: two idle_gpu decisions, not a consolidation.
    pool = [
        usage(f"r-{i}", workload="dev", recent_idle_share=1.0, p90=0.0, p95=0.0, p99=0.0)
        for i in range(2)
    ]
    assert [d.kind for d in rightsizing(pool, SPECS, OFFERS)] == ["idle_gpu", "idle_gpu"]


def test_decisions_come_most_savings_first() -> None:
    idle = usage("big", monthly_cost=D("9000"), recent_idle_share=1.0, p95=0.0, p99=0.0)
    light = usage(
        "small", monthly_cost=D("2000"), p90=0.08, p95=0.10, p99=0.15, peak_memory_gib=6.0
    )
    assert [d.resource_ids for d in rightsizing([light, idle], SPECS, OFFERS)] == [
        ("big",),
        ("small",),
    ]


@pytest.mark.parametrize(
    "bad",
    [{"idle_threshold": 0.0}, {"share_p95": 1.5}, {"sustained_days": 0}, {"min_replicas": 0}],
)
def test_settings_out_of_range_are_errors_with_a_hint(bad: dict[str, Any]) -> None:
    with pytest.raises(OptimizeError) as caught:
        RightsizingSettings(**bad)
    assert caught.value.hint


@settings(max_examples=60, deadline=None)
@given(
    p95=st.floats(0.01, 0.39),
    memory=st.floats(0.0, 70.0),
    prices=st.lists(st.integers(1, 500), min_size=3, max_size=3),
)
def test_downsize_picks_what_brute_force_over_the_offers_picks(
    p95: float, memory: float, prices: list[int]
) -> None:
    # Brute force: every offer that fits memory (× 1.2) and throughput (peak × 0.8 ≥ p95 ×
    # 312), cheaper than today; the largest saving wins, none when nothing fits.
    offers = [
        GpuOffer(name, D(cents) / 100, "USD", "test", "AWS")
        for name, cents in zip(("L40S", "L4", "A10G"), prices, strict=True)
    ]
    job = usage(p90=p95, p95=p95, p99=p95, peak_memory_gib=memory)
    best = D(0)
    for o in offers:
        spec = SPECS[o.accelerator]
        fits = memory * 1.2 <= spec.memory_gib + 1e-9 and spec.peak_tflops * 0.8 + 1e-9 >= p95 * 312
        if fits:
            best = max(best, D("2880") - o.price_per_gpu_hour * 720)
    cfg = RightsizingSettings(share_p95=0.01)  # keep the share rule out of the way
    found = [d for d in rightsizing([job], SPECS, offers, cfg) if d.kind == "rightsize_gpu"]
    assert (found[0].savings if found else D(0)) == best


@given(load=st.floats(0.0, 20.0), gpus=st.integers(1, 8))
def test_replicas_needed_is_the_fewest_that_hold_the_load_at_the_target(
    load: float, gpus: int
) -> None:
    cfg = RightsizingSettings()
    fewest = next(m for m in range(1, 1000) if m * 0.7 * gpus >= load - 1e-6)
    assert replicas_needed(load, gpus, cfg) == fewest
