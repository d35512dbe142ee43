"""Budgets in the ledger: set, load, read, list and remove them (the rules; the SQL is
:mod:`infracast.ledger.stores.budgets`).

A budget is validated (:class:`~infracast.control.budgets.spec.Budget`) before
it is stored. A stored row that today's rules refuse (written by an older
version, or by hand) is read as an :class:`InvalidBudget`: it is listed with
its problem, reported by ``budget status`` as ``invalid`` with the fix, can be
corrected with ``budget set`` and removed with ``budget remove``; nothing
that reads the table fails because of it.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.analytics import parse_filters
from infracast.control._money import plain_decimal
from infracast.control.budgets.spec import (
    Budget,
    BudgetFields,
    Thresholds,
    budget_or_problems,
    load_budgets,
    validate_budget,
)
from infracast.control.budgets.thresholds import fraction_to_pct, pct_to_fraction
from infracast.control.exceptions import UnknownNameError
from infracast.errors import ControlError, InfracastError, did_you_mean
from infracast.ledger.records import utcnow
from infracast.ledger.stores import alerts as alert_store
from infracast.ledger.stores import budgets as store

if TYPE_CHECKING:
    from datetime import datetime

    import duckdb

    from infracast.ledger.connection import Ledger

_CREATE_HINT = (
    "See the budgets with infracast budget list; create one with infracast budget "
    "set NAME --amount … --currency … --start …."
)
NEW_BUDGET_NEEDS: tuple[str, ...] = ("amount", "currency", "start")


@dataclass(frozen=True)
class InvalidBudget:
    """A stored budget that today's rules refuse: listed, reported and removable, never evaluated.

    ``fields`` are the stored values under the names of :class:`Budget`'s fields.
    """

    name: str
    fields: Mapping[str, Any]
    problems: tuple[str, ...]

    @property
    def problem(self) -> str:
        """Every problem, in one sentence (ending with a full stop)."""
        return "; ".join(p.rstrip(".") for p in self.problems) + "."

    @property
    def fix(self) -> str:
        """The commands that mend or remove it, as a sentence."""
        name = shlex.quote(self.name)
        return (
            f"Correct it with infracast budget set {name} and the flag of the field "
            f"(e.g. --amount 50000), or delete it with infracast budget remove {name}."
        )

    def to_dict(self) -> dict[str, Any]:
        """The stored fields and the problem (the JSON of ``budget list`` for this row)."""
        return {**self.fields, "problem": self.problem}


@dataclass(frozen=True)
class BudgetChange:
    """What setting a budget did: ``created``, ``updated`` or ``unchanged``, and the budget."""

    action: str
    budget: Budget

    @property
    def name(self) -> str:
        return self.budget.name

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``budget set``: the action and the budget's fields."""
        row = {"action": self.action, **self.budget.to_dict()}
        row.pop("problem")
        return row

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()

    def summary(self) -> dict[str, Any]:
        """One row of ``budget load``: name, action, period, amount and currency."""
        b = self.budget
        return {
            "name": b.name,
            "action": self.action,
            "period": b.period,
            "amount": b.amount,
            "currency": b.currency,
        }


def _row(budget: Budget) -> dict[str, Any]:
    """The budget as the ``budgets`` table stores it (thresholds as fractions)."""
    return {
        "name": budget.name,
        "amount": budget.amount,
        "currency": budget.currency,
        "period": budget.period,
        "starts": budget.start,
        "ends": budget.end,
        "filters": list(budget.filters),
        "metric": budget.metric,
        "actual_thresholds": [pct_to_fraction(p) for p in budget.actual_thresholds],
        "forecast_thresholds": [pct_to_fraction(p) for p in budget.forecast_thresholds],
        "webhook_url": budget.webhook,
    }


def _fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row under the names of :class:`Budget`'s fields."""
    return {
        "name": row["name"],
        "amount": plain_decimal(row["amount"]),
        "currency": row["currency"],
        "period": row["period"],
        "start": row["starts"],
        "end": row["ends"],
        "filters": list(row["filters"] or ()),
        "metric": row["metric"],
        "actual_thresholds": [fraction_to_pct(f) for f in row["actual_thresholds"] or ()],
        "forecast_thresholds": [fraction_to_pct(f) for f in row["forecast_thresholds"] or ()],
        "webhook": row["webhook_url"],
    }


def _read(row: Mapping[str, Any]) -> Budget | InvalidBudget:
    fields = _fields(row)
    budget, problems = budget_or_problems(fields)
    if budget is not None:
        return budget
    return InvalidBudget(str(fields["name"]), fields, tuple(problems))


def _upsert(con: duckdb.DuckDBPyConnection, budget: Budget, now: datetime) -> str:
    row = store.find(con, budget.name)
    if row is None:
        store.insert(con, _row(budget), now)
        return "created"
    if _read(row) == budget:
        return "unchanged"
    store.update(con, _row(budget), now)
    # undelivered alerts follow the budget's webhook: a fixed URL reaches them, and
    # without a webhook they are no longer sent
    alert_store.follow_webhook(con, budget.name, budget.webhook)
    return "updated"


def store_budget(ledger: Ledger, budget: Budget) -> str:
    """Create or replace ``budget`` (by name); return created, updated or unchanged."""
    with ledger.transaction() as con:
        return _upsert(con, budget, utcnow())


def set_budgets(ledger: Ledger, budgets: Iterable[Budget]) -> list[tuple[str, str]]:
    """Create or replace several budgets in one transaction: ``[(name, action), ...]``."""
    now = utcnow()
    with ledger.transaction() as con:
        return [(b.name, _upsert(con, b, now)) for b in budgets]


def set_budget(
    ledger: Ledger,
    name: str,
    *,
    amount: str | Decimal | int | None = None,
    currency: str | None = None,
    period: str | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    filters: Sequence[str] | None = None,
    metric: str | None = None,
    actual_thresholds: Thresholds | None = None,
    forecast_thresholds: Thresholds | None = None,
    webhook: str | None = None,
) -> BudgetChange:
    """Create the budget ``name``, or change the given fields of the stored one (``budget set``).

    The fields not given (None) keep their stored value; a new budget needs
    ``amount``, ``currency`` and ``start``, and takes the defaults of
    :class:`Budget` for the rest (period month, thresholds 50, 80, 100 and 100).
    A stored budget that today's rules refuse is mended by giving the fields it
    lacks. The merged budget is validated as a whole before it is stored.
    """
    given = BudgetFields(
        amount=amount,
        currency=currency,
        period=period,
        start=start,
        end=end,
        filters=filters,
        metric=metric,
        actual_thresholds=actual_thresholds,
        forecast_thresholds=forecast_thresholds,
        webhook=webhook,
    ).given()
    try:
        found = stored_budget(ledger, name)
        data = dict(found.fields) if isinstance(found, InvalidBudget) else found.model_dump()
    except UnknownNameError:
        missing = [f"--{k}" for k in NEW_BUDGET_NEEDS if k not in given]
        if missing:
            raise ControlError(
                f'budget "{name}" is new and needs {", ".join(missing)}.',
                hint="Example: infracast budget set NAME --amount 50000 --currency USD "
                "--start 2026-01.",
                field=missing[0].removeprefix("--"),
            ) from None
        data = {"name": name}
    data.update(given)
    budget = validate_budget(data, source=f'budget "{name}"')
    return BudgetChange(store_budget(ledger, budget), budget)


def load_budget_file(ledger: Ledger, path: str | Path) -> list[BudgetChange]:
    """Create or replace every budget of a YAML file (``budget load``): all or, on any error,
    none (:func:`~infracast.control.budgets.spec.load_budgets` reads it)."""
    budgets = load_budgets(path)
    actions = dict(set_budgets(ledger, budgets))
    return [BudgetChange(actions[b.name], b) for b in budgets]


def budget_team(budget: Budget | InvalidBudget) -> str | None:
    """The one team whose charges are the budget's whole scope, or None.

    A budget is team T's when its filters keep T's charges and no other team's: its
    ``team=`` filters (each keeps the teams it names) leave exactly T once its
    ``team!=`` filters are taken away. A budget without a team filter, or one that
    keeps several teams (``team=research,data``) or charges without a team
    (``team=(none)``), spans more than one team and is nobody's. A stored filter that
    does not parse (an :class:`InvalidBudget`'s) makes the budget nobody's too.
    """
    raw = budget.fields.get("filters") if isinstance(budget, InvalidBudget) else budget.filters
    try:
        parsed = parse_filters([str(f) for f in raw or ()])
    except InfracastError:
        return None
    kept: set[str | None] | None = None
    for f in parsed:
        if f.dimension == "team" and not f.negate:
            kept = set(f.values) if kept is None else kept & set(f.values)
    if kept is None:
        return None
    for f in parsed:
        if f.dimension == "team" and f.negate:
            kept -= set(f.values)
    return next(iter(kept)) if len(kept) == 1 else None


def list_budgets(ledger: Ledger, *, team: str | None = None) -> list[Budget | InvalidBudget]:
    """Every stored budget, by name; a row today's rules refuse is an :class:`InvalidBudget`.

    ``team``: only the budgets whose scope is that team's alone (:func:`budget_team`).
    """
    found = [_read(row) for row in store.rows(ledger.con)]
    return found if team is None else [b for b in found if budget_team(b) == team]


def stored_budget(ledger: Ledger, name: str, *, team: str | None = None) -> Budget | InvalidBudget:
    """The stored budget ``name``, valid or not; UnknownNameError (did-you-mean) if none.

    ``team``: a budget that is not that team's (:func:`budget_team`) is not found
    either, and the names suggested are the team's only, so the answer does not
    reveal that another team's budget of that name exists.
    """
    row = store.find(ledger.con, name)
    found = _read(row) if row is not None else None
    if found is None or (team is not None and budget_team(found) != team):
        if team is None:
            names = store.names(ledger.con)
            where, hint = "", _CREATE_HINT
        else:
            names = [b.name for b in list_budgets(ledger, team=team)]
            where = f" among team {team}'s budgets"
            hint = (
                f"Team {team}'s budgets are those whose filters keep its charges only "
                f"(team={team}); list them with infracast budget list."
            )
        raise UnknownNameError(
            f'no budget called "{name}"{where}.{did_you_mean(name, names)}', hint=hint
        )
    return found


def get_budget(ledger: Ledger, name: str) -> Budget:
    """The budget called ``name``; ControlError when there is none or it is invalid."""
    found = stored_budget(ledger, name)
    if isinstance(found, InvalidBudget):
        raise ControlError(
            f'budget "{name}" in the ledger is invalid: {found.problem}',
            hint=found.fix,
        )
    return found


def remove_budget(ledger: Ledger, name: str) -> Budget | InvalidBudget:
    """Delete the budget ``name``, valid or not (its alerts stay, as history); return it."""
    budget = stored_budget(ledger, name)
    store.delete(ledger.con, name)
    return budget
