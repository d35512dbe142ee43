"""The resource LP: buy what is demanded at least cost, within capacities and a budget.

The plainest planning model (plain mode, no projects): each resource type r (servers, storage
TB, bandwidth, people, data sets …) has a unit cost c_r, a demand d_r and optionally a
capacity K_r; buy quantities q_r with d_r ≤ q_r ≤ K_r at least Σ c_r q_r. Its **portfolio
form** lets several projects draw on the shared capacities under one budget, with a price for
the demand left unmet. Plain mode is the portfolio form with one project whose demand is the
resources' own.

Model (one LP, a MILP when a resource is ``integer``):

- Sets: resources r ∈ R; projects p ∈ P (plain mode: one project).
- Data: unit cost c_r ≥ 0; demand d_{p,r} ≥ 0; price of a unit of unmet demand π_{p,r} ≥ 0
  or none (the demand must then be met: u_{p,r} ≤ 0); capacity K_r (∞ when absent);
  budget B (∞ when absent).
- Variables: q_{p,r} ≥ 0 bought for p (whole numbers for an ``integer`` resource);
  u_{p,r} ≥ 0 left unmet.
- Objective: minimise Σ_{p,r} c_r q_{p,r} + Σ_{p,r} π_{p,r} u_{p,r}.
- Constraints:
  demand   q_{p,r} + u_{p,r} = d_{p,r}   (for an integer resource d ≤ q + u ≤ ⌈d⌉, so a
           fractional demand is met by the next whole unit);
  capacity Σ_p q_{p,r} ≤ K_r;
  budget   Σ_{p,r} c_r q_{p,r} ≤ B.

With c_r ≥ 0, ``q ≥ d − u`` and ``q = d − u`` have the same optimum; the equality keeps the
plan from buying a surplus it does not need. Shadow prices are the LP's row duals, signed as
a planner reads them: a capacity's and the budget's are what one more unit of it saves (≥ 0),
a demand's is what one more unit of demand costs. A MILP has no duals; they are then None.

Infeasibility is decided before solving, exactly: the demand that must be met (no price for
leaving it unmet) of each resource must fit its capacity, and buying it must fit the budget;
the error names the resource (or the budget), the shortfall and the nearest change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy import sparse

from infracast.errors import did_you_mean
from infracast.optimize._inputs import NonNegative, Number, check_unique, plain, validate_items
from infracast.optimize._solver import solve
from infracast.optimize.exceptions import InfeasibleError, OptimizeError

_TOL = 1e-7  # relative slack under which a capacity or the budget counts as binding


class Resource(BaseModel):
    """One resource type: its unit, unit cost, demand (plain mode) and optional capacity.

    ``unmet_penalty`` is the price of a unit of demand left unmet (None: the demand must be
    met); in the portfolio form it is the default for projects that name no price of their
    own. ``integer`` buys whole units only (the model becomes a MILP).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    unit_cost: Number = Field(ge=0)
    demand: Number = Field(0.0, ge=0)
    capacity: NonNegative | None = None
    currency: str = Field("USD", pattern="^[A-Za-z]{3}$", description="ISO 4217, e.g. USD")
    integer: bool = False
    unmet_penalty: NonNegative | None = None

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha():
            raise ValueError("must be an ISO 4217 code such as USD")
        return value.upper()


class Project(BaseModel):
    """One project of the portfolio form: its demand per resource (by resource name) and the
    price of a unit of its demand left unmet, one for all resources or one per resource
    (missing: the resource's ``unmet_penalty``; none at all: the demand must be met)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    # each bound in the type, so the JSON schema (the API's document) carries it too
    demand: dict[str, NonNegative]
    unmet_penalty: NonNegative | dict[str, NonNegative] | None = None


@dataclass(frozen=True)
class ResourcePlan:
    """A solved resource plan.

    ``resources``: per resource its demand, quantity, unmet demand, cost, capacity, capacity
    shadow price and whether the capacity binds; ``lines``: the same per project and resource
    with the demand's shadow price; ``binding``: the constraints that bind, with their shadow
    prices; ``total_cost`` = ``spend`` (money on resources) + ``penalty_cost`` (unmet demand).
    """

    status: str
    mode: str  # "plain" or "portfolio"
    currency: str
    total_cost: float
    spend: float
    penalty_cost: float
    budget: float | None
    budget_shadow_price: float | None
    resources: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    binding: list[dict[str, Any]]
    assumptions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "mode": self.mode,
            "currency": self.currency,
            "total_cost": self.total_cost,
            "spend": self.spend,
            "penalty_cost": self.penalty_cost,
            "budget": self.budget,
            "budget_shadow_price": self.budget_shadow_price,
            "resources": [dict(r) for r in self.resources],
            "lines": [dict(r) for r in self.lines] if self.mode == "portfolio" else [],
            "binding": [dict(b) for b in self.binding],
            "assumptions": list(self.assumptions),
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """Flat rows: one per resource (plain mode) or per project and resource."""
        return [dict(r) for r in (self.resources if self.mode == "plain" else self.lines)]


def _known(name: str, names: list[str], where: str) -> None:
    if name not in names:
        raise OptimizeError(
            f"{where} names the unknown resource {name!r}.{did_you_mean(name, names)}",
            hint=f"resources: {', '.join(names)}.",
            field=name,
        )


def _portfolio_data(
    res: list[Resource], projects: list[Project]
) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Project names, demand (P×R), price of unmet demand (P×R, NaN = must be met), notes."""
    names = [r.name for r in res]
    index = {n: i for i, n in enumerate(names)}
    check_unique([p.name for p in projects], "project")
    demand = np.zeros((len(projects), len(res)))
    price = np.array([[np.nan if r.unmet_penalty is None else r.unmet_penalty for r in res]] *
                     len(projects))  # fmt: skip
    notes = []
    for i, p in enumerate(projects):
        for name, value in p.demand.items():
            _known(name, names, f"project {p.name!r}")
            demand[i, index[name]] = value
        if isinstance(p.unmet_penalty, dict):
            for name, value in p.unmet_penalty.items():
                _known(name, names, f"the unmet-demand prices of project {p.name!r}")
                price[i, index[name]] = value
        elif p.unmet_penalty is not None:
            price[i, :] = p.unmet_penalty
        hard = [names[j] for j in range(len(res)) if demand[i, j] > 0 and np.isnan(price[i, j])]
        if hard:
            notes.append(
                f"project {p.name!r} names no price of unmet demand for {', '.join(hard)}: "
                "its demand must be met."
            )
    return [p.name for p in projects], demand, price, notes


def _check_feasible(
    res: list[Resource], demand: np.ndarray, price: np.ndarray, budget: float | None, cur: str
) -> None:
    """Raise InfeasibleError when the demand that must be met cannot be bought."""
    integer = np.array([r.integer for r in res])
    must = np.where(np.isnan(price), demand, 0.0)
    must = np.where(integer, np.ceil(must - 1e-9), must).sum(axis=0)
    cap = np.array([np.inf if r.capacity is None else r.capacity for r in res])
    short = must - cap
    for j in np.flatnonzero(short > 1e-9 * np.maximum(1.0, cap)):
        r = res[j]
        raise InfeasibleError(
            f"resource {r.name!r}: the demand that must be met, {must[j]:g} {r.unit}, exceeds "
            f"its capacity {cap[j]:g} {r.unit} by {short[j]:g} {r.unit}.",
            hint=f"raise the capacity of {r.name!r} to {must[j]:g}, lower its demand by "
            f"{short[j]:g}, or give a price of unmet demand (unmet_penalty) so part of it "
            "may go unmet.",
            field=r.name,
        )
    costs = np.array([r.unit_cost for r in res])
    least = float(costs @ must)
    if budget is not None and least > budget * (1 + 1e-9) + 1e-9:
        top = int(np.argmax(costs * must))
        raise InfeasibleError(
            f"budget: the demand that must be met costs at least {least:,.2f} {cur}, "
            f"{least - budget:,.2f} {cur} more than the budget of {budget:,.2f} {cur}.",
            hint=f"raise the budget to {least:,.2f} {cur}, or give a price of unmet demand "
            f"(unmet_penalty) to the largest item, {res[top].name!r} "
            f"({costs[top] * must[top]:,.2f} {cur}), so part of it may go unmet.",
            field="budget",
        )


def _model(
    res: list[Resource], demand: np.ndarray, price: np.ndarray, budget: float | None
) -> tuple[np.ndarray, Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The LP as arrays: columns q (P·R, project-major) then u (P·R); rows demand (P·R),
    capacity (R), then budget (one row, when given)."""
    n_p, n_r = demand.shape
    n = n_p * n_r
    costs = np.array([r.unit_cost for r in res])
    integer = np.tile([r.integer for r in res], n_p)
    soft = ~np.isnan(price.ravel())
    cost = np.concatenate([np.tile(costs, n_p), np.where(soft, np.nan_to_num(price.ravel()), 0)])
    eye = sparse.identity(n, format="csc")
    blocks = [
        [eye, eye],
        [sparse.kron(np.ones((1, n_p)), sparse.identity(n_r)), None],
    ]
    cap = np.array([np.inf if r.capacity is None else r.capacity for r in res])
    d = demand.ravel()
    row_lo = [d, np.zeros(n_r)]
    row_hi = [np.where(integer, np.ceil(d - 1e-9), d), cap]
    if budget is not None:
        blocks.append([sparse.csr_array(np.tile(costs, n_p)[None, :]), None])
        row_lo.append(np.array([-np.inf]))
        row_hi.append(np.array([budget]))
    matrix = sparse.bmat(blocks, format="csc")
    col_hi = np.concatenate([np.full(n, np.inf), np.where(soft, np.inf, 0.0)])
    return (
        cost,
        matrix,
        np.concatenate(row_lo),
        np.concatenate(row_hi),
        np.zeros(2 * n),
        col_hi,
        np.concatenate([integer, np.zeros(n, dtype=bool)]),
    )


def resources(
    resources: Sequence[Resource | Mapping[str, Any]],
    *,
    projects: Sequence[Project | Mapping[str, Any]] | None = None,
    budget: float | None = None,
    time_limit: float | None = None,
) -> ResourcePlan:
    """Solve the resource LP (plain mode without ``projects``) or its portfolio form.

    ``resources``: :class:`Resource` models or their dicts, all in one currency.
    ``projects``: :class:`Project` models or dicts drawing on the shared capacities; each
    resource's own ``demand`` must then be 0. ``budget``: the most money spent on resources,
    in the resources' currency. Raises :class:`OptimizeError` for bad input and
    :class:`InfeasibleError` when the demand that must be met cannot be bought.

    Example: ``resources([{"name": "servers", "unit": "server", "unit_cost": 1000,
    "demand": 100}]).total_cost == 100000.0``.
    """
    res: list[Resource] = validate_items(Resource, resources, "resource")
    if not res:
        raise OptimizeError("no resources were given.", hint="give at least one resource.")
    names = [r.name for r in res]
    check_unique(names, "resource")
    currencies = sorted({r.currency for r in res})
    if len(currencies) > 1:
        raise OptimizeError(
            f"the resources mix currencies ({', '.join(currencies)}).",
            hint="convert every unit cost to one currency first.",
            field="currency",
        )
    cur = currencies[0]
    if budget is not None and (not math.isfinite(budget) or budget < 0):
        raise OptimizeError(
            f"budget {budget} is not a finite amount ≥ 0.",
            hint="give the budget in the resources' currency, e.g. 150000.",
            field="budget",
        )
    assumptions = [f"all amounts are in {cur}."]
    if projects is None:
        mode = "plain"
        project_names = [""]
        demand = np.array([[r.demand for r in res]])
        price = np.array([[np.nan if r.unmet_penalty is None else r.unmet_penalty for r in res]])
        hard = [r.name for r in res if r.unmet_penalty is None and r.demand > 0]
        if hard:
            assumptions.append(
                f"no price of unmet demand for {', '.join(hard)}: its demand must be met."
            )
    else:
        mode = "portfolio"
        given: list[Project] = validate_items(Project, projects, "project")
        if not given:
            raise OptimizeError("projects is empty.", hint="give projects, or None for plain mode.")
        owned = [r.name for r in res if r.demand > 0]
        if owned:
            raise OptimizeError(
                f"in the portfolio form demand belongs to projects, but resource {owned[0]!r} "
                "has a demand of its own.",
                hint="set the resource's demand to 0 and put it in a project's demand.",
                field=owned[0],
            )
        project_names, demand, price, notes = _portfolio_data(res, given)
        assumptions += notes
    if not any(r.capacity is not None for r in res):
        assumptions.append("no resource has a capacity: every capacity is unlimited.")
    if budget is None:
        assumptions.append("no budget: spending is not capped.")
    _check_feasible(res, demand, price, budget, cur)
    cost, matrix, row_lo, row_hi, col_lo, col_hi, integer = _model(res, demand, price, budget)
    sol = solve(cost, matrix, row_lo, row_hi, col_lo, col_hi, integer=integer,
                time_limit=time_limit)  # fmt: skip
    if not sol.has_solution:
        raise InfeasibleError(
            f"the resource plan could not be solved (solver status {sol.status}).",
            hint="check capacities, budget and demands; raise time_limit for a large MILP.",
        )
    if sol.status != "optimal":
        assumptions.append(f"the solver stopped early ({sol.status}): the plan may not be optimal.")
    is_lp = sol.row_duals.size > 0
    if not is_lp:
        assumptions.append("some resources are bought in whole units (a MILP): no shadow prices.")
    return _plan(res, project_names, demand, price, budget, cur, mode, sol, assumptions)


def _plan(
    res: list[Resource],
    project_names: list[str],
    demand: np.ndarray,
    price: np.ndarray,
    budget: float | None,
    cur: str,
    mode: str,
    sol: Any,
    assumptions: list[str],
) -> ResourcePlan:
    n_p, n_r = demand.shape
    n = n_p * n_r
    q = sol.x[:n].reshape(n_p, n_r)
    u = sol.x[n:].reshape(n_p, n_r)
    costs = np.array([r.unit_cost for r in res])
    duals = sol.row_duals if sol.row_duals.size else None

    def dual(i: int, sign: float) -> float | None:
        return None if duals is None else plain(sign * duals[i])

    penalty = np.nan_to_num(price)
    bought = q.sum(axis=0)
    binding: list[dict[str, Any]] = []
    rows = []
    for j, r in enumerate(res):
        binds = r.capacity is not None and bought[j] >= r.capacity - _TOL * max(1.0, r.capacity)
        shadow = None if r.capacity is None else dual(n + j, -1.0)
        rows.append({
            "resource": r.name, "unit": r.unit, "unit_cost": plain(r.unit_cost),
            "demand": plain(demand[:, j].sum()), "quantity": plain(bought[j]),
            "unmet": plain(u[:, j].sum()), "cost": plain(costs[j] * bought[j]),
            "penalty_cost": plain(penalty[:, j] @ u[:, j]), "capacity": r.capacity,
            "capacity_shadow_price": shadow, "capacity_binds": bool(binds),
        })  # fmt: skip
        if binds:
            binding.append({"constraint": "capacity", "resource": r.name, "shadow_price": shadow})
    lines = []
    for i, p in enumerate(project_names):
        for j, r in enumerate(res):
            lines.append({
                "project": p, "resource": r.name, "unit": r.unit,
                "demand": plain(demand[i, j]), "quantity": plain(q[i, j]), "unmet": plain(u[i, j]),
                "cost": plain(costs[j] * q[i, j]),
                "unmet_penalty": None if np.isnan(price[i, j]) else plain(price[i, j]),
                "penalty_cost": plain(penalty[i, j] * u[i, j]),
                "demand_shadow_price": dual(i * n_r + j, 1.0),
            })  # fmt: skip
    if mode == "plain":
        for row, line in zip(rows, lines, strict=True):
            row["unmet_penalty"] = line["unmet_penalty"]
            row["demand_shadow_price"] = line["demand_shadow_price"]
    spend = float(costs @ bought)
    budget_price = None
    if budget is not None:
        budget_price = dual(n + n_r, -1.0)
        if spend >= budget - _TOL * max(1.0, budget):
            binding.append({"constraint": "budget", "resource": None, "shadow_price": budget_price})
    return ResourcePlan(
        status=sol.status,
        mode=mode,
        currency=cur,
        total_cost=plain(sol.objective),
        spend=plain(spend),
        penalty_cost=plain(float((penalty * u).sum())),
        budget=None if budget is None else float(budget),
        budget_shadow_price=budget_price,
        resources=rows,
        lines=lines,
        binding=binding,
        assumptions=assumptions,
    )
