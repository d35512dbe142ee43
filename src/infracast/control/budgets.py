"""Budgets in the ledger (table ``budgets``): store, read, list and remove them.

A budget is validated (:class:`~infracast.control.budget_spec.Budget`) before
it is stored. A stored row that today's rules refuse (written by an older
version, or by hand) is read as an :class:`InvalidBudget`: it is listed with
its problem, reported by ``budget status`` as ``invalid`` with the fix, can be
corrected with ``budget set`` and removed with ``budget remove``; nothing
that reads the table fails because of it.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infracast.control.budget_spec import Budget, budget_or_problems
from infracast.control.thresholds import fraction_to_pct, pct_to_fraction, plain_decimal
from infracast.errors import ControlError, did_you_mean
from infracast.ledger.records import utcnow

if TYPE_CHECKING:
    from datetime import datetime

    import duckdb

    from infracast.ledger.connection import Ledger

_COLUMNS = (
    "name",
    "amount",
    "currency",
    "period",
    "starts",
    "ends",
    "filters",
    "metric",
    "actual_thresholds",
    "forecast_thresholds",
    "webhook_url",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM budgets"
_CREATE_HINT = (
    "See the budgets with infracast budget list; create one with infracast budget "
    "set NAME --amount … --currency … --start …."
)


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


def _values(budget: Budget) -> list[Any]:
    return [
        budget.name,
        budget.amount,
        budget.currency,
        budget.period,
        budget.start,
        budget.end,
        list(budget.filters),
        budget.metric,
        [pct_to_fraction(p) for p in budget.actual_thresholds],
        [pct_to_fraction(p) for p in budget.forecast_thresholds],
        budget.webhook,
    ]


def _fields(row: Iterable[Any]) -> dict[str, Any]:
    v = dict(zip(_COLUMNS, row, strict=True))
    return {
        "name": v["name"],
        "amount": plain_decimal(v["amount"]),
        "currency": v["currency"],
        "period": v["period"],
        "start": v["starts"],
        "end": v["ends"],
        "filters": list(v["filters"] or ()),
        "metric": v["metric"],
        "actual_thresholds": [fraction_to_pct(f) for f in v["actual_thresholds"] or ()],
        "forecast_thresholds": [fraction_to_pct(f) for f in v["forecast_thresholds"] or ()],
        "webhook": v["webhook_url"],
    }


def _read(row: Iterable[Any]) -> Budget | InvalidBudget:
    fields = _fields(row)
    budget, problems = budget_or_problems(fields)
    if budget is not None:
        return budget
    return InvalidBudget(str(fields["name"]), fields, tuple(problems))


def _upsert(con: duckdb.DuckDBPyConnection, budget: Budget, now: datetime) -> str:
    row = con.execute(f"{_SELECT} WHERE name = ?", [budget.name]).fetchone()
    if row is None:
        con.execute(
            f"INSERT INTO budgets ({', '.join(_COLUMNS)}, created_at, updated_at) "
            f"VALUES ({', '.join('?' for _ in _COLUMNS)}, ?, ?)",
            [*_values(budget), now, now],
        )
        return "created"
    if _read(row) == budget:
        return "unchanged"
    assignments = ", ".join(f"{c} = ?" for c in _COLUMNS[1:])
    con.execute(
        f"UPDATE budgets SET {assignments}, updated_at = ? WHERE name = ?",
        [*_values(budget)[1:], now, budget.name],
    )
    # undelivered alerts follow the budget's webhook: a fixed URL reaches them, and
    # without a webhook they are no longer sent
    con.execute(
        "UPDATE alerts SET webhook_url = ? WHERE budget = ? "
        "AND delivery_status IN ('pending', 'failed')",
        [budget.webhook, budget.name],
    )
    return "updated"


def set_budget(ledger: Ledger, budget: Budget) -> str:
    """Create or replace ``budget`` (by name); return created, updated or unchanged."""
    with ledger.transaction() as con:
        return _upsert(con, budget, utcnow())


def set_budgets(ledger: Ledger, budgets: Iterable[Budget]) -> list[tuple[str, str]]:
    """Create or replace several budgets in one transaction: ``[(name, action), ...]``."""
    now = utcnow()
    with ledger.transaction() as con:
        return [(b.name, _upsert(con, b, now)) for b in budgets]


def list_budgets(ledger: Ledger) -> list[Budget | InvalidBudget]:
    """Every stored budget, by name; a row today's rules refuse is an :class:`InvalidBudget`."""
    return [_read(row) for row in ledger.con.execute(f"{_SELECT} ORDER BY name").fetchall()]


def stored_budget(ledger: Ledger, name: str) -> Budget | InvalidBudget:
    """The stored budget ``name``, valid or not; ControlError (with did-you-mean) if none."""
    row = ledger.con.execute(f"{_SELECT} WHERE name = ?", [name]).fetchone()
    if row is None:
        names = [r[0] for r in ledger.con.execute("SELECT name FROM budgets").fetchall()]
        raise ControlError(
            f'no budget called "{name}".{did_you_mean(name, names)}', hint=_CREATE_HINT
        )
    return _read(row)


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
    ledger.con.execute("DELETE FROM budgets WHERE name = ?", [name])
    return budget
