"""Plans in the ledger: save, list, show, finish and remove (tables ``plans`` and ``plan_lines``).

:func:`save_estimate` and :func:`save_budget` take the objects of
:mod:`infracast.estimate` (or an estimate's JSON) and store them as plans;
:func:`save_plan` stores a :class:`~infracast.control.plan_lines.Plan` made
any other way. A plan is ``active`` until :func:`finish_plan` marks it
``finished``; a finished plan's actual cost becomes a training row for the
learned estimator (:mod:`infracast.control.feedback`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.amounts import AmountError, parse_amount
from infracast.control.plan_estimates import HasJson, plan_from_estimate
from infracast.control.plan_lines import Plan, PlanLine, month_label, plan_from_budget
from infracast.errors import ControlError, did_you_mean
from infracast.estimate.project import ProjectBudget

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

CENT = Decimal("0.01")


def _checked(plan: Plan) -> Plan:
    """``plan`` with every amount as the ledger binds it (plain, finite, in range, 12 places).

    The amounts of a plan made by :mod:`infracast.control.plan_estimates` or
    :func:`~infracast.control.plan_lines.plan_from_budget` are cents already; this
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


def save_plan(ledger: Ledger, plan: Plan, *, replace: bool = False) -> Plan:
    """Store ``plan``; a plan of the same name is an error unless ``replace``."""
    if not plan.lines:
        raise ControlError(
            f"plan {plan.name!r} has no planned charges.", hint="Check the estimate or budget."
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
        exists = con.execute("SELECT 1 FROM plans WHERE plan = ?", [plan.name]).fetchone()
        if exists and not replace:
            raise ControlError(
                f"a plan named {plan.name!r} already exists.",
                hint=f"Pass --replace (replace=True) to overwrite it, or choose another name "
                f"(infracast plan show {plan.name}).",
            )
        con.execute("DELETE FROM plan_lines WHERE plan = ?", [plan.name])
        con.execute("DELETE FROM plans WHERE plan = ?", [plan.name])
        con.execute(
            "INSERT INTO plans (plan, project, source, description, currency, total, starts, "
            "features, spec, assumptions, status, created_at, finished_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON, ?, ?, ?, ?)",
            [
                plan.name,
                plan.project,
                plan.source,
                plan.description,
                plan.currency,
                plan.total,
                plan.starts,
                _json_text(plan.features),
                None if plan.spec is None else _json_text(plan.spec),
                list(plan.assumptions),
                "active",
                created,
                None,
            ],
        )
        con.executemany(
            "INSERT INTO plan_lines (plan, month, project, cost_category, phase, amount, "
            "currency, price_source, price_as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    plan.name,
                    line.month,
                    line.project,
                    line.cost_category,
                    line.phase,
                    line.amount,
                    line.currency,
                    line.price_source,
                    line.price_as_of,
                ]
                for line in plan.lines
            ],
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

    See :func:`~infracast.control.plan_estimates.plan_from_estimate` for how the
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
    return save_plan(ledger, plan, replace=replace)


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
    """Save a project budget as a plan (:func:`~infracast.control.plan_lines.plan_from_budget`)."""
    plan = plan_from_budget(
        budget, name=name, project=project, start=start, description=description, spec=spec
    )
    return save_plan(ledger, plan, replace=replace)


def list_plans(
    ledger: Ledger, *, project: str | None = None, status: str | None = None
) -> list[Plan]:
    """Every plan (of ``project``, in ``status``), oldest first, with its lines."""
    if status is not None and status not in ("active", "finished"):
        raise ControlError(
            f"unknown plan status {status!r}.{did_you_mean(status, ('active', 'finished'))}",
            hint="Use active or finished.",
        )
    where, params = [], []
    if project is not None:
        where.append("project = ?")
        params.append(project)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    sql = "SELECT plan FROM plans" + (f" WHERE {' AND '.join(where)}" if where else "")
    names = [
        r[0] for r in ledger.con.execute(sql + " ORDER BY created_at, plan", params).fetchall()
    ]
    return load_plans(ledger, names)


def plan_names(ledger: Ledger) -> list[str]:
    return [r[0] for r in ledger.con.execute("SELECT plan FROM plans ORDER BY plan").fetchall()]


def show_plan(ledger: Ledger, name: str) -> Plan:
    """The plan named ``name`` with its lines; a ControlError naming the plans there are."""
    plans = load_plans(ledger, [name])
    if not plans:
        known = plan_names(ledger)
        raise ControlError(
            f"no plan named {name!r}." + did_you_mean(name, known),
            hint="List the plans with: infracast plan list"
            if known
            else "Save one first: infracast plan save NAME --estimate FILE.json --project P "
            "--start YYYY-MM",
        )
    return plans[0]


def finish_plan(ledger: Ledger, name: str, *, at: datetime | None = None) -> Plan:
    """Mark a plan finished (its actuals are complete); finishing it again changes nothing."""
    plan = show_plan(ledger, name)
    if plan.status == "finished":
        return plan
    when = at or datetime.now(UTC).replace(tzinfo=None)
    ledger.con.execute(
        "UPDATE plans SET status = 'finished', finished_at = ? WHERE plan = ?", [when, plan.name]
    )
    return show_plan(ledger, name)


def remove_plan(ledger: Ledger, name: str) -> Plan:
    """Delete a plan and its lines; return what was removed."""
    plan = show_plan(ledger, name)
    with ledger.transaction() as con:
        con.execute("DELETE FROM plan_lines WHERE plan = ?", [plan.name])
        con.execute("DELETE FROM plans WHERE plan = ?", [plan.name])
    return plan


def load_plans(ledger: Ledger, names: Sequence[str]) -> list[Plan]:
    """The plans named, in the order given (unknown names are left out)."""
    if not names:
        return []
    rows = ledger.con.execute(
        "SELECT plan, project, source, description, currency, starts, features, spec, "
        "assumptions, status, created_at, finished_at FROM plans WHERE list_contains(?, plan)",
        [list(names)],
    ).fetchall()
    lines: dict[str, list[PlanLine]] = {}
    for r in ledger.con.execute(
        "SELECT plan, month, project, cost_category, phase, amount, currency, price_source, "
        "price_as_of FROM plan_lines WHERE list_contains(?, plan) "
        "ORDER BY plan, month, cost_category, phase NULLS FIRST",
        [list(names)],
    ).fetchall():
        lines.setdefault(r[0], []).append(
            PlanLine(
                month=r[1],
                project=r[2],
                cost_category=r[3],
                phase=r[4],
                amount=money(r[5]),
                currency=r[6],
                price_source=r[7],
                price_as_of=r[8],
            )
        )
    by_name = {
        r[0]: Plan(
            name=r[0],
            project=r[1],
            source=r[2],
            description=r[3],
            currency=r[4],
            starts=r[5],
            features=json.loads(r[6]) if r[6] else {},
            spec=json.loads(r[7]) if r[7] else None,
            assumptions=tuple(r[8] or ()),
            status=r[9],
            created_at=r[10],
            finished_at=r[11],
            lines=tuple(lines.get(r[0], ())),
        )
        for r in rows
    }
    return [by_name[n] for n in names if n in by_name]


def money(value: Decimal) -> Decimal:
    """A stored amount (12 decimal places) to the cent when that is exact, else normalized."""
    rounded = value.quantize(CENT)
    return rounded if rounded == value else value.normalize()


def _json_text(value: Any) -> str:
    """JSON for the ledger's JSON columns: decimals as numbers, dates as ISO text."""

    def plain(item: Any) -> Any:
        if isinstance(item, Decimal):
            return float(item)
        if isinstance(item, datetime | date):
            return item.isoformat()
        raise TypeError(f"cannot store {type(item).__name__} as JSON")

    return json.dumps(value, default=plain, ensure_ascii=False)
