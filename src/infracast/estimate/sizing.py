"""Sizing a training-like run: how many accelerators, in which layout, for how long.

    accelerator-hours = FLOPs / (peak at the precision × goodput) / 3600

The layout is the fewest accelerators that fit (:func:`minimum_layout`); the
count, when not given, the fewest that fit and finish within the target
wall-clock. The goodput is given (``mfu``) or the default model, which falls
slowly with the count, so count and goodput are solved together.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from infracast.catalog.models import Accelerator
from infracast.errors import EstimateError
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.goodput import default_goodput
from infracast.estimate.memory import (
    ActivationSettings,
    Architecture,
    Layout,
    MemoryBreakdown,
    ModelStates,
    layout_for,
    memory_per_accelerator,
    minimum_layout,
    next_count,
    round_to_nodes,
)


def accelerator_hours(flops: float, peak_flops: float, goodput: float) -> float:
    """FLOPs / (peak FLOP/s × goodput) / 3600."""
    return flops / (peak_flops * goodput) / 3600.0


@dataclass(frozen=True)
class RunSetup:
    """Everything that decides hours, accelerators and memory of a training-like run."""

    flops: float
    states: ModelStates
    arch: Architecture
    act: ActivationSettings
    zero_stage: int
    capacity: float
    node_size: int
    target_days: float
    precision: str
    active_params: float
    total_params: float
    mfu: float | None
    num_accelerators: int | None


@dataclass(frozen=True)
class RunPlan:
    goodput: float
    goodput_assumptions: tuple[Assumption, ...]
    peak_flops: float
    accelerator_hours: float
    layout: Layout
    min_layout: Layout
    memory: MemoryBreakdown


def plan_run(setup: RunSetup, accelerator: Accelerator, defaults: Defaults) -> RunPlan:
    """The accelerator count, its layout and memory, the goodput and the accelerator-hours."""
    peak = accelerator.peak_flops(setup.precision)

    def layout(count: int) -> Layout | None:
        return layout_for(
            count, setup.states, setup.arch, setup.act, setup.zero_stage, setup.capacity,
            setup.node_size, defaults,
        )  # fmt: skip

    def hours_at(count: int) -> tuple[float, float, tuple[Assumption, ...]]:
        if setup.mfu is not None:
            given = Assumption("goodput", setup.mfu, "given (mfu)")
            return accelerator_hours(setup.flops, peak, setup.mfu), setup.mfu, (given,)
        good = default_goodput(
            accelerator,
            active_params=setup.active_params,
            total_params=setup.total_params,
            precision=setup.precision,
            num_accelerators=count,
            defaults=defaults,
        )
        model = Assumption(
            "goodput",
            good.value,
            f"default effective utilization (goodput) model, docs/estimate.md#goodput: "
            f"{good.explanation}",
        )
        return (
            accelerator_hours(setup.flops, peak, good.value),
            good.value,
            (model, *good.assumptions),
        )

    smallest = minimum_layout(
        setup.states, setup.arch, setup.act, setup.zero_stage, setup.capacity,
        setup.node_size, defaults,
    )  # fmt: skip
    step = math.lcm(smallest.tensor * smallest.pipeline, setup.node_size)
    if setup.num_accelerators is not None:
        count = setup.num_accelerators
        if count < smallest.accelerators:
            raise EstimateError(
                f"{count} × {accelerator.name} cannot hold this model: it needs at least "
                f"{smallest.accelerators} ({_describe(smallest)}).",
                hint="Raise num_accelerators, use a higher ZeRO stage or activation "
                "recomputation, or leave num_accelerators out to get the minimum.",
            )
        chosen = layout(count)
        if chosen is None:
            fits = math.ceil(count / (smallest.tensor * smallest.pipeline))
            raise EstimateError(
                f"no tensor × pipeline × data layout of exactly {count} × {accelerator.name} "
                "fits this model.",
                hint=f"Try {fits * smallest.tensor * smallest.pipeline} accelerators.",
            )
    else:
        count, chosen = _default_count(smallest, step, setup, layout, hours_at)
    hours, goodput, assumed = hours_at(count)
    memory = memory_per_accelerator(
        setup.states, setup.arch, setup.act, chosen, setup.zero_stage, setup.capacity, defaults
    )
    return RunPlan(goodput, assumed, peak, hours, chosen, smallest, memory)


def _default_count(
    smallest: Layout,
    step: int,
    setup: RunSetup,
    layout: Callable[[int], Layout | None],
    hours_at: Callable[[int], tuple[float, float, tuple[Assumption, ...]]],
) -> tuple[int, Layout]:
    """The fewest accelerators (on the 1, 2, 4, 8, 16, 24… ladder) that fit and finish in time.

    Goodput falls slowly with the count (interruptions), so the count is raised until the
    wall-clock meets the target; a job too large to ever meet it stops after a few rounds at
    the count that comes closest (the wall-clock in the result says so).
    """
    count = round_to_nodes(smallest.accelerators, setup.node_size)
    target_hours = setup.target_days * 24.0
    best: tuple[float, int, Layout] | None = None
    for _ in range(64):
        chosen = layout(count)
        if chosen is None:
            count = math.ceil((count + 1) / step) * step
            continue
        hours, _, _ = hours_at(count)
        wallclock = hours / count
        if best is None or wallclock < best[0]:
            best = (wallclock, count, chosen)
        if wallclock <= target_hours:
            return count, chosen
        needed = round_to_nodes(math.ceil(hours / target_hours), setup.node_size)
        count = max(needed, next_count(count, setup.node_size))
    assert best is not None  # the smallest layout's multiples always fit
    return best[1], best[2]


def _describe(layout: Layout) -> str:
    return f"tensor {layout.tensor} × pipeline {layout.pipeline} × data {layout.data}"
