"""Distributions of uncertain inputs: triangular, PERT, normal, lognormal, uniform.

Written as a mapping (``{dist: triangular, low: 0.9, mode: 1.0, high: 1.3}``)
or as text (``triangular:0.9,1.0,1.3``: the parameters in the order below).

| dist | parameters | median |
|---|---|---|
| triangular | low ≤ mode ≤ high, low < high | — |
| pert | low ≤ mode ≤ high, low < high (a scaled Beta, below) | — |
| normal | mean, sd > 0 | mean |
| lognormal | mu, sigma > 0: the mean and sd of log X | exp(mu) |
| uniform | low < high | (low + high)/2 |

PERT is low + (high − low)·Beta(α, β) with α = 1 + 4(mode − low)/(high − low),
β = 1 + 4(high − mode)/(high − low) (Vose, *Risk Analysis*, 3rd ed., 2008, §9.1.3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from infracast.errors import FinanceError, did_you_mean

Floats = npt.NDArray[np.float64]
PARAMETERS: dict[str, tuple[str, ...]] = {
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mu", "sigma"),
    "uniform": ("low", "high"),
}
_EXAMPLES = (
    "triangular:0.9,1,1.3 · pert:0.9,1,1.3 · normal:1,0.1 · lognormal:0,0.2 · uniform:0.9,1.2"
)


@dataclass(frozen=True)
class Distribution:
    """One distribution: its name and parameters (checked on construction)."""

    dist: str
    params: tuple[float, ...]
    input: str = "input"

    def __post_init__(self) -> None:
        _check(self.dist, dict(zip(PARAMETERS[self.dist], self.params, strict=True)), self.input)

    def param(self, name: str) -> float:
        return self.params[PARAMETERS[self.dist].index(name)]

    def sample(self, rng: np.random.Generator, size: int) -> Floats:
        """``size`` draws from ``rng``."""
        p = dict(zip(PARAMETERS[self.dist], self.params, strict=True))
        if self.dist == "triangular":
            return rng.triangular(p["low"], p["mode"], p["high"], size)
        if self.dist == "pert":
            width = p["high"] - p["low"]
            alpha = 1 + 4 * (p["mode"] - p["low"]) / width
            beta = 1 + 4 * (p["high"] - p["mode"]) / width
            return p["low"] + width * rng.beta(alpha, beta, size)
        if self.dist == "normal":
            return rng.normal(p["mean"], p["sd"], size)
        if self.dist == "lognormal":
            return rng.lognormal(p["mu"], p["sigma"], size)
        return rng.uniform(p["low"], p["high"], size)

    def describe(self) -> str:
        """``triangular(low=0.9, mode=1, high=1.3)``."""
        shown = ", ".join(
            f"{k}={v:g}" for k, v in zip(PARAMETERS[self.dist], self.params, strict=True)
        )
        return f"{self.dist}({shown})"

    def to_json(self) -> dict[str, Any]:
        return {"dist": self.dist, **dict(zip(PARAMETERS[self.dist], self.params, strict=True))}


def distribution(spec: Distribution | Mapping[str, Any] | str, *, input: str) -> Distribution:
    """Parse ``spec`` (a mapping with ``dist`` or text ``dist:p1,p2,…``) for ``input``."""
    if isinstance(spec, Distribution):
        return spec
    if isinstance(spec, str):
        name, _, rest = spec.partition(":")
        values: list[Any] = [v.strip() for v in rest.split(",")] if rest.strip() else []
        name = _name(name, input)
        if len(values) != len(PARAMETERS[name]):
            raise FinanceError(
                f"input {input!r}: {name} takes {len(PARAMETERS[name])} parameters "
                f"({', '.join(PARAMETERS[name])}), got {len(values)} in {spec!r}.",
                hint=f"For example: {_EXAMPLES}.",
            )
        given = dict(zip(PARAMETERS[name], values, strict=True))
    elif isinstance(spec, Mapping):
        given = dict(spec)
        name = _name(str(given.pop("dist", given.pop("distribution", ""))), input)
        unknown = set(given) - set(PARAMETERS[name])
        missing = [p for p in PARAMETERS[name] if p not in given]
        if unknown or missing:
            raise FinanceError(
                f"input {input!r}: {name} takes {', '.join(PARAMETERS[name])}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(sorted(unknown))}" if unknown else "")
                + ".",
                hint=f"For example: {{dist: {name}, "
                + ", ".join(f"{p}: …" for p in PARAMETERS[name])
                + "}.",
            )
    else:
        raise FinanceError(
            f"input {input!r}: {spec!r} is not a distribution.", hint=f"For example: {_EXAMPLES}."
        )
    params = tuple(_float(given[p], p, input) for p in PARAMETERS[name])
    return Distribution(name, params, input)


def _name(text: str, input: str) -> str:
    name = text.strip().lower()
    if name not in PARAMETERS:
        raise FinanceError(
            f"input {input!r}: unknown distribution {text!r}.{did_you_mean(name, PARAMETERS)}",
            hint=f"Use one of {', '.join(PARAMETERS)}, e.g. {_EXAMPLES}.",
        )
    return name


def _float(value: Any, name: str, input: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FinanceError(
            f"input {input!r}: parameter {name} {value!r} is not a number.",
            hint=f"For example: {_EXAMPLES}.",
        ) from None
    if not math.isfinite(number):
        raise FinanceError(f"input {input!r}: parameter {name} must be finite.", hint=_EXAMPLES)
    return number


def _check(dist: str, p: Mapping[str, float], input: str) -> None:
    where = f"input {input!r}: {dist}"
    if dist in ("triangular", "pert"):
        if not p["low"] <= p["mode"] <= p["high"] or p["low"] == p["high"]:
            raise FinanceError(
                f"{where} needs low ≤ mode ≤ high with low < high "
                f"(got low {p['low']:g}, mode {p['mode']:g}, high {p['high']:g}).",
                hint="Order the three values: the least, the most likely, the most.",
            )
    elif dist == "normal" and p["sd"] <= 0:
        raise FinanceError(f"{where} needs sd > 0 (got {p['sd']:g}).", hint="Give a positive sd.")
    elif dist == "lognormal" and p["sigma"] <= 0:
        raise FinanceError(
            f"{where} needs sigma > 0 (got {p['sigma']:g}).",
            hint="mu and sigma are the mean and sd of log X; median X = exp(mu).",
        )
    elif dist == "uniform" and not p["low"] < p["high"]:
        raise FinanceError(
            f"{where} needs low < high (got {p['low']:g}, {p['high']:g}).",
            hint="Give the least value first.",
        )
