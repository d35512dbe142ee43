"""Training: FLOPs, accelerator-hours, memory and layout, wall-clock, cost and energy.

    FLOPs             = 6·N·D  (+ 12·L·d·s·D with the attention term, PaLM appendix B)
    accelerator-hours = FLOPs / (peak at the precision × goodput) / 3600   (sizing.py)
    wall-clock        = accelerator-hours / accelerators

N is the active parameter count (MoE), D the tokens. The pure function
:func:`estimate_training` takes the accelerator, its price options and the
defaults as plain data; :func:`infracast.estimate.api.training` looks them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from infracast.catalog.models import Accelerator, PriceOption
from infracast.errors import EstimateError
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.energy import EnergyEstimate, energy, resolve_energy_settings
from infracast.estimate.memory import (
    ActivationSettings,
    Architecture,
    Layout,
    MemoryBreakdown,
    ModelStates,
    estimate_architecture,
    training_states,
    usable_bytes,
)
from infracast.estimate.pricing import CostLine, cost_lines, price_assumptions
from infracast.estimate.ranges import check_flops, training_warnings
from infracast.estimate.sizing import RunSetup, plan_run
from infracast.estimate.units import Count, PositiveCount, UnitPrice

TrainingPrecision = Literal["bf16", "fp16", "fp8"]


def _zero_stage(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() == "fsdp":
        return 3
    return value


# the bounds before the validator, so the JSON schema carries them (minimum, maximum)
ZeroStage = Annotated[int, Field(ge=0, le=3), BeforeValidator(_zero_stage)]


class TrainingSpec(BaseModel):
    """What to train and how; every field left out is taken from the defaults and listed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    params: Count = Field(gt=0, description="total parameters, e.g. 70B or 70e9")
    active_params: PositiveCount | None = Field(
        default=None, description="parameters active per token (MoE); default: params"
    )
    tokens: Count = Field(gt=0, description="training tokens, e.g. 2T")
    accelerator: str = Field(description="catalog accelerator name, e.g. H100-SXM")
    num_accelerators: int | None = Field(
        default=None, ge=1, description="accelerators; default: fits in memory and ≤ 60 days"
    )
    precision: TrainingPrecision | None = Field(
        default=None, description="bf16 (default; fp16 on parts without bf16), fp16 or fp8"
    )
    mfu: float | None = Field(
        default=None, gt=0, le=1, description="goodput override; default: the goodput model"
    )
    seq_len: int | None = Field(default=None, ge=1, description="sequence length in tokens")
    attention_flops: bool = Field(default=False, description="add the 12·L·d·s·D attention term")
    d_model: float | None = Field(
        default=None, gt=0, description="hidden size (default: estimated)"
    )
    n_layers: int | None = Field(default=None, ge=1, description="layers (default: estimated)")
    n_heads: int | None = Field(
        default=None, ge=1, description="attention heads (default: estimated)"
    )
    zero_stage: ZeroStage | None = Field(default=None, description="ZeRO stage 0-3 ('fsdp' = 3)")
    activation_recomputation: bool | None = Field(default=None, description="full recomputation")
    flash_attention: bool | None = Field(default=None, description="no s×s attention matrix stored")
    micro_batch: int | None = Field(default=None, ge=1, description="sequences per micro-batch")
    gpu_memory_headroom: float | None = Field(
        default=None, ge=0, lt=1, description="fraction of memory kept free"
    )
    accelerator_power_w: float | None = Field(
        default=None, gt=0, description="average draw per accelerator in W; default: TDP"
    )
    pue: float | None = Field(default=None, ge=1, description="facility power usage effectiveness")
    grid_intensity: float | None = Field(default=None, ge=0, description="gCO2e per kWh")
    provider: str | None = Field(
        default=None, description="where it runs, for the provider's published PUE (gcp, AWS…)"
    )
    region: str | None = Field(
        default=None,
        description="region id or country code where it runs, for its grid intensity",
    )
    energy_price: UnitPrice | None = Field(default=None, description="price per kWh")
    energy_currency: str | None = Field(default=None, min_length=3, max_length=3)

    @model_validator(mode="after")
    def _active_within_total(self) -> TrainingSpec:
        if self.active_params is not None and self.active_params > self.params:
            raise ValueError(
                f"active_params ({self.active_params:g}) exceeds params ({self.params:g}); "
                "for a mixture of experts give the total as params and the active part as "
                "active_params"
            )
        return self


def training_flops(active_params: float, tokens: float) -> float:
    """6·N·D: forward 2·N·D plus backward 4·N·D per token (Kaplan et al. 2020, §2.1)."""
    return 6.0 * active_params * tokens


def attention_flops(n_layers: int, d_model: float, seq_len: int, tokens: float) -> float:
    """12·L·d·s·D: attention scores and their product with values, forward and backward
    (Chowdhery et al. 2022, PaLM, appendix B)."""
    return 12.0 * n_layers * d_model * seq_len * tokens


def resolve_precision(
    accelerator: Accelerator, requested: str | None, defaults: Defaults
) -> tuple[str, list[Assumption]]:
    """The requested precision, or the default (bf16; fp16 on parts without bf16)."""
    if requested is not None:
        accelerator.peak_flops(requested)  # a CatalogError naming the part's precisions
        return requested, []
    precision = defaults.text("training.precision")
    if precision in accelerator.peak_tflops:
        return precision, [defaults.assumption("training.precision")]
    if "fp16" in accelerator.peak_tflops:
        return "fp16", [
            Assumption(
                "precision",
                "fp16",
                f"{accelerator.name} has no {precision} peak in the catalog, so training runs "
                "in fp16 mixed precision (with the fp16 goodput factor)",
            )
        ]
    raise EstimateError(
        f"{accelerator.name} has neither a bf16 nor an fp16 peak in the catalog.",
        hint="Pass --precision with a precision the part supports, or choose another part.",
    )


@dataclass(frozen=True)
class Parallelism:
    layout: Layout
    zero_stage: int
    node_size: int
    act: ActivationSettings

    @property
    def hint(self) -> str:
        parts = [
            f"tensor parallel {self.layout.tensor} within each {self.node_size}-accelerator node",
            f"pipeline parallel {self.layout.pipeline}",
            f"data parallel {self.layout.data} with ZeRO stage {self.zero_stage}",
        ]
        recompute = (
            "full activation recomputation" if self.act.recomputation else "no recomputation"
        )
        return ", ".join(parts) + f"; {recompute}, micro-batch {self.act.micro_batch}"

    def to_json(self) -> dict[str, Any]:
        return {
            "tensor_parallel": self.layout.tensor,
            "pipeline_parallel": self.layout.pipeline,
            "data_parallel": self.layout.data,
            "zero_stage": self.zero_stage,
            "activation_recomputation": self.act.recomputation,
            "flash_attention": self.act.flash_attention,
            "micro_batch": self.act.micro_batch,
            "seq_len": self.act.seq_len,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class TrainingEstimate:
    """A training estimate; :meth:`to_json` is the stable JSON contract."""

    accelerator: str
    precision: str
    params: float
    active_params: float
    tokens: float
    flops: float
    peak_flops: float
    goodput: float
    accelerator_hours: float
    num_accelerators: int
    min_accelerators: int
    memory: MemoryBreakdown
    parallelism: Parallelism
    architecture: Architecture
    cost: list[CostLine]
    energy: EnergyEstimate
    assumptions: list[Assumption]

    @property
    def wallclock_hours(self) -> float:
        return self.accelerator_hours / self.num_accelerators

    def to_json(self) -> dict[str, Any]:
        return {
            "accelerator": self.accelerator,
            "precision": self.precision,
            "params": self.params,
            "active_params": self.active_params,
            "tokens": self.tokens,
            "flops": self.flops,
            "peak_flops_per_accelerator": self.peak_flops,
            "goodput": self.goodput,
            "accelerator_hours": self.accelerator_hours,
            "wallclock_hours": self.wallclock_hours,
            "wallclock_days": self.wallclock_hours / 24.0,
            "num_accelerators": self.num_accelerators,
            "min_accelerators": self.min_accelerators,
            "memory_per_accelerator_gb": self.memory.to_json(),
            "parallelism": self.parallelism.to_json(),
            "architecture": self.architecture.to_json(),
            "cost": [line.to_json() for line in self.cost],
            "energy_kwh": self.energy.kwh,
            "energy_cost": self.energy.cost_json(),
            "co2e_kg": self.energy.co2e_kg,
            "assumptions": [a.to_json() for a in self.assumptions],
        }


@dataclass(frozen=True)
class CommonSettings:
    """Resolved run settings shared by training and fine-tuning, with what was defaulted."""

    act: ActivationSettings
    zero_stage: int
    capacity: float
    node_size: int
    target_days: float
    assumptions: list[Assumption]


def resolve_common(
    spec: TrainingSpec, accelerator: Accelerator, defaults: Defaults
) -> CommonSettings:
    """seq_len, micro-batch, recomputation, ZeRO stage, headroom: given or defaulted (listed)."""
    assumed: list[Assumption] = []

    def pick(field: str, key: str) -> Any:
        given = getattr(spec, field)
        if given is not None:
            return given
        assumed.append(defaults.assumption(key))
        return defaults.entry(key).value

    act = ActivationSettings(
        seq_len=int(pick("seq_len", "training.seq_len")),
        micro_batch=int(pick("micro_batch", "training.micro_batch")),
        recomputation=bool(pick("activation_recomputation", "training.activation_recomputation")),
        flash_attention=bool(pick("flash_attention", "training.flash_attention")),
    )
    zero_stage = int(pick("zero_stage", "training.zero_stage"))
    headroom = float(pick("gpu_memory_headroom", "training.memory_headroom"))
    node_size = defaults.integer("training.node_size")
    assumed.append(defaults.assumption("training.node_size"))
    target_days = defaults.number("training.target_wallclock_days")
    if spec.num_accelerators is None:
        assumed.append(defaults.assumption("training.target_wallclock_days"))
    assumed.append(defaults.assumption("training.activation_bytes_coefficient"))
    if not act.flash_attention:
        assumed.append(defaults.assumption("training.attention_bytes_coefficient"))
    if act.recomputation:
        assumed.append(defaults.assumption("training.recompute_bytes_coefficient"))
    capacity = usable_bytes(accelerator.memory_gib, headroom)
    return CommonSettings(act, zero_stage, capacity, node_size, target_days, assumed)


def architecture_for(
    spec: TrainingSpec, active_params: float, defaults: Defaults
) -> tuple[Architecture, list[Assumption]]:
    arch = estimate_architecture(
        active_params, defaults, d_model=spec.d_model, n_layers=spec.n_layers, n_heads=spec.n_heads
    )
    if not arch.estimated:
        return arch, []
    shape = f"{arch.n_layers} layers, d_model {arch.d_model:.0f}, {arch.n_heads} heads"
    return arch, [
        Assumption(
            "architecture",
            shape,
            "estimated from the active parameters: d_model = (aspect·N/12)^(1/3), "
            "layers = d_model/aspect, heads = d_model/head_dim; "
            + defaults.entry("architecture.aspect_ratio").source,
        )
    ]


def estimate_training(
    spec: TrainingSpec,
    accelerator: Accelerator,
    prices: Sequence[PriceOption],
    defaults: Defaults,
) -> TrainingEstimate:
    """The full training estimate for ``spec`` on ``accelerator`` under each price option."""
    active = spec.active_params if spec.active_params is not None else spec.params
    precision, assumed = resolve_precision(accelerator, spec.precision, defaults)
    states_assumed = [
        defaults.assumption(f"training.{k}")
        for k in ("weight_bytes", "gradient_bytes", "optimizer_bytes")
    ]
    flops = training_flops(active, spec.tokens)
    checked = training_warnings(
        defaults, params=spec.params, active_params=active, tokens=spec.tokens, flops=flops
    )
    return run_estimate(
        spec,
        accelerator,
        prices,
        defaults,
        precision=precision,
        tokens=spec.tokens,
        flops=flops,
        states=training_states(spec.params, defaults),
        assumed=[*assumed, *states_assumed],
        warnings=checked,
    )


def run_estimate(
    spec: TrainingSpec,
    accelerator: Accelerator,
    prices: Sequence[PriceOption],
    defaults: Defaults,
    *,
    precision: str,
    tokens: float,
    flops: float,
    states: ModelStates,
    assumed: list[Assumption],
    warnings: list[Assumption],
) -> TrainingEstimate:
    """The estimate of a training-like run of ``flops`` (plus the attention term if asked).

    ``warnings`` say which inputs are outside the calibrated ranges; they come first in the
    assumptions, with any the sizing adds. FLOPs or a count beyond the hard limits
    (docs/estimate.md#ranges) are an EstimateError.
    """
    active = spec.active_params if spec.active_params is not None else spec.params
    check_flops(flops, defaults, how=f"{active:.3g} active parameters, {tokens:.3g} tokens")
    arch, arch_assumed = architecture_for(spec, active, defaults)
    common = resolve_common(spec, accelerator, defaults)
    if spec.attention_flops:
        flops += attention_flops(arch.n_layers, arch.d_model, common.act.seq_len, tokens)
        check_flops(flops, defaults, how="with the attention term")
    plan = plan_run(
        RunSetup(
            flops=flops,
            states=states,
            arch=arch,
            act=common.act,
            zero_stage=common.zero_stage,
            capacity=common.capacity,
            node_size=common.node_size,
            target_days=common.target_days,
            precision=precision,
            active_params=active,
            total_params=spec.params,
            mfu=spec.mfu,
            num_accelerators=spec.num_accelerators,
        ),
        accelerator,
        defaults,
    )
    settings, energy_assumed = resolve_energy_settings(
        accelerator,
        defaults,
        power_w=spec.accelerator_power_w,
        pue=spec.pue,
        grid_intensity=spec.grid_intensity,
        price_per_kwh=spec.energy_price,
        currency=spec.energy_currency,
        provider=spec.provider,
        region=spec.region,
    )
    peak_source = f"{accelerator.name} {precision}: {accelerator.source}"
    assumptions = [
        *warnings,
        *plan.warnings,
        *plan.goodput_assumptions,
        Assumption("peak_flops", plan.peak_flops, peak_source),
        *assumed,
        *arch_assumed,
        *common.assumptions,
        *energy_assumed,
        *price_assumptions(prices, accelerator.name),
    ]
    return TrainingEstimate(
        accelerator=accelerator.name,
        precision=precision,
        params=spec.params,
        active_params=active,
        tokens=tokens,
        flops=flops,
        peak_flops=plan.peak_flops,
        goodput=plan.goodput,
        accelerator_hours=plan.accelerator_hours,
        num_accelerators=plan.layout.accelerators,
        min_accelerators=plan.min_layout.accelerators,
        memory=plan.memory,
        parallelism=Parallelism(plan.layout, common.zero_stage, common.node_size, common.act),
        architecture=arch,
        cost=cost_lines(prices, plan.accelerator_hours, accelerator.name),
        energy=energy(plan.accelerator_hours, settings),
        assumptions=assumptions,
    )
