"""Earned value of a project: PV, EV, AC and what follows from them, as pure functions.

Plain data in, plain data out: the ledger reading lives in
:mod:`infracast.control.projects.tracking`. The formulas are those of the PMI, *A Guide
to the Project Management Body of Knowledge* (PMBOK Guide, 6th ed., §7.4.2.2
and Table 7-1) and the *Practice Standard for Earned Value Management* (2nd ed.):

- PV of a task as of day ``d`` = planned cost × the fraction of its planned
  ``[start, end)`` elapsed at the start of ``d`` (linear: cost is planned to
  accrue evenly over the task's days).
- EV = Σ planned cost × percent complete / 100, using each task's latest
  progress at or before ``d``. AC is given (the ledger's actual cost).
- CV = EV − AC, SV = EV − PV, CPI = EV / AC, SPI = EV / PV.
- EAC (CPI) = BAC / CPI; EAC (CPI×SPI) = AC + (BAC − EV) / (CPI × SPI);
  EAC (bottom-up) = AC + Σ the teams' estimates to complete.
- ETC = EAC − AC, VAC = BAC − EAC, TCPI (to BAC) = (BAC − EV) / (BAC − AC).

Money is rounded to the cent, indices to four decimals; the estimates are
computed from the unrounded ratios (BAC / CPI as BAC × AC / EV).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from infracast.control._money import cents

RATIO = Decimal("0.0001")
ZERO = Decimal(0)
HUNDRED = Decimal(100)

PV_RULE = (
    "PV of a task accrues linearly over its planned [start, end): "
    "planned cost × days elapsed / planned days."
)


def ratio(value: Decimal) -> Decimal:
    """An index (CPI, SPI, TCPI) rounded half-up to four decimals."""
    return value.quantize(RATIO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PlannedTask:
    """A task of a project: its planned cost over its planned ``[planned_start, planned_end)``.

    ``own_actuals`` says the task has filters, so its AC can be told apart
    from the rest of the project's.
    """

    task: str
    planned_cost: Decimal
    planned_start: date
    planned_end: date
    own_actuals: bool = False


@dataclass(frozen=True)
class ProjectPlan:
    """A project's tasks, currency and budget at completion (``None``: Σ task costs)."""

    project: str
    currency: str
    tasks: tuple[PlannedTask, ...]
    budget: Decimal | None = None
    name: str | None = None

    @property
    def bac(self) -> Decimal:
        """Budget at completion: the project's budget, else the sum of its tasks' costs."""
        if self.budget is not None:
            return self.budget
        return sum((t.planned_cost for t in self.tasks), ZERO)

    @property
    def planned_start(self) -> date | None:
        return min((t.planned_start for t in self.tasks), default=None)

    @property
    def planned_end(self) -> date | None:
        return max((t.planned_end for t in self.tasks), default=None)


@dataclass(frozen=True)
class TaskProgress:
    """One progress update of a task: percent complete as of a day, and the team's ETC."""

    task: str
    as_of: date
    percent_complete: Decimal
    estimate_to_complete: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True)
class Actuals:
    """Actual cost in the project's currency up to the as-of date.

    ``by_task`` holds the tasks with their own actuals (filters); ``other_currencies``
    what was charged to the project in other currencies (reported, never converted).
    """

    total: Decimal = ZERO
    by_task: Mapping[str, Decimal] = field(default_factory=dict)
    other_currencies: Mapping[str, Decimal] = field(default_factory=dict)


def planned_value(task: PlannedTask, at: date) -> Decimal:
    """PV of ``task`` at the start of day ``at``: linear over its planned days."""
    if at <= task.planned_start:
        return ZERO
    if at >= task.planned_end:
        return task.planned_cost
    elapsed = (at - task.planned_start).days
    span = (task.planned_end - task.planned_start).days
    return task.planned_cost * elapsed / span


def latest_progress(progress: Iterable[TaskProgress], task: str, at: date) -> TaskProgress | None:
    """The task's latest progress update dated on or before ``at`` (None: none yet)."""
    best: TaskProgress | None = None
    for update in progress:
        if update.task != task or update.as_of > at:
            continue
        if best is None or update.as_of >= best.as_of:
            best = update
    return best


def earned(task: PlannedTask, update: TaskProgress | None) -> Decimal:
    """EV of ``task``: planned cost × percent complete / 100 (0 without progress)."""
    if update is None:
        return ZERO
    return task.planned_cost * update.percent_complete / HUNDRED


@dataclass(frozen=True)
class Estimate:
    """One estimate at completion: its method and formula, EAC, ETC, VAC, or why not."""

    method: str
    formula: str
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EarnedValueMetrics:
    """The earned-value figures of one scope; ``eac``, ``etc``, ``vac`` are the CPI method's."""

    currency: str
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    cv: Decimal
    sv: Decimal
    cpi: Decimal | None
    spi: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi: Decimal | None
    estimates: tuple[Estimate, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "bac": self.bac,
            "pv": self.pv,
            "ev": self.ev,
            "ac": self.ac,
            "cv": self.cv,
            "sv": self.sv,
            "cpi": self.cpi,
            "spi": self.spi,
            "eac": self.eac,
            "etc": self.etc,
            "vac": self.vac,
            "tcpi": self.tcpi,
            "estimates": [e.to_dict() for e in self.estimates],
            "notes": list(self.notes),
        }


def _estimate(
    method: str, formula: str, eac: Decimal | None, bac: Decimal, ac: Decimal, note: str | None
) -> Estimate:
    if eac is None:
        return Estimate(method, formula, None, None, None, note)
    eac = cents(eac)
    return Estimate(method, formula, eac, eac - ac, bac - eac, note)


def earned_value_metrics(
    bac: Decimal,
    pv: Decimal,
    ev: Decimal,
    ac: Decimal,
    currency: str,
    *,
    bottom_up_etc: Decimal | None = None,
    bottom_up_note: str | None = None,
) -> EarnedValueMetrics:
    """CV, SV, CPI, SPI, the three EACs, ETC, VAC and TCPI from BAC, PV, EV and AC.

    ``bottom_up_etc`` is the sum of the teams' estimates to complete; without it
    the bottom-up EAC is reported unavailable with ``bottom_up_note`` as the reason.
    A figure whose denominator is zero is ``None`` and a note says why.
    """
    bac, pv, ev, ac = cents(bac), cents(pv), cents(ev), cents(ac)
    notes: list[str] = []
    cpi = ratio(ev / ac) if ac > 0 else None
    spi = ratio(ev / pv) if pv > 0 else None
    if cpi is None:
        notes.append("CPI is undefined: no actual cost yet (AC = 0).")
    if spi is None:
        notes.append("SPI is undefined: no work was planned yet (PV = 0).")
    cpi_note = None
    eac_cpi: Decimal | None = None
    if ac > 0 and ev > 0:
        eac_cpi = bac * ac / ev  # BAC / CPI with CPI = EV / AC
    else:
        cpi_note = "needs AC > 0 and EV > 0 (CPI = EV / AC must be positive)"
    eac_both: Decimal | None = None
    both_note = None
    if ac > 0 and ev > 0 and pv > 0:
        eac_both = ac + (bac - ev) * ac * pv / (ev * ev)  # CPI × SPI = EV² / (AC × PV)
    else:
        both_note = "needs AC, EV and PV > 0 (CPI × SPI must be positive)"
    eac_up = ac + bottom_up_etc if bottom_up_etc is not None else None
    up_note = None if eac_up is not None else (bottom_up_note or "no task gives an ETC")
    estimates = (
        _estimate("cpi", "BAC / CPI", eac_cpi, bac, ac, cpi_note),
        _estimate("cpi_spi", "AC + (BAC − EV) / (CPI × SPI)", eac_both, bac, ac, both_note),
        _estimate("bottom_up", "AC + Σ task ETC", eac_up, bac, ac, up_note),
    )
    tcpi: Decimal | None = None
    if bac > ac:
        tcpi = ratio((bac - ev) / (bac - ac))
    else:
        notes.append(
            f"TCPI to BAC is undefined: AC ({ac}) has reached BAC ({bac}), so no efficiency "
            "finishes the remaining work within the budget; compare against an EAC instead."
        )
    primary = estimates[0]
    return EarnedValueMetrics(
        currency=currency,
        bac=bac,
        pv=pv,
        ev=ev,
        ac=ac,
        cv=ev - ac,
        sv=ev - pv,
        cpi=cpi,
        spi=spi,
        eac=primary.eac,
        etc=primary.etc,
        vac=primary.vac,
        tcpi=tcpi,
        estimates=estimates,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class TaskStatus:
    """One task as of the date: plan, latest progress, PV, EV and, with its own actuals, AC."""

    task: str
    planned_cost: Decimal
    planned_start: date
    planned_end: date
    percent_complete: Decimal
    progress_as_of: date | None
    pv: Decimal
    ev: Decimal
    ac: Decimal | None
    sv: Decimal
    cv: Decimal | None
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None
    estimate_to_complete: Decimal | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EarnedValue:
    """A project's earned value as of a date: the metrics, the tasks, what was assumed."""

    project: str
    name: str | None
    as_of: date
    planned_start: date | None
    planned_end: date | None
    metrics: EarnedValueMetrics
    tasks: tuple[TaskStatus, ...]
    other_currencies: Mapping[str, Decimal]
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "name": self.name,
            "as_of": self.as_of,
            "planned_start": self.planned_start,
            "planned_end": self.planned_end,
            **self.metrics.to_dict(),
            "other_currencies": dict(self.other_currencies),
            "assumptions": list(self.assumptions),
            "tasks": [t.to_dict() for t in self.tasks],
        }

    def to_json(self) -> dict[str, Any]:
        return self.to_dict()


def _task_status(
    task: PlannedTask, update: TaskProgress | None, ac: Decimal | None, at: date
) -> TaskStatus:
    pv, ev = cents(planned_value(task, at)), cents(earned(task, update))
    own = cents(ac) if ac is not None else None
    eac = cents(task.planned_cost * own / ev) if own is not None and own > 0 and ev > 0 else None
    return TaskStatus(
        task=task.task,
        planned_cost=task.planned_cost,
        planned_start=task.planned_start,
        planned_end=task.planned_end,
        percent_complete=update.percent_complete if update else ZERO,
        progress_as_of=update.as_of if update else None,
        pv=pv,
        ev=ev,
        ac=own,
        sv=ev - pv,
        cv=ev - own if own is not None else None,
        spi=ratio(ev / pv) if pv > 0 else None,
        cpi=ratio(ev / own) if own is not None and own > 0 else None,
        eac=eac,
        estimate_to_complete=update.estimate_to_complete if update else None,
        note=update.note if update else None,
    )


def bottom_up_etc(
    tasks: Sequence[PlannedTask], progress: Sequence[TaskProgress], at: date
) -> tuple[Decimal | None, str | None]:
    """Σ the teams' ETCs (a finished task counts 0), or None and which tasks lack one."""
    total, missing = ZERO, []
    for task in tasks:
        update = latest_progress(progress, task.task, at)
        if update is not None and update.percent_complete >= HUNDRED:
            continue
        if update is None or update.estimate_to_complete is None:
            missing.append(task.task)
        else:
            total += update.estimate_to_complete
    if missing:
        return None, (
            f"unavailable: {', '.join(missing)} ha{'ve' if len(missing) > 1 else 's'} no "
            "estimate to complete in its latest progress (record one with --etc)"
        )
    return total, None


def evaluate(
    plan: ProjectPlan, progress: Sequence[TaskProgress], actuals: Actuals, as_of: date
) -> EarnedValue:
    """The earned value of ``plan`` as of the start of ``as_of``."""
    statuses = tuple(
        _task_status(
            task,
            latest_progress(progress, task.task, as_of),
            actuals.by_task.get(task.task, ZERO) if task.own_actuals else None,
            as_of,
        )
        for task in plan.tasks
    )
    etc, etc_note = bottom_up_etc(plan.tasks, progress, as_of)
    pv = sum((planned_value(t, as_of) for t in plan.tasks), ZERO)
    ev = sum((earned(t, latest_progress(progress, t.task, as_of)) for t in plan.tasks), ZERO)
    result = earned_value_metrics(
        plan.bac, pv, ev, actuals.total, plan.currency, bottom_up_etc=etc, bottom_up_note=etc_note
    )
    assumptions = [PV_RULE, "EV uses each task's latest progress dated on or before the as-of."]
    assumptions.append(
        f"AC is the effective cost of charges with x_project = {plan.project} in "
        f"{plan.currency} whose ChargePeriodStart is before {as_of.isoformat()}."
    )
    if plan.budget is None:
        assumptions.append(
            "BAC is the sum of the tasks' planned costs (the project has no budget)."
        )
    if actuals.other_currencies:
        shown = ", ".join(f"{v} {k}" for k, v in sorted(actuals.other_currencies.items()))
        assumptions.append(f"Charges in other currencies are not converted or counted: {shown}.")
    return EarnedValue(
        project=plan.project,
        name=plan.name,
        as_of=as_of,
        planned_start=plan.planned_start,
        planned_end=plan.planned_end,
        metrics=result,
        tasks=statuses,
        other_currencies=dict(actuals.other_currencies),
        assumptions=tuple(assumptions),
    )
