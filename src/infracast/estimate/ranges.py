"""The ranges the estimators are calibrated for, and the limits beyond which they refuse.

Two kinds of bound, each a default in ``data/estimate_defaults.yaml`` (section
``ranges``) with its source:

- a **calibrated range** (``training_params_min`` … ``inference_replica_max``):
  an input outside it is still estimated, and the result's ``assumptions`` carry
  a ``warning`` naming the value, the range and where the range comes from;
- a **hard limit** (``max_accelerators``, ``max_flops``): beyond it no answer is
  meaningful (no cluster that big exists, no run that long can finish), so the
  estimate is an :class:`~infracast.errors.EstimateError` with the limit and a fix.

docs/estimate.md#ranges lists them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from infracast.errors import EstimateError
from infracast.estimate.defaults import Assumption, Defaults

WARNING = "warning"  # the name of an out-of-range assumption

_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def count_text(value: float) -> str:
    """``70B``, ``1.1B``, ``800M``, ``40T``; plain below a thousand, ``1e+15`` from 1000T."""
    if value >= 1e15:
        return f"{value:.3g}"
    for scale, suffix in _SUFFIXES:
        if value >= scale:
            return f"{value / scale:.4g}{suffix}"
    return f"{value:.4g}"


def _warning(text: str, defaults: Defaults, key: str) -> Assumption:
    return Assumption(WARNING, text, f"ranges.{key.split('.', 1)[1]}: {defaults.entry(key).source}")


def whole(value: float) -> str:
    """``16,384``: a count of things written in full."""
    return f"{value:,.0f}"


def scientific(value: float) -> str:
    """``3.65e+25``."""
    return f"{value:.3g}"


def outside(
    what: str,
    value: float,
    defaults: Defaults,
    section: str,
    *,
    write: Callable[[float], str] = count_text,
    scope: str = "the published runs the goodput model is calibrated on",
) -> list[Assumption]:
    """A warning when ``value`` is outside ``ranges.{section}_min`` … ``_max`` (either may be
    absent), saying by how much and where the range comes from; else nothing. ``write``
    writes the value and the bounds."""
    keys = {"min": f"ranges.{section}_min", "max": f"ranges.{section}_max"}
    low = defaults.number(keys["min"]) if keys["min"] in defaults.entries else None
    high = defaults.number(keys["max"]) if keys["max"] in defaults.entries else None
    if low is not None and high is not None:
        span = f"{write(low)}–{write(high)}"
    else:
        span = f"at most {write(high)}" if high is not None else f"at least {write(low or 0)}"
    if high is not None and value > high:
        return [
            _warning(
                f"{what} {write(value)} is {value / high:.3g}× the largest of {scope} "
                f"({span}): the estimate extrapolates beyond its calibration.",
                defaults,
                keys["max"],
            )
        ]
    if low is not None and value < low:
        return [
            _warning(
                f"{what} {write(value)} is 1/{low / value:.3g} of the smallest of {scope} "
                f"({span}): the estimate extrapolates beyond its calibration.",
                defaults,
                keys["min"],
            )
        ]
    return []


def check_flops(flops: float, defaults: Defaults, *, how: str) -> None:
    """An EstimateError when ``flops`` is not finite or above the hard limit ``max_flops``."""
    limit = defaults.number("ranges.max_flops")
    if math.isfinite(flops) and flops <= limit:
        return
    largest = defaults.number("ranges.training_flops_max")
    raise EstimateError(
        f"{flops:.3g} FLOPs ({how}) is beyond the {limit:.0e} FLOPs any estimate accepts: "
        f"{defaults.entry('ranges.max_flops').source}",
        hint=f"Check params and tokens (70B is 70e9, 2T is 2e12); the largest calibrated run is "
        f"{largest:.3g} FLOPs (Llama 3.1 405B on 15T tokens).",
    )


def check_accelerators(count: float, defaults: Defaults, *, what: str, fix: str) -> None:
    """An EstimateError when ``count`` accelerators is more than the hard limit."""
    limit = defaults.number("ranges.max_accelerators")
    if math.isfinite(count) and count <= limit:
        return
    shown = f"{count:,.0f}" if math.isfinite(count) and count < 1e9 else f"{count:.3g}"
    raise EstimateError(
        f"{what} {shown} accelerators, more than the {limit:,.0f} any estimate accepts: "
        f"{defaults.entry('ranges.max_accelerators').source}",
        hint=fix,
    )


def check_goodput(goodput: float, explanation: str) -> None:
    """An EstimateError unless 0 < goodput ≤ 1 (a share of the peak)."""
    if math.isfinite(goodput) and 0 < goodput <= 1:
        return
    raise EstimateError(
        f"the goodput came out as {goodput:.3g} ({explanation}); a goodput is a share of the "
        "peak, more than 0 and at most 1, so no estimate is meaningful.",
        hint="Pass mfu (0-1) to set it, or check the inputs against docs/estimate.md#ranges.",
    )


def training_warnings(
    defaults: Defaults,
    *,
    params: float,
    active_params: float,
    tokens: float | None,
    flops: float | None,
) -> list[Assumption]:
    """Warnings for a training-like run outside the calibrated ranges (``tokens`` and
    ``flops`` None for a fine-tune, whose tokens are not pre-training tokens)."""
    out = outside("params", params, defaults, "training_params")
    if active_params != params or not out:
        out += outside("active_params", active_params, defaults, "training_active_params")
    if tokens is not None:
        out += outside("tokens", tokens, defaults, "training_tokens")
    if flops is not None:
        out += outside("FLOPs", flops, defaults, "training_flops", write=scientific)
    return out


def cluster_warnings(count: int, defaults: Defaults) -> list[Assumption]:
    """A warning when a job's accelerators exceed the cluster the interruption model is
    anchored on."""
    return outside(
        "num_accelerators",
        count,
        defaults,
        "cluster_accelerators",
        write=whole,
        scope="the clusters the interruption (cluster factor) model is anchored on",
    )


def inference_warnings(
    defaults: Defaults,
    *,
    params: float,
    context: int,
    batch: int | None,
    replica: int,
) -> list[Assumption]:
    """Warnings for serving outside the checked ranges (``batch`` None when not given)."""
    scope = "the models the serving model is checked on"
    out = outside("params", params, defaults, "inference_params", scope=scope)
    out += outside(
        "input + output tokens",
        context,
        defaults,
        "inference_context",
        write=whole,
        scope="the requests the serving model is checked on",
    )
    if batch is not None:
        out += outside(
            "batch_size",
            batch,
            defaults,
            "inference_batch",
            write=whole,
            scope="the batches the serving model is checked on",
        )
    out += outside(
        "accelerators per replica",
        replica,
        defaults,
        "inference_replica",
        write=whole,
        scope="the replicas the serving model is checked on (one node)",
    )
    return out
