"""Serving: memory, prefill and decode speed, replicas for a request rate, cost per token.

Per replica of ``t`` accelerators (tensor parallel), with achieved bandwidth
``W = t·bandwidth·e_bw`` and achieved compute ``P = t·peak·e_c``:

    KV bytes per token = 2 · layers · kv_heads · head_dim · bytes
    prefill            = max(2·N·I + 2·L·d·I², weights) / P, W    (compute bound)
    decode step        = max((weights read + B·ctx·KV) / W,  (2·N + 4·L·d·ctx)·B / P)
    decode tokens/s    = B / step                                  (memory-bandwidth bound)
    replica req/s      = 1 / (prefill + O · step / B)
    replicas           = ⌈request rate / replica req/s⌉

N is the active parameter count; the weights read per decode step are
``min(total, N·B)`` parameters (a mixture of experts reads more of its
experts as the batch grows), ctx = I + O/2 is the mean context while decoding.
The batch B is the largest that fits the KV cache in memory, meets the
latency target and stays within the engine's maximum; the replica is the
smallest tensor-parallel group for which such a batch exists (:mod:`replica`).
Inputs outside the checked ranges are listed as warnings (:mod:`ranges`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from infracast.catalog.models import Accelerator, PriceOption
from infracast.errors import EstimateError
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.energy import EnergyEstimate, energy, resolve_energy_settings
from infracast.estimate.memory import Architecture, estimate_architecture
from infracast.estimate.pricing import ServingCostLine, price_assumptions, serving_cost_lines
from infracast.estimate.ranges import check_accelerators, inference_warnings
from infracast.estimate.replica import Replica, ServingModel, kv_bytes_per_token, plan_replica
from infracast.estimate.units import (
    GB,
    GIB,
    Count,
    PositiveCount,
    UnitPrice,
    bytes_per_value,
    parse_count,
)

ServingPrecision = Literal["bf16", "fp16", "fp8", "int8", "int4"]
SECONDS_PER_DAY = 86_400.0


def _tokens(value: object) -> object:
    return int(parse_count(value)) if isinstance(value, str) else value


# the bound before the validator, so the JSON schema carries it (minimum)
TokenCount = Annotated[int, Field(ge=1), BeforeValidator(_tokens)]


class InferenceSpec(BaseModel):
    """What to serve and at what load; every field left out is defaulted and listed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    params: Count = Field(gt=0, description="total parameters (memory), e.g. 70B")
    active_params: PositiveCount | None = Field(
        default=None, description="parameters active per token (MoE); default: params"
    )
    accelerator: str = Field(description="catalog accelerator name, e.g. H100-SXM")
    input_tokens: TokenCount = Field(description="prompt tokens per request")
    output_tokens: TokenCount = Field(description="generated tokens per request")
    requests_per_second: float | None = Field(default=None, gt=0, description="request rate")
    tokens_per_day: PositiveCount | None = Field(
        default=None, description="input + output tokens per day (instead of a rate)"
    )
    precision: ServingPrecision | None = Field(
        default=None, description="weight format: bf16 (default), fp16, fp8, int8, int4"
    )
    kv_precision: ServingPrecision | None = Field(default=None, description="KV cache format")
    batch_size: int | None = Field(
        default=None, ge=1, description="concurrent sequences per replica (default: the most)"
    )
    accelerators_per_replica: int | None = Field(
        default=None, ge=1, description="tensor-parallel size (default: the smallest that works)"
    )
    target_tpot_ms: float | None = Field(
        default=None, gt=0, description="latency target: time per output token, ms"
    )
    target_latency_s: float | None = Field(
        default=None, gt=0, description="latency target: end-to-end seconds per request (p50)"
    )
    d_model: float | None = Field(default=None, gt=0)
    n_layers: int | None = Field(default=None, ge=1)
    n_heads: int | None = Field(default=None, ge=1)
    n_kv_heads: int | None = Field(default=None, ge=1)
    head_dim: int | None = Field(default=None, ge=1)
    accelerator_power_w: float | None = Field(default=None, gt=0)
    pue: float | None = Field(default=None, ge=1)
    grid_intensity: float | None = Field(default=None, ge=0)
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
    def _one_load(self) -> InferenceSpec:
        if (self.requests_per_second is None) == (self.tokens_per_day is None):
            raise ValueError("give exactly one of requests_per_second and tokens_per_day")
        if self.active_params is not None and self.active_params > self.params:
            raise ValueError("active_params exceeds params")
        return self


@dataclass(frozen=True)
class InferenceEstimate:
    """A serving estimate; :meth:`to_json` is the stable JSON contract."""

    accelerator: str
    precision: str
    kv_precision: str
    compute_precision: str
    params: float
    active_params: float
    input_tokens: int
    output_tokens: int
    requests_per_second: float
    replica: Replica
    replicas: int
    overhead_bytes: float
    usable_bytes: float
    accelerator_hours_per_month: float
    tokens_per_month: float
    architecture: Architecture
    cost: list[ServingCostLine]
    energy: EnergyEstimate
    assumptions: list[Assumption]

    @property
    def replica_requests_per_second(self) -> float:
        return self.replica.requests_per_second(self.output_tokens)

    def to_json(self) -> dict[str, Any]:
        r = self.replica
        capacity = self.replica_requests_per_second
        return {
            "accelerator": self.accelerator,
            "precision": self.precision,
            "kv_precision": self.kv_precision,
            "compute_precision": self.compute_precision,
            "params": self.params,
            "active_params": self.active_params,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "requests_per_second": self.requests_per_second,
            "replicas": self.replicas,
            "accelerators_per_replica": r.accelerators,
            "num_accelerators": self.replicas * r.accelerators,
            "batch_size": r.batch,
            "prefill_ms": r.prefill_s * 1000.0,
            "time_per_output_token_ms": r.step_s * 1000.0,
            "latency_s": r.latency_s(self.output_tokens),
            "decode_tokens_per_second_per_accelerator": r.batch / r.step_s / r.accelerators,
            "prefill_tokens_per_second_per_accelerator": (
                self.input_tokens / r.prefill_s / r.accelerators
            ),
            "replica_requests_per_second": capacity,
            "utilization": self.requests_per_second / (self.replicas * capacity),
            "accelerator_hours_per_month": self.accelerator_hours_per_month,
            "tokens_per_month": self.tokens_per_month,
            "memory_per_accelerator_gb": {
                "weights": r.weights_bytes / GB,
                "kv_cache": r.kv_bytes / GB,
                "overhead": self.overhead_bytes / GB,
                "total": (r.weights_bytes + r.kv_bytes + self.overhead_bytes) / GB,
                "usable": self.usable_bytes / GB,
            },
            "architecture": self.architecture.to_json(),
            "cost_per_million_tokens": [line.to_json() for line in self.cost],
            "energy_kwh_per_month": self.energy.kwh,
            "energy_cost_per_month": self.energy.cost_json(),
            "co2e_kg_per_month": self.energy.co2e_kg,
            "assumptions": [a.to_json() for a in self.assumptions],
        }


def _precisions(
    spec: InferenceSpec, accelerator: Accelerator, defaults: Defaults
) -> tuple[str, str, str, list[Assumption]]:
    """Weight, KV and compute precision, and what was assumed to choose them."""
    assumed: list[Assumption] = []
    weights: str
    if spec.precision is not None:
        weights = spec.precision
    else:
        weights = defaults.text("training.precision")
        if weights not in accelerator.peak_tflops and "fp16" in accelerator.peak_tflops:
            weights = "fp16"
        assumed.append(
            Assumption(
                "precision",
                weights,
                "default: 16-bit weights as released (bf16; fp16 on parts without bf16)",
            )
        )
    kv: str
    if spec.kv_precision is not None:
        kv = spec.kv_precision
    else:
        kv = defaults.text("inference.kv_precision")
        assumed.append(defaults.assumption("inference.kv_precision"))
    key = f"inference.compute_precision_{weights}"
    compute = defaults.text(key)
    assumed.append(defaults.assumption(key, name="compute_precision"))
    if compute not in accelerator.peak_tflops:
        fallback = next((p for p in ("bf16", "fp16") if p in accelerator.peak_tflops), None)
        if fallback is None:
            raise EstimateError(
                f"{accelerator.name} has no {compute}, bf16 or fp16 peak in the catalog.",
                hint="Choose another accelerator or precision (infracast catalog gpus).",
            )
        assumed.append(
            Assumption(
                "compute_precision",
                fallback,
                f"{accelerator.name} has no {compute} peak: {weights} weights are dequantized "
                f"and computed at the {fallback} peak (weight-only quantization)",
            )
        )
        compute = fallback
    return weights, kv, compute, assumed


def estimate_inference(
    spec: InferenceSpec,
    accelerator: Accelerator,
    prices: Sequence[PriceOption],
    defaults: Defaults,
) -> InferenceEstimate:
    """The serving estimate for ``spec`` on ``accelerator`` under each price option."""
    active = spec.active_params if spec.active_params is not None else spec.params
    weights, kv, compute, assumed = _precisions(spec, accelerator, defaults)
    arch = estimate_architecture(
        active, defaults, d_model=spec.d_model, n_layers=spec.n_layers, n_heads=spec.n_heads
    )
    head_dim = spec.head_dim or defaults.integer("architecture.head_dim")
    kv_heads = spec.n_kv_heads or min(defaults.integer("architecture.kv_heads"), arch.n_heads)
    if arch.estimated:
        assumed.append(
            Assumption(
                "architecture",
                f"{arch.n_layers} layers, d_model {arch.d_model:.0f}",
                "estimated from the active parameters: d_model = (aspect·N/12)^(1/3), layers = "
                "d_model/aspect; " + defaults.entry("architecture.aspect_ratio").source,
            )
        )
    if spec.n_kv_heads is None:
        assumed.append(defaults.assumption("architecture.kv_heads", kv_heads))
    if spec.head_dim is None:
        assumed.append(defaults.assumption("architecture.head_dim"))
    e_bw = defaults.number("inference.decode_bandwidth_efficiency")
    e_c = defaults.number("inference.compute_efficiency")
    model = ServingModel(
        params=spec.params,
        active_params=active,
        n_layers=arch.n_layers,
        d_model=arch.d_model,
        kv_heads=kv_heads,
        weight_bytes_per_param=bytes_per_value(weights),
        kv_bytes_per_token=kv_bytes_per_token(
            arch.n_layers, kv_heads, head_dim, bytes_per_value(kv)
        ),
        bandwidth=accelerator.memory_bandwidth_gbs * 1e9 * e_bw,
        compute=accelerator.peak_flops(compute) * e_c,
    )
    usable = accelerator.memory_gib * GIB * defaults.number("inference.gpu_memory_utilization")
    overhead = defaults.number("inference.runtime_overhead_gib") * GIB
    max_batch = defaults.integer("inference.max_batch")
    replica = plan_replica(model, spec, usable, overhead, max_batch)
    per_request = spec.input_tokens + spec.output_tokens
    rate = spec.requests_per_second
    if rate is None:
        assert spec.tokens_per_day is not None  # the spec's validator asks for one of the two
        rate = spec.tokens_per_day / SECONDS_PER_DAY / per_request
    needed = rate / replica.requests_per_second(spec.output_tokens)
    check_accelerators(
        needed * replica.accelerators,
        defaults,
        what=f"serving {rate:.3g} requests a second takes",
        fix="Check the load (requests_per_second or tokens_per_day).",
    )
    replicas = max(1, math.ceil(needed))
    hours_per_month = defaults.number("inference.hours_per_month")
    accelerator_hours = replicas * replica.accelerators * hours_per_month
    tokens_per_month = rate * per_request * 3600.0 * hours_per_month
    output_per_month = rate * spec.output_tokens * 3600.0 * hours_per_month
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
    assumed += [
        defaults.assumption("inference.decode_bandwidth_efficiency"),
        defaults.assumption("inference.compute_efficiency"),
        defaults.assumption("inference.gpu_memory_utilization"),
        defaults.assumption("inference.runtime_overhead_gib"),
        defaults.assumption("inference.hours_per_month"),
        Assumption(
            "peak",
            f"{accelerator.peak_flops(compute):.4g} FLOP/s {compute}, "
            f"{accelerator.memory_bandwidth_gbs:g} GB/s",
            accelerator.source,
        ),
        Assumption(
            "decode_context",
            spec.input_tokens + spec.output_tokens / 2.0,
            "mean context while decoding, input + output/2 tokens; the KV cache is sized for "
            "input + output",
        ),
    ]
    if spec.batch_size is None:
        assumed.append(defaults.assumption("inference.max_batch"))
    if active < spec.params:
        assumed.append(
            Assumption(
                "moe_weights_read",
                "min(total, active × batch) parameters per decode step",
                "a mixture of experts reads more of its experts as the batch grows; all "
                "of them once the batch routes to every expert",
            )
        )
    return InferenceEstimate(
        accelerator=accelerator.name,
        precision=weights,
        kv_precision=kv,
        compute_precision=compute,
        params=spec.params,
        active_params=active,
        input_tokens=spec.input_tokens,
        output_tokens=spec.output_tokens,
        requests_per_second=rate,
        replica=replica,
        replicas=replicas,
        overhead_bytes=overhead,
        usable_bytes=usable,
        accelerator_hours_per_month=accelerator_hours,
        tokens_per_month=tokens_per_month,
        architecture=arch,
        cost=serving_cost_lines(
            prices, accelerator_hours, tokens_per_month, output_per_month, accelerator.name
        ),
        energy=energy(accelerator_hours, settings),
        assumptions=[
            *inference_warnings(
                defaults,
                params=spec.params,
                context=per_request,
                batch=spec.batch_size,
                replica=replica.accelerators,
            ),
            *assumed,
            *energy_assumed,
            *price_assumptions(prices, accelerator.name),
        ],
    )
