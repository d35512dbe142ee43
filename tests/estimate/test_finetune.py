from __future__ import annotations

import pytest

from infracast.errors import EstimateError
from infracast.estimate._finetune import (
    FinetuneSpec,
    estimate_finetune,
    lora_flops,
    lora_params,
)
from infracast.estimate.defaults import Defaults
from infracast.estimate.memory import Architecture
from tests.estimate.conftest import GPU, SPOT
from tests.estimate.test_training import COST_KEYS, TRAINING_KEYS

LLAMA_7B = Architecture(n_layers=32, d_model=4096, n_heads=32, estimated=False)
SHAPE = {"d_model": 4096, "n_layers": 32, "n_heads": 32}


def spec(**fields: object) -> FinetuneSpec:
    base: dict[str, object] = {
        "params": "7B",
        "tokens": "100M",
        "accelerator": "TEST-GPU",
        "num_accelerators": 1,
        **SHAPE,
    }
    return FinetuneSpec.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        ("qv", 8_388_608),  # 32 layers × 16 × (2 × (4096 + 4096))
        ("attention", 16_777_216),  # 32 × 16 × (4 × 8192)
        ("all_linear", 37_748_736),  # 32 × 16 × (4 × 8192 + 2 × (4096 + 16384)) = 32·16·18·4096
    ],
)
def test_lora_parameter_count(targets: str, expected: int) -> None:
    assert lora_params(LLAMA_7B, 16, targets) == expected


def test_lora_flops_skip_the_frozen_weight_gradients() -> None:
    # 4 × 7e9 × 1e9 + 6 × 37,748,736 × 1e9 = 2.8e19 + 2.26492416e17 = 2.8226492416e19
    assert lora_flops(7e9, 37_748_736, 1e9, 4) == pytest.approx(2.8226492416e19)


def test_qlora_memory_by_hand(defaults: Defaults) -> None:
    est = estimate_finetune(spec(method="qlora"), GPU, [], defaults)
    # base: 7e9 × 0.516 = 3,612,000,000 bytes; adapters 37,748,736 × 2 = 75,497,472
    assert est.memory.weights == pytest.approx(3_612_000_000 + 75_497_472)
    assert est.memory.gradients == pytest.approx(75_497_472)  # 2 bytes per adapter parameter
    assert est.memory.optimizer_states == pytest.approx(452_984_832)  # 12 × 37,748,736
    assert est.trainable_params == 37_748_736
    assert est.flops == pytest.approx(4 * 7e9 * 1e8 + 6 * 37_748_736 * 1e8)


def test_lora_keeps_a_16_bit_base(defaults: Defaults) -> None:
    est = estimate_finetune(spec(method="lora", lora_rank=8, lora_targets="qv"), GPU, [], defaults)
    # 7e9 × 2 + 4,194,304 adapter parameters × 2 bytes
    assert est.memory.weights == pytest.approx(14e9 + 2 * 4_194_304)
    assert est.trainable_params == 4_194_304


def test_full_finetuning_is_training_on_the_finetune_tokens(defaults: Defaults) -> None:
    est = estimate_finetune(spec(method="full", epochs=3, num_accelerators=8), GPU, [], defaults)
    # 6 × 7e9 × (1e8 × 3) = 1.26e19; 16 bytes/param of states: 112e9 bytes under ZeRO-1 over 8
    assert est.flops == pytest.approx(1.26e19)
    assert est.trainable_params == 7e9
    assert est.memory.optimizer_states == pytest.approx(84e9 / 8)


def test_lora_in_fp8_is_refused(defaults: Defaults) -> None:
    with pytest.raises(EstimateError, match="not fp8"):
        estimate_finetune(spec(method="lora", precision="fp8"), GPU, [], defaults)


def test_json_contract_adds_method_and_trainable_params(defaults: Defaults) -> None:
    data = estimate_finetune(spec(method="qlora"), GPU, [SPOT], defaults).to_json()
    assert TRAINING_KEYS | {"method", "trainable_params", "epochs"} <= set(data)
    assert set(data["cost"][0]) >= COST_KEYS
    names = {a["name"] for a in data["assumptions"]}
    assert {"qlora_bytes_per_param", "lora_rank", "lora_targets", "goodput"} <= names
