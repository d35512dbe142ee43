"""The loop closed: finished plans become training rows for the learned estimator.

One row per finished plan: ``plan``, ``project``, the features saved with the
plan (params, tokens, accelerator, accelerator-hours, …), ``planned_cost`` and
``actual_cost`` (Σ EffectiveCost of the charges tagged with its project), the
target ``infracast estimate learned FILE.csv`` fits on by default.

A plan gives no row, and says why in the notes, when its actual cost cannot be
told: no charges carry its project, some of them are in another currency, or
another plan shares its project. Every row is in one currency. Columns whose
value is the same in every row are left out (a constant cannot explain a
cost, and the learned estimator refuses one), and so is said in the notes.
With ``append``, the rows already in the file stay, and a plan already there
(by name) is replaced by its row from the ledger.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.analytics.actuals import project_actuals
from infracast.control._money import money
from infracast.control.plans.lines import Plan
from infracast.control.plans.stored import list_plans
from infracast.errors import ControlError

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

TARGET = "actual_cost"
PLANNED = "planned_cost"
IDENTIFIERS: tuple[str, ...] = ("plan", "project")


@dataclass(frozen=True)
class Feedback:
    """What ``plan feedback`` wrote: the file's rows and columns, and what to know about them."""

    path: Path | None
    currency: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]  # every row of the file, ledger rows included
    added: tuple[str, ...]  # plans whose row came from the ledger this time
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": None if self.path is None else str(self.path),
            "currency": self.currency,
            "columns": list(self.columns),
            "rows": [dict(r) for r in self.rows],
            "added": list(self.added),
            "notes": list(self.notes),
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def training_row(plan: Plan, actual: Decimal) -> dict[str, Any]:
    """A finished plan as a training row: identifiers, features, planned and actual cost."""
    reserved = {*IDENTIFIERS, PLANNED, TARGET}
    features = {k: v for k, v in plan.features.items() if k not in reserved}
    return {
        "plan": plan.name,
        "project": plan.project,
        **features,
        PLANNED: plan.total,
        TARGET: actual,
    }


def merge_rows(
    existing: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """``existing`` then ``new``, one row per plan name: a new row replaces an old one in place."""
    merged: dict[str, dict[str, Any]] = {}
    unnamed: list[dict[str, Any]] = []
    for row in [*existing, *new]:
        name = str(row.get("plan") or "").strip()
        if name:
            merged[name] = dict(row)
        else:
            unnamed.append(dict(row))
    return [*merged.values(), *unnamed]


def varying_columns(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """The columns to write (identifiers and costs always; others only where values differ),
    and a note for each column left out because it is the same in every row."""
    names = list(dict.fromkeys(k for r in rows for k in r if k not in (PLANNED, TARGET)))
    kept, notes = [], []
    for name in names:
        values = {_text(r.get(name)) for r in rows} - {""}
        if name in IDENTIFIERS or len(values) > 1:
            kept.append(name)
        elif values:
            notes.append(
                f"{name} is {next(iter(values))!r} in every row: left out (a constant cannot "
                "explain a cost)."
            )
    return [*kept, PLANNED, TARGET], notes


def feedback_rows(
    ledger: Ledger, *, currency: str | None = None
) -> tuple[list[dict[str, Any]], str, list[str]]:
    """The training rows of the ledger's finished plans in ``currency``, the currency, notes."""
    finished = list_plans(ledger, status="finished")
    if not finished:
        raise ControlError(
            "no plan is finished, so there is no actual cost to learn from.",
            hint="Mark a plan finished once its charges are in: infracast plan finish NAME.",
        )
    currencies = sorted({p.currency for p in finished})
    if currency is None and len(currencies) > 1:
        raise ControlError(
            f"the finished plans are in {', '.join(currencies)}; one file holds one currency.",
            hint=f"Pass --currency {currencies[0]} (one file per currency).",
        )
    chosen = (currency or currencies[0]).upper()
    notes = [
        f"Plan {p.name} is in {p.currency}, not {chosen}: left out."
        for p in finished
        if p.currency != chosen
    ]
    everyone = list_plans(ledger)
    sharing: dict[str, list[str]] = {}
    for p in everyone:
        sharing.setdefault(p.project, []).append(p.name)
    spent = _actuals(ledger, sorted({p.project for p in finished}))
    rows = []
    for plan in (p for p in finished if p.currency == chosen):
        others = [n for n in sharing[plan.project] if n != plan.name]
        amounts = spent.get(plan.project, {})
        foreign = sorted(c for c in amounts if c != chosen)
        actual = amounts.get(chosen, Decimal(0))
        if others:
            notes.append(
                f"Plan {plan.name} shares project {plan.project!r} with {', '.join(others)}: "
                "its actual cost cannot be told apart, so it is left out (tag each run with "
                "its own project)."
            )
        elif foreign:
            notes.append(
                f"Plan {plan.name}: some charges of project {plan.project!r} are in "
                f"{', '.join(foreign)}, which cannot be added to {chosen}; left out."
            )
        elif actual <= 0:
            notes.append(
                f"Plan {plan.name}: no charges carry project {plan.project!r} (actual cost "
                f"{actual}); left out."
            )
        else:
            rows.append(training_row(plan, actual))
    return rows, chosen, notes


def _actuals(ledger: Ledger, projects: Sequence[str]) -> dict[str, dict[str, Decimal]]:
    """Σ EffectiveCost of each project, by currency."""
    out: dict[str, dict[str, Decimal]] = {}
    for r in project_actuals(ledger, projects, by=["project"]):
        out.setdefault(r["project"], {})[r["currency"]] = money(r["effective_cost"])
    return out


def plan_feedback(
    ledger: Ledger, out: Path | str, *, append: bool = False, currency: str | None = None
) -> Feedback:
    """Write the finished plans' training rows to the CSV ``out`` (see the module docstring)."""
    path = Path(out)
    if not path.parent.exists():
        raise ControlError(
            f"cannot write {path}: folder {path.parent} does not exist.",
            hint="Create the folder or choose another --out path.",
        )
    new, chosen, notes = feedback_rows(ledger, currency=currency)
    existing = read_feedback(path) if append and path.exists() else []
    rows = merge_rows(existing, new)
    replaced = {str(r.get("plan")) for r in existing} & {r["plan"] for r in new}
    if replaced:
        notes.append(
            f"{len(replaced)} plan(s) already in {path.name} were replaced by their row from "
            f"the ledger: {', '.join(sorted(replaced))}."
        )
    if not rows:
        raise ControlError(
            "no finished plan has an actual cost to learn from: " + " ".join(notes),
            hint="A finished plan gives a row once charges tagged with its project are in "
            "the ledger, all in the plan's currency, and no other plan shares its project.",
        )
    columns, dropped = varying_columns(rows)
    _write(path, columns, rows)
    return Feedback(
        path=path,
        currency=chosen,
        columns=tuple(columns),
        rows=tuple({c: r.get(c) for c in columns} for r in rows),
        added=tuple(r["plan"] for r in new),
        notes=tuple(notes + dropped),
    )


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """The rows of a feedback CSV (text values; empty cells left out)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or "plan" not in reader.fieldnames:
                raise ControlError(
                    f"{path} has no plan column, so its rows cannot be matched to plans.",
                    hint="Append only to a file written by infracast plan feedback, or write "
                    "a new one (without --append).",
                )
            return [{k: v for k, v in r.items() if k and v not in (None, "")} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ControlError(
            f"cannot read {path}: {exc}",
            hint="Append only to a CSV written by infracast plan feedback (UTF-8), or write a "
            "new one without --append.",
            file=path,
        ) from exc


def _write(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(row.get(c)) for c in columns])
    os.replace(partial, path)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, float):
        return repr(value)
    return str(value)
