"""Total cost of ownership: lifecycle cost over N years, by year and cost category.

Undiscounted (net present value belongs to ``finance``). Three kinds of cost:

- **capex** (:class:`CapexItem`): a purchase with a useful life and a salvage
  value, shown two ways. *Cash*: the price in its month, the salvage back
  (negative) in the last month of its life when that falls inside the horizon.
  *Depreciation*: straight line, (price − salvage) / life months each month in
  service, to the cent (months differ by at most a cent and sum exactly).
- **opex streams** (:class:`OpexStream`): a monthly or yearly amount over a run
  of months, optionally escalating by a percentage each year of the stream
  (a yearly amount is spread over its 12 months).
- **one-offs** (:class:`OneOff`): one amount in one month.

Months are numbered from 1 (the horizon's first month); year ``y`` holds months
12·(y−1)+1 … 12·y (the last year may be cut short by ``months``). Over a
horizon that covers every purchase's whole life the two views have the same
total; otherwise they differ by exactly the residual book value of what is
still in service at the end (``total_cash − total_depreciation =
residual_book_value``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from infracast.errors import EstimateError, did_you_mean
from infracast.estimate.money import ZERO, cents, split_evenly
from infracast.vocabulary.cost_categories import COST_CATEGORIES


def check_category(value: str) -> str:
    """``value`` if it is one of the nine cost categories, else a ValueError with the list."""
    if value not in COST_CATEGORIES:
        raise ValueError(
            f"category {value!r} is not a cost category (one of {', '.join(COST_CATEGORIES)})."
            + did_you_mean(value, COST_CATEGORIES)
        )
    return value


Category = Annotated[str, AfterValidator(check_category)]

# The longest horizon and useful life: a century of months. Every month of a horizon or a
# life is an amount, so this also bounds the work.
MAX_HORIZON_MONTHS = 1200


class CapexItem(BaseModel):
    """A purchase: price, useful life, salvage at the end of life, month bought."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    amount: Decimal = Field(ge=0)
    life_months: int = Field(gt=0, le=MAX_HORIZON_MONTHS)
    salvage: Decimal = Field(default=Decimal(0), ge=0)
    month: int = Field(default=1, ge=1, description="month bought, 1 = the horizon's first")
    category: Category = "compute"

    @model_validator(mode="after")
    def _salvage_at_most_price(self) -> CapexItem:
        if self.salvage > self.amount:
            raise ValueError(f"salvage {self.salvage} is more than the price {self.amount}")
        return self

    @property
    def last_month(self) -> int:
        """The last month of the useful life."""
        return self.month + self.life_months - 1


class OpexStream(BaseModel):
    """A running cost: ``per_month`` or ``per_year`` from ``start_month`` for ``months``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    category: Category
    per_month: Decimal | None = Field(default=None, ge=0)
    per_year: Decimal | None = Field(default=None, ge=0)
    start_month: int = Field(default=1, ge=1)
    months: int | None = Field(default=None, gt=0, description="default: to the horizon's end")
    escalation_pct: Decimal = Field(
        default=Decimal(0), ge=-100, description="change per year of the stream, in percent"
    )

    @model_validator(mode="after")
    def _one_rate(self) -> OpexStream:
        if (self.per_month is None) == (self.per_year is None):
            raise ValueError(f"opex stream {self.name!r}: give per_month or per_year (one of them)")
        return self


class OneOff(BaseModel):
    """One amount in one month (negative for a credit or a sale)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    amount: Decimal
    month: int = Field(ge=1)
    category: Category


def _by_category(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    out = dict.fromkeys(COST_CATEGORIES, ZERO)
    for category, amount in amounts:
        out[category] += amount
    return out


@dataclass(frozen=True)
class TCOYear:
    """One year of the lifecycle, both capex views."""

    year: int
    first_month: int
    months: int  # 12, or fewer in a last year cut short by the horizon
    cash: Decimal
    depreciation: Decimal
    cash_by_category: dict[str, Decimal]
    depreciation_by_category: dict[str, Decimal]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "first_month": self.first_month,
            "months": self.months,
            "cash": self.cash,
            "depreciation": self.depreciation,
            "cash_by_category": {k: v for k, v in self.cash_by_category.items()},
            "depreciation_by_category": {k: v for k, v in self.depreciation_by_category.items()},
        }


@dataclass(frozen=True)
class TCO:
    """Lifecycle cost over ``years``: by year and category, capex as cash and as depreciation."""

    currency: str
    years: int
    months: int  # the horizon in months
    by_year: tuple[TCOYear, ...]
    total_cash: Decimal
    total_depreciation: Decimal
    cash_by_category: dict[str, Decimal]
    depreciation_by_category: dict[str, Decimal]
    residual_book_value: Decimal  # undepreciated capex still in service at the end
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, ``snake_case`` keys in a fixed order; amounts stay Decimal
        (the CLI writes them as exact JSON numbers)."""
        return {
            "currency": self.currency,
            "years": self.years,
            "months": self.months,
            "total_cash": self.total_cash,
            "total_depreciation": self.total_depreciation,
            "residual_book_value": self.residual_book_value,
            "cash_by_category": {k: v for k, v in self.cash_by_category.items()},
            "depreciation_by_category": {k: v for k, v in self.depreciation_by_category.items()},
            "by_year": [y.to_dict() for y in self.by_year],
            "assumptions": list(self.assumptions),
        }


# One amount of the lifecycle: (month, category, cash, depreciation view).
Entry = tuple[int, str, Decimal, Decimal]


def capex_entries(item: CapexItem, horizon: int, notes: list[str]) -> tuple[list[Entry], Decimal]:
    """(month, category, cash, depreciation) amounts of one purchase within ``horizon`` months,
    and its book value at the horizon's end (0 once sold); a note when it outlives the horizon.
    """
    out: list[Entry] = [(item.month, item.category, cents(item.amount), ZERO)]
    installments = split_evenly(item.amount - item.salvage, item.life_months)
    counted = ZERO
    for i, amount in enumerate(installments):
        month = item.month + i
        if month > horizon:
            break
        out.append((month, item.category, ZERO, amount))
        counted += amount
    if item.last_month <= horizon:
        if item.salvage:
            out.append((item.last_month, item.category, -cents(item.salvage), ZERO))
        return out, ZERO
    book = cents(item.amount) - counted
    notes.append(
        f"{item.name}: in service past the horizon (life ends in month {item.last_month}, "
        f"horizon {horizon}); its book value of {book} at the end is in the cash view, "
        "not in the depreciation view, and no salvage is counted."
    )
    return out, book


def _stream_entries(stream: OpexStream, horizon: int, notes: list[str]) -> list[Entry]:
    months = stream.months if stream.months is not None else horizon - stream.start_month + 1
    last = stream.start_month + months - 1
    if last > horizon:
        notes.append(
            f"{stream.name}: runs to month {last}, past the {horizon}-month horizon; "
            f"counted through month {horizon}."
        )
    growth = 1 + stream.escalation_pct / 100
    out: list[Entry] = []
    for i in range(min(months, horizon - stream.start_month + 1)):
        year, month_of_year = divmod(i, 12)
        factor = growth**year
        if stream.per_year is not None:
            amount = split_evenly(stream.per_year * factor, 12)[month_of_year]
        else:
            assert stream.per_month is not None
            amount = cents(stream.per_month * factor)
        out.append((stream.start_month + i, stream.category, amount, amount))
    return out


def tco(
    *,
    currency: str,
    years: int,
    capex: Iterable[CapexItem] = (),
    opex: Iterable[OpexStream] = (),
    one_offs: Iterable[OneOff] = (),
    months: int | None = None,
) -> TCO:
    """Lifecycle cost over ``years`` years, undiscounted, by year and cost category.

    ``months`` ends the horizon inside the last year (a 14-month project over
    ``years=2, months=14``); the last year then has fewer than 12 months.
    Every amount is rounded to the cent where it is made, so each total is the
    exact sum of what it groups. A purchase, stream or one-off that starts after
    the horizon is an error; one that runs past it is counted up to the horizon
    and the assumptions say so.
    """
    if not 1 <= years <= MAX_HORIZON_MONTHS // 12:
        raise EstimateError(
            f"the TCO horizon must be at least 1 year and at most {MAX_HORIZON_MONTHS // 12} "
            f"(got {years}).",
            hint=f"Give years as a whole number from 1 to {MAX_HORIZON_MONTHS // 12}; a project "
            "spec's horizon is set by its lifecycle_years (docs/project-budget.md).",
        )
    horizon = years * 12 if months is None else months
    if not 12 * (years - 1) < horizon <= 12 * years:
        raise EstimateError(
            f"a {horizon}-month horizon does not end in year {years}.",
            hint=f"Use years={max(1, -(-horizon // 12))} for {horizon} months.",
        )
    notes: list[str] = []
    entries: list[Entry] = []
    book = ZERO
    for item in capex:
        _within(item.name, item.month, horizon)
        item_entries, item_book = capex_entries(item, horizon, notes)
        entries += item_entries
        book += item_book
    for stream in opex:
        _within(stream.name, stream.start_month, horizon)
        entries += _stream_entries(stream, horizon, notes)
    for one in one_offs:
        _within(one.name, one.month, horizon)
        entries.append((one.month, one.category, cents(one.amount), cents(one.amount)))
    return _summarize(currency, years, horizon, entries, book, notes)


def _within(name: str, month: int, horizon: int) -> None:
    if month > horizon:
        raise EstimateError(
            f"{name} starts in month {month}, after the {horizon}-month horizon.",
            hint="Lengthen the horizon or move the item earlier.",
        )


def _summarize(
    currency: str, years: int, horizon: int, entries: list[Entry], book: Decimal, notes: list[str]
) -> TCO:
    by_year = []
    for year in range(1, years + 1):
        lo, hi = 12 * (year - 1) + 1, min(12 * year, horizon)
        inside = [e for e in entries if lo <= e[0] <= hi]
        cash = _by_category((c, v) for _, c, v, _ in inside)
        dep = _by_category((c, v) for _, c, _, v in inside)
        total_cash, total_dep = sum(cash.values(), ZERO), sum(dep.values(), ZERO)
        by_year.append(TCOYear(year, lo, hi - lo + 1, total_cash, total_dep, cash, dep))
    cash_total = _by_category((c, v) for _, c, v, _ in entries)
    dep_total = _by_category((c, v) for _, c, _, v in entries)
    assumptions = (
        "Undiscounted: every year's money counts the same (NPV is in finance).",
        "Depreciation is straight line, (price − salvage) / life months, to the cent "
        "(months differ by at most a cent and sum exactly); the cash view counts the price "
        "in the month bought and the salvage back in the last month of life.",
        *notes,
    )
    return TCO(
        currency=currency,
        years=years,
        months=horizon,
        by_year=tuple(by_year),
        total_cash=sum(cash_total.values(), ZERO),
        total_depreciation=sum(dep_total.values(), ZERO),
        cash_by_category=cash_total,
        depreciation_by_category=dep_total,
        residual_book_value=book,
        assumptions=assumptions,
    )
