"""Tracked projects in the ledger: their tasks, progress updates, actual cost and earned value.

A project's actual cost (AC) is the effective cost of the charges whose
``x_project`` is the project's id, in the project's currency, with
``ChargePeriodStart`` before the as-of date (the start of that day, UTC). A
task with filters also gets its own AC: the part of the project's actuals the
filters keep. The formulas are in :mod:`infracast.control.projects._earned_value`; the
tables are read and written by :mod:`infracast.ledger.stores.projects`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.amounts import AmountError, parse_amount, parse_number
from infracast.analytics import Filter, costs, parse_filters
from infracast.analytics.periods import parse_instant
from infracast.control._money import cents, plain_decimal
from infracast.control.exceptions import UnknownNameError
from infracast.control.projects._earned_value import (
    ZERO,
    Actuals,
    EarnedValue,
    PlannedTask,
    ProjectPlan,
    TaskProgress,
    evaluate,
)
from infracast.control.projects.definition import (
    ProjectDefinition,
    definition_problems,
    load_definition,
    validate_definition,
)
from infracast.control.projects.ev_series import SeriesPoint, check_series_grain, series
from infracast.errors import ControlError, QueryError, did_you_mean
from infracast.ledger.stores import projects as store

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

_ADD_HINT = "Add it with: infracast project add FILE.yaml (infracast project list shows them)."


def utc_today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


def as_of_date(value: str | date | datetime | None, name: str = "as-of") -> date:
    """The as-of day from a date or ``YYYY-MM-DD`` (None: today, UTC)."""
    if value is None:
        return utc_today()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        instant = parse_instant(value, name=name)
    except QueryError as exc:
        raise ControlError(exc.message, hint=exc.hint) from None
    assert instant is not None
    if instant.time() != datetime.min.time():
        raise ControlError(
            f'{name} "{value}" has a time of day; earned value is counted by whole days.',
            hint=f"Pass the day, as in --{name} 2026-03-01 (everything before its start counts).",
        )
    return instant.date()


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _number(value: Any, what: str, example: str, *, money: bool) -> Decimal:
    """``value`` as a Decimal of zero or more (docs/numbers.md), or a ControlError naming it."""
    parse = parse_amount if money else parse_number
    try:
        return parse(value, name=what, allow_negative=False)
    except AmountError as exc:
        raise ControlError(exc.message, hint=example) from None


# --- storing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectChange:
    """What :func:`add_project` did: created or updated, and which tasks changed."""

    project: str
    created: bool
    currency: str
    bac: Decimal
    tasks_added: tuple[str, ...]
    tasks_updated: tuple[str, ...]
    tasks_removed: tuple[str, ...]
    progress_removed: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def add_project(
    ledger: Ledger, definition: ProjectDefinition | Mapping[str, Any] | str | Path
) -> ProjectChange:
    """Store a project and its tasks; adding it again updates it (progress is kept).

    ``definition`` is a project (a :class:`ProjectDefinition` or its mapping) or
    the path of its YAML file (:func:`~infracast.control.projects.definition.load_definition`).
    Tasks no longer in the definition are removed with their progress updates
    (the result counts them).
    """
    if isinstance(definition, str | Path):
        spec = load_definition(definition)
    else:
        spec = validate_definition(definition)
    now = datetime.now(UTC).replace(tzinfo=None)
    names = [t.task for t in spec.tasks]
    with ledger.transaction() as con:
        before = store.task_names(con, spec.project)
        created = store.put(
            con, spec.project, name=spec.name, budget=spec.budget, currency=spec.currency, now=now
        )
        removed = sorted(before - set(names))
        dropped = store.delete_progress(con, spec.project, removed)
        store.replace_tasks(
            con,
            spec.project,
            (
                {
                    "task": t.task,
                    "planned_cost": t.planned_cost,
                    "planned_start": t.planned_start,
                    "planned_end": t.planned_end,
                    "filters": list(t.filters) or None,
                }
                for t in spec.tasks
            ),
        )
    return ProjectChange(
        project=spec.project,
        created=created,
        currency=spec.currency,
        bac=spec.plan().bac,
        tasks_added=tuple(n for n in names if n not in before),
        tasks_updated=tuple(n for n in names if n in before),
        tasks_removed=tuple(removed),
        progress_removed=dropped,
    )


@dataclass(frozen=True)
class ProgressUpdate:
    """A progress update as stored; ``replaced`` when it replaced one of the same day."""

    project: str
    task: str
    as_of: date
    percent_complete: Decimal
    estimate_to_complete: Decimal | None
    currency: str
    note: str | None
    replaced: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def record_progress(
    ledger: Ledger,
    project: str,
    task: str,
    percent_complete: float | Decimal | str,
    *,
    as_of: str | date | None = None,
    estimate_to_complete: Decimal | str | float | None = None,
    note: str | None = None,
) -> ProgressUpdate:
    """Record that ``task`` is ``percent_complete`` % done as of a day (default today, UTC).

    ``estimate_to_complete`` is the team's estimate of the cost still to come, in the
    project's currency (it feeds the bottom-up EAC). One update per task and day: a
    second one on the same day replaces the first.
    """
    plan, _ = project_plan(ledger, project)
    tasks = [t.task for t in plan.tasks]
    if task not in tasks:
        raise UnknownNameError(
            f'project "{project}" has no task "{task}".{did_you_mean(task, tasks)}',
            hint=f"Its tasks: {', '.join(tasks)} (infracast project status {shlex.quote(project)} "
            "lists them).",
        )
    percent = _number(
        percent_complete, "percent complete", "Give 0 to 100 (60 = 60 %).", money=False
    )
    if percent > 100:
        raise ControlError(
            f"percent complete {percent_complete} is over 100.", hint="Give 0 to 100 (60 = 60 %)."
        )
    etc = None
    if estimate_to_complete is not None:
        etc = cents(
            _number(
                estimate_to_complete, "estimate to complete", "Write 1250 or 1.25e3.", money=True
            )
        )
    day = as_of_date(as_of)
    row = {
        "task": task,
        "as_of": day,
        "percent_complete": float(percent),
        "estimate_to_complete": etc,
        "note": note,
    }
    with ledger.transaction() as con:
        replaced = store.put_progress(con, project, row, datetime.now(UTC).replace(tzinfo=None))
    return ProgressUpdate(
        project=project,
        task=task,
        as_of=day,
        percent_complete=percent,
        estimate_to_complete=etc,
        currency=plan.currency,
        note=note,
        replaced=replaced,
    )


# --- reading ----------------------------------------------------------------------------


def project_ids(ledger: Ledger) -> list[str]:
    """The ids of the tracked projects, sorted."""
    return store.ids(ledger.con)


def _stored(ledger: Ledger, project: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The project's row (name, budget, currency) and its task rows, as stored."""
    row = store.find(ledger.con, project)
    if row is None:
        raise UnknownNameError(
            f'no project "{project}" in the ledger.{did_you_mean(project, project_ids(ledger))}',
            hint=_ADD_HINT,
        )
    return row, store.tasks(ledger.con, project)


def project_plan(ledger: Ledger, project: str) -> tuple[ProjectPlan, dict[str, tuple[str, ...]]]:
    """The project's plan and the filters of each task that has some."""
    row, rows = _stored(ledger, project)
    tasks = tuple(
        PlannedTask(
            r["task"],
            cents(r["planned_cost"]),
            r["planned_start"],
            r["planned_end"],
            own_actuals=bool(r["filters"]),
        )
        for r in rows
    )
    budget = cents(row["budget"]) if row["budget"] is not None else None
    plan = ProjectPlan(
        project=project, currency=row["currency"], tasks=tasks, budget=budget, name=row["name"]
    )
    return plan, {r["task"]: tuple(r["filters"]) for r in rows if r["filters"]}


def stored_problems(ledger: Ledger, project: str) -> list[str]:
    """What today's rules refuse in the stored project (none: it is valid).

    A row written by an older version, or by hand, may fail them; it can still
    be listed and removed, but not evaluated.
    """
    row, rows = _stored(ledger, project)
    tasks = [
        {
            "task": r["task"],
            "planned_cost": plain_decimal(r["planned_cost"]),
            "planned_start": r["planned_start"],
            "planned_end": r["planned_end"],
            **({"filters": list(r["filters"])} if r["filters"] else {}),
        }
        for r in rows
    ]
    budget = plain_decimal(row["budget"]) if row["budget"] is not None else None
    data = {"project": project, "name": row["name"], "currency": row["currency"], "budget": budget}
    return [p.rstrip(".") for p in definition_problems({**data, "tasks": tasks})]


def _valid(ledger: Ledger, project: str) -> None:
    problems = stored_problems(ledger, project)
    if problems:
        raise ControlError(
            f'project "{project}" in the ledger is invalid: {"; ".join(problems)}.',
            hint=f"Add it again from its file (infracast project add FILE.yaml), or delete it "
            f"(infracast project remove {shlex.quote(project)}).",
        )


def project_progress(ledger: Ledger, project: str) -> list[TaskProgress]:
    """Every progress update of the project's tasks, oldest first."""
    return [
        TaskProgress(
            r["task"],
            r["as_of"],
            Decimal(str(r["percent_complete"])),
            cents(r["estimate_to_complete"]) if r["estimate_to_complete"] is not None else None,
            r["note"],
        )
        for r in store.progress(ledger.con, project)
    ]


def _project_filter(project: str) -> Filter:
    return Filter(dimension="project", values=(project,))


def actual_cost(
    ledger: Ledger,
    plan: ProjectPlan,
    as_of: date,
    task_filters: Mapping[str, Sequence[str]] | None = None,
) -> Actuals:
    """The project's AC as of the day, per task with filters, and in other currencies."""
    end = _midnight(as_of)
    rows = costs(ledger, end=end, filters=[_project_filter(plan.project)])
    total = sum((r["effective_cost"] for r in rows if r["currency"] == plan.currency), ZERO)
    others = {
        r["currency"]: cents(r["effective_cost"]) for r in rows if r["currency"] != plan.currency
    }
    by_task: dict[str, Decimal] = {}
    for task, filters in (task_filters or {}).items():
        scoped = [_project_filter(plan.project), *parse_filters(filters)]
        task_rows = costs(ledger, end=end, filters=scoped)
        by_task[task] = sum(
            (r["effective_cost"] for r in task_rows if r["currency"] == plan.currency), ZERO
        )
    return Actuals(total=cents(total), by_task=by_task, other_currencies=others)


def actual_cost_by_period(
    ledger: Ledger, plan: ProjectPlan, as_of: date, grain: str = "month"
) -> dict[date, Decimal]:
    """The project's AC in its currency by month or week (first day), before ``as_of``."""
    grain = check_series_grain(grain)
    rows = costs(ledger, by=[grain], end=_midnight(as_of), filters=[_project_filter(plan.project)])
    return {
        date.fromisoformat(r[grain]): r["effective_cost"]
        for r in rows
        if r["currency"] == plan.currency
    }


def earned_value(ledger: Ledger, project: str, as_of: str | date | None = None) -> EarnedValue:
    """PV, EV, AC, CV, SV, CPI, SPI, EACs, ETC, VAC and TCPI of ``project`` as of a day."""
    day = as_of_date(as_of)
    _valid(ledger, project)
    plan, filters = project_plan(ledger, project)
    actuals = actual_cost(ledger, plan, day, filters)
    return evaluate(plan, project_progress(ledger, project), actuals, day)


def earned_value_series(
    ledger: Ledger, project: str, as_of: str | date | None = None, by: str = "month"
) -> list[SeriesPoint]:
    """Cumulative PV, EV and AC of ``project`` at the end of each month or week to the day."""
    grain = check_series_grain(by)
    day = as_of_date(as_of)
    _valid(ledger, project)
    plan, _ = project_plan(ledger, project)
    by_period = actual_cost_by_period(ledger, plan, day, grain)
    return series(plan, project_progress(ledger, project), by_period, day, grain)


@dataclass(frozen=True)
class ProjectSummary:
    """One tracked project: currency, BAC, task count, planned span and last progress."""

    project: str
    name: str | None
    currency: str
    bac: Decimal
    budget_given: bool
    tasks: int
    planned_start: date | None
    planned_end: date | None
    last_progress: date | None
    problem: str | None = None  # what today's rules refuse in the stored project

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def project_summary(ledger: Ledger, project: str) -> ProjectSummary:
    """One tracked project, valid or not (``problem`` says what is wrong with it)."""
    plan, _ = project_plan(ledger, project)
    problems = stored_problems(ledger, project)
    return ProjectSummary(
        project=project,
        name=plan.name,
        currency=plan.currency,
        bac=plan.bac,
        budget_given=plan.budget is not None,
        tasks=len(plan.tasks),
        planned_start=plan.planned_start,
        planned_end=plan.planned_end,
        last_progress=store.last_progress(ledger.con, project),
        problem="; ".join(problems) + "." if problems else None,
    )


def list_projects(ledger: Ledger) -> list[ProjectSummary]:
    """Every tracked project, by id, valid or not."""
    return [project_summary(ledger, project) for project in project_ids(ledger)]


def remove_project(ledger: Ledger, project: str) -> ProjectSummary:
    """Delete a project with its tasks and progress updates, valid or not; return what it was.

    Its charges stay in the ledger (they are the bills'); only the tracking goes.
    """
    summary = project_summary(ledger, project)
    with ledger.transaction() as con:
        store.delete(con, project)
    return summary
