from __future__ import annotations

import pytest

from infracast.estimate._training import TrainingSpec, estimate_training
from infracast.estimate.defaults import Defaults
from infracast.estimate.goodput import default_goodput
from infracast.estimate.sizing import accelerator_hours
from tests.estimate.conftest import GPU


def test_accelerator_hours_for_a_peak_and_mfu() -> None:
    # 8.4e22 / (1e15 × 0.5) / 3600 = 1.68e8 s / 3600 = 46,666.67 h
    assert accelerator_hours(8.4e22, 1e15, 0.5) == pytest.approx(46_666.6667)


def test_count_and_goodput_are_solved_together(defaults: Defaults) -> None:
    spec = TrainingSpec(params=70e9, tokens=15e12, accelerator="TEST-GPU")
    est = estimate_training(spec, GPU, [], defaults)
    at_count = default_goodput(
        GPU,
        active_params=70e9,
        total_params=70e9,
        precision="bf16",
        num_accelerators=est.num_accelerators,
        defaults=defaults,
    )
    assert est.goodput == pytest.approx(at_count.value)
    # 6 · 70e9 · 15e12 = 6.3e24 FLOPs at the goodput of that count
    assert est.accelerator_hours == pytest.approx(6.3e24 / (1e15 * at_count.value) / 3600)
    assert est.wallclock_hours <= 60 * 24


def test_a_given_count_is_kept(defaults: Defaults) -> None:
    spec = TrainingSpec(params=7e9, tokens=2e12, accelerator="TEST-GPU", num_accelerators=24)
    est = estimate_training(spec, GPU, [], defaults)
    assert est.num_accelerators == 24
    assert est.parallelism.layout.accelerators == 24


def test_the_default_count_stops_where_interruptions_take_half_the_time(
    defaults: Defaults,
) -> None:
    # 6 · 7e9 · 1e17 = 4.2e27 FLOPs at mfu 0.5 on 1e15 FLOP/s: 2.33e9 accelerator-hours, which
    # 60 days need 1.6e6 accelerators for; the count stops at 147,456 (a multiple of 8) instead
    spec = TrainingSpec(params=7e9, tokens=1e17, accelerator="TEST-GPU", mfu=0.5)
    est = estimate_training(spec, GPU, [], defaults)
    assert est.num_accelerators == 147_456
    (missed,) = [a for a in est.assumptions if "60-day target" in str(a.value)]
    assert missed.name == "warning"
    # 2.333e9 h / 147,456 = 15,825 h = 659 days
    assert "(wall-clock 659 days)" in str(missed.value)


def test_a_run_that_meets_its_target_has_no_target_warning(defaults: Defaults) -> None:
    spec = TrainingSpec(params=70e9, tokens=15e12, accelerator="TEST-GPU")
    est = estimate_training(spec, GPU, [], defaults)
    assert not [a for a in est.assumptions if "target" in str(a.value)]
