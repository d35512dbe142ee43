"""The GPU usage a placement starts from: the ledger's cloud GPU resources of a period, and
the GPU usage each commitment covered (Ibis expressions over ``charges``; the workflow is
:mod:`infracast.control.optimizing.placement_ledger`)."""

from __future__ import annotations

from datetime import datetime

import ibis.expr.types as ir

from infracast.analytics.dimensions import dimension
from infracast.analytics.scope import in_scope


def gpu_resources(charges: ir.Table, start: datetime, end: datetime) -> ir.Table:
    """Per cloud resource with GPU-hours on Usage rows in ``[start, end)``: its provider,
    region, currency, GPU type and count, GPU-hours, effective cost, team and whether it ran
    on spot (the Unused rows of commitments are not usage of a resource)."""
    rows = in_scope(charges, start, end)
    rows = rows.filter(
        (rows.ChargeCategory == "Usage")
        & (rows.x_gpu_hours > 0)
        & (rows.x_source == "focus")
        & rows.ResourceId.nullif("").notnull()
        & (rows.CommitmentDiscountStatus != "Unused").fill_null(True)
    )
    out = rows.group_by(
        resource=rows.ResourceId,
        provider=dimension(rows, "provider"),
        region=dimension(rows, "region"),
        currency=rows.BillingCurrency,
    ).aggregate(
        gpu_type=rows.x_gpu_type.nullif("").mode(),
        gpus=rows.x_gpu_count.max(),
        gpu_hours=rows.x_gpu_hours.sum(),
        cost=rows.EffectiveCost.sum(),
        team=rows.x_team.nullif("").mode(),
        spot=(rows.PricingCategory == "Dynamic").fill_null(False).any(),
    )
    return out.order_by(["resource", "currency"])


def covered_usage(charges: ir.Table, start: datetime, end: datetime) -> ir.Table:
    """Per commitment, the GPU usage it covered in ``[start, end)`` (its Used rows): GPU type,
    GPUs per instance, region, instance-hours and effective cost."""
    rows = in_scope(charges, start, end)
    rows = rows.filter(
        (rows.ChargeCategory == "Usage")
        & (rows.CommitmentDiscountStatus == "Used")
        & (rows.x_gpu_hours > 0)
        & (rows.x_gpu_count > 0)
    )
    return rows.group_by(commitment_id=rows.CommitmentDiscountId).aggregate(
        gpu_type=rows.x_gpu_type.nullif("").mode(),
        gpus=rows.x_gpu_count.max(),
        region=dimension(rows, "region").mode(),
        instance_hours=(rows.x_gpu_hours / rows.x_gpu_count).sum(),
        cost=rows.EffectiveCost.sum(),
    )
