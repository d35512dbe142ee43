from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infracast.catalog.models import Accelerator
from infracast.estimate.defaults import Defaults, load_defaults
from infracast.estimate.goodput import (
    cluster_factor,
    default_goodput,
    half_cluster_count,
    hours_lost_per_interruption,
    interruption_rate,
    size_factor,
)
from tests.conftest import shared_path
from tests.estimate.conftest import D4096_PARAMS, GPU, OLD

# λ·t = (1/0.9 − 1) / 16384 = 1 / (9 · 16384) = 1 / 147456 for every accelerator.
LT = 1 / 147456


def test_size_factor_is_the_roofline_time_fraction() -> None:
    # d = 4096, ridge 200, c = 15: 4096 / (4096 + 3000) = 0.577226…
    assert size_factor(4096, 200, 15) == pytest.approx(4096 / 7096)


def test_the_interruption_figures_come_from_llama_3(defaults: Defaults) -> None:
    # λ = 419 / (16384 · 54 · 24) = 1.973e-5 per GPU-hour; t = (1/0.9 − 1) / (16384 · λ) = 0.3437 h
    assert interruption_rate(defaults) == pytest.approx(419 / (16384 * 54 * 24))
    assert hours_lost_per_interruption(defaults) == pytest.approx(0.34368, rel=1e-4)


def test_the_llama_3_cluster_keeps_90_percent(defaults: Defaults) -> None:
    # 1 / (1 + 16384 · λ · t) = 1 / (1 + 1/9) = 0.9
    assert cluster_factor(16384, defaults) == pytest.approx(0.9)
    assert cluster_factor(1, defaults) == pytest.approx(1 / (1 + LT))


def test_dense_bf16_goodput_by_hand(defaults: Defaults) -> None:
    # N = 12·4096³/128 → d = 4096; ridge = 1000e12 / 5000e9 = 200 FLOP/byte
    # 0.52 × 4096/7096 × 1/(1 + 8/147456) = 0.52 × 0.577226 × 0.999946 = 0.300142
    good = default_goodput(
        GPU,
        active_params=D4096_PARAMS,
        total_params=D4096_PARAMS,
        precision="bf16",
        num_accelerators=8,
        defaults=defaults,
    )
    assert good.value == pytest.approx(0.52 * 4096 / 7096 / (1 + 8 * LT))
    assert "m 0.52" in good.explanation and "s 0.577" in good.explanation
    names = {a.name for a in good.assumptions}
    assert {"large_model_mfu", "size_overhead_c", "cluster_factor"} <= names
    assert "moe_factor" not in names


def test_moe_fp16_and_fp8_factors_multiply(defaults: Defaults) -> None:
    def goodput(precision: str, total: float) -> float:
        return default_goodput(
            GPU,
            active_params=D4096_PARAMS,
            total_params=total,
            precision=precision,
            num_accelerators=1,
            defaults=defaults,
        ).value

    dense = goodput("bf16", D4096_PARAMS)
    assert goodput("bf16", 4 * D4096_PARAMS) == pytest.approx(dense * 0.75)  # MoE
    assert goodput("fp16", D4096_PARAMS) == pytest.approx(dense * 0.7)  # loss scaling
    # fp8, relative to the fp8 peak: × 1.3 speed-up × 1000/2000 peak ratio = × 0.65
    assert goodput("fp8", D4096_PARAMS) == pytest.approx(dense * 0.65)


@given(
    small=st.floats(1e8, 1e12),
    factor=st.floats(1.01, 100),
    count=st.integers(1, 100_000),
)
def test_goodput_grows_with_model_size_and_stays_a_fraction(
    small: float, factor: float, count: int
) -> None:
    defaults = load_defaults()

    def goodput(n: float) -> float:
        return default_goodput(
            GPU,
            active_params=n,
            total_params=n,
            precision="bf16",
            num_accelerators=count,
            defaults=defaults,
        ).value

    assert 0 < goodput(small) < goodput(small * factor) < 0.52


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_goodput_falls_with_cluster_size(a: int, b: int) -> None:
    defaults = load_defaults()
    low, high = sorted((a, b))
    assert cluster_factor(high, defaults) <= cluster_factor(low, defaults) <= 1


def test_a_part_with_a_lower_ridge_gets_more_of_its_peak(defaults: Defaults) -> None:
    # OLD: 125e12 / 900e9 = 139 FLOP/byte, below TEST-GPU's 200
    def goodput(part: Accelerator) -> float:
        return default_goodput(
            part,
            active_params=7e9,
            total_params=7e9,
            precision="fp16",
            num_accelerators=8,
            defaults=defaults,
        ).value

    assert goodput(OLD) > goodput(GPU)


@pytest.mark.shared
def test_default_goodput_meets_the_calibration_targets_on_the_shared_file() -> None:
    """The issue's acceptance: ≥ 75% of the published runs within ±25%, median error ≤ 20%."""
    from bench.estimate_calibration import summary, training_rows

    rows = training_rows(shared_path("calibration", "training_runs.csv"))
    within, median = summary(rows)
    assert within / len(rows) >= 0.75
    assert median <= 0.20
    assert all(math.isfinite(r.ratio) for r in rows)


def test_the_half_cluster_count_is_where_the_cluster_factor_is_one_half(
    defaults: Defaults,
) -> None:
    # G·λ·t = 1 with λ·t = (1/0.9 − 1) / 16,384: G = 16,384 · 9 = 147,456
    assert half_cluster_count(defaults) == 147_456
    assert cluster_factor(147_456, defaults) == pytest.approx(0.5)
