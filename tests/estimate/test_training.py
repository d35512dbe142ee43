from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from infracast.errors import CatalogError, EstimateError
from infracast.estimate._training import (
    TrainingSpec,
    attention_flops,
    estimate_training,
    training_flops,
)
from infracast.estimate.defaults import Defaults, load_defaults
from tests.estimate.conftest import GPU, NO_TDP, OLD, ON_DEMAND, SPOT

TRAINING_KEYS = {
    "flops",
    "accelerator_hours",
    "wallclock_hours",
    "num_accelerators",
    "min_accelerators",
    "memory_per_accelerator_gb",
    "cost",
    "energy_kwh",
    "energy_cost",
    "co2e_kg",
    "assumptions",
    "parallelism",
    "goodput",
    "precision",
}
COST_KEYS = {
    "provider",
    "region",
    "instance_type",
    "pricing_model",
    "price_per_accelerator_hour",
    "currency",
    "total",
    "source",
    "as_of",
}


def spec(**fields: object) -> TrainingSpec:
    base: dict[str, object] = {"params": "7B", "tokens": "2T", "accelerator": "TEST-GPU"}
    return TrainingSpec.model_validate({**base, **fields})


def test_flops_are_six_n_d() -> None:
    # 6 × 7e9 × 2e12 = 8.4e22
    assert training_flops(7e9, 2e12) == pytest.approx(8.4e22)


def test_attention_term_is_twelve_l_d_s_d() -> None:
    # 12 · 32 · 4096 · 4096 · 2e12 = 6,442,450,944 · 2e12 = 1.2884901888e22
    assert attention_flops(32, 4096, 4096, 2e12) == pytest.approx(1.2884901888e22)


def test_estimate_with_given_mfu_count_and_prices(defaults: Defaults) -> None:
    est = estimate_training(spec(mfu=0.5, num_accelerators=64), GPU, [ON_DEMAND, SPOT], defaults)
    assert est.flops == pytest.approx(8.4e22)
    assert est.accelerator_hours == pytest.approx(46_666.6667)
    assert est.wallclock_hours == pytest.approx(46_666.6667 / 64)  # 729.17 h
    assert est.num_accelerators == 64
    # one cost line per option: 46,666.67 h × 12.29 = 573,533.33; × 2.50 = 116,666.67
    assert [line.total for line in est.cost] == [Decimal("573533.33"), Decimal("116666.67")]
    # 46,666.67 h × 0.7 kW × PUE 1.2 = 39,200 kWh; × 0.08 USD = 3,136.00; × 480 g = 18,816 kg
    assert est.energy.kwh == pytest.approx(39_200)
    assert est.energy.cost == Decimal("3136.00")
    assert est.energy.co2e_kg == pytest.approx(18_816)


def test_attention_term_adds_to_the_flops(defaults: Defaults) -> None:
    plain = estimate_training(spec(mfu=0.5, num_accelerators=8), GPU, [], defaults)
    shaped = spec(mfu=0.5, num_accelerators=8, attention_flops=True, d_model=4096, n_layers=32,
                  n_heads=32)  # fmt: skip
    with_attention = estimate_training(shaped, GPU, [], defaults)
    # 8.4e22 + 1.2884901888e22 = 9.6884901888e22
    assert plain.flops == pytest.approx(8.4e22)
    assert with_attention.flops == pytest.approx(9.6884901888e22)


def test_default_goodput_is_used_and_explained(defaults: Defaults) -> None:
    est = estimate_training(spec(num_accelerators=64), GPU, [], defaults)
    goodput = next(a for a in est.assumptions if a.name == "goodput")
    assert goodput.value == est.goodput
    assert "docs/estimate.md#goodput" in goodput.source
    assert est.accelerator_hours == pytest.approx(8.4e22 / (1e15 * est.goodput) / 3600)


def test_default_count_fits_and_finishes_within_sixty_days(defaults: Defaults) -> None:
    est = estimate_training(spec(), GPU, [], defaults)
    assert est.wallclock_hours <= 60 * 24
    assert est.num_accelerators % 8 == 0
    # one node less would take longer than 60 days
    fewer = estimate_training(spec(num_accelerators=est.num_accelerators - 8), GPU, [], defaults)
    assert fewer.wallclock_hours > 60 * 24
    assert est.min_accelerators <= est.num_accelerators


def test_too_few_accelerators_is_an_error_naming_the_minimum(defaults: Defaults) -> None:
    with pytest.raises(EstimateError, match=r"needs at least 16"):
        estimate_training(
            spec(params="70B", n_layers=80, d_model=8192, n_heads=64, num_accelerators=8),
            GPU,
            [],
            defaults,
        )


def test_parts_without_bf16_train_in_fp16_and_say_so(defaults: Defaults) -> None:
    est = estimate_training(spec(params="1B", tokens="10B"), OLD, [], defaults)
    assert est.precision == "fp16"
    reason = next(a for a in est.assumptions if a.name == "precision")
    assert "no bf16" in reason.source
    assert "fp16 0.7" in next(a for a in est.assumptions if a.name == "goodput").source


def test_a_precision_the_part_lacks_is_a_catalog_error(defaults: Defaults) -> None:
    with pytest.raises(CatalogError, match="no fp8 peak"):
        estimate_training(spec(precision="fp8"), OLD, [], defaults)


def test_a_part_without_tdp_has_no_energy_unless_power_is_given(defaults: Defaults) -> None:
    est = estimate_training(spec(params="1B", tokens="10B"), NO_TDP, [], defaults)
    assert est.energy.kwh is None and est.to_json()["co2e_kg"] is None
    given = estimate_training(
        spec(params="1B", tokens="10B", accelerator_power_w=200, mfu=0.5, num_accelerators=1),
        NO_TDP, [], defaults,
    )  # fmt: skip
    # 6e9 · 1e10 / (275e12 · 0.5) / 3600 = 121.21 h × 0.2 kW × 1.2 = 29.09 kWh
    assert given.energy.kwh == pytest.approx(6e19 / 1.375e14 / 3600 * 0.2 * 1.2)


def test_spec_accepts_counts_and_fsdp() -> None:
    parsed = spec(params="1.5T", active_params="70e9", tokens="2T", zero_stage="fsdp")
    assert (parsed.params, parsed.active_params, parsed.tokens) == (1.5e12, 70e9, 2e12)
    assert parsed.zero_stage == 3


def test_spec_refuses_more_active_than_total_params() -> None:
    with pytest.raises(ValidationError, match="active_params"):
        spec(params="7B", active_params="8B")


def test_json_contract(defaults: Defaults) -> None:
    data = estimate_training(spec(num_accelerators=64), GPU, [ON_DEMAND, SPOT], defaults).to_json()
    assert set(data) >= TRAINING_KEYS
    assert set(data["memory_per_accelerator_gb"]) >= {
        "weights",
        "gradients",
        "optimizer_states",
        "activations",
        "total",
    }
    assert len(data["cost"]) == 2
    for line in data["cost"]:
        assert set(line) >= COST_KEYS
    assert data["cost"][0]["source"] == "TestCloud price list"
    assert data["cost"][0]["as_of"].isoformat() == "2026-01-15"
    for item in data["assumptions"]:
        assert set(item) == {"name", "value", "source"}
    names = {a["name"] for a in data["assumptions"]}
    assert {"goodput", "peak_flops", "seq_len", "zero_stage", "pue", "price"} <= names
    prices = [a for a in data["assumptions"] if a["name"] == "price"]
    assert "as of 2026-01-15" in prices[0]["source"]
    assert set(data["parallelism"]) >= {"tensor_parallel", "pipeline_parallel", "data_parallel"}


def test_json_renders_money_exactly(defaults: Defaults) -> None:
    from infracast.cli.render import to_json

    est = estimate_training(spec(mfu=0.5, num_accelerators=64), GPU, [ON_DEMAND], defaults)
    assert '"total": 573533.33' in to_json(est.to_json())


@settings(max_examples=30, deadline=None)
@given(low=st.floats(0.05, 0.95), bump=st.floats(0.01, 0.5))
def test_hours_fall_as_goodput_rises(low: float, bump: float) -> None:
    defaults = load_defaults()
    high = min(1.0, low + bump)
    slow = estimate_training(spec(mfu=low, num_accelerators=64), GPU, [], defaults)
    fast = estimate_training(spec(mfu=high, num_accelerators=64), GPU, [], defaults)
    assert fast.accelerator_hours < slow.accelerator_hours
