"""Plan against actual: planned charges beside what the ledger says was spent.

    actual     = Σ EffectiveCost of the charges whose x_project is the plan's project,
                 by calendar month of ChargePeriodStart and x_cost_category
    variance   = actual − planned            (positive: over plan)
    variance % = variance / planned × 100    (none where nothing was planned)

Rows are by any of ``project``, ``month`` and ``category`` and always by
currency: a key with actual spend but no plan (or a plan but no spend) is a
row with 0 on the other side, never dropped, and charges in a currency other
than the plan's are rows of their own, never added to it. With ``as_of``,
actuals are the charges that start before it and the plan counts to date:
whole months before it, the month it falls in pro rata by time elapsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.analytics.actuals import charged_projects, project_actuals
from infracast.analytics.periods import Instant, parse_instant
from infracast.control._money import cents, money
from infracast.control.exceptions import UnknownNameError
from infracast.control.plans.lines import Plan, PlanLine, add_months, month_label
from infracast.control.plans.stored import list_plans, show_plan
from infracast.errors import ControlError, did_you_mean

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

DIMENSIONS: tuple[str, ...] = ("project", "month", "category")
_ALIASES = {"cost_category": "category"}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ActualAmount:
    """Effective cost of one project in one month and category, in one currency."""

    project: str | None
    month: date
    category: str | None
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class VarianceRow:
    """Planned and actual for one key (the ``by`` values) in one currency."""

    key: tuple[tuple[str, str | None], ...]  # (dimension, value) in the order of ``by``
    currency: str
    planned: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.planned

    @property
    def variance_pct(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.variance / self.planned * 100).quantize(Decimal("0.1"))

    def to_dict(self) -> dict[str, Any]:
        return {
            **dict(self.key),
            "planned": self.planned,
            "actual": self.actual,
            "variance": self.variance,
            "variance_pct": self.variance_pct,
            "currency": self.currency,
        }


@dataclass(frozen=True)
class PlanComparison:
    """The rows of ``plan compare``, the totals per currency, and what to know about them."""

    plans: tuple[str, ...]
    projects: tuple[str, ...]
    by: tuple[str, ...]
    as_of: datetime | None
    rows: tuple[VarianceRow, ...]
    totals: tuple[VarianceRow, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plans": list(self.plans),
            "projects": list(self.projects),
            "by": list(self.by),
            "as_of": self.as_of,
            "rows": [r.to_dict() for r in self.rows],
            "totals": [r.to_dict() for r in self.totals],
            "notes": list(self.notes),
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def check_by(by: Sequence[str] | str) -> tuple[str, ...]:
    """``project``, ``month`` and ``category`` (or ``cost_category``), in the order given."""
    items = by.split(",") if isinstance(by, str) else list(by)
    out: list[str] = []
    for raw in items:
        name = _ALIASES.get(raw.strip(), raw.strip())
        if not name:
            continue
        if name not in DIMENSIONS:
            raise ControlError(
                f"plan compare cannot split by {raw.strip()!r}.{did_you_mean(name, DIMENSIONS)}",
                hint="Use any of project, month, category (--by project,month,category).",
            )
        if name not in out:
            out.append(name)
    return tuple(out)


def planned_to_date(
    lines: Iterable[PlanLine], as_of: datetime | None
) -> tuple[list[PlanLine], list[str]]:
    """The lines as planned up to ``as_of``: months before it whole, its own month pro rata
    by time elapsed (rounded to the cent), later months left out."""
    kept = list(lines)
    if as_of is None:
        return kept, []
    out, notes = [], set()
    for line in kept:
        start = datetime(line.month.year, line.month.month, 1)
        nxt = add_months(line.month, 1)
        end = datetime(nxt.year, nxt.month, 1)
        if end <= as_of:
            out.append(line)
        elif start < as_of:
            share = Decimal((as_of - start).total_seconds()) / Decimal(
                (end - start).total_seconds()
            )
            out.append(_with_amount(line, cents(line.amount * share)))
            days = (as_of - start).total_seconds() / 86_400
            notes.add(
                f"The plan for {month_label(line.month)} counts {days:g} of its "
                f"{(end - start).days} days (to {as_of.isoformat(sep=' ')})."
            )
    return out, sorted(notes)


def _with_amount(line: PlanLine, amount: Decimal) -> PlanLine:
    return PlanLine(
        line.month,
        line.project,
        line.cost_category,
        amount,
        line.currency,
        line.phase,
        line.price_source,
        line.price_as_of,
    )


def compare(
    planned: Iterable[PlanLine], actual: Iterable[ActualAmount], by: Sequence[str]
) -> tuple[list[VarianceRow], list[VarianceRow]]:
    """Rows by ``by`` and currency (a key on either side is a row), and totals by currency."""
    dims = check_by(by)
    sums: dict[tuple[tuple[str | None, ...], str], list[Decimal]] = {}

    def add(
        project: str | None,
        month: date,
        category: str | None,
        currency: str,
        slot: int,
        amount: Decimal,
    ) -> None:
        values = {"project": project, "month": month_label(month), "category": category}
        key = (tuple(values[d] for d in dims), currency)
        sums.setdefault(key, [ZERO, ZERO])[slot] += amount

    for line in planned:
        add(line.project, line.month, line.cost_category, line.currency, 0, line.amount)
    for spent in actual:
        add(spent.project, spent.month, spent.category, spent.currency, 1, spent.amount)
    order = sorted(sums, key=lambda k: (tuple((v is None, v or "") for v in k[0]), k[1]))
    rows = [VarianceRow(tuple(zip(dims, k[0], strict=True)), k[1], *sums[k]) for k in order]
    totals: dict[str, list[Decimal]] = {}
    for row in rows:
        pair = totals.setdefault(row.currency, [ZERO, ZERO])
        pair[0] += row.planned
        pair[1] += row.actual
    return rows, [VarianceRow((), c, *totals[c]) for c in sorted(totals)]


def actual_amounts(
    ledger: Ledger, projects: Sequence[str], as_of: datetime | None = None
) -> list[ActualAmount]:
    """Effective cost of the ``projects`` by project, month and category, before ``as_of``."""
    rows = project_actuals(ledger, projects, end=as_of)
    return [
        ActualAmount(
            project=r["project"],
            month=date.fromisoformat(str(r["month"])[:10]),
            category=r["cost_category"],
            currency=r["currency"],
            amount=money(r["effective_cost"]),
        )
        for r in rows
    ]


def compare_plans(
    ledger: Ledger,
    name: str | None = None,
    *,
    project: str | None = None,
    by: Sequence[str] | str = DIMENSIONS,
    as_of: Instant | None = None,
) -> PlanComparison:
    """Plan against actual for the plan ``name``, every plan of ``project``, or every plan."""
    dims = check_by(by)
    cutoff = parse_instant(as_of, name="as_of")
    plans = _chosen(ledger, name, project)
    projects = tuple(dict.fromkeys(p.project for p in plans))
    planned, notes = planned_to_date((line for p in plans for line in p.lines), cutoff)
    actual = actual_amounts(ledger, projects, cutoff)
    rows, totals = compare(planned, actual, dims)
    notes += _notes(ledger, plans, actual)
    return PlanComparison(
        plans=tuple(p.name for p in plans),
        projects=projects,
        by=dims,
        as_of=cutoff,
        rows=tuple(rows),
        totals=tuple(totals),
        notes=tuple(notes),
    )


def _chosen(ledger: Ledger, name: str | None, project: str | None) -> list[Plan]:
    if name is not None and project is not None:
        raise ControlError(
            "name a plan or a project, not both.",
            hint="infracast plan compare NAME, or infracast plan compare --project P.",
        )
    if name is not None:
        return [show_plan(ledger, name)]
    plans = list_plans(ledger, project=project)
    if not plans:
        known = sorted({p.project for p in list_plans(ledger)})
        if project is not None and known:
            raise UnknownNameError(
                f"no plan for project {project!r}." + did_you_mean(project, known),
                hint=f"Projects with plans: {', '.join(known)} (infracast plan list shows "
                "the plans).",
            )
        raise ControlError(
            "there are no plans to compare.",
            hint="Save one first: infracast plan save NAME --estimate FILE.json --project P "
            "--start YYYY-MM (or --project-spec FILE.yaml).",
        )
    return plans


def _notes(ledger: Ledger, plans: Sequence[Plan], actual: Sequence[ActualAmount]) -> list[str]:
    notes = []
    by_project: dict[str, list[str]] = {}
    for p in plans:
        by_project.setdefault(p.project, []).append(p.name)
    for project, names in by_project.items():
        if len(names) > 1:
            notes.append(
                f"Plans {', '.join(names)} share project {project!r}: its actuals are compared "
                "with their planned charges added together."
            )
    spent = {a.project for a in actual}
    for project in by_project:
        if project not in spent:
            notes.append(
                f"No charges carry project {project!r} yet."
                + did_you_mean(project, charged_projects(ledger))
            )
    currencies = {p.currency for p in plans}
    other = sorted({a.currency for a in actual} - currencies)
    if other:
        notes.append(
            f"Charges in {', '.join(other)} are rows of their own: amounts in different "
            "currencies are never added."
        )
    return notes
