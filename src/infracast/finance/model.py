"""A finance model: total cost and NPV as a function of its inputs.

An input is one of

- ``rate``: the annual discount rate;
- a scale factor of the cash flows (base value 1): ``cost``, ``cost_direct``,
  ``cost_indirect``, ``revenue``, ``revenue_direct``, ``revenue_indirect``
  (``cost`` scales both costs; factors multiply);
- a number of the project spec by dotted path (``people.0.fte``): the project
  is budgeted again with it (:func:`infracast.estimate.project`).

The cash flows are the project budget's costs (when there is a spec) plus the
fixed cash flows (revenue from a CSV or a finance spec, or the whole series when
there is no spec). Total cost is undiscounted; NPV as in :func:`infracast.finance.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from infracast.errors import EstimateError, FinanceError, did_you_mean
from infracast.finance._cashflows import COLUMNS, FACTORS, CashFlows, combine
from infracast.finance.budget_flows import budget_cashflows
from infracast.finance.periods import check_periods_per_year
from infracast.finance.rates import Convention, discount_factors, periodic_rate
from infracast.finance.spec_paths import get_number, get_path, set_path

if TYPE_CHECKING:
    from infracast.estimate import ProjectBudget

RATE = "rate"
SPECIAL: tuple[str, ...] = (RATE, *FACTORS)

Quantity = Literal["npv", "total_cost"]
"""What a finance model gives for a set of inputs: NPV or the undiscounted total cost."""

BudgetFn = Callable[[Mapping[str, Any]], "ProjectBudget"]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Outcome:
    """What one set of inputs gives: undiscounted total cost and NPV (unrounded)."""

    total_cost: Decimal
    npv: Decimal


@dataclass(frozen=True)
class FinanceModel:
    """Cash flows at a rate, with a project spec re-budgeted when its inputs change."""

    rate: Decimal
    cashflows: CashFlows | None = None
    spec: Mapping[str, Any] | None = None
    budget: BudgetFn | None = None
    periods_per_year: int | None = None
    convention: Convention = Convention.t0_undiscounted
    _cache: dict[str, CashFlows] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.cashflows is None and self.spec is None:
            raise FinanceError(
                "a finance model needs cash flows or a project spec.",
                hint="Pass --cashflows, --project-spec or --from-ledger.",
            )
        if self.spec is not None and self.budget is None:
            raise ValueError("a model with a spec needs a budget function")

    @property
    def currency(self) -> str | None:
        if self.spec is not None:
            return str(self.spec.get("currency") or "").upper() or None
        return self.cashflows.currency if self.cashflows else None

    def check(self, name: str) -> str:
        """``name`` if it is an input of this model, else a FinanceError listing the inputs."""
        if name in SPECIAL:
            return name
        if self.spec is None:
            raise FinanceError(
                f"unknown input {name!r}.{did_you_mean(name, SPECIAL)}",
                hint=f"Without a project spec the inputs are: {', '.join(SPECIAL)}.",
            )
        get_number(self.spec, name)
        return name

    def base_value(self, name: str) -> Decimal:
        """The input's value in the model as given (a factor's is 1)."""
        if name == RATE:
            return self.rate
        if name in FACTORS:
            return Decimal(1)
        assert self.spec is not None
        return get_number(self.spec, self.check(name))

    def spec_with(self, values: Mapping[str, Any]) -> Mapping[str, Any]:
        """The spec with the path inputs among ``values`` set, each in the type it had."""
        assert self.spec is not None
        spec: Mapping[str, Any] = self.spec
        for name, value in values.items():
            if name not in SPECIAL:
                spec = set_path(spec, name, _like(get_path(self.spec, name), value))
        return spec

    def flows(self, values: Mapping[str, Any] | None = None) -> CashFlows:
        """The cash flows for ``values`` (inputs not named keep their base value)."""
        values = values or {}
        paths = {k: v for k, v in values.items() if k not in SPECIAL}
        if self.spec is None:
            assert self.cashflows is not None
            flows = self.cashflows
        else:
            key = repr(sorted(paths.items()))
            if key not in self._cache:
                assert self.budget is not None
                try:
                    budget = self.budget(self.spec_with(paths))
                except EstimateError as exc:
                    if not paths:
                        raise  # the spec as given: its own error says what to fix
                    raise InputRejected(paths, exc, hint=_IN_RANGE) from exc
                costs = budget_cashflows(budget)
                for old in [k for k in self._cache if k != "[]"]:
                    del self._cache[old]  # keep the base and the latest only
                self._cache[key] = (
                    costs if self.cashflows is None else combine(costs, self.cashflows)
                )
            flows = self._cache[key]
        factors = {k: Decimal(str(v)) for k, v in values.items() if k in FACTORS}
        return flows.scaled(factors) if factors else flows

    def outcome(self, values: Mapping[str, Any] | None = None) -> Outcome:
        """Total cost and NPV for ``values``."""
        values = values or {}
        flows = self.flows(values)
        rate = Decimal(str(values.get(RATE, self.rate)))
        factors = self._factors(flows, rate)
        npv = sum((f.benefit * d for f, d in zip(flows.flows, factors, strict=True)), Decimal(0))
        return Outcome(flows.total_cost, npv)

    def outcomes(self, samples: Mapping[str, Floats]) -> tuple[Floats, Floats]:
        """Total cost and NPV for arrays of factor and rate values at once (no spec paths)."""
        if any(k not in SPECIAL for k in samples):
            raise ValueError("spec inputs need outcome() per sample")
        flows = self.flows()
        count = len(next(iter(samples.values()))) if samples else 1
        scale = {col: np.ones(count) for col in COLUMNS}
        for name, draws in samples.items():
            for col in FACTORS.get(name, ()):
                scale[col] = scale[col] * draws
        ppy = check_periods_per_year(self.periods_per_year, flows.unit)
        rate = samples.get(RATE, np.full(count, float(self.rate)))
        periodic = (1.0 + rate) ** (1.0 / ppy) - 1.0
        t = np.arange(len(flows.flows), dtype=np.float64) + self.convention.offset
        discount = (1.0 + periodic)[:, None] ** -t[None, :]
        total_cost = np.zeros(count)
        npv = np.zeros(count)
        for col in COLUMNS:
            amounts = np.array([float(a) for a in flows.column(col)])
            sign = 1.0 if col.startswith("revenue") else -1.0
            if col.startswith("cost"):
                total_cost += scale[col] * amounts.sum()
            npv += sign * scale[col] * (discount @ amounts)
        return total_cost, npv

    def _factors(self, flows: CashFlows, rate: Decimal) -> list[Decimal]:
        ppy = check_periods_per_year(self.periods_per_year, flows.unit)
        return discount_factors(periodic_rate(rate, ppy), len(flows.flows), self.convention)


def _like(original: Any, value: Any) -> Any:
    """``value`` in the type of ``original``: float stays float, a whole int stays int."""
    number = Decimal(str(value))
    if isinstance(original, float):
        return float(number)
    if isinstance(original, int) and number == number.to_integral_value():
        return int(number)
    return number


_IN_RANGE = (
    "Keep the input within what the spec accepts (a bounded distribution such as triangular, "
    "PERT or uniform keeps it in range)."
)


class InputRejected(FinanceError):
    """The project spec cannot be budgeted with the inputs set to the values tried."""

    def __init__(self, values: Mapping[str, Any], cause: EstimateError, *, hint: str) -> None:
        shown = ", ".join(f"{k} = {v}" for k, v in values.items())
        super().__init__(f"with {shown} the project cannot be budgeted: {cause.message}", hint=hint)
        self.cause = cause
