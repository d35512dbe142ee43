"""Fine-tuning: full, LoRA and QLoRA.

- **full**: the training estimate on the fine-tuning tokens (× epochs).
- **LoRA** (Hu et al. 2021): the base is frozen in 16-bit; each adapted
  matrix of shape d_in × d_out gets rank·(d_in + d_out) trainable parameters.
  Memory = base weights + adapter weights, gradients and Adam states (16 bytes
  per trainable parameter) + activations. FLOPs = 4·N·D for the frozen base
  (forward and input gradients, no weight gradients) + 6·N_adapter·D.
- **QLoRA** (Dettmers et al. 2023): LoRA over a base stored in NF4 with
  double quantization, 4.127 bits = 0.516 bytes per parameter.

Adapted matrices per layer, for the 12·d² layer of the estimated
architecture (attention q, k, v, o of d × d; MLP up d × 4d and down 4d × d):
``qv`` 2 × 2d, ``attention`` 4 × 2d, ``all_linear`` 4 × 2d + 2 × 5d = 18d.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

from pydantic import Field

from infracast.catalog.models import Accelerator, PriceOption
from infracast.errors import EstimateError
from infracast.estimate._training import (
    TrainingEstimate,
    TrainingSpec,
    architecture_for,
    resolve_precision,
    run_estimate,
    training_flops,
)
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.memory import Architecture, ModelStates, training_states
from infracast.estimate.ranges import training_warnings

Method = Literal["full", "lora", "qlora"]
LoraTargets = Literal["qv", "attention", "all_linear"]

# Σ (d_in + d_out) over the adapted matrices of one layer, in units of d_model.
_TARGET_WIDTH: dict[str, float] = {"qv": 4.0, "attention": 8.0, "all_linear": 18.0}


class FinetuneSpec(TrainingSpec):
    """A fine-tuning run: the training fields, with ``tokens`` the fine-tuning tokens per epoch."""

    method: Method = Field(default="lora", description="full, lora or qlora")
    lora_rank: int | None = Field(default=None, ge=1, description="adapter rank (default 16)")
    lora_targets: LoraTargets | None = Field(
        default=None, description="qv, attention or all_linear (default)"
    )
    epochs: float | None = Field(default=None, gt=0, description="passes over the tokens")


def lora_params(arch: Architecture, rank: int, targets: str) -> float:
    """Trainable adapter parameters: layers × rank × Σ(d_in + d_out) of the adapted matrices."""
    return arch.n_layers * rank * _TARGET_WIDTH[targets] * arch.d_model


def lora_flops(params: float, adapter_params: float, tokens: float, frozen_factor: float) -> float:
    """frozen_factor·N·D for the frozen base (4: forward + input gradients) + 6·N_adapter·D."""
    return frozen_factor * params * tokens + 6.0 * adapter_params * tokens


def adapter_states(
    params: float, adapter_params: float, base_bytes_per_param: float, defaults: Defaults
) -> ModelStates:
    """Frozen base weights plus the adapters' weights, gradients and Adam states."""
    adapters = training_states(adapter_params, defaults)
    return ModelStates(
        weights=params * base_bytes_per_param + adapters.weights,
        gradients=adapters.gradients,
        optimizer=adapters.optimizer,
    )


@dataclass(frozen=True)
class FinetuneEstimate(TrainingEstimate):
    """A fine-tuning estimate: the training contract plus the method and trainable parameters."""

    method: str
    trainable_params: float
    epochs: float

    def to_json(self) -> dict[str, Any]:
        head = {
            "method": self.method,
            "trainable_params": self.trainable_params,
            "epochs": self.epochs,
        }
        return {**head, **super().to_json()}


def estimate_finetune(
    spec: FinetuneSpec,
    accelerator: Accelerator,
    prices: Sequence[PriceOption],
    defaults: Defaults,
) -> FinetuneEstimate:
    """The fine-tuning estimate for ``spec`` on ``accelerator`` under each price option."""
    active = spec.active_params if spec.active_params is not None else spec.params
    assumed: list[Assumption] = []
    epochs = spec.epochs
    if epochs is None:
        epochs = defaults.number("finetune.epochs")
        assumed.append(defaults.assumption("finetune.epochs"))
    tokens = spec.tokens * epochs
    if spec.method != "full" and spec.precision == "fp8":
        raise EstimateError(
            f"{spec.method} fine-tuning is estimated in bf16 or fp16, not fp8.",
            hint="Leave precision out (bf16) or use method 'full' for fp8.",
        )
    precision, precision_assumed = resolve_precision(accelerator, spec.precision, defaults)
    assumed += precision_assumed
    if spec.method == "full":
        trainable = spec.params
        flops = training_flops(active, tokens)
        states = training_states(spec.params, defaults)
        keys = ("weight_bytes", "gradient_bytes", "optimizer_bytes")
        assumed += [defaults.assumption(f"training.{k}") for k in keys]
    else:
        arch, _ = architecture_for(spec, active, defaults)
        rank = spec.lora_rank
        if rank is None:
            rank = defaults.integer("finetune.lora_rank")
            assumed.append(defaults.assumption("finetune.lora_rank"))
        targets: str
        if spec.lora_targets is not None:
            targets = spec.lora_targets
        else:
            targets = defaults.text("finetune.lora_targets")
            assumed.append(defaults.assumption("finetune.lora_targets"))
        # MoE: adapters on the active path's matrices (the shape is estimated from active params)
        trainable = lora_params(arch, rank, targets)
        frozen = defaults.number("finetune.frozen_flops_per_param_token")
        flops = lora_flops(active, trainable, tokens, frozen)
        assumed.append(defaults.assumption("finetune.frozen_flops_per_param_token"))
        if spec.method == "qlora":
            base_bytes = defaults.number("finetune.qlora_bytes_per_param")
            assumed.append(defaults.assumption("finetune.qlora_bytes_per_param"))
        else:
            base_bytes = defaults.number("training.weight_bytes")
            assumed.append(defaults.assumption("training.weight_bytes", name="base_weight_bytes"))
        states = adapter_states(spec.params, trainable, base_bytes, defaults)
        assumed.append(
            Assumption(
                "adapter_bytes_per_param",
                16,
                "adapter weights, gradients and mixed-precision Adam states, 2 + 2 + 12 bytes "
                "(Rajbhandari et al. 2020, ZeRO, §3.1)",
            )
        )
    # fine-tuning tokens are not pre-training tokens: only the model size is range-checked
    checked = training_warnings(
        defaults, params=spec.params, active_params=active, tokens=None, flops=None
    )
    base = run_estimate(
        spec,
        accelerator,
        prices,
        defaults,
        precision=precision,
        tokens=tokens,
        flops=flops,
        states=states,
        assumed=assumed,
        warnings=checked,
    )
    copied = {f.name: getattr(base, f.name) for f in fields(TrainingEstimate)}
    return FinetuneEstimate(**copied, method=spec.method, trainable_params=trainable, epochs=epochs)
