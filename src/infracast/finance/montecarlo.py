"""Monte Carlo risk: total cost and NPV under uncertain inputs, from a seed.

Each input of the model (:mod:`infracast.finance.model`) gets a distribution
(:mod:`infracast.finance.distributions`); a numpy ``Generator`` seeded with
``seed`` draws every input's samples in the order the inputs are given, so a
seed and the inputs fix the result. When only the rate and the scale factors
vary, every sample is computed at once with numpy (10,000 samples by default);
when a number of the project spec varies, each sample budgets the project again
(500 samples by default; ``progress`` is told after each one).

P10, P50 and P90 are percentiles with linear interpolation between order
statistics (numpy's default, Hyndman & Fan type 7); amounts are rounded to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from infracast.errors import FinanceError
from infracast.estimate.money import cents
from infracast.finance._cashflows import FACTORS
from infracast.finance.distributions import Distribution, distribution
from infracast.finance.model import RATE, SPECIAL, FinanceModel

VECTORIZED_SAMPLES = 10_000
PER_SAMPLE_SAMPLES = 500
MAX_SAMPLES = 10_000_000

Floats = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Spread:
    """Mean, standard deviation and P10/P50/P90 of simulated amounts (to the cent)."""

    mean: Decimal
    sd: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal

    @classmethod
    def of(cls, values: Floats) -> Spread:
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        return cls(
            mean=_money(float(values.mean())),
            sd=_money(float(values.std(ddof=1)) if values.size > 1 else 0.0),
            p10=_money(float(p10)),
            p50=_money(float(p50)),
            p90=_money(float(p90)),
        )

    def to_json(self) -> dict[str, Any]:
        return {"mean": self.mean, "sd": self.sd, "p10": self.p10, "p50": self.p50, "p90": self.p90}


@dataclass(frozen=True)
class Simulation:
    """What the samples say; ``total_costs`` and ``npvs`` keep every sample (for charts)."""

    samples: int
    seed: int
    method: str  # vectorized | per_sample
    inputs: tuple[Distribution, ...]
    currency: str | None
    total_cost: Spread
    npv: Spread
    budget: Decimal | None
    probability_over_budget: float | None
    probability_negative_npv: float
    total_costs: Floats
    npvs: Floats
    assumptions: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "method": self.method,
            "currency": self.currency,
            "inputs": {d.input: d.to_json() for d in self.inputs},
            "total_cost": self.total_cost.to_json(),
            "npv": self.npv.to_json(),
            "budget": self.budget,
            "probability_over_budget": self.probability_over_budget,
            "probability_negative_npv": self.probability_negative_npv,
            "assumptions": list(self.assumptions),
        }


def monte_carlo(
    model: FinanceModel,
    inputs: Mapping[str, Distribution | Mapping[str, Any] | str],
    *,
    samples: int | None = None,
    seed: int = 0,
    budget: Decimal | float | int | str | None = None,
    progress: Progress | None = None,
    vectorize: bool = True,
) -> Simulation:
    """Simulate ``model`` with each input drawn from its distribution.

    ``budget`` (total cost) gives the probability of exceeding it. ``vectorize=False``
    computes sample by sample even when numpy could do them all at once.
    """
    if not inputs:
        raise FinanceError(
            "nothing varies: give at least one input with a distribution.",
            hint="For example: --vary cost=triangular:0.9,1,1.3 or --vary people.0.fte=pert:1,2,4",
        )
    dists = tuple(distribution(spec, input=model.check(name)) for name, spec in inputs.items())
    fast = vectorize and all(d.input in SPECIAL for d in dists)
    count = samples if samples is not None else (VECTORIZED_SAMPLES if fast else PER_SAMPLE_SAMPLES)
    if not 1 <= count <= MAX_SAMPLES:
        raise FinanceError(
            f"samples must be from 1 to {MAX_SAMPLES:,} (got {count}).",
            hint="10,000 samples give P10/P50/P90 to about 1 % of the spread.",
        )
    rng = np.random.default_rng(seed)
    draws = {d.input: d.sample(rng, count) for d in dists}
    for d in dists:
        _check_draws(d, draws[d.input])
    if fast:
        total_costs, npvs = model.outcomes(draws)
    else:
        total_costs, npvs = np.empty(count), np.empty(count)
        for i in range(count):
            outcome = model.outcome({name: float(values[i]) for name, values in draws.items()})
            total_costs[i], npvs[i] = float(outcome.total_cost), float(outcome.npv)
            if progress is not None:
                progress(i + 1, count)
    limit = None if budget is None else Decimal(str(budget))
    over = None if limit is None else float(np.mean(total_costs > float(limit)))
    return Simulation(
        samples=count,
        seed=seed,
        method="vectorized" if fast else "per_sample",
        inputs=dists,
        currency=model.currency,
        total_cost=Spread.of(total_costs),
        npv=Spread.of(npvs),
        budget=limit,
        probability_over_budget=over,
        probability_negative_npv=float(np.mean(npvs < 0)),
        total_costs=total_costs,
        npvs=npvs,
        assumptions=(
            f"{count:,} samples from seed {seed}; inputs drawn independently: "
            + "; ".join(f"{d.input} ~ {d.describe()}" for d in dists)
            + ".",
            "A scale factor multiplies its columns in every period alike (one draw a sample).",
            f"Total cost is undiscounted; NPV at {model.rate} a year ({model.convention.value}).",
            *model.flows().assumptions,
        ),
    )


def _money(value: float) -> Decimal:
    """A simulated amount as a Decimal to the cent."""
    return cents(Decimal(repr(value)))


def _check_draws(d: Distribution, values: Floats) -> None:
    """Refuse draws a model cannot take: a negative scale factor, a rate at or below −100 %."""
    floor, what = (-1.0, "at or below −100 %") if d.input == RATE else (0.0, "negative")
    if d.input not in FACTORS and d.input != RATE:
        return
    bad = values <= floor if d.input == RATE else values < floor
    if bad.any():
        raise FinanceError(
            f"input {d.input!r}: {d.describe()} drew {what} values in {bad.mean():.1%} of "
            "the samples, which the model cannot take.",
            hint="Use a bounded distribution (triangular, PERT, uniform) or a lognormal.",
        )
