"""A serving replica: the model's timing on its accelerators, and the smallest replica that works.

Per replica of ``t`` accelerators (tensor parallel), with achieved bandwidth
``W = t·bandwidth·e_bw`` and achieved compute ``P = t·peak·e_c``:

    KV bytes per token = 2 · layers · kv_heads · head_dim · bytes
    prefill            = max(2·N·I + 2·L·d·I², weights) / P, W    (compute bound)
    decode step        = max((weights read + B·ctx·KV) / W,  (2·N + 4·L·d·ctx)·B / P)

:func:`plan_replica` tries the replica sizes in :data:`REPLICA_SIZES` and, for
each, the largest batch that fits the KV cache, meets the latency target and
stays within the engine's maximum (one binary search). When none works it says
why: memory (the bytes needed and free, the largest batch that fits) or the
latency target.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from infracast.errors import EstimateError
from infracast.estimate.units import GB

REPLICA_SIZES: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)


class ServingLoad(Protocol):
    """What the replica search reads of a serving spec."""

    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def batch_size(self) -> int | None: ...
    @property
    def accelerators_per_replica(self) -> int | None: ...
    @property
    def target_tpot_ms(self) -> float | None: ...
    @property
    def target_latency_s(self) -> float | None: ...


def kv_bytes_per_token(n_layers: int, kv_heads: int, head_dim: int, bytes_per: float) -> float:
    """2 (key and value) · layers · KV heads · head dim · bytes per value."""
    return 2.0 * n_layers * kv_heads * head_dim * bytes_per


@dataclass(frozen=True)
class ServingModel:
    """The model and the accelerator's achieved rates, as the timing formulas need them."""

    params: float
    active_params: float
    n_layers: int
    d_model: float
    kv_heads: int
    weight_bytes_per_param: float
    kv_bytes_per_token: float
    bandwidth: float  # achieved bytes/s per accelerator
    compute: float  # achieved FLOP/s per accelerator

    def kv_per_accelerator(self, accelerators: int) -> float:
        """KV bytes per token on each accelerator: heads split, replicated beyond kv_heads."""
        return self.kv_bytes_per_token / min(accelerators, self.kv_heads)

    def prefill_seconds(self, input_tokens: int, accelerators: int) -> float:
        """Compute bound: (2·N·I + 2·L·d·I²) FLOPs; at least one read of the weights."""
        flops = 2.0 * self.active_params * input_tokens
        flops += 2.0 * self.n_layers * self.d_model * input_tokens**2
        weights = min(self.params, self.active_params * input_tokens) * self.weight_bytes_per_param
        return max(flops / self.compute, weights / self.bandwidth) / accelerators

    def decode_step_seconds(self, batch: int, context: float, accelerators: int) -> float:
        """One decode step of ``batch`` sequences: bytes over bandwidth, capped by compute."""
        weights = min(self.params, self.active_params * batch) * self.weight_bytes_per_param
        read = weights / accelerators + batch * context * self.kv_per_accelerator(accelerators)
        flops = (2.0 * self.active_params + 4.0 * self.n_layers * self.d_model * context) * batch
        return max(read / self.bandwidth, flops / accelerators / self.compute)


@dataclass(frozen=True)
class Replica:
    accelerators: int
    batch: int
    prefill_s: float
    step_s: float
    weights_bytes: float  # per accelerator
    kv_bytes: float  # per accelerator at this batch

    def requests_per_second(self, output_tokens: int) -> float:
        return 1.0 / (self.prefill_s + output_tokens * self.step_s / self.batch)

    def latency_s(self, output_tokens: int) -> float:
        return self.prefill_s + output_tokens * self.step_s


def _largest(ok: Callable[[int], bool], high: int) -> int:
    """The largest b in [1, high] with ok(b), for ok true up to some point; 0 if ok(1) is false.

    A binary search: at most ⌈log2(high)⌉ + 1 calls of ``ok``.
    """
    if high < 1 or not ok(1):
        return 0
    low = 1
    while low < high:
        mid = (low + high + 1) // 2
        if ok(mid):
            low = mid
        else:
            high = mid - 1
    return low


@dataclass(frozen=True)
class _Room:
    """The memory of one accelerator of a replica of ``size``: what is free for the KV cache."""

    size: int
    weights: float  # bytes per accelerator
    free: float  # usable less weights and runtime
    per_sequence: float  # KV bytes per accelerator of one sequence at the full context

    @property
    def fits(self) -> int:
        """The most sequences whose KV cache fits (0 when not even one does)."""
        return max(0, math.floor(self.free / self.per_sequence)) if self.free > 0 else 0


def _gb(value: float) -> str:
    return f"{value / GB:,.1f} GB"


def plan_replica(
    model: ServingModel,
    spec: ServingLoad,
    usable: float,
    overhead: float,
    max_batch: int,
) -> Replica:
    """The smallest tensor-parallel group with a batch that fits and meets the latency target.

    At most len(REPLICA_SIZES) groups are tried, each with one binary search over the batch.
    When none works the error names the real cause: memory (with the bytes needed and free,
    and the largest batch that fits) or the latency target.
    """
    context_max = spec.input_tokens + spec.output_tokens
    context_mean = spec.input_tokens + spec.output_tokens / 2.0
    sizes = (spec.accelerators_per_replica,) if spec.accelerators_per_replica else REPLICA_SIZES
    reasons: list[str] = []
    rooms: list[_Room] = []
    for size in sizes:
        weights = model.params * model.weight_bytes_per_param / size
        per_sequence = model.kv_per_accelerator(size) * context_max
        room = _Room(size, weights, usable - weights - overhead, per_sequence)
        rooms.append(room)
        if room.fits < 1:
            reasons.append(
                f"{size}: the weights ({_gb(weights)} per accelerator) and one sequence's KV "
                f"cache ({_gb(room.per_sequence)}) do not fit in {_gb(usable - overhead)}"
            )
            continue
        prefill = model.prefill_seconds(spec.input_tokens, size)

        def meets(batch: int, size: int = size, prefill: float = prefill) -> bool:
            step = model.decode_step_seconds(batch, context_mean, size)
            if spec.target_tpot_ms is not None and step * 1000.0 > spec.target_tpot_ms:
                return False
            latency = prefill + spec.output_tokens * step
            return spec.target_latency_s is None or latency <= spec.target_latency_s

        if spec.batch_size is not None:
            if spec.batch_size > room.fits:
                reasons.append(
                    f"{size}: {_gb(spec.batch_size * room.per_sequence)} of KV cache per "
                    f"accelerator against {_gb(room.free)} free (at most {room.fits:,} sequences)"
                )
                continue
            batch = spec.batch_size if meets(spec.batch_size) else 0
        else:
            batch = _largest(meets, min(room.fits, max_batch))
        if batch < 1:
            step = model.decode_step_seconds(spec.batch_size or 1, context_mean, size)
            reasons.append(
                f"{size}: a batch of {spec.batch_size or 1} misses the latency target "
                f"({step * 1000:.1f} ms per output token, "
                f"{prefill + spec.output_tokens * step:.2f} s per request)"
            )
            continue
        return Replica(
            accelerators=size,
            batch=batch,
            prefill_s=prefill,
            step_s=model.decode_step_seconds(batch, context_mean, size),
            weights_bytes=weights,
            kv_bytes=batch * room.per_sequence,
        )
    raise _no_replica(spec, sizes, reasons, rooms, context_max)


def _no_replica(
    spec: ServingLoad,
    sizes: Sequence[int],
    reasons: list[str],
    rooms: list[_Room],
    context: int,
) -> EstimateError:
    """Why no replica can serve: the batch's KV cache, or else every size's own reason."""
    tried = ", ".join(str(s) for s in sizes)
    if spec.batch_size is not None and all(spec.batch_size > r.fits for r in rooms):
        return _batch_too_large(spec.batch_size, rooms, context)
    return EstimateError(
        f"no replica of {tried} accelerators can serve this ({'; '.join(reasons)}).",
        hint="Use fewer bits (precision int8 or int4, kv_precision fp8), a shorter context, a "
        "smaller batch_size"
        + (", a looser latency target" if spec.target_tpot_ms or spec.target_latency_s else "")
        + " or an accelerator with more memory.",
    )


def _batch_too_large(batch: int, rooms: list[_Room], context: int) -> EstimateError:
    """The KV cache of ``batch`` sequences fits no replica: bytes needed and free, what fits."""
    first, last = rooms[0], rooms[-1]
    sequence = first.per_sequence * first.size  # the whole KV cache of one sequence

    def on(room: _Room) -> str:
        many = f"{room.size} accelerators" if room.size > 1 else "1 accelerator"
        return (
            f"on {many} it needs {_gb(batch * room.per_sequence)} per accelerator against "
            f"{_gb(room.free)} free after the weights and runtime (at most {room.fits:,} "
            "sequences)"
        )

    sides = [on(first)] if first is last else [on(first), on(last)]
    fit = max(rooms, key=lambda r: r.fits)
    if fit.fits:
        largest = f"The largest batch that fits is {fit.fits:,}, on {fit.size} accelerator" + (
            "s." if fit.size > 1 else "."
        )
        fix = f"Pass batch_size {fit.fits:,} or less"
        if first.fits and first is not fit:
            fix += f" ({first.fits:,} or less on one accelerator)"
        fix += ", or leave it out to get the largest batch that fits"
    else:
        largest = "Not even one sequence fits."
        fix = "Use fewer bits for the weights"
    return EstimateError(
        f"batch_size {batch:,} does not fit in memory: the KV cache of {batch:,} sequences of "
        f"{context:,} tokens (input + output) is {_gb(batch * sequence)}, "
        f"{sequence / 1e6:,.0f} MB a sequence; {'; '.join(sides)}. {largest}",
        hint=f"{fix}; or use kv_precision fp8, shorter requests or an accelerator with more "
        "memory.",
    )
