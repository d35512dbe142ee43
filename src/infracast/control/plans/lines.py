"""Plans as planned charges by month, project and category; a project budget as a plan.

A :class:`Plan` is what ``infracast plan save`` stores: one :class:`PlanLine`
per calendar month, project, cost category and phase, each with the price
source and date it was made with. This module is pure. It holds the plan's
data, the month arithmetic, and :func:`plan_from_budget` (a
:class:`~infracast.estimate.ProjectBudget` as a plan);
:mod:`infracast.control.plans.estimates` turns estimates into plans with the
helpers here, and :mod:`infracast.control.plans.stored` stores them.

How the money is placed in months:

- project budget: each budget line (cost + contingency) in its month, months
  numbered from the spec's ``start`` (or from ``start=`` when given), summed by
  month × category × phase; a workload's lines carry its price source and date;
- training and fine-tuning: the chosen price option's total spread over the
  run's wall-clock hours from ``start``, pro rata by the hours that fall in each
  calendar month (``total × hours in month / wall-clock hours``, rounded so the
  months add up to the total exactly);
- serving: the option's monthly cost in each of ``months`` calendar months.

Energy is planned as its own ``energy`` lines only when asked (``energy=True``):
a rental price per accelerator-hour already pays for the power.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.amounts import AmountError, parse_number
from infracast.analytics.periods import parse_instant
from infracast.control._money import cents
from infracast.errors import ControlError, QueryError
from infracast.vocabulary import COST_CATEGORIES

if TYPE_CHECKING:
    from infracast.estimate import ProjectBudget

ZERO = Decimal("0.00")
_ESTIMATE_HINT = (
    "Use the JSON that infracast estimate training|finetune|inference --format json writes."
)


@dataclass(frozen=True)
class PlanLine:
    """Planned spend of one project in one calendar month, cost category and phase."""

    month: date  # the first day of the month
    project: str
    cost_category: str
    amount: Decimal
    currency: str
    phase: str | None = None
    price_source: str | None = None
    price_as_of: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": month_label(self.month),
            "project": self.project,
            "cost_category": self.cost_category,
            "phase": self.phase,
            "amount": self.amount,
            "currency": self.currency,
            "price_source": self.price_source,
            "price_as_of": self.price_as_of,
        }


@dataclass(frozen=True)
class Plan:
    """A saved estimate or budget: its planned charges and what they were made from.

    ``features`` are the estimate's inputs (params, tokens, accelerator, …) that
    become a training row for the learned estimator once the plan is finished.
    """

    name: str
    project: str
    source: str  # training | finetune | inference | project
    currency: str
    starts: date  # first day of the plan's first month
    lines: tuple[PlanLine, ...]
    description: str | None = None
    features: Mapping[str, Any] = field(default_factory=dict)
    spec: Mapping[str, Any] | None = None
    assumptions: tuple[str, ...] = ()
    status: str = "active"  # active | finished
    created_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def months(self) -> tuple[date, ...]:
        return tuple(sorted({line.month for line in self.lines}))

    def summary(self) -> dict[str, Any]:
        """The plan without its lines (``plan list``)."""
        months = self.months
        return {
            "plan": self.name,
            "project": self.project,
            "source": self.source,
            "status": self.status,
            "total": self.total,
            "currency": self.currency,
            "starts": month_label(self.starts),
            "ends": month_label(months[-1]) if months else month_label(self.starts),
            "months": len(months),
            "description": self.description,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``plan show``: the summary, features, assumptions and lines."""
        return {
            **self.summary(),
            "features": dict(self.features),
            "assumptions": list(self.assumptions),
            "lines": [line.to_dict() for line in self.lines],
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


# --- months -------------------------------------------------------------------------


def month_label(month: date) -> str:
    """``YYYY-MM`` of a date."""
    return f"{month.year:04d}-{month.month:02d}"


def first_of_month(value: date) -> date:
    return date(value.year, value.month, 1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, later: date) -> int:
    """Whole calendar months from ``first``'s month to ``later``'s (negative if earlier)."""
    return (later.year - first.year) * 12 + later.month - first.month


def parse_start(value: str | date | datetime, *, name: str = "start") -> datetime:
    """A UTC instant from ``2026-01`` (its first day), ``2026-01-15`` or a timestamp."""
    try:
        instant = parse_instant(value, name=name)
    except QueryError as exc:  # say it in the plan's words
        raise ControlError(
            f"{name} {value!r} is not a month or a date.",
            hint="Write it as YYYY-MM (the month's first day) or YYYY-MM-DD, e.g. --start 2026-01.",
        ) from exc
    assert instant is not None
    return instant


def split_by_weights(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` (to the cent) split in proportion to ``weights``; the parts sum to it exactly.

    Part i is round(total·W_i/W) − round(total·W_{i−1}/W) with W_i the running
    sum of the weights, so no cent is lost or made (as
    :func:`infracast.estimate.money.split_evenly`, with unequal weights).
    """
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        raise ValueError("the weights must add up to more than 0")
    total = cents(total)
    marks, running = [ZERO], Decimal(0)
    for weight in weights:
        running += weight
        marks.append(cents(total * running / whole))
    marks[-1] = total
    return [marks[i + 1] - marks[i] for i in range(len(weights))]


def hours_by_month(start: datetime, hours: float) -> list[tuple[date, Decimal]]:
    """The hours of ``[start, start + hours)`` that fall in each calendar month, in order."""
    end = start + timedelta(hours=hours)
    out: list[tuple[date, Decimal]] = []
    month = first_of_month(start.date())
    while True:
        lo = max(start, datetime(month.year, month.month, 1))
        nxt = add_months(month, 1)
        hi = min(end, datetime(nxt.year, nxt.month, 1))
        if hi > lo:
            out.append((month, _hours(hi - lo)))
        if hi >= end:
            return out
        month = nxt


def _hours(span: timedelta) -> Decimal:
    seconds = Decimal(span.days * 86_400 + span.seconds) + Decimal(span.microseconds) / 10**6
    return seconds / 3600


def as_decimal(value: Any, name: str = "amount") -> Decimal:
    """A number of an estimate's JSON (``name`` its key) as a plain Decimal of zero or more.

    Read by :func:`infracast.amounts.parse_number` (a float by its shortest repr,
    not its binary value); every decimal is kept, as the plan rounds to the cent
    where it places the money. Anything else is a ControlError naming the key.
    """
    try:
        return parse_number(value, name=name, allow_negative=False)
    except AmountError as exc:
        raise ControlError(f"the estimate's {exc.message}", hint=_ESTIMATE_HINT) from None


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- from a project budget ----------------------------------------------------------


def plan_from_budget(
    budget: ProjectBudget,
    *,
    name: str,
    project: str | None = None,
    start: str | date | datetime | None = None,
    description: str | None = None,
    spec: Mapping[str, Any] | None = None,
) -> Plan:
    """A plan of a project budget: its lines by month × category × phase, month k of the
    spec in the k-th calendar month from ``start`` (default: the spec's own start).

    ``project`` is the ``x_project`` its actual charges carry (default: the
    budget's project name). Each month's planned amount is the budget's
    ``by_month`` for it, contingency included.
    """
    tag = project_tag(project if project is not None else budget.project)
    spec_start = date.fromisoformat(f"{budget.start}-01")
    first = first_of_month(parse_start(start).date()) if start is not None else spec_start
    shift = months_between(spec_start, first)
    sources = {
        (w.phase, f"{w.kind}: {w.name}"): (w.price_source, w.price_as_of) for w in budget.workloads
    }
    amounts: dict[tuple[date, str, str], Decimal] = {}
    priced: dict[tuple[date, str, str], set[tuple[str, date | None]]] = {}
    for line in budget.lines:
        month = add_months(date.fromisoformat(f"{line.month}-01"), shift)
        key = (month, line.category, line.phase)
        amounts[key] = amounts.get(key, ZERO) + line.total
        source = sources.get((line.phase, line.item))
        if source is not None:
            priced.setdefault(key, set()).add(source)
    phases = {phase: i for i, phase in enumerate(budget.by_phase)}
    categories = {category: i for i, category in enumerate(COST_CATEGORIES)}
    lines = []
    for key in sorted(
        amounts, key=lambda k: (k[0], phases.get(k[2], 99), categories.get(k[1], 99), k)
    ):
        month, category, phase = key
        used = sorted(priced.get(key, set()), key=lambda s: (s[1] or date.max, s[0]))
        lines.append(
            PlanLine(
                month=month,
                project=tag,
                cost_category=category,
                amount=amounts[key],
                currency=budget.currency,
                phase=phase,
                price_source="; ".join(s for s, _ in used) or None,
                price_as_of=min((d for _, d in used if d is not None), default=None),
            )
        )
    notes = [
        f"Month 1 of the project spec is {month_label(first)}"
        + (f" (--start; the spec says {budget.start})." if shift else "."),
        "Each month holds the budget's lines for it, contingency included, summed by cost "
        "category and phase; a line with several priced workloads names every price and the "
        "oldest price date.",
    ]
    if project is None:
        notes.append(f"The actual charges are those tagged with project {tag!r} (the spec's name).")
    accelerator_hours = sum((w.accelerator_hours for w in budget.workloads), Decimal(0))
    features: dict[str, Any] = {
        "kind": "project",
        "months": budget.months,
        "workloads": len(budget.workloads),
        "accelerator_hours": float(accelerator_hours),
        **{f"planned_{c}": float(v) for c, v in budget.by_category.items() if v},
    }
    return Plan(
        name=plan_name(name),
        project=tag,
        source="project",
        currency=budget.currency,
        starts=first,
        lines=tuple(lines),
        description=description
        or f"project {budget.project}: {budget.months} months from {month_label(first)}",
        features=features,
        spec=spec if spec is not None else budget.to_dict(),
        assumptions=(*notes, *budget.assumptions),
    )


def plan_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise ControlError("a plan needs a name.", hint="E.g. infracast plan save atlas-pretrain …")
    return text


def project_tag(project: str) -> str:
    text = project.strip()
    if not text:
        raise ControlError(
            "a plan needs the project its charges are tagged with.",
            hint="Pass --project with the value of the charges' project tag (x_project).",
        )
    return text


def monthly_lines(
    months: Sequence[tuple[date, Decimal]],
    *,
    project: str,
    category: str,
    currency: str,
    price_source: str | None,
    price_as_of: date | None,
) -> list[PlanLine]:
    """One line per ``(month, amount)``, all in one category, with the price they came from."""
    return [
        PlanLine(month, project, category, amount, currency, None, price_source, price_as_of)
        for month, amount in months
    ]


def spread_over_hours(total: Decimal, start: datetime, hours: float) -> list[tuple[date, Decimal]]:
    """``total`` over the calendar months of ``[start, start + hours)``, pro rata by hours."""
    parts = hours_by_month(start, hours)
    amounts = split_by_weights(total, [h for _, h in parts])
    return [(month, amount) for (month, _), amount in zip(parts, amounts, strict=True)]


def each_month(amount: Decimal, start: date, months: int) -> list[tuple[date, Decimal]]:
    """``amount`` in each of ``months`` calendar months from ``start``'s month."""
    first = first_of_month(start)
    return [(add_months(first, k), cents(amount)) for k in range(months)]
