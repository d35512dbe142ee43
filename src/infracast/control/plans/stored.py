"""Plans in the ledger: store, list, show, finish and remove them (the rules; the SQL is
:mod:`infracast.ledger.stores.plans`).

:func:`save_estimate` and :func:`save_budget` take the objects of
:mod:`infracast.estimate` (or an estimate's JSON) and store them as plans;
:func:`store_plan` stores a :class:`~infracast.control.plans.lines.Plan` made
any other way (``infracast plan save`` is :func:`~infracast.control.plans.save.save_plan`).
A plan is ``active`` until :func:`finish_plan` marks it ``finished``; a
finished plan's actual cost becomes a training row for the learned estimator
(:mod:`infracast.control.plans.feedback`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from infracast.amounts import AmountError, parse_amount
from infracast.control._money import money
from infracast.control.exceptions import UnknownNameError
from infracast.control.plans.estimates import HasJson, plan_from_estimate
from infracast.control.plans.lines import Plan, PlanLine, month_label, plan_from_budget
from infracast.errors import ControlError, did_you_mean
from infracast.ledger.stores import plans as store

if TYPE_CHECKING:
    from infracast.estimate import ProjectBudget
    from infracast.ledger.connection import Ledger

STATUSES: tuple[str, ...] = ("active", "finished")
_SAVE_HINT = (
    "Save one first: infracast plan save NAME --estimate FILE.json --project P --start YYYY-MM"
)


def _checked(plan: Plan) -> Plan:
    """``plan`` with every amount as the ledger binds it (plain, finite, in range, 12 places).

    The amounts of a plan made by :mod:`infracast.control.plans.estimates` or
    :func:`~infracast.control.plans.lines.plan_from_budget` are cents already; this
    guards a plan made any other way (docs/numbers.md).
    """
    lines = []
    for line in plan.lines:
        where = f"plan {plan.name!r}, line {month_label(line.month)} {line.cost_category}"
        try:
            amount = parse_amount(line.amount, where=where, allow_negative=True)
        except AmountError as exc:
            raise ControlError(exc.message, hint="Give every line an amount in range.") from None
        lines.append(dataclasses.replace(line, amount=amount))
    return dataclasses.replace(plan, lines=tuple(lines))


def _plan_row(plan: Plan, created: datetime) -> dict[str, Any]:
    return {
        "plan": plan.name,
        "project": plan.project,
        "source": plan.source,
        "description": plan.description,
        "currency": plan.currency,
        "total": plan.total,
        "starts": plan.starts,
        "features": dict(plan.features),
        "spec": None if plan.spec is None else dict(plan.spec),
        "assumptions": list(plan.assumptions),
        "status": "active",
        "created_at": created,
        "finished_at": None,
    }


def _line_row(plan: str, line: PlanLine) -> dict[str, Any]:
    return {
        "plan": plan,
        "month": line.month,
        "project": line.project,
        "cost_category": line.cost_category,
        "phase": line.phase,
        "amount": line.amount,
        "currency": line.currency,
        "price_source": line.price_source,
        "price_as_of": line.price_as_of,
    }


def store_plan(ledger: Ledger, plan: Plan, *, replace: bool = False) -> Plan:
    """Store ``plan``; a plan of the same name is an error unless ``replace``."""
    if not plan.lines:
        raise ControlError(
            f"plan {plan.name!r} has no planned charges.",
            hint="A plan needs an estimate with a cost or a project budget with lines; "
            "estimate again, or give the spec its workloads and items.",
        )
    plan = _checked(plan)
    currencies = {line.currency for line in plan.lines}
    if currencies != {plan.currency}:
        raise ControlError(
            f"plan {plan.name!r} mixes currencies ({', '.join(sorted(currencies))}); "
            "infracast never adds amounts in different currencies.",
            hint="Make every price of the estimate or budget in one currency.",
        )
    created = datetime.now(UTC).replace(tzinfo=None)
    with ledger.transaction() as con:
        if store.exists(con, plan.name) and not replace:
            raise ControlError(
                f"a plan named {plan.name!r} already exists.",
                hint=f"Pass --replace (replace=True) to overwrite it, or choose another name "
                f"(infracast plan show {plan.name}).",
            )
        store.delete(con, plan.name)
        store.insert(
            con, _plan_row(plan, created), (_line_row(plan.name, line) for line in plan.lines)
        )
    return show_plan(ledger, plan.name)


def save_estimate(
    ledger: Ledger,
    name: str,
    estimate: HasJson | Mapping[str, Any],
    *,
    project: str,
    start: str | date | datetime,
    pricing: str | None = None,
    provider: str | None = None,
    region: str | None = None,
    instance_type: str | None = None,
    months: int | None = None,
    energy: bool = False,
    description: str | None = None,
    replace: bool = False,
) -> Plan:
    """Save a training, fine-tuning or serving estimate (the object or its JSON) as a plan.

    See :func:`~infracast.control.plans.estimates.plan_from_estimate` for how the
    cost is placed in months.
    """
    plan = plan_from_estimate(
        estimate,
        name=name,
        project=project,
        start=start,
        pricing=pricing,
        provider=provider,
        region=region,
        instance_type=instance_type,
        months=months,
        energy=energy,
        description=description,
    )
    return store_plan(ledger, plan, replace=replace)


def save_budget(
    ledger: Ledger,
    name: str,
    budget: ProjectBudget,
    *,
    project: str | None = None,
    start: str | date | datetime | None = None,
    description: str | None = None,
    spec: Mapping[str, Any] | None = None,
    replace: bool = False,
) -> Plan:
    """Save a project budget as a plan (:func:`~infracast.control.plans.lines.plan_from_budget`)."""
    plan = plan_from_budget(
        budget, name=name, project=project, start=start, description=description, spec=spec
    )
    return store_plan(ledger, plan, replace=replace)


def list_plans(
    ledger: Ledger, *, project: str | None = None, status: str | None = None
) -> list[Plan]:
    """Every plan (of ``project``, in ``status``), oldest first, with its lines."""
    if status is not None and status not in STATUSES:
        raise ControlError(
            f"unknown plan status {status!r}.{did_you_mean(status, STATUSES)}",
            hint="Use active or finished.",
            field="status",
        )
    return load_plans(ledger, store.names(ledger.con, project=project, status=status))


def plan_names(ledger: Ledger) -> list[str]:
    """Every plan's name, alphabetically."""
    return store.sorted_names(ledger.con)


def show_plan(ledger: Ledger, name: str) -> Plan:
    """The plan named ``name`` with its lines; UnknownNameError naming the plans there are."""
    plans = load_plans(ledger, [name])
    if not plans:
        known = plan_names(ledger)
        raise UnknownNameError(
            f"no plan named {name!r}." + did_you_mean(name, known),
            hint="List the plans with: infracast plan list" if known else _SAVE_HINT,
        )
    return plans[0]


def finish_plan(ledger: Ledger, name: str, *, at: datetime | None = None) -> Plan:
    """Mark a plan finished (its actuals are complete); finishing it again changes nothing."""
    plan = show_plan(ledger, name)
    if plan.status == "finished":
        return plan
    store.finish(ledger.con, plan.name, at or datetime.now(UTC).replace(tzinfo=None))
    return show_plan(ledger, name)


def remove_plan(ledger: Ledger, name: str) -> Plan:
    """Delete a plan and its lines; return what was removed."""
    plan = show_plan(ledger, name)
    with ledger.transaction() as con:
        store.delete(con, plan.name)
    return plan


def load_plans(ledger: Ledger, names: Sequence[str]) -> list[Plan]:
    """The plans named, in the order given (unknown names are left out)."""
    if not names:
        return []
    lines: dict[str, list[PlanLine]] = {}
    for r in store.lines(ledger.con, names):
        lines.setdefault(r["plan"], []).append(
            PlanLine(
                month=r["month"],
                project=r["project"],
                cost_category=r["cost_category"],
                phase=r["phase"],
                amount=money(r["amount"]),
                currency=r["currency"],
                price_source=r["price_source"],
                price_as_of=r["price_as_of"],
            )
        )
    by_name = {
        r["plan"]: Plan(
            name=r["plan"],
            project=r["project"],
            source=r["source"],
            description=r["description"],
            currency=r["currency"],
            starts=r["starts"],
            features=r["features"] or {},
            spec=r["spec"],
            assumptions=tuple(r["assumptions"] or ()),
            status=r["status"],
            created_at=r["created_at"],
            finished_at=r["finished_at"],
            lines=tuple(lines.get(r["plan"], ())),
        )
        for r in store.rows(ledger.con, names)
    }
    return [by_name[n] for n in names if n in by_name]
