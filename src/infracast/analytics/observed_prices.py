"""Prices observed in the ledger: what a GPU-hour effectively cost, by where it was bought.

For the GPU charges (``x_gpu_hours > 0``) whose ChargePeriodStart is in
``[start, end)``, grouped by provider (ServiceProviderName), region (RegionId),
SKU (SkuId), GPU type (x_gpu_type) and currency:

    price per GPU-hour = Σ EffectiveCost / Σ x_gpu_hours

EffectiveCost is the amortized cost, so commitments and discounts already
applied show in the price. Each group becomes a :class:`PriceOption` with
pricing model ``observed``, one accelerator per "instance" (the price is per
GPU-hour), the SKU as instance type, and as of the day its last charge ended.
Charges without a GPU type, and groups whose cost is not above zero, are left
out and counted in :class:`ObservedPrices`.

The options join a price book as its ``extra`` options
(``infracast.catalog.prices(observed=…)``, ``infracast catalog prices
--from-ledger``). They live here, beside the other ledger queries, so that
importing the catalog loads no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from infracast.analytics.periods import Instant, parse_range
from infracast.analytics.scope import in_scope, to_rows
from infracast.analytics.usage import gpu_charges
from infracast.catalog import PriceOption, canonical_provider, find_accelerator

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


@dataclass(frozen=True)
class ObservedPrices:
    """Observed price options and what the ledger held that could not be priced."""

    options: list[PriceOption]
    untyped_gpu_hours: float  # GPU-hours of charges without x_gpu_type
    unpriced_groups: int  # groups whose effective cost was zero or negative


def observed_price_rows(charges: ir.Table, start: Instant | None, end: Instant | None) -> ir.Table:
    """Effective cost and GPU-hours by provider, region, SKU, GPU type and currency."""
    rows = gpu_charges(in_scope(charges, start, end))
    return rows.group_by(
        provider=rows.ServiceProviderName,
        region=rows.RegionId,
        sku=rows.SkuId,
        gpu_type=rows.x_gpu_type,
        currency=rows.BillingCurrency,
    ).aggregate(
        cost=rows.EffectiveCost.sum(),
        gpu_hours=rows.x_gpu_hours.sum(),
        charges=rows.count(),
        last_end=rows.ChargePeriodEnd.max(),
    )


def read_observed(
    ledger: Ledger, start: Instant | None = None, end: Instant | None = None
) -> ObservedPrices:
    """Observed prices over ``[start, end)`` and what was left out."""
    table = ledger.ibis().table("charges")
    rows = to_rows(observed_price_rows(table, start, end).order_by(ibis.desc("cost")))
    window = _window(start, end)
    options: list[PriceOption] = []
    untyped = 0.0
    unpriced = 0
    for row in rows:
        if not row["gpu_type"]:
            untyped += row["gpu_hours"] or 0.0
            continue
        cost, hours = Decimal(row["cost"] or 0), row["gpu_hours"] or 0.0
        if cost <= 0 or hours <= 0:
            unpriced += 1
            continue
        found = find_accelerator(row["gpu_type"])
        options.append(
            PriceOption(
                provider=canonical_provider(row["provider"] or "(unknown)"),
                accelerator=found.name if found else row["gpu_type"],
                accelerators_per_instance=1.0,
                pricing_model="observed",
                price_per_hour=cost / Decimal(repr(hours)),
                currency=row["currency"],
                as_of=_day(row["last_end"]),
                source=f"ledger {ledger.path}, EffectiveCost / x_gpu_hours over {window} "
                f"({row['charges']} charges, {hours:g} GPU-hours)",
                region=row["region"],
                instance_type=row["sku"],
            )
        )
    return ObservedPrices(options, untyped, unpriced)


def prices_from_ledger(
    ledger: Ledger, start: Instant | None = None, end: Instant | None = None
) -> list[PriceOption]:
    """Effective prices per GPU-hour observed in the ledger over ``[start, end)``."""
    return read_observed(ledger, start, end).options


def _window(start: Instant | None, end: Instant | None) -> str:
    lo, hi = parse_range(start, end)
    left = lo.isoformat() if lo else "the first charge"
    right = hi.isoformat() if hi else "the last charge"
    return f"[{left}, {right})"


def _day(value: datetime | date | None) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value or date.today()
