from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from infracast.errors import EstimateError
from infracast.estimate._inference import (
    InferenceSpec,
    ServingModel,
    estimate_inference,
    kv_bytes_per_token,
)
from infracast.estimate.defaults import Defaults, load_defaults
from tests.estimate.conftest import GPU, OLD, SPOT

SHAPE = {"d_model": 4096, "n_layers": 32, "n_heads": 32, "n_kv_heads": 8, "head_dim": 128}


def model_7b(bandwidth: float = 3.35e12, compute: float = 1e15) -> ServingModel:
    # Llama-2-7B-like: 32 layers, d 4096, 8 KV heads of 128, fp16 weights and KV cache
    return ServingModel(
        params=7e9,
        active_params=7e9,
        n_layers=32,
        d_model=4096,
        kv_heads=8,
        weight_bytes_per_param=2,
        kv_bytes_per_token=kv_bytes_per_token(32, 8, 128, 2),
        bandwidth=bandwidth,
        compute=compute,
    )


def spec(**fields: object) -> InferenceSpec:
    base: dict[str, object] = {
        "params": "7B",
        "accelerator": "TEST-GPU",
        "input_tokens": 1000,
        "output_tokens": 200,
        "requests_per_second": 5,
        **SHAPE,
    }
    return InferenceSpec.model_validate({**base, **fields})


def test_kv_cache_bytes_per_token() -> None:
    # 2 × 80 layers × 8 KV heads × 128 × 2 bytes = 327,680 bytes (Llama 2/3 70B)
    assert kv_bytes_per_token(80, 8, 128, 2) == 327_680
    # × 4096 tokens × 16 sequences = 21,474,836,480 bytes
    assert kv_bytes_per_token(80, 8, 128, 2) * 4096 * 16 == 21_474_836_480


def test_decode_is_bandwidth_bound_at_batch_one() -> None:
    # 7B fp16 on 3.35 TB/s: 3.35e12 / (14e9 + 1.5 tokens × 131,072 KV bytes) = 239.28 tokens/s
    step = model_7b().decode_step_seconds(batch=1, context=1.5, accelerators=1)
    assert 1 / step == pytest.approx(3.35e12 / (14e9 + 1.5 * 131_072))
    assert 1 / step == pytest.approx(239.28, rel=1e-4)


def test_decode_is_capped_by_compute_at_large_batch() -> None:
    # batch 10,000 at context 1: compute (2·7e9 + 4·32·4096)·1e4 / 1e15 = 140.005 ms
    # exceeds the bytes (14e9 + 1e4 × 131,072) / 3.35e12 = 4.57 ms
    step = model_7b().decode_step_seconds(batch=10_000, context=1, accelerators=1)
    assert step == pytest.approx((2 * 7e9 + 4 * 32 * 4096) * 1e4 / 1e15)


def test_prefill_is_compute_bound() -> None:
    # (2·7e9·1000 + 2·32·4096·1000²) / 1e15 = 1.4262144e13 / 1e15 = 14.262 ms
    assert model_7b().prefill_seconds(1000, 1) == pytest.approx(0.014262144)
    assert model_7b().prefill_seconds(1000, 2) == pytest.approx(0.007131072)  # 2-way TP


def test_moe_reads_the_active_weights_per_sequence_up_to_all() -> None:
    moe = ServingModel(8e9, 1e9, 32, 4096, 8, 1.0, 0.0, bandwidth=1e12, compute=1e18)
    assert moe.decode_step_seconds(2, 1, 1) == pytest.approx(2e9 / 1e12)  # 2 × 1e9 bytes
    assert moe.decode_step_seconds(64, 1, 1) == pytest.approx(8e9 / 1e12)  # capped at 8e9


def test_estimate_by_hand(defaults: Defaults) -> None:
    # TEST-GPU: 1e15 × 0.6 = 6e14 FLOP/s and 5e12 × 0.7 = 3.5e12 B/s achieved; batch 1
    est = estimate_inference(spec(batch_size=1), GPU, [SPOT], defaults)
    data = est.to_json()
    # prefill (1.4e13 + 2.62144e11) / 6e14 = 23.770 ms
    assert data["prefill_ms"] == pytest.approx(23.77024)
    # step (14e9 + 1100 × 131,072) / 3.5e12 = 4.041194 ms (mean context 1000 + 200/2)
    assert data["time_per_output_token_ms"] == pytest.approx(4.041194, rel=1e-6)
    assert data["decode_tokens_per_second_per_accelerator"] == pytest.approx(247.45, rel=1e-4)
    # a replica serves 1 / (0.023770 + 200 × 0.004041) = 1.20191 req/s → ⌈5 / 1.20191⌉ = 5
    assert data["replica_requests_per_second"] == pytest.approx(1.201910, rel=1e-5)
    assert data["replicas"] == 5
    assert data["accelerator_hours_per_month"] == 5 * 730
    # 3650 h × 2.50 = 9,125.00 a month; 5 × 1200 × 3600 × 730 = 1.5768e10 tokens
    line = data["cost_per_million_tokens"][0]
    assert line["monthly_cost"] == Decimal("9125.00")
    assert line["per_million_tokens"] == Decimal("0.578704")  # 9125 / 15,768
    assert line["per_million_output_tokens"] == Decimal("3.472222")  # 9125 / 2,628
    memory = data["memory_per_accelerator_gb"]
    assert memory["weights"] == pytest.approx(14.0)
    assert memory["kv_cache"] == pytest.approx(1200 * 131_072 / 1e9)  # 0.157 GB
    assert memory["overhead"] == pytest.approx(2 * 2**30 / 1e9)


def test_tokens_per_day_is_the_same_load(defaults: Defaults) -> None:
    # 5 req/s × 1200 tokens × 86,400 s = 518,400,000 tokens a day
    by_rate = estimate_inference(spec(batch_size=1), GPU, [], defaults)
    by_day = estimate_inference(
        spec(batch_size=1, requests_per_second=None, tokens_per_day="518.4M"), GPU, [], defaults
    )
    assert by_day.replicas == by_rate.replicas
    assert by_day.requests_per_second == pytest.approx(5.0)


def test_a_70b_model_spreads_over_two_accelerators(defaults: Defaults) -> None:
    est = estimate_inference(
        spec(params="70B", d_model=8192, n_layers=80, n_heads=64), GPU, [], defaults
    )
    # usable 80 GiB × 0.9 = 77,309,411,328; 140e9 / 2 = 70e9 of weights, 2 GiB overhead
    # leave 5,161,927,680 bytes; 1200 tokens × 327,680 / 2 = 196,608,000 per sequence → 26
    assert est.replica.accelerators == 2
    assert est.replica.batch == 26


def test_a_latency_target_shrinks_the_batch_or_grows_the_replica(defaults: Defaults) -> None:
    loose = estimate_inference(spec(), GPU, [], defaults)
    tight = estimate_inference(spec(target_tpot_ms=3), GPU, [], defaults)
    # a 7B step at batch 1 on one accelerator is 4.04 ms: two accelerators are needed
    assert tight.replica.accelerators == 2
    assert tight.replica.step_s * 1000 <= 3
    assert loose.replica.batch == 256  # the engine's maximum (vLLM max_num_seqs)


def test_an_unreachable_target_says_what_to_change(defaults: Defaults) -> None:
    with pytest.raises(EstimateError, match="latency target") as err:
        estimate_inference(spec(target_tpot_ms=0.01), GPU, [], defaults)
    assert "int4" in str(err.value)


def test_a_batch_too_large_for_memory_names_memory_not_latency(defaults: Defaults) -> None:
    # No latency target: the cause is the KV cache. Per sequence 131,072 B/token (2·32·8·128·2)
    # × 1,200 tokens = 157.3 MB. One accelerator: 77.31 GB usable − 14 GB weights − 2.15 GB
    # runtime = 61.16 GB free, 388 sequences. 64 accelerators split the cache over the 8 KV
    # heads only: 19.66 MB a sequence, 77.31 − 0.22 − 2.15 = 74.94 GB free, 3,811 sequences.
    with pytest.raises(EstimateError) as err:
        estimate_inference(spec(batch_size=100_000), GPU, [], defaults)
    message, hint = str(err.value), err.value.hint or ""
    assert message.startswith(
        "batch_size 100,000 does not fit in memory: the KV cache of "
        "100,000 sequences of 1,200 tokens (input + output) is 15,728.6 GB, "
        "157 MB a sequence"
    )
    assert "on 1 accelerator it needs 15,728.6 GB per accelerator against 61.2 GB free" in message
    assert "(at most 388 sequences)" in message
    assert "The largest batch that fits is 3,811, on 64 accelerators." in message
    assert "latency" not in message
    assert hint.startswith("Pass batch_size 3,811 or less (388 or less on one accelerator)")


def test_a_batch_that_fits_but_misses_the_target_names_the_target(defaults: Defaults) -> None:
    with pytest.raises(EstimateError, match="a batch of 64 misses the latency target"):
        estimate_inference(
            spec(batch_size=64, target_tpot_ms=1, accelerators_per_replica=1), GPU, [], defaults
        )


def test_quantized_weights_without_a_peak_compute_at_16_bit(defaults: Defaults) -> None:
    est = estimate_inference(spec(precision="int8", n_heads=32), OLD, [], defaults)
    assert est.compute_precision == "fp16"
    assert any("weight-only" in a.source for a in est.assumptions)
    assert estimate_inference(spec(precision="int4"), GPU, [], defaults).compute_precision == "bf16"


def test_exactly_one_load_is_required() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        spec(tokens_per_day="1B")
    with pytest.raises(ValidationError, match="exactly one"):
        spec(requests_per_second=None)


def test_json_contract(defaults: Defaults) -> None:
    data = estimate_inference(spec(), GPU, [SPOT], defaults).to_json()
    assert {
        "replicas",
        "accelerators_per_replica",
        "prefill_ms",
        "decode_tokens_per_second_per_accelerator",
        "accelerator_hours_per_month",
        "cost_per_million_tokens",
        "memory_per_accelerator_gb",
        "assumptions",
    } <= set(data)
    assert {"weights", "kv_cache", "overhead"} <= set(data["memory_per_accelerator_gb"])
    line = data["cost_per_million_tokens"][0]
    assert {"per_million_tokens", "price_per_accelerator_hour", "source", "as_of"} <= set(line)
    assert line["as_of"].isoformat() == "2026-02-01"
    names = {a["name"] for a in data["assumptions"]}
    assert {"decode_bandwidth_efficiency", "compute_efficiency", "max_batch", "price"} <= names


@settings(max_examples=30, deadline=None)
@given(low=st.floats(0.01, 500), factor=st.floats(1, 20))
def test_replicas_never_fall_as_the_rate_rises(low: float, factor: float) -> None:
    defaults = load_defaults()
    fewer = estimate_inference(spec(requests_per_second=low), GPU, [], defaults)
    more = estimate_inference(spec(requests_per_second=low * factor), GPU, [], defaults)
    assert more.replicas >= fewer.replicas
