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
from infracast.estimate.goodput import default_goodput, half_cluster_count
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
from infracast.estimate.ranges import check_accelerators, check_goodput, cluster_warnings


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
    warnings: tuple[Assumption, ...] = ()


def plan_run(setup: RunSetup, accelerator: Accelerator, defaults: Defaults) -> RunPlan:
    """The accelerator count, its layout and memory, the goodput and the accelerator-hours.

    A run no cluster can hold (more than ``ranges.max_accelerators``) is refused before any
    layout is searched; a default count that cannot meet the target wall-clock stops at
    :func:`~infracast.estimate.goodput.half_cluster_count` and says so.
    """
    peak = accelerator.peak_flops(setup.precision)
    _check_cluster(setup, accelerator, defaults)

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
        check_goodput(good.value, good.explanation)
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
    warnings: list[Assumption] = []
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
        half = half_cluster_count(defaults)
        cap = max(half // step * step, step)
        count, chosen, met = _default_count(smallest, step, setup, layout, hours_at, cap)
        if not met:
            warnings.append(_target_missed(setup, count, hours_at(count)[0], half, defaults))
    check_accelerators(
        chosen.accelerators,
        defaults,
        what="the smallest layout that fits has",
        fix="Check params (70B is 70e9), or use an accelerator with more memory.",
    )
    hours, goodput, assumed = hours_at(count)
    warnings += cluster_warnings(count, defaults)
    memory = memory_per_accelerator(
        setup.states, setup.arch, setup.act, chosen, setup.zero_stage, setup.capacity, defaults
    )
    return RunPlan(goodput, assumed, peak, hours, chosen, smallest, memory, tuple(warnings))


def _check_cluster(setup: RunSetup, accelerator: Accelerator, defaults: Defaults) -> None:
    """Refuse a given count, or a model whose states alone need a count, beyond any cluster.

    Every accelerator holds at most ``capacity`` bytes and together they hold at least the
    whole model states once, so at least states / capacity accelerators are needed.
    """
    if setup.num_accelerators is not None:
        check_accelerators(
            setup.num_accelerators,
            defaults,
            what="num_accelerators is",
            fix="Give a count a cluster can have, or leave num_accelerators out.",
        )
    states = setup.states.weights + setup.states.gradients + setup.states.optimizer
    floor = states / setup.capacity
    check_accelerators(
        floor,
        defaults,
        what=f"the model states ({states / 1e9:,.3g} GB of weights, gradients and optimizer "
        f"states) over {setup.capacity / 1e9:.1f} GB usable per {accelerator.name} need at "
        "least",
        fix="Check params (70B is 70e9; the largest calibrated model has 671B), or use an "
        "accelerator with more memory.",
    )


def _target_missed(
    setup: RunSetup, count: int, hours: float, half: int, defaults: Defaults
) -> Assumption:
    days = hours / count / 24.0
    return Assumption(
        "warning",
        f"no accelerator count finishes within the {setup.target_days:g}-day target: the "
        f"default count stops at {count:,} accelerators (wall-clock {days:,.0f} days), as "
        f"beyond {half:,} interruptions take more than half the wall-clock. Pass "
        "num_accelerators to choose the count.",
        "the cluster factor 1 / (1 + G·λ·t) is 0.5 at G = 1/(λ·t): "
        + defaults.entry("goodput.failure_effective_time").source,
    )


# The search bound of the default count: at most this many counts are tried.
MAX_COUNT_ROUNDS = 64


def _default_count(
    smallest: Layout,
    step: int,
    setup: RunSetup,
    layout: Callable[[int], Layout | None],
    hours_at: Callable[[int], tuple[float, float, tuple[Assumption, ...]]],
    cap: int,
) -> tuple[int, Layout, bool]:
    """The fewest accelerators (on the 1, 2, 4, 8, 16, 24… ladder) that fit and finish in time,
    and whether they do.

    Goodput falls slowly with the count (interruptions), so the count is raised until the
    wall-clock meets the target, at most :data:`MAX_COUNT_ROUNDS` times and never beyond
    ``cap`` (unless the smallest layout is larger): a job too large to meet it stops at the
    count that comes closest, and the caller says so.
    """
    count = round_to_nodes(smallest.accelerators, setup.node_size)
    target_hours = setup.target_days * 24.0
    best: tuple[float, int, Layout] | None = None
    for _ in range(MAX_COUNT_ROUNDS):
        chosen = layout(count)
        if chosen is None:
            count = math.ceil((count + 1) / step) * step  # a multiple of the step always fits
            continue
        hours, _, _ = hours_at(count)
        wallclock = hours / count
        if best is None or wallclock < best[0]:
            best = (wallclock, count, chosen)
        if wallclock <= target_hours:
            return count, chosen, True
        if count >= cap:
            break
        needed = round_to_nodes(math.ceil(hours / target_hours), setup.node_size)
        count = min(max(needed, next_count(count, setup.node_size)), cap)
    assert best is not None  # the smallest layout's multiples always fit
    return best[1], best[2], False


def _describe(layout: Layout) -> str:
    return f"tensor {layout.tensor} × pipeline {layout.pipeline} × data {layout.data}"
