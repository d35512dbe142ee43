"""A risk spec: what a Monte Carlo varies and how (``infracast finance simulate``).

```yaml
seed: 7                      # default 0
samples: 500                 # default 10,000 (500 when the project spec is budgeted again)
budget: 750000               # total cost: P(total cost > budget) is reported
vary:
  revenue: {dist: pert, low: 0.5, mode: 1.0, high: 1.2}
  cost: triangular:0.9,1,1.4
```

The same fields are the flags of ``finance simulate`` (``--vary NAME=DIST:PARAMS``,
``--samples``, ``--seed``, ``--budget``); :meth:`RiskSpec.overridden` lays the flags
over a risk file: a value given wins, and each ``--vary`` adds an input or replaces
the file's distribution of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from infracast.amounts import Amount
from infracast.errors import FinanceError
from infracast.finance.distributions import Distribution
from infracast.validation import problem, problems_message

DistributionSpec = Distribution | Mapping[str, Any] | str
_VARY_HINT = "For example: --vary cost=triangular:0.9,1,1.3"


class RiskSpec(BaseModel):
    """The uncertain inputs of a Monte Carlo with the samples, the seed and a budget."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # each value is checked by finance.distribution when the simulation reads it
    vary: dict[str, Any] = Field(
        default_factory=dict,
        description="NAME=DIST:PARAMS (repeatable): triangular:low,mode,high, "
        "pert:low,mode,high, normal:mean,sd, lognormal:mu,sigma, uniform:low,high. NAME: "
        "rate, cost, revenue, cost_direct, … (factors of 1) or a spec path like people.0.fte.",
    )
    samples: int | None = Field(
        default=None, description="Default 10,000 (500 when the spec is re-budgeted)."
    )
    seed: int = Field(default=0, ge=0, description="Random seed (default 0).")
    budget: Amount | None = Field(
        default=None, description="Total-cost budget: P(total cost > budget)."
    )

    @field_validator("vary", mode="before")
    @classmethod
    def _vary(cls, value: Any) -> Any:
        return parse_vary(value) if isinstance(value, list | tuple) else value

    def overridden(
        self,
        *,
        vary: Mapping[str, DistributionSpec] | Sequence[str] | None = None,
        samples: int | None = None,
        seed: int | None = None,
        budget: Amount | str | float | None = None,
    ) -> RiskSpec:
        """This spec with the values given laid over it: each wins, and ``vary`` adds
        inputs (``NAME=DIST:PARAMS`` text or a mapping), replacing those of the same name."""
        if isinstance(vary, Mapping):
            given: dict[str, Any] = dict(vary)
        else:
            given = dict(parse_vary([vary] if isinstance(vary, str) else list(vary or [])))
        return risk_spec(
            {
                "vary": {**self.vary, **given},
                "samples": self.samples if samples is None else samples,
                "seed": self.seed if seed is None else seed,
                "budget": self.budget if budget is None else budget,
            }
        )


def parse_vary(items: Sequence[str]) -> dict[str, str]:
    """``["cost=triangular:0.9,1,1.4"]`` as ``{"cost": "triangular:0.9,1,1.4"}``."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, dist = str(item).partition("=")
        if not sep or not name.strip():
            raise FinanceError(
                f"--vary {item!r} is not NAME=DIST:PARAMS.", hint=_VARY_HINT, field="vary"
            )
        out[name.strip()] = dist.strip()
    return out


def risk_spec(spec: RiskSpec | Mapping[str, Any], *, where: str = "the risk spec") -> RiskSpec:
    """``spec`` as a :class:`RiskSpec`; every problem at once, named with ``where``
    (``--risk: risk.yaml has 1 problem: unknown key 'sampels'. Did you mean "samples"?``)."""
    if isinstance(spec, RiskSpec):
        return spec
    if not isinstance(spec, Mapping):
        raise FinanceError(
            f"{where} is a mapping of vary, samples, seed and budget, got {type(spec).__name__}.",
            hint="See examples/risk.yaml and docs/finance.md.",
        )
    try:
        return RiskSpec.model_validate(dict(spec))
    except ValidationError as exc:
        cause = _raised(exc)
        if cause is not None:
            raise cause from None
        problems = [_describe(err) for err in exc.errors()]
        raise FinanceError(
            problems_message(where, problems),
            hint="A risk spec has vary ({NAME: {dist: …}} or NAME: dist:params), samples, "
            "seed and budget; see examples/risk.yaml.",
        ) from None


def _raised(exc: ValidationError) -> FinanceError | None:
    """The FinanceError a validator raised (it keeps its own message and hint)."""
    for err in exc.errors():
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, FinanceError):
            return cause
    return None


def _describe(err: ErrorDetails) -> str:
    """One problem with its place (``seed: must be greater than or equal to 0``)."""
    loc = err["loc"][:-1] if err["type"] == "extra_forbidden" else err["loc"]
    said = problem(err, RiskSpec.model_fields)
    return f"{'.'.join(str(p) for p in loc)}: {said}" if loc else said
