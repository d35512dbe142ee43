"""Periodic cash flows: revenue R(t) and cost C(t), each split direct and indirect.

The benefit of a period is E(t) = R(t) − C(t). Amounts are Decimal in one
currency (or ``None`` when no currency was given); costs and revenues are
amounts, written positive. Periods are consecutive: a period missing between
the first and the last is added with zero amounts, and the series says so in
its ``assumptions``. The first period is t = 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from infracast.errors import FinanceError
from infracast.finance.periods import Unit, check_unit, label, parse_label

ZERO = Decimal(0)
COLUMNS: tuple[str, ...] = ("revenue_direct", "revenue_indirect", "cost_direct", "cost_indirect")
# Scale factors a model may apply: each multiplies the columns it names.
FACTORS: dict[str, tuple[str, ...]] = {
    "revenue": ("revenue_direct", "revenue_indirect"),
    "revenue_direct": ("revenue_direct",),
    "revenue_indirect": ("revenue_indirect",),
    "cost": ("cost_direct", "cost_indirect"),
    "cost_direct": ("cost_direct",),
    "cost_indirect": ("cost_indirect",),
}


@dataclass(frozen=True)
class CashFlow:
    """One period's revenue and cost, direct and indirect."""

    period: str
    revenue_direct: Decimal = ZERO
    revenue_indirect: Decimal = ZERO
    cost_direct: Decimal = ZERO
    cost_indirect: Decimal = ZERO

    @property
    def revenue(self) -> Decimal:
        """R(t) = direct + indirect revenue."""
        return self.revenue_direct + self.revenue_indirect

    @property
    def cost(self) -> Decimal:
        """C(t) = direct + indirect cost."""
        return self.cost_direct + self.cost_indirect

    @property
    def benefit(self) -> Decimal:
        """E(t) = R(t) − C(t)."""
        return self.revenue - self.cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "revenue_direct": self.revenue_direct,
            "revenue_indirect": self.revenue_indirect,
            "cost_direct": self.cost_direct,
            "cost_indirect": self.cost_indirect,
            "revenue": self.revenue,
            "cost": self.cost,
            "benefit": self.benefit,
        }


@dataclass(frozen=True)
class CashFlows:
    """A consecutive series of :class:`CashFlow` in one currency and one period unit."""

    flows: tuple[CashFlow, ...]
    currency: str | None = None
    unit: Unit = "period"
    source: str = "cash flows"
    assumptions: tuple[str, ...] = field(default=())

    @property
    def periods(self) -> list[str]:
        return [f.period for f in self.flows]

    def column(self, name: str) -> list[Decimal]:
        """The amounts of one column (``revenue``, ``cost``, ``benefit`` or a split column)."""
        return [getattr(f, name) for f in self.flows]

    @property
    def total_revenue(self) -> Decimal:
        return sum(self.column("revenue"), ZERO)

    @property
    def total_cost(self) -> Decimal:
        return sum(self.column("cost"), ZERO)

    def scaled(self, factors: Mapping[str, Decimal]) -> CashFlows:
        """Every column multiplied by the factors that name it (``cost`` scales both costs)."""
        scale = dict.fromkeys(COLUMNS, Decimal(1))
        for name, factor in factors.items():
            for col in FACTORS[name]:
                scale[col] *= factor
        flows = tuple(
            replace(f, **{col: getattr(f, col) * scale[col] for col in COLUMNS}) for f in self.flows
        )
        return replace(self, flows=flows)

    def to_rows(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.flows]

    def to_json(self) -> dict[str, Any]:
        """What ``infracast finance cashflows --format json`` prints: the series, period by
        period, with its source, currency, period unit and assumptions."""
        return {
            "source": self.source,
            "currency": self.currency,
            "period_unit": self.unit,
            "cashflows": self.to_rows(),
            "assumptions": list(self.assumptions),
        }

    def to_csv_rows(self) -> list[dict[str, Any]]:
        """Rows of the cash-flow CSV (``period``, the split columns and, when the series has
        one, ``currency``): what :func:`~infracast.finance.parse_cashflows_csv` reads back."""
        currency = {"currency": self.currency} if self.currency else {}
        return [
            {"period": f.period, **{col: getattr(f, col) for col in COLUMNS}, **currency}
            for f in self.flows
        ]

    @classmethod
    def from_amounts(
        cls,
        amounts: Mapping[str, Mapping[str, Decimal]],
        *,
        currency: str | None,
        source: str,
        assumptions: Iterable[str] = (),
    ) -> CashFlows:
        """A series from ``{period label: {column: amount}}`` (columns: ``revenue_direct``,
        ``revenue_indirect``, ``cost_direct``, ``cost_indirect``; an absent one is zero),
        sorted, with missing periods as zeros and said so in its assumptions."""
        return build(amounts, currency=currency, source=source, assumptions=assumptions)


def build(
    amounts: Mapping[str, Mapping[str, Decimal]],
    *,
    currency: str | None,
    source: str,
    assumptions: Iterable[str] = (),
) -> CashFlows:
    """A series from ``{period label: {column: amount}}``: sorted, gaps filled with zeros."""
    if not amounts:
        raise FinanceError(
            f"{source} holds no periods.", hint="Give at least one period with a revenue or cost."
        )
    parsed = {parse_label(p, where=source): values for p, values in amounts.items()}
    unit = check_unit({u for u, _ in parsed}, source)
    by_ordinal = {ordinal: values for (_, ordinal), values in parsed.items()}
    first, last = min(by_ordinal), max(by_ordinal)
    missing = [label(unit, o) for o in range(first, last + 1) if o not in by_ordinal]
    flows = tuple(
        CashFlow(
            period=label(unit, o),
            **{col: Decimal(by_ordinal.get(o, {}).get(col, ZERO)) for col in COLUMNS},
        )
        for o in range(first, last + 1)
    )
    notes = list(assumptions)
    if missing:
        shown = ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "")
        notes.append(f"{len(missing)} period(s) with no amounts counted as zero: {shown}.")
    return CashFlows(flows, currency, unit, source, tuple(notes))


def combine(first: CashFlows, second: CashFlows, *, source: str | None = None) -> CashFlows:
    """The two series added period by period (the union of their periods, gaps filled).

    Both must be in the same currency (or one without a currency) and the same unit.
    """
    if first.currency and second.currency and first.currency != second.currency:
        raise FinanceError(
            f"{first.source} is in {first.currency} but {second.source} is in "
            f"{second.currency}; infracast never adds amounts in different currencies.",
            hint="Convert one of them first, so both are in the same currency.",
        )
    if first.unit != second.unit:
        raise FinanceError(
            f"{first.source} is by {first.unit} but {second.source} is by {second.unit}.",
            hint="Give both with the same periods (months as 2026-03, years as 2026).",
        )
    amounts: dict[str, dict[str, Decimal]] = {}
    for series in (first, second):
        for f in series.flows:
            row = amounts.setdefault(f.period, dict.fromkeys(COLUMNS, ZERO))
            for col in COLUMNS:
                row[col] += getattr(f, col)
    return build(
        amounts,
        currency=first.currency or second.currency,
        source=source or f"{first.source} + {second.source}",
        assumptions=(*first.assumptions, *second.assumptions),
    )
