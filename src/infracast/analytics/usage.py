"""GPU charges and the usage samples that measure them.

A GPU charge is a charge with ``x_gpu_hours > 0`` (GPU count × instance-hours,
filled at ingest; on-prem amortization rows carry it too). Its samples are the
``usage_samples`` of the same resource (``ResourceId = resource_id``) whose
timestamp falls in the charge's ``[ChargePeriodStart, ChargePeriodEnd)``.

Samples are aggregated per *resource-period* (resource, period start, period
end) and joined back to the charges on those three columns: the charges table
has no row key, and two charges of the same resource and period are measured
by the same samples.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

# Columns of a resource-period on the sample side (renamed to join back without clashes).
RESOURCE = "rp_resource"
START = "rp_start"
END = "rp_end"
DAY = "rp_day"  # a UTC day a resource-period touches (the join key with the samples)


def gpu_charges(charges: ir.Table) -> ir.Table:
    """The charges with GPU-hours (``x_gpu_hours > 0``)."""
    return charges.filter(charges.x_gpu_hours > 0)


def capacity_seconds(charges: ir.Table) -> ir.FloatingValue:
    """GPU-seconds a charge pays for: x_gpu_hours × 3600.

    x_gpu_hours is the GPU count times the hours the charge bills (ConsumedQuantity
    in hours where the bill gives it, else the charge period), so an instance that
    ran 10 hours of a daily charge is measured against 10 hours, not 24. Where it
    is missing, x_gpu_count × the charge period stands in.
    """
    period = charges.ChargePeriodEnd.epoch_seconds() - charges.ChargePeriodStart.epoch_seconds()
    by_count = charges.x_gpu_count * period.cast("float64")
    return ibis.coalesce(charges.x_gpu_hours * 3600.0, by_count)


def resource_periods(charges: ir.Table) -> ir.Table:
    """The distinct (resource, start, end) of ``charges`` that name a resource."""
    named = charges.filter(charges.ResourceId.notnull())
    return named.select(
        **{
            RESOURCE: named.ResourceId,
            START: named.ChargePeriodStart,
            END: named.ChargePeriodEnd,
        }
    ).distinct()


def samples_in(charges: ir.Table, samples: ir.Table) -> ir.Table:
    """Each sample of a resource-period of ``charges``, with the resource-period's columns.

    Adds ``held_s`` = share × interval_s (GPU-seconds held) and ``team`` with empty
    labels as null.

    The join is on the resource *and the UTC day*: each resource-period is listed once per
    day it touches (``DAY``), each sample under the day of its timestamp, and the period's
    ``[start, end)`` is checked within that day. A sample in the period is on one of its
    days, so no match is lost, and each sample meets only the periods of its own day: a
    join on the resource alone compared every sample of a resource with every one of its
    periods (months of hourly charges: quadratic, a minute at 10M charges against 5 s).
    """
    keys = resource_periods(charges)
    keys = keys.mutate(
        **{DAY: ibis.range(keys[START].truncate("D"), keys[END], ibis.interval(days=1))}
    ).unnest(DAY)
    dated = samples.mutate(**{DAY: samples.ts.truncate("D")})
    joined = keys.join(
        dated,
        [
            keys[RESOURCE] == dated.resource_id,
            keys[DAY] == dated[DAY],
            dated.ts >= keys[START],
            dated.ts < keys[END],
        ],
    )
    return joined.select(
        RESOURCE,
        START,
        END,
        "utilization",
        held_s=joined.share * joined.interval_s,
        team=joined.team.nullif(""),
    )


def sample_totals(charges: ir.Table, samples: ir.Table) -> ir.Table:
    """Per resource-period of ``charges``: what its samples add up to.

    Columns: the resource-period, ``held_s`` (Σ share · interval_s over all
    samples), ``busy_s`` (Σ share · utilization · interval_s over samples with a
    utilization reading), ``utilization_samples`` (how many have one) and
    ``labelled_s`` (held_s of the samples with a team label).
    """
    rows = samples_in(charges, samples)
    return rows.group_by(RESOURCE, START, END).aggregate(
        held_s=rows.held_s.sum(),
        busy_s=(rows.held_s * rows.utilization).sum(),
        utilization_samples=rows.utilization.count(),
        labelled_s=ibis.ifelse(rows.team.notnull(), rows.held_s, 0.0).sum(),
    )


def team_holdings(charges: ir.Table, samples: ir.Table) -> ir.Table:
    """Per resource-period of ``charges`` and team label: ``held_s`` of that team's samples."""
    rows = samples_in(charges, samples)
    labelled = rows.filter(rows.team.notnull())
    return labelled.group_by(RESOURCE, START, END, "team").aggregate(held_s=labelled.held_s.sum())


def with_totals(charges: ir.Table, samples: ir.Table, measured: ir.Table | None = None) -> ir.Table:
    """``charges`` with their resource-period's :func:`sample_totals` (null where none).

    Only the resource-periods of ``measured`` (default: all of ``charges``) are
    looked up. Adds ``capacity_s`` (see :func:`capacity_seconds`). One row per
    charge: the totals are unique per resource-period, so the left join repeats
    nothing.
    """
    totals = sample_totals(charges if measured is None else measured, samples)
    joined = charges.left_join(
        totals,
        [
            charges.ResourceId == totals[RESOURCE],
            charges.ChargePeriodStart == totals[START],
            charges.ChargePeriodEnd == totals[END],
        ],
    )
    joined = joined.drop(RESOURCE, START, END)
    return joined.mutate(capacity_s=capacity_seconds(joined))
