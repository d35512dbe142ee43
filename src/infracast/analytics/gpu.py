"""GPU efficiency: utilization, useful GPU-hours and idle cost, by any dimensions.

For a GPU charge with cost C, G = x_gpu_count GPUs and a period of P seconds:

- capacity = G · P GPU-seconds;
- held = Σ share · interval_s and busy = Σ share · utilization · interval_s over
  the samples of its resource in its period (busy over the samples with a
  utilization reading);
- if held > capacity (time-slicing that oversubscribes the GPUs), held and busy
  are scaled by capacity / held, and the charge is counted in
  ``oversubscribed_charges``;
- utilization u = busy / capacity; useful GPU-hours = x_gpu_hours · u;
  idle cost = C · (1 − u).

A charge without samples that read utilization is *unmeasured*: it counts in
``gpu_hours`` and ``cost`` but not in utilization, useful hours or idle cost,
and is reported in ``unmeasured_gpu_hours`` and ``unmeasured_cost``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics.dimensions import check_dimensions, dimensions
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.rollup import gpu_sources
from infracast.analytics.scope import (
    DERIVED_MONEY,
    MONEY,
    check_basis,
    cost_column,
    in_scope,
    to_rows,
)
from infracast.analytics.usage import gpu_charges, with_totals

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

COLUMNS: tuple[str, ...] = (
    "gpu_hours",
    "cost",
    "cost_per_gpu_hour",
    "measured_gpu_hours",
    "measured_cost",
    "useful_gpu_hours",
    "utilization",
    "cost_per_useful_gpu_hour",
    "idle_cost",
    "unmeasured_gpu_hours",
    "unmeasured_cost",
    "charges",
    "unmeasured_charges",
    "oversubscribed_charges",
)


def measured_charges(charges: ir.Table, samples: ir.Table) -> ir.Table:
    """GPU charges of ``charges`` with ``measured``, ``oversubscribed`` and ``utilization``.

    ``utilization`` is busy / capacity after the oversubscription scaling,
    clipped to [0, 1]; null for unmeasured charges.
    """
    rows = with_totals(gpu_charges(charges), samples)
    capacity = rows.capacity_s
    measured = ((rows.utilization_samples > 0) & (capacity > 0)).fill_null(False)
    oversubscribed = (rows.held_s > capacity).fill_null(False)
    scale = ibis.ifelse(oversubscribed, capacity / rows.held_s, 1.0)
    share = (rows.busy_s.fill_null(0.0) * scale / capacity).clip(lower=0.0, upper=1.0)
    return rows.mutate(
        measured=measured,
        oversubscribed=oversubscribed,
        utilization=ibis.ifelse(measured, share, ibis.null("float64")),
    )


def gpu_efficiency_by(
    charges: ir.Table,
    samples: ir.Table,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
) -> ir.Table:
    """GPU-hours, cost, utilization and idle cost by dimensions and currency, costliest first.

    Columns: the dimensions, ``currency`` and :data:`COLUMNS`. Hours and
    utilization are floats; costs are decimals (``idle_cost`` and the per-hour
    costs are rounded to 12 places).
    """
    names = check_dimensions(by)
    check_basis(basis)
    rows = measured_charges(in_scope(charges, start, end, filters), samples)
    cost = cost_column(rows, basis)
    hours = rows.x_gpu_hours
    u = rows.utilization
    zero = ibis.literal(0).cast(MONEY)
    useful_cost = (cost.cast("float64") * u).cast(DERIVED_MONEY)
    measured = rows.measured
    grouped = rows.group_by(**dimensions(rows, names), currency=rows.BillingCurrency)
    out = grouped.aggregate(
        gpu_hours=hours.sum(),
        cost=cost.sum(),
        measured_gpu_hours=ibis.ifelse(measured, hours, 0.0).sum(),
        measured_cost=ibis.ifelse(measured, cost, zero).sum(),
        useful_gpu_hours=ibis.ifelse(measured, hours * u, 0.0).sum(),
        idle_cost=ibis.ifelse(measured, cost - useful_cost, zero).sum(),
        unmeasured_gpu_hours=ibis.ifelse(measured, 0.0, hours).sum(),
        unmeasured_cost=ibis.ifelse(measured, zero, cost).sum(),
        charges=rows.count(),
        unmeasured_charges=(~measured).cast("int64").sum(),
        oversubscribed_charges=rows.oversubscribed.cast("int64").sum(),
    )
    return _finish(out, names)


def gpu_efficiency_rollup(
    daily: ir.Table,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
) -> ir.Table:
    """:func:`gpu_efficiency_by` over the daily rollup, whose rows hold each charge's
    measures summed (:mod:`infracast.ledger.rollup_gpu`): the same rows, costs to the last
    decimal (hours and utilization are float sums, equal up to their last bits). Only where
    :func:`infracast.analytics.rollup.gpu_sources` says it answers."""
    names = check_dimensions(by)
    check_basis(basis)
    rows = in_scope(daily, start, end, filters)
    rows = rows.filter(rows.x_gpu_rows > 0)
    cost = rows[f"x_gpu_{basis}_cost"].sum()
    measured_cost = rows[f"x_measured_{basis}_cost"].sum()
    grouped = rows.group_by(**dimensions(rows, names), currency=rows.BillingCurrency)
    out = grouped.aggregate(
        gpu_hours=rows.x_gpu_charge_hours.sum(),
        cost=cost,
        measured_gpu_hours=rows.x_measured_gpu_hours.sum(),
        measured_cost=measured_cost,
        useful_gpu_hours=rows.x_useful_gpu_hours.sum(),
        idle_cost=rows[f"x_idle_{basis}_cost"].sum(),
        unmeasured_gpu_hours=rows.x_unmeasured_gpu_hours.sum(),
        unmeasured_cost=cost - measured_cost,
        charges=rows.x_gpu_rows.sum(),
        unmeasured_charges=(rows.x_gpu_rows - rows.x_measured_rows).sum(),
        oversubscribed_charges=rows.x_oversubscribed_rows.sum(),
    )
    return _finish(out, names)


def _finish(out: ir.Table, names: Sequence[str]) -> ir.Table:
    """The ratios of the summed columns, the columns in order, costliest first."""
    out = out.mutate(
        cost_per_gpu_hour=_per_hour(out.cost, out.gpu_hours),
        utilization=_ratio(out.useful_gpu_hours, out.measured_gpu_hours),
        cost_per_useful_gpu_hour=_per_hour(out.measured_cost, out.useful_gpu_hours),
    )
    out = out.select(*names, "currency", *COLUMNS)
    return out.order_by([ibis.desc("cost"), "currency", *names])


def gpu_efficiency(
    ledger: Ledger,
    by: Sequence[str] | str = ("gpu_type",),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
) -> list[dict[str, Any]]:
    """Run :func:`gpu_efficiency_by` on the ledger; one dict per row, money as Decimal.

    By GPU type unless ``by`` says otherwise (``by=()``: the totals per currency). Read from
    the daily rollup where it answers (:func:`infracast.analytics.rollup.gpu_sources`).
    """
    sources = gpu_sources(ledger, by, start, end, filters)
    if sources is not None:
        return to_rows(gpu_efficiency_rollup(sources[0], by, start, end, filters, basis))
    backend = ledger.ibis()
    expr = gpu_efficiency_by(
        backend.table("charges"), backend.table("usage_samples"), by, start, end, filters, basis
    )
    return to_rows(expr)


def _ratio(num: ir.FloatingValue, den: ir.FloatingValue) -> ir.FloatingValue:
    return ibis.ifelse(den == 0, ibis.null("float64"), num / den)


def _per_hour(cost: ir.DecimalValue, hours: ir.FloatingValue) -> ir.DecimalValue:
    per_hour = (cost.cast("float64") / hours).cast(DERIVED_MONEY)
    return ibis.ifelse(hours == 0, ibis.null(DERIVED_MONEY), per_hour)
