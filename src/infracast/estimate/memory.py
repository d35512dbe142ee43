"""Memory per accelerator in training: model states under ZeRO, activations, and the layout.

Model states (mixed-precision Adam, Rajbhandari et al. 2020): 2 bytes of
weights, 2 of gradients and 12 of optimizer state per parameter, sharded by
tensor × pipeline parallelism, then over data parallelism by the ZeRO stage
(1: optimizer states, 2: and gradients, 3 / FSDP: and weights).

Activations (Korthikanti et al. 2022) per layer, with tensor and sequence
parallelism of degree t: ``s·b·h·(34 + 5·a·s/h) / t`` bytes without
recomputation (FlashAttention drops the ``5·a·s/h`` part); with full
recomputation each layer keeps only its input, ``2·s·b·h / t``, plus one
layer's full activations while it is recomputed. With 1F1B pipelining the
first stage holds ``p`` micro-batches of ``L/p`` layers: ``L`` layers' worth,
whatever ``p``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from infracast.errors import EstimateError
from infracast.estimate.defaults import Defaults
from infracast.estimate.units import GB


@dataclass(frozen=True)
class Architecture:
    """The transformer shape the formulas need; estimated from the parameter count if not given."""

    n_layers: int
    d_model: float
    n_heads: int
    estimated: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "n_layers": self.n_layers,
            "d_model": round(self.d_model),
            "n_heads": self.n_heads,
            "estimated": self.estimated,
        }


def estimated_d_model(params: float, aspect_ratio: float) -> float:
    """d_model from N = 12·L·d² with L = d / aspect_ratio: d = (aspect_ratio·N/12)^(1/3)."""
    return (aspect_ratio * params / 12.0) ** (1.0 / 3.0)


def estimate_architecture(
    params: float,
    defaults: Defaults,
    *,
    d_model: float | None = None,
    n_layers: int | None = None,
    n_heads: int | None = None,
) -> Architecture:
    """The model's shape: given values win, the rest follow the aspect-ratio rule."""
    aspect = defaults.number("architecture.aspect_ratio")
    head_dim = defaults.number("architecture.head_dim")
    estimated = d_model is None or n_layers is None or n_heads is None
    if d_model is None:
        d_model = (
            (params / (12.0 * n_layers)) ** 0.5 if n_layers else estimated_d_model(params, aspect)
        )
    if n_layers is None:
        n_layers = max(1, round(d_model / aspect))
    if n_heads is None:
        n_heads = max(1, round(d_model / head_dim))
    return Architecture(n_layers, d_model, n_heads, estimated=estimated)


@dataclass(frozen=True)
class ModelStates:
    """Bytes of weights, gradients and optimizer states of the whole model."""

    weights: float
    gradients: float
    optimizer: float


@dataclass(frozen=True)
class ActivationSettings:
    seq_len: int
    micro_batch: int
    recomputation: bool
    flash_attention: bool


@dataclass(frozen=True)
class Layout:
    """A parallel layout: tensor × pipeline × data parallel degrees."""

    tensor: int
    pipeline: int
    data: int

    @property
    def accelerators(self) -> int:
        return self.tensor * self.pipeline * self.data


@dataclass(frozen=True)
class MemoryBreakdown:
    """Bytes per accelerator, by part."""

    weights: float
    gradients: float
    optimizer_states: float
    activations: float
    capacity: float  # usable bytes per accelerator (memory less the headroom)

    @property
    def total(self) -> float:
        return self.weights + self.gradients + self.optimizer_states + self.activations

    def to_json(self) -> dict[str, float]:
        return {
            "weights": self.weights / GB,
            "gradients": self.gradients / GB,
            "optimizer_states": self.optimizer_states / GB,
            "activations": self.activations / GB,
            "total": self.total / GB,
            "usable": self.capacity / GB,
        }


def training_states(params: float, defaults: Defaults) -> ModelStates:
    """Mixed-precision Adam: 2 + 2 + 12 = 16 bytes per parameter (ZeRO paper, §3.1)."""
    return ModelStates(
        weights=params * defaults.number("training.weight_bytes"),
        gradients=params * defaults.number("training.gradient_bytes"),
        optimizer=params * defaults.number("training.optimizer_bytes"),
    )


def activation_bytes_per_layer(
    arch: Architecture, act: ActivationSettings, tensor: int, defaults: Defaults
) -> float:
    """Korthikanti et al. 2022: s·b·h·(34 + 5·a·s/h) / t bytes; 34·s·b·h / t with FlashAttention."""
    s, b, h, a = act.seq_len, act.micro_batch, arch.d_model, arch.n_heads
    per_layer = defaults.number("training.activation_bytes_coefficient") * s * b * h
    if not act.flash_attention:
        per_layer += defaults.number("training.attention_bytes_coefficient") * a * s * s * b
    return per_layer / tensor


def activation_bytes(
    arch: Architecture, act: ActivationSettings, tensor: int, defaults: Defaults
) -> float:
    """Activations on the first pipeline stage: L layers' worth (p micro-batches × L/p layers)."""
    full_layer = activation_bytes_per_layer(arch, act, tensor, defaults)
    if not act.recomputation:
        return arch.n_layers * full_layer
    kept = defaults.number("training.recompute_bytes_coefficient") * act.seq_len * act.micro_batch
    kept *= arch.d_model / tensor
    return arch.n_layers * kept + full_layer


def memory_per_accelerator(
    states: ModelStates,
    arch: Architecture,
    act: ActivationSettings,
    layout: Layout,
    zero_stage: int,
    capacity: float,
    defaults: Defaults,
) -> MemoryBreakdown:
    """Bytes per accelerator of each part for one layout and ZeRO stage."""
    model_parallel = layout.tensor * layout.pipeline
    dp = layout.data
    return MemoryBreakdown(
        weights=states.weights / model_parallel / (dp if zero_stage >= 3 else 1),
        gradients=states.gradients / model_parallel / (dp if zero_stage >= 2 else 1),
        optimizer_states=states.optimizer / model_parallel / (dp if zero_stage >= 1 else 1),
        activations=activation_bytes(arch, act, layout.tensor, defaults),
        capacity=capacity,
    )


def usable_bytes(memory_gib: float, headroom: float) -> float:
    return memory_gib * 2**30 * (1.0 - headroom)


# The search bound: pipeline degrees above this are never tried. Published runs use at most
# 64 stages (Megatron-LM's 1T GPT: tensor 8 × pipeline 64, Narayanan et al. 2021, Table 1);
# each stage needs more micro-batches than there are stages to keep the bubble small.
MAX_PIPELINE_STAGES = 1024


def _tensor_degrees(arch: Architecture, node_size: int) -> list[int]:
    """Tensor parallel degrees, powers of two up to a node (and the heads): at most
    log2(node_size) + 1 of them."""
    degrees = [1]
    while degrees[-1] * 2 <= min(node_size, arch.n_heads):
        degrees.append(degrees[-1] * 2)
    return degrees


def _model_parallel_shapes(arch: Architecture, node_size: int) -> Iterator[tuple[int, int]]:
    """(tensor, pipeline) pairs in the usual order of growth: tensor parallelism first, by powers
    of two up to a node (and the heads), then pipeline stages across nodes, up to the layers
    and at most :data:`MAX_PIPELINE_STAGES`."""
    *smaller, tensor = _tensor_degrees(arch, node_size)
    for t in smaller:
        yield t, 1
    for pipeline in range(1, max_pipeline(arch) + 1):
        yield tensor, pipeline


def max_pipeline(arch: Architecture) -> int:
    """The largest pipeline degree searched: one layer per stage, at most MAX_PIPELINE_STAGES."""
    return min(arch.n_layers, MAX_PIPELINE_STAGES)


def _preference(layout: Layout) -> tuple[int, int, int]:
    # fewest accelerators, then the least model parallelism (TP grows before PP)
    return (layout.accelerators, layout.pipeline, layout.tensor)


def _first_pipeline(unsharded: float, room: float) -> int:
    """The smallest pipeline degree p with unsharded / p < room, ``unsharded`` the bytes per
    accelerator at p = 1 (closed form, so the search never walks through degrees that cannot
    fit), less one for rounding."""
    return max(1, math.floor(unsharded / room))


def minimum_layout(
    states: ModelStates,
    arch: Architecture,
    act: ActivationSettings,
    zero_stage: int,
    capacity: float,
    node_size: int,
    defaults: Defaults,
) -> Layout:
    """The layout with the fewest accelerators that fits (an EstimateError saying why if none).

    For each tensor degree the activations do not depend on the pipeline degree p, and the
    states left unsharded shrink as 1/p, so p starts at the first degree where they fit
    (closed form) and stops once tensor × p alone exceeds the best count found: at most
    :data:`MAX_PIPELINE_STAGES` degrees per tensor degree, whatever the model.
    """
    best: Layout | None = None
    tensors = _tensor_degrees(arch, node_size)
    for tensor in tensors:
        pipelines = range(1, max_pipeline(arch) + 1) if tensor == tensors[-1] else range(1, 2)
        unit = memory_per_accelerator(
            states, arch, act, Layout(tensor, 1, 1), zero_stage, capacity, defaults
        )
        sharded_unit = _sharded(unit, zero_stage)
        room = capacity - unit.activations
        if room <= 0:
            continue  # the activations alone fill an accelerator, at any pipeline degree
        start = _first_pipeline(unit.total - unit.activations - sharded_unit, room)
        for pipeline in range(max(start, pipelines.start), pipelines.stop):
            if best is not None and tensor * pipeline > best.accelerators:
                break  # every layout from here on has more accelerators than the best
            one = memory_per_accelerator(
                states, arch, act, Layout(tensor, pipeline, 1), zero_stage, capacity, defaults
            )
            sharded = _sharded(one, zero_stage)
            fixed = one.total - sharded
            if fixed >= capacity:
                continue
            data = 1 if sharded <= capacity - fixed else math.ceil(sharded / (capacity - fixed))
            candidate = Layout(tensor, pipeline, data)
            if best is None or _preference(candidate) < _preference(best):
                best = candidate
    if best is None:
        raise EstimateError(
            f"the model does not fit: even split over {tensors[-1]}-way tensor and "
            f"{max_pipeline(arch)}-way pipeline parallelism, one accelerator's activations and "
            f"unsharded states exceed its usable {capacity / GB:.1f} GB.",
            hint="Turn on activation recomputation, lower seq_len or micro_batch, use a higher "
            "ZeRO stage, or an accelerator with more memory.",
        )
    return best


def _sharded(one: MemoryBreakdown, zero_stage: int) -> float:
    """The bytes of ``one`` (a data-parallel degree of 1) that ZeRO shards over data parallelism."""
    return (
        (one.weights if zero_stage >= 3 else 0.0)
        + (one.gradients if zero_stage >= 2 else 0.0)
        + (one.optimizer_states if zero_stage >= 1 else 0.0)
    )


def layout_for(
    count: int,
    states: ModelStates,
    arch: Architecture,
    act: ActivationSettings,
    zero_stage: int,
    capacity: float,
    node_size: int,
    defaults: Defaults,
) -> Layout | None:
    """The preferred layout that uses exactly ``count`` accelerators and fits, if any
    (at most log2(node_size) + MAX_PIPELINE_STAGES shapes are tried)."""
    best: Layout | None = None
    for tensor, pipeline in _model_parallel_shapes(arch, node_size):
        if tensor * pipeline > count:
            break  # shapes only grow from here
        if count % (tensor * pipeline):
            continue
        layout = Layout(tensor, pipeline, count // (tensor * pipeline))
        mem = memory_per_accelerator(states, arch, act, layout, zero_stage, capacity, defaults)
        if mem.total <= capacity and (best is None or _preference(layout) < _preference(best)):
            best = layout
    return best


def round_to_nodes(count: int, node_size: int) -> int:
    """Counts up to a node go by powers of two (1, 2, 4, 8); beyond, by whole nodes."""
    if count <= node_size:
        power = 1
        while power < count:
            power *= 2
        return min(power, node_size)
    return math.ceil(count / node_size) * node_size


def next_count(count: int, node_size: int) -> int:
    """The next count on the ladder after ``count`` (1, 2, 4, 8, 16, 24, …)."""
    return round_to_nodes(count + 1, node_size)
