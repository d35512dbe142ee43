"""The monthly amounts of a project's costs, before contingency.

Each cost of a phase (or of the project as a whole) becomes one amount per
month, rounded to the cent where it is made (formulas in
:mod:`infracast.estimate._project`). Months are the project's, from 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from infracast.errors import EstimateError
from infracast.estimate._tco import CapexItem, capex_entries
from infracast.estimate.money import cents, split_evenly
from infracast.estimate.project_spec import (
    LicenceSpec,
    OperationSpec,
    PhaseSpec,
    ProjectSpec,
    PurchaseSpec,
    StorageSpec,
)

HALF = Decimal("0.5")


@dataclass(frozen=True)
class RawLine:
    """One item's amount in one month, before contingency."""

    phase: str  # by_phase key
    category: str
    item: str  # "people: ML engineer", "storage: datasets (hot)", …
    month: int  # of the project, from 1
    cost: Decimal
    contingent: bool  # False for purchases: a quoted price takes no contingency


@dataclass(frozen=True)
class Container:
    """A phase, or the whole project for project-wide items."""

    label: str  # "phase 'train'" or "the project"
    key: str  # by_phase key
    start: int  # first month, of the project
    months: int

    def span(self, start_month: int, duration: int | None, where: str) -> tuple[int, int]:
        """Absolute first month and length of an item that starts in this container's
        ``start_month`` (from 1) and lasts ``duration`` months (default: to the end)."""
        length = duration if duration is not None else self.months - start_month + 1
        if length <= 0 or start_month + length - 1 > self.months:
            end = start_month + (duration or 1) - 1
            raise EstimateError(
                f"{self.label}, {where}: runs months {start_month}–{end} of {self.label}, "
                f"which has {self.months} months.",
                hint="Months inside a phase count from its first month; shorten the item "
                "(start_month, duration_months) or lengthen the phase.",
            )
        return self.start + start_month - 1, length


def spread(
    box: Container, category: str, item: str, first: int, months: int, total: Decimal
) -> list[RawLine]:
    """``total`` spread evenly over ``months`` months from ``first``, to the cent."""
    if not total:
        return []
    parts = split_evenly(total, months)
    return [RawLine(box.key, category, item, first + i, part, True) for i, part in enumerate(parts)]


def cost_lines(
    holder: PhaseSpec | ProjectSpec, box: Container, horizon: int, capex_view: str
) -> tuple[list[RawLine], list[CapexItem]]:
    """The monthly amounts of a phase's (or the project's) people, licences, operations,
    storage, egress and purchases; and the purchases as capex items for the TCO."""
    out: list[RawLine] = []
    for n, person in enumerate(holder.people, start=1):
        first, months = box.span(person.start_month, person.duration_months, f"people #{n}")
        monthly = cents(person.fte * person.monthly_rate)
        label = f"people: {person.role}"
        out += [RawLine(box.key, "people", label, first + i, monthly, True) for i in range(months)]
    recurring: list[tuple[str, LicenceSpec | OperationSpec]] = [
        *((f"licences #{n}", x) for n, x in enumerate(holder.licences, start=1)),
        *((f"operations #{n}", x) for n, x in enumerate(holder.operations, start=1)),
    ]
    for where, contract in recurring:
        first, months = box.span(contract.start_month, contract.duration_months, where)
        label = f"{where.split()[0].removesuffix('s')}: {contract.name}"
        for month, amount in _recurring(contract.amount, contract.per, first, months):
            out.append(RawLine(box.key, contract.category, label, month, amount, True))
    for n, store in enumerate(holder.storage, start=1):
        out += _storage(store, box, f"storage #{n}")
    for n, flow in enumerate(holder.egress, start=1):
        first, months = box.span(flow.start_month, flow.duration_months, f"egress #{n}")
        for k in range(months):
            amount = cents((flow.tb_per_month + flow.growth_tb_per_month * k) * flow.price_per_tb)
            out.append(RawLine(box.key, "network", f"egress: {flow.name}", first + k, amount, True))
    items: list[CapexItem] = []
    for n, purchase in enumerate(holder.purchases, start=1):
        item = _capex(purchase, box, f"purchases #{n}")
        items.append(item)
        entries, _ = capex_entries(item, horizon, [])
        for month, category, cash, depreciation in entries:
            amount = cash if capex_view == "cash" else depreciation
            if amount:
                label = f"purchase: {purchase.name}"
                out.append(RawLine(box.key, category, label, month, amount, False))
    return out, items


def _recurring(amount: Decimal, per: str, first: int, months: int) -> Iterator[tuple[int, Decimal]]:
    """Month and amount of a licence or contract over its span."""
    if per == "one_time":
        yield first, cents(amount)
    elif per == "month":
        for i in range(months):
            yield first + i, cents(amount)
    else:  # a year's amount for every started year, spread over that year's months
        for year_start in range(0, months, 12):
            length = min(12, months - year_start)
            for i, part in enumerate(split_evenly(amount, length)):
                yield first + year_start + i, part


def _storage(store: StorageSpec, box: Container, where: str) -> list[RawLine]:
    """Month k (from 1) holds initial + growth × (k − ½) TB on average; each tier its share."""
    first, months = box.span(store.start_month, store.duration_months, where)
    out = []
    for tier in store.tier_list():
        label = f"storage: {store.name} ({tier.name})"
        for k in range(1, months + 1):
            tb = store.initial_tb + store.growth_tb_per_month * (k - HALF)
            amount = cents(tb * tier.share * tier.price_per_tb_month)
            out.append(RawLine(box.key, "storage", label, first + k - 1, amount, True))
    return out


def _capex(purchase: PurchaseSpec, box: Container, where: str) -> CapexItem:
    first, _ = box.span(purchase.month, 1, f"{where} ({purchase.name})")
    return CapexItem(
        name=purchase.name,
        amount=purchase.amount,
        life_months=int(purchase.life_years * 12),
        salvage=purchase.amount * purchase.salvage_pct / 100,
        month=first,
        category=purchase.category,
    )
