"""What moved a period's cost: the drill-down behind a flagged anomaly.

For a period P (a day, week or month) and a baseline of the ``baseline`` periods
just before it, every value v of a dimension d (team, service, SKU, region,
resource …) gets

- ``current`` = cost of v in P, ``expected`` = mean cost of v per baseline period,
- ``change`` = current − expected, and
- ``share`` = change / (total current − total expected): the part of the whole
  period's change that v explains (shares of one dimension add up to 1 over all
  its values; a value moving against the total has a negative share).

:func:`change_drivers` returns the largest changes across the dimensions asked,
so a jump in spend reads as "team research +2,850 (113%), service Virtual Machines
+2,890 (115%), region eastus +2,890 (115%)" (a share above 100% means the rest of
the spend fell). Costs in other currencies than the
period's main one are left out and said so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis

from infracast.analytics.dimensions import check_dimensions, dimension
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant, Period, check_grain, parse_period, previous
from infracast.analytics.scope import cost_column, in_scope, to_rows, to_value
from infracast.errors import QueryError

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

DRIVER_DIMENSIONS: tuple[str, ...] = ("team", "service", "sku", "region", "resource")


@dataclass(frozen=True)
class Drivers:
    """The change of one period against its baseline, and the values that moved it."""

    period: Period
    baseline: Period  # the baseline periods together: [first start, last end)
    currency: str | None
    current: float
    expected: float
    drivers: list[dict[str, Any]]  # dimension, value, change, share, current, expected
    notes: list[str] = field(default_factory=list)

    @property
    def change(self) -> float:
        return self.current - self.expected

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period.label,
            "baseline_start": self.baseline.start.isoformat(),
            "baseline_end": self.baseline.end.isoformat(),
            "currency": self.currency,
            "current": self.current,
            "expected": self.expected,
            "change": self.change,
            "drivers": self.drivers,
            "notes": self.notes,
        }


def change_drivers(
    ledger: Ledger,
    at: Instant,
    grain: str = "day",
    by: Sequence[str] | str = DRIVER_DIMENSIONS,
    baseline: int = 7,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
    top: int = 3,
) -> Drivers:
    """For each of the ``by`` dimensions, the ``top`` values that changed the cost of the
    ``grain`` period holding ``at`` most against the mean of the ``baseline`` periods
    before it (see the module's formulas); largest change first."""
    step = check_grain(grain)
    names = check_dimensions(by)
    if baseline < 1:
        raise QueryError(
            f"baseline must be at least 1 period, not {baseline}.",
            hint="baseline counts the periods before the one explained: 7 days is a week.",
        )
    period = parse_period(at, step)
    first = period
    for _ in range(baseline):
        first = previous(first, step)
    base = Period(first.start, period.start)
    charges = ledger.ibis().table("charges")
    scoped = in_scope(charges, base.start, period.end, filters)
    notes: list[str] = []
    currency = _main_currency(scoped, period)
    if currency is not None:
        if to_value(scoped.filter(scoped.BillingCurrency != currency).count()):
            notes.append(f"charges in other currencies than {currency} are left out")
        scoped = scoped.filter(scoped.BillingCurrency == currency)
    cost = cost_column(scoped, basis).cast("float64")
    in_period = scoped.ChargePeriodStart >= ibis.literal(period.start)
    now = ibis.ifelse(in_period, cost, 0.0)
    before = ibis.ifelse(in_period, 0.0, cost) / baseline
    totals = to_rows(scoped.aggregate(current=now.sum(), expected=before.sum()))[0]
    current = float(totals["current"] or 0.0)
    expected = float(totals["expected"] or 0.0)
    whole = current - expected
    found: list[dict[str, Any]] = []
    for name in names:
        grouped = scoped.group_by(value=dimension(scoped, name))
        out = grouped.aggregate(current=now.sum(), expected=before.sum())
        out = out.mutate(change=out.current - out.expected)
        out = out.order_by(ibis.desc(out.change.abs())).limit(top)
        for row in to_rows(out):
            change = float(row["change"])
            if change == 0:
                continue
            found.append(
                {
                    "dimension": name,
                    "value": row["value"],
                    "change": change,
                    "share": change / whole if whole else None,
                    "current": float(row["current"]),
                    "expected": float(row["expected"]),
                }
            )
    found.sort(key=lambda d: (-abs(d["change"]), d["dimension"], str(d["value"])))
    return Drivers(period, base, currency, current, expected, found, notes)


def _main_currency(scoped: Any, period: Period) -> str | None:
    """The currency with the most cost in the period (None: no charges)."""
    current = scoped.filter(scoped.ChargePeriodStart >= ibis.literal(period.start))
    out = current.group_by(currency=current.BillingCurrency).aggregate(
        size=current.EffectiveCost.abs().sum()
    )
    rows = to_rows(out.order_by([ibis.desc("size"), "currency"]).limit(1))
    return rows[0]["currency"] if rows else None
