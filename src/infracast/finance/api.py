"""The finance API as the CLI speaks it: cash flows from a project spec, sensitivity, risk.

A project spec is budgeted by :func:`infracast.estimate.project` (which looks
prices up in the catalog); pass ``budget_fn=`` to use another budget function,
e.g. :func:`infracast.estimate.budget` for specs of ``kind: compute`` workloads only.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from infracast.finance._cashflows import CashFlows, combine
from infracast.finance._npv import Amount
from infracast.finance._sensitivity import Bounds, Sensitivity, tornado
from infracast.finance.budget_flows import budget_cashflows
from infracast.finance.distributions import Distribution
from infracast.finance.model import BudgetFn, FinanceModel, Quantity
from infracast.finance.montecarlo import Progress, Simulation, monte_carlo
from infracast.finance.rates import Convention, as_rate, parse_convention


def _default_budget() -> BudgetFn:
    from infracast.estimate import project

    return project


def project_cashflows(
    spec: Mapping[str, Any], *, revenue: CashFlows | None = None, budget_fn: BudgetFn | None = None
) -> CashFlows:
    """The project's cost by month (phases direct, project-wide indirect), plus ``revenue``."""
    costs = budget_cashflows((budget_fn or _default_budget())(spec))
    return costs if revenue is None else combine(costs, revenue)


def finance_model(
    cashflows: CashFlows | None = None,
    *,
    project_spec: Mapping[str, Any] | None = None,
    rate: Amount,
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
    budget_fn: BudgetFn | None = None,
) -> FinanceModel:
    """Total cost and NPV as a function of the inputs: ``cashflows`` alone, or the project
    spec budgeted again for each set of inputs with ``cashflows`` (revenue) added."""
    return FinanceModel(
        rate=as_rate(rate),
        cashflows=cashflows,
        spec=project_spec,
        budget=(budget_fn or _default_budget()) if project_spec is not None else None,
        periods_per_year=periods_per_year,
        convention=parse_convention(convention),
    )


def sensitivity(
    cashflows: CashFlows | None = None,
    *,
    project_spec: Mapping[str, Any] | None = None,
    rate: Amount,
    inputs: Mapping[str, Bounds] | list[str] | None = None,
    pct: Decimal | float | int = 20,
    sort_by: Quantity = "npv",
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
    budget_fn: BudgetFn | None = None,
) -> Sensitivity:
    """One-at-a-time sensitivity of total cost and NPV (a tornado), e.g.
    ``sensitivity(project_spec=spec, rate=0.1, inputs=["people.0.fte", "rate=0.05:0.15"])``."""
    model = finance_model(
        cashflows,
        project_spec=project_spec,
        rate=rate,
        periods_per_year=periods_per_year,
        convention=convention,
        budget_fn=budget_fn,
    )
    return tornado(model, inputs, pct=pct, sort_by=sort_by)


def simulate(
    cashflows: CashFlows | None = None,
    *,
    project_spec: Mapping[str, Any] | None = None,
    rate: Amount,
    vary: Mapping[str, Distribution | Mapping[str, Any] | str],
    samples: int | None = None,
    seed: int = 0,
    budget: Amount | None = None,
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
    budget_fn: BudgetFn | None = None,
    progress: Progress | None = None,
) -> Simulation:
    """Monte Carlo of total cost and NPV, e.g.
    ``simulate(flows, rate=0.1, vary={"cost": "triangular:0.9,1,1.4"}, budget=800000)``."""
    model = finance_model(
        cashflows,
        project_spec=project_spec,
        rate=rate,
        periods_per_year=periods_per_year,
        convention=convention,
        budget_fn=budget_fn,
    )
    return monte_carlo(model, vary, samples=samples, seed=seed, budget=budget, progress=progress)
