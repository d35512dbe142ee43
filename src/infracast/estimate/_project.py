"""A project's budget: by phase, by cost category and by month, with contingency and lifecycle TCO.

:func:`budget` takes a validated spec (:mod:`infracast.estimate.project_spec`)
and a ``cost_workload`` function that prices one training, fine-tuning or
inference workload (injected, so this module stays pure and testable; a
``kind: compute`` workload is priced here: accelerator-hours × price). Every
amount is rounded to the cent where it is made, so the totals by phase, by
category and by month are each exactly the total.

How each cost becomes monthly amounts (months numbered from 1):

- workload: its compute and energy cost spread evenly over its months;
- people: FTE × monthly rate, each month;
- licences, operations: ``per: month`` each month; ``per: year`` for every
  started year of the span, each year's amount spread over that year's months
  in the span; ``per: one_time`` in the first month;
- storage: month k (1-based) of a store holds on average
  initial_tb + growth_tb_per_month × (k − ½) TB, each tier its share at its price;
- egress: month k sends tb_per_month + growth_tb_per_month × (k − 1) TB;
- purchases: straight-line depreciation over the life (``capex_view:
  depreciation``, the default) or the price in the month bought and the
  salvage back at the end of life (``capex_view: cash``); see :mod:`tco`;
- contingency: ``contingency_pct`` of every amount except purchases (a quoted
  price), rounded to the cent line by line, kept in the line's phase, category
  and month.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from infracast.errors import EstimateError
from infracast.estimate._tco import TCO, CapexItem, OneOff, tco
from infracast.estimate.money import ZERO, cents, same_currency
from infracast.estimate.project_lines import Container, RawLine, cost_lines, spread
from infracast.estimate.project_spec import (
    PROJECT_WIDE,
    PhaseSpec,
    ProjectSpec,
    WorkloadSpec,
    compute_params,
    validate_project,
)
from infracast.vocabulary.cost_categories import COST_CATEGORIES


@dataclass(frozen=True)
class WorkloadCost:
    """What an estimator says one workload costs over its months, and on what basis."""

    compute_cost: Decimal
    currency: str
    accelerator_hours: Decimal | float
    price_source: str  # where the price per accelerator-hour comes from
    price_as_of: date | None = None
    energy_cost: Decimal = ZERO  # owned hardware's energy; 0 when the price includes it
    assumptions: tuple[str, ...] = ()


CostWorkload = Callable[[WorkloadSpec], WorkloadCost]


def compute_workload_cost(workload: WorkloadSpec, currency: str) -> WorkloadCost:
    """A ``kind: compute`` workload: accelerator-hours × price per accelerator-hour."""
    try:
        p = compute_params(workload)
    except ValueError as exc:
        raise EstimateError(
            f"workload {workload.name!r}: {exc}",
            hint="For example: params: {accelerator: L4, accelerator_hours: 600, "
            "price_per_hour: 0.80} (docs/project-budget.md, compute workloads).",
        ) from None
    what = f" of {p.accelerator}" if p.accelerator else ""
    return WorkloadCost(
        compute_cost=p.accelerator_hours * p.price_per_hour,
        currency=currency,
        accelerator_hours=p.accelerator_hours,
        price_source=p.price_source,
        price_as_of=p.price_as_of,
        assumptions=(
            f"{p.accelerator_hours} accelerator-hours{what} × {p.price_per_hour} "
            f"{currency}/accelerator-hour ({p.price_source})",
        ),
    )


@dataclass(frozen=True)
class BudgetLine:
    """One item's amount in one month: the grain every total is summed from."""

    phase: str
    category: str
    item: str
    month: str  # YYYY-MM
    cost: Decimal
    contingency: Decimal

    @property
    def total(self) -> Decimal:
        return self.cost + self.contingency

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "category": self.category,
            "item": self.item,
            "month": self.month,
            "cost": self.cost,
            "contingency": self.contingency,
            "total": self.total,
        }


@dataclass(frozen=True)
class WorkloadResult:
    """A priced workload: where it runs, what it costs, and the price and assumptions used."""

    phase: str
    name: str
    kind: str
    first_month: str  # YYYY-MM
    months: int
    compute_cost: Decimal
    energy_cost: Decimal
    accelerator_hours: Decimal
    price_source: str
    price_as_of: date | None
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "name": self.name,
            "kind": self.kind,
            "first_month": self.first_month,
            "months": self.months,
            "compute_cost": self.compute_cost,
            "energy_cost": self.energy_cost,
            "accelerator_hours": self.accelerator_hours,
            "price_source": self.price_source,
            "price_as_of": self.price_as_of.isoformat() if self.price_as_of else None,
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class ProjectBudget:
    """A project's budget; ``by_phase``, ``by_category`` and ``by_month`` each sum to ``total``."""

    project: str
    currency: str
    start: str  # YYYY-MM
    months: int
    capex_view: str
    subtotal: Decimal  # before contingency
    contingency_pct: Decimal
    contingency: Decimal
    total: Decimal
    by_phase: dict[str, Decimal]
    by_category: dict[str, Decimal]
    by_month: dict[str, Decimal]
    tco: TCO
    workloads: tuple[WorkloadResult, ...]
    lines: tuple[BudgetLine, ...]
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, ``snake_case`` keys in a fixed order; amounts stay Decimal
        (the CLI writes them as exact JSON numbers)."""

        def amounts(values: dict[str, Decimal]) -> dict[str, Decimal]:
            return dict(values)

        return {
            "project": self.project,
            "currency": self.currency,
            "start": self.start,
            "months": self.months,
            "capex_view": self.capex_view,
            "subtotal": self.subtotal,
            "contingency_pct": self.contingency_pct,
            "contingency": self.contingency,
            "total": self.total,
            "by_phase": amounts(self.by_phase),
            "by_category": amounts(self.by_category),
            "by_month": amounts(self.by_month),
            "tco": self.tco.to_dict(),
            "workloads": [w.to_dict() for w in self.workloads],
            "lines": [line.to_dict() for line in self.lines],
            "assumptions": list(self.assumptions),
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON contract as plain data (:meth:`to_dict`); money stays Decimal."""
        return self.to_dict()


def budget(
    spec: ProjectSpec | Mapping[str, Any], *, cost_workload: CostWorkload | None = None
) -> ProjectBudget:
    """The budget of ``spec`` (a :class:`ProjectSpec` or the mapping of a project YAML).

    ``cost_workload`` prices training, fine-tuning and inference workloads: it
    receives each with ``duration_months`` filled in (the months it runs) and
    returns a :class:`WorkloadCost` in the project's currency. ``kind: compute``
    workloads need no estimator.
    """
    project = validate_project(spec)
    horizon, view = project.horizon_months, project.capex_view
    raw: list[RawLine] = []
    capex: list[CapexItem] = []
    priced: list[WorkloadResult] = []
    for phase in project.phases:
        box = Container(
            f"phase {phase.name!r}", phase.name, phase.start_month, phase.duration_months
        )
        for n, workload in enumerate(phase.workloads, start=1):
            first, months = box.span(
                workload.start_month, workload.duration_months, f"workloads #{n} ({workload.name})"
            )
            result = _price(project, phase, workload, first, months, cost_workload)
            priced.append(result)
            label = f"{workload.kind}: {workload.name}"
            raw += spread(box, "compute", label, first, months, result.compute_cost)
            raw += spread(box, "energy", label, first, months, result.energy_cost)
        lines, items = cost_lines(phase, box, horizon, view)
        raw, capex = raw + lines, capex + items
    wide = Container("the project", PROJECT_WIDE, 1, project.span_months)
    lines, items = cost_lines(project, wide, horizon, view)
    return _assemble(project, raw + lines, capex + items, priced)


def _price(
    project: ProjectSpec,
    phase: PhaseSpec,
    workload: WorkloadSpec,
    first: int,
    months: int,
    cost_workload: CostWorkload | None,
) -> WorkloadResult:
    where = f"phase {phase.name!r}, workload {workload.name!r} ({workload.kind})"
    resolved = workload.model_copy(update={"duration_months": months})
    if workload.kind == "compute":
        cost = compute_workload_cost(resolved, project.currency)
    elif cost_workload is None:
        raise EstimateError(
            f"{where} needs an estimator, and none was given.",
            hint="Pass cost_workload=… to budget(), or write the workload as kind: compute "
            "with params accelerator_hours and price_per_hour.",
        )
    else:
        try:
            cost = cost_workload(resolved)
        except EstimateError as exc:
            raise EstimateError(f"{where}: {exc.message}", hint=exc.hint) from exc
    same_currency(project.currency, cost.currency, f"the cost of {where}")
    if min(cost.compute_cost, cost.energy_cost, cost.accelerator_hours) < 0:
        raise EstimateError(
            f"{where}: the estimator returned a negative cost or hours ({cost}).",
            hint="The cost_workload function passed to budget() must return costs and hours "
            "of zero or more; fix that function.",
        )
    return WorkloadResult(
        phase=phase.name,
        name=workload.name,
        kind=workload.kind,
        first_month=project.month_label(first),
        months=months,
        compute_cost=cents(_decimal(cost.compute_cost)),
        energy_cost=cents(_decimal(cost.energy_cost)),
        accelerator_hours=Decimal(str(cost.accelerator_hours)),
        price_source=cost.price_source,
        price_as_of=cost.price_as_of,
        assumptions=tuple(cost.assumptions),
    )


def _decimal(value: Decimal | float) -> Decimal:
    """An estimator's amount as a Decimal; a float by its shortest repr, not its binary value."""
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def _assemble(
    project: ProjectSpec, raw: list[RawLine], capex: list[CapexItem], priced: list[WorkloadResult]
) -> ProjectBudget:
    pct = project.contingency_pct
    grouped: dict[tuple[str, str, str, int], tuple[Decimal, Decimal]] = {}
    for r in raw:
        key = (r.phase, r.category, r.item, r.month)
        cost, extra = grouped.get(key, (ZERO, ZERO))
        grouped[key] = (
            cost + r.cost,
            extra + (cents(r.cost * pct / 100) if r.contingent else ZERO),
        )
    lines = tuple(
        BudgetLine(phase, category, item, project.month_label(month), cost, extra)
        for (phase, category, item, month), (cost, extra) in grouped.items()
    )
    by_phase = {p.name: ZERO for p in project.phases} | {PROJECT_WIDE: ZERO}
    by_category = dict.fromkeys(COST_CATEGORIES, ZERO)
    by_month = {project.month_label(m): ZERO for m in range(1, project.horizon_months + 1)}
    for line in lines:
        by_phase[line.phase] += line.total
        by_category[line.category] += line.total
        by_month[line.month] += line.total
    subtotal = sum((line.cost for line in lines), ZERO)
    contingency = sum((line.contingency for line in lines), ZERO)
    opex = {key: sum(v, ZERO) for key, v in grouped.items() if not key[2].startswith(_PURCHASE)}
    lifecycle = _lifecycle(project, opex, capex)
    notes = [f"{w.phase} / {w.name}: {a}" for w in priced for a in w.assumptions]
    return ProjectBudget(
        project=project.name,
        currency=project.currency,
        start=project.start,
        months=project.horizon_months,
        capex_view=project.capex_view,
        subtotal=subtotal,
        contingency_pct=pct,
        contingency=contingency,
        total=subtotal + contingency,
        by_phase=by_phase,
        by_category=by_category,
        by_month=by_month,
        tco=lifecycle,
        workloads=tuple(priced),
        lines=lines,
        assumptions=(*_assumptions(project, raw), *notes, *lifecycle.assumptions),
    )


_PURCHASE = "purchase: "


def _lifecycle(
    project: ProjectSpec, opex: dict[tuple[str, str, str, int], Decimal], capex: list[CapexItem]
) -> TCO:
    """The budget by year through :func:`tco`: purchases as capex (both views), the rest as
    the month's amounts with their contingency."""
    monthly: dict[tuple[int, str], Decimal] = {}
    for (_, category, _, month), amount in opex.items():
        monthly[(month, category)] = monthly.get((month, category), ZERO) + amount
    one_offs = [
        OneOff(name=f"{category} in month {month}", amount=amount, month=month, category=category)
        for (month, category), amount in sorted(monthly.items())
    ]
    horizon = project.horizon_months
    years = -(-horizon // 12)
    return tco(
        currency=project.currency, years=years, months=horizon, capex=capex, one_offs=one_offs
    )


def _assumptions(project: ProjectSpec, raw: list[RawLine]) -> list[str]:
    kinds = {r.item.split(":")[0] for r in raw}
    last = project.month_label(project.horizon_months)
    out = [
        f"Budget from {project.start} to {last} ({project.horizon_months} months; the phases "
        f"take {project.span_months}), in {project.currency}, undiscounted.",
    ]
    if project.contingency_pct:
        out.append(
            f"Contingency {project.contingency_pct}% on every amount except purchases "
            "(quoted prices), rounded to the cent month by month."
        )
    if "purchase" in kinds:
        out.append(
            "Purchases are counted as straight-line depreciation over their life, for the "
            "months in the budget."
            if project.capex_view == "depreciation"
            else "Purchases are counted as cash: the price in the month bought, the salvage "
            "back at the end of life when that is in the budget."
        )
    if kinds & {"training", "fine_tuning", "inference", "compute"}:
        out.append("A workload's cost is spread evenly over the months it runs.")
    if "storage" in kinds:
        out.append(
            "Storage is paid on each month's average volume: "
            "initial_tb + growth_tb_per_month × (k − ½) TB in month k of its span."
        )
    if "egress" in kinds:
        out.append(
            "Egress in month k of its span: tb_per_month + growth_tb_per_month × (k − 1) TB."
        )
    holders: list[PhaseSpec | ProjectSpec] = [*project.phases, project]
    if any(x.per == "year" for h in holders for x in (*h.licences, *h.operations)):
        out.append(
            "A yearly licence or contract is paid for every started year of its span, "
            "each year's amount spread over that year's months in the span."
        )
    return out
