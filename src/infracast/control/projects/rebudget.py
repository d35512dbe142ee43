"""Re-budgeting: move budget from scopes that under-spend to scopes that will overrun.

A scope is a project (its BAC against its CPI-based EAC) or a task with its own
actuals (its planned cost against its EAC). A scope overruns by EAC − budget
when its EAC exceeds its budget, and can give BAC − EAC when its EAC is below
it. Budget moves only inside a group, so every group's total is unchanged:
the projects of one currency form a group, and the tasks with their own
actuals of one project form another. Scopes without an EAC yet (no actual cost
or no earned value) neither give nor take; a note names them.

Moves are chosen greedily: the largest overrun first, served by the largest
under-spends first, each move as large as it can be; what the under-spends
cannot cover is reported as a shortfall. These are suggestions: nothing in the
ledger changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.control.projects._earned_value import ZERO, EarnedValue
from infracast.control.projects.tracking import (
    as_of_date,
    earned_value,
    project_ids,
    stored_problems,
)

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


@dataclass(frozen=True)
class ScopeForecast:
    """A scope's budget and its estimate at completion (None: no EAC yet)."""

    scope: str
    level: str  # project | task
    currency: str
    budget: Decimal
    eac: Decimal | None

    @property
    def need(self) -> Decimal:
        """How much its EAC exceeds its budget (0 if it does not)."""
        return max(self.eac - self.budget, ZERO) if self.eac is not None else ZERO

    @property
    def surplus(self) -> Decimal:
        """How much its budget exceeds its EAC (0 if it does not)."""
        return max(self.budget - self.eac, ZERO) if self.eac is not None else ZERO


@dataclass(frozen=True)
class Move:
    """Move ``amount`` of budget from one scope to another of the same group."""

    level: str
    source: str
    target: str
    amount: Decimal
    currency: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "from": self.source,
            "to": self.target,
            "amount": self.amount,
            "currency": self.currency,
        }


@dataclass(frozen=True)
class Shortfall:
    """An overrun the group's under-spends cannot cover in full."""

    level: str
    scope: str
    currency: str
    need: Decimal
    covered: Decimal

    @property
    def uncovered(self) -> Decimal:
        return self.need - self.covered

    @property
    def message(self) -> str:
        others = "tasks of its project" if self.level == "task" else f"{self.currency} projects"
        return (
            f"{self.scope} needs {self.need:,.2f} {self.currency} more than its budget; the "
            f"under-spends of the other {others} cover {self.covered:,.2f}, so "
            f"{self.uncovered:,.2f} {self.currency} is not covered."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "scope": self.scope,
            "currency": self.currency,
            "need": self.need,
            "covered": self.covered,
            "uncovered": self.uncovered,
            "message": self.message,
        }


@dataclass(frozen=True)
class ScopeRow:
    """A scope with its budget now and the budget the moves suggest."""

    scope: str
    level: str
    currency: str
    budget: Decimal
    eac: Decimal | None
    variance: Decimal | None  # budget − EAC (VAC): negative is an overrun
    suggested_budget: Decimal

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Rebudget:
    """The suggested moves, the overruns they cannot cover, and every scope before and after."""

    as_of: date
    scopes: tuple[ScopeRow, ...]
    moves: tuple[Move, ...]
    shortfalls: tuple[Shortfall, ...]
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "moves": [m.to_dict() for m in self.moves],
            "shortfalls": [s.to_dict() for s in self.shortfalls],
            "scopes": [s.to_dict() for s in self.scopes],
            "notes": list(self.notes),
        }

    def to_json(self) -> dict[str, Any]:
        return self.to_dict()


def plan_moves(group: Sequence[ScopeForecast]) -> tuple[list[Move], list[Shortfall]]:
    """Moves inside one group (one level, one currency) that keep its total budget.

    Each overrun, largest first, takes from the under-spends, largest first, until it
    is covered or they are used up; an overrun not covered in full is a shortfall.
    """
    currencies = {s.currency for s in group}
    if len(currencies) > 1:
        raise ValueError(f"a group must be in one currency, got {sorted(currencies)}")
    overruns = sorted((s for s in group if s.need > 0), key=lambda s: (-s.need, s.scope))
    donors = sorted((s for s in group if s.surplus > 0), key=lambda s: (-s.surplus, s.scope))
    left = {d.scope: d.surplus for d in donors}
    moves: list[Move] = []
    shortfalls: list[Shortfall] = []
    for scope in overruns:
        need = scope.need
        for donor in donors:
            if need <= 0:
                break
            amount = min(left[donor.scope], need)
            if amount <= 0:
                continue
            left[donor.scope] -= amount
            need -= amount
            moves.append(Move(scope.level, donor.scope, scope.scope, amount, scope.currency))
        if need > 0:
            shortfalls.append(
                Shortfall(scope.level, scope.scope, scope.currency, scope.need, scope.need - need)
            )
    return moves, shortfalls


def suggest(groups: Iterable[Sequence[ScopeForecast]], as_of: date) -> Rebudget:
    """The moves and shortfalls of every group, and each scope's suggested budget."""
    moves: list[Move] = []
    shortfalls: list[Shortfall] = []
    scopes: list[ScopeForecast] = []
    notes: list[str] = []
    for group in groups:
        scopes.extend(group)
        group_moves, group_short = plan_moves(group)
        moves.extend(group_moves)
        shortfalls.extend(group_short)
    delta: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for move in moves:
        delta[move.source] -= move.amount
        delta[move.target] += move.amount
    rows = tuple(
        ScopeRow(
            scope=s.scope,
            level=s.level,
            currency=s.currency,
            budget=s.budget,
            eac=s.eac,
            variance=s.budget - s.eac if s.eac is not None else None,
            suggested_budget=s.budget + delta[s.scope],
        )
        for s in scopes
    )
    unknown = [s.scope for s in scopes if s.eac is None]
    if unknown:
        notes.append(
            f"No EAC yet (no actual cost or no earned value), so neither giving nor taking: "
            f"{', '.join(unknown)}."
        )
    if not any(s.need > 0 for s in scopes):
        notes.append("No scope is forecast to exceed its budget; nothing to move.")
    return Rebudget(as_of, rows, tuple(moves), tuple(shortfalls), tuple(notes))


def forecasts(earned: Sequence[EarnedValue]) -> list[list[ScopeForecast]]:
    """The groups of scopes: projects by currency, then each project's tasks with own actuals."""
    by_currency: dict[str, list[ScopeForecast]] = defaultdict(list)
    task_groups: list[list[ScopeForecast]] = []
    for ev in earned:
        m = ev.metrics
        project = ScopeForecast(ev.project, "project", m.currency, m.bac, m.eac)
        by_currency[m.currency].append(project)
        tasks = [
            ScopeForecast(f"{ev.project}/{t.task}", "task", m.currency, t.planned_cost, t.eac)
            for t in ev.tasks
            if t.ac is not None
        ]
        if tasks:
            task_groups.append(tasks)
    return [by_currency[c] for c in sorted(by_currency)] + task_groups


def rebudget_suggestions(
    ledger: Ledger, as_of: str | date | None = None, projects: Sequence[str] | None = None
) -> Rebudget:
    """Suggested budget moves among the tracked projects (or ``projects``) and their tasks."""
    day = as_of_date(as_of)
    if projects:
        names, invalid = list(projects), []
    else:
        every = project_ids(ledger)
        invalid = [p for p in every if stored_problems(ledger, p)]
        names = [p for p in every if p not in invalid]
    result = suggest(forecasts([earned_value(ledger, p, day) for p in names]), day)
    if not invalid:
        return result
    note = (
        f"Invalid stored projects left out: {', '.join(invalid)} (infracast project list "
        "says why; add them again from their files, or remove them)."
    )
    return replace(result, notes=(*result.notes, note))
