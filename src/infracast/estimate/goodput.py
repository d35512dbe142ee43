"""The default goodput: the effective fraction of peak FLOP/s a training run turns into progress.

Published accelerator-hours include restarts, failed jobs, ramp-up and idle
time, so the default is an effective utilization, not a peak MFU:

    goodput = m · s · f_moe · f_fp16 · f_cluster
    s       = d / (d + c · R)                     (roofline size factor)
    d       = (aspect · N_active / 12)^(1/3)      (estimated d_model)
    f_cluster = 1 / (1 + G · λ · t)               (job interruptions)

``R`` is the accelerator's dense BF16 FLOPs per byte of HBM bandwidth (the
roofline ridge point): small models on high-ridge parts are memory and
overhead bound. For FP8 training the goodput is relative to the FP8 peak:
``goodput_bf16 · speedup · peak_bf16 / peak_fp8``. Every constant and its
source is in ``data/estimate_defaults.yaml``; docs/estimate.md derives them.
"""

from __future__ import annotations

from dataclasses import dataclass

from infracast.catalog.models import Accelerator
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.memory import estimated_d_model


@dataclass(frozen=True)
class Goodput:
    """The goodput used, how it was computed, and the defaults behind it."""

    value: float
    explanation: str
    assumptions: tuple[Assumption, ...]


def size_factor(d_model: float, ops_per_byte: float, c: float) -> float:
    """s = d / (d + c·R): the GEMMs' share of time when a layer also moves ~72·c·d bytes/token."""
    return d_model / (d_model + c * ops_per_byte)


def interruption_rate(defaults: Defaults) -> float:
    """λ, unexpected interruptions per accelerator-hour (Llama 3: 419 / (16,384 · 54 · 24))."""
    gpu_hours = (
        defaults.number("goodput.failure_snapshot_gpus")
        * defaults.number("goodput.failure_snapshot_days")
        * 24.0
    )
    return defaults.number("goodput.failure_interruptions") / gpu_hours


def hours_lost_per_interruption(defaults: Defaults) -> float:
    """t, job hours lost per interruption, so that the Llama 3 cluster keeps its effective time."""
    effective = defaults.number("goodput.failure_effective_time")
    gpus = defaults.number("goodput.failure_snapshot_gpus")
    return (1.0 / effective - 1.0) / (gpus * interruption_rate(defaults))


def cluster_factor(num_accelerators: int, defaults: Defaults) -> float:
    """1 / (1 + G·λ·t): the share of wall-clock left after interruptions of a G-accelerator job."""
    lost = num_accelerators * interruption_rate(defaults) * hours_lost_per_interruption(defaults)
    return 1.0 / (1.0 + lost)


def half_cluster_count(defaults: Defaults) -> int:
    """G with G·λ·t = 1: the count at which interruptions take half the wall-clock (the cluster
    factor is 0.5). With the Llama 3 figures: 16,384 / (1/0.9 − 1) = 147,456 accelerators."""
    return round(1.0 / (interruption_rate(defaults) * hours_lost_per_interruption(defaults)))


def default_goodput(
    accelerator: Accelerator,
    *,
    active_params: float,
    total_params: float,
    precision: str,
    num_accelerators: int,
    defaults: Defaults,
) -> Goodput:
    """The default goodput at ``precision``'s peak, with its derivation."""
    m = defaults.number("goodput.large_model_mfu")
    c = defaults.number("goodput.size_overhead_c")
    ridge = accelerator.ops_per_byte
    d = estimated_d_model(active_params, defaults.number("architecture.aspect_ratio"))
    s = size_factor(d, ridge, c)
    value = m * s
    steps = [f"m {m:g} × s {s:.3f} (d {d:.0f}, ridge {ridge:.0f} FLOP/byte, c {c:g})"]
    assumptions = [
        defaults.assumption("goodput.large_model_mfu"),
        defaults.assumption("goodput.size_overhead_c"),
        defaults.assumption("architecture.aspect_ratio"),
    ]
    if total_params > active_params:
        moe = defaults.number("goodput.moe_factor")
        value *= moe
        steps.append(f"MoE {moe:g}")
        assumptions.append(defaults.assumption("goodput.moe_factor"))
    if precision == "fp16":
        fp16 = defaults.number("goodput.fp16_factor")
        value *= fp16
        steps.append(f"fp16 {fp16:g}")
        assumptions.append(defaults.assumption("goodput.fp16_factor"))
    cluster = cluster_factor(num_accelerators, defaults)
    value *= cluster
    steps.append(f"cluster {cluster:.3f} ({num_accelerators} accelerators)")
    rate, lost = interruption_rate(defaults), hours_lost_per_interruption(defaults)
    assumptions.append(
        Assumption(
            "cluster_factor",
            cluster,
            f"1 / (1 + G·λ·t) with G = {num_accelerators}, λ = {rate:.3g} interruptions per "
            f"accelerator-hour and t = {lost:.2f} h lost per interruption: "
            + defaults.entry("goodput.failure_effective_time").source,
        )
    )
    if precision == "fp8":
        speedup = defaults.number("goodput.fp8_speedup")
        ratio = accelerator.peak_flops("bf16") / accelerator.peak_flops("fp8")
        value *= speedup * ratio
        steps.append(f"fp8 speed-up {speedup:g} × bf16/fp8 peak {ratio:.3f}")
        assumptions.append(defaults.assumption("goodput.fp8_speedup"))
    explanation = " × ".join(steps) + f" = {value:.4f} of the {precision} peak"
    return Goodput(value, explanation, tuple(assumptions))
