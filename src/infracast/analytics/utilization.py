"""Utilization per resource over a window: the distribution behind every GPU recommendation.

Per resource (``usage_samples.resource_id`` = ``charges.ResourceId``, an instance or an
owned server) over the samples of ``[start, end)`` that read a utilization (default: the
last 14 days of samples in the ledger, ending at midnight after the last sample):

- ``gpus`` (distinct ``gpu_index``), ``samples``, ``hours_sampled`` = Σ interval_s ÷ 3600 ÷
  gpus (instance-hours), ``first_sample`` and ``last_sample``;
- the distribution of the per-GPU samples, each sample counted once: ``mean``, ``p50``,
  ``p90``, ``p95``, ``p99`` (exact, linearly interpolated quantiles), ``max``,
  ``idle_share`` (the share of samples below ``idle_threshold``) and ``histogram``, ten
  counts of samples in [0, 0.1), [0.1, 0.2) … [0.9, 1.0] (utilization clipped to 0..1);
- over the trailing ``recent_days`` of the window (``ts >= end − recent_days``):
  ``recent_idle_share`` and ``recent_hours`` (instance-hours sampled there);
- ``peak_memory_mib`` (largest memory_used_mib), ``mean_share`` (the share of the GPU the
  samples held: below 1 the GPU is already sliced or time-shared); the labels ``team``,
  ``project`` and ``workload`` of the samples (the charges' team and project win);
- from the resource's charges that overlap the window, each counted by the share of its
  period inside it (a monthly charge overlapping by 5 of its 31 days counts 5/31):
  ``provider``, ``region``, ``sku``, ``gpu_type``, ``gpu_count`` (x_gpu_count), ``currency``,
  ``cost`` (Σ EffectiveCost), ``gpu_hours`` (Σ x_gpu_hours), ``charged_days`` (the span its
  charges cover inside the window), ``monthly_cost`` = cost × 30 ÷ charged_days (a 30-day
  month at the window's run rate) and ``monthly_gpu_hours`` likewise; ``owned`` (charges
  from the asset register) and ``monthly_sunk_cost``, the part of the monthly cost that is
  owned hardware's amortization (x_source ``asset``, not energy), paid whether the GPUs
  work or not. A resource with samples and no charges has these as None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics.dimensions import dimension
from infracast.analytics.periods import Instant, parse_range
from infracast.analytics.scope import DERIVED_MONEY, to_rows, to_value

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

DEFAULT_DAYS = 14
DEFAULT_IDLE_THRESHOLD = 0.05
DEFAULT_RECENT_DAYS = 7
MONTH_DAYS = 30
BINS = 10
QUANTILES: dict[str, float] = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}


@dataclass(frozen=True)
class ResourceUtilization:
    """The result of :func:`resource_utilization`: the window, its settings and one row per
    resource and currency (most monthly cost first)."""

    start: datetime | None
    end: datetime | None
    idle_threshold: float
    recent_days: float
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "idle_threshold": self.idle_threshold,
            "recent_days": self.recent_days,
            "resources": list(self.rows),
        }


def default_window(samples: ir.Table, days: float = DEFAULT_DAYS) -> tuple[datetime, datetime]:
    """``days`` ending at midnight after the last sample (``samples`` must hold some)."""
    last = to_value(samples.ts.max())
    end = datetime(last.year, last.month, last.day) + timedelta(days=1)
    return end - timedelta(days=days), end


def utilization_by_resource(
    samples: ir.Table,
    start: datetime,
    end: datetime,
    idle_threshold: float = DEFAULT_IDLE_THRESHOLD,
    recent_days: float = DEFAULT_RECENT_DAYS,
) -> ir.Table:
    """The sample side of the module docstring: one row per resource, ``h0`` … ``h9`` the
    histogram counts."""
    s = samples.filter(
        samples.ts >= ibis.literal(start),
        samples.ts < ibis.literal(end),
        samples.utilization.notnull(),
    )
    u = s.utilization.clip(lower=0.0, upper=1.0)
    recent = s.ts >= ibis.literal(end - timedelta(days=recent_days))
    idle = u < idle_threshold
    bin_ = ibis.least((u * BINS).floor().cast("int64"), BINS - 1)
    gpus = s.gpu_index.nunique()
    out = s.group_by(resource_id=s.resource_id).aggregate(
        gpus=gpus,
        samples=s.count(),
        gpu_hours_sampled=s.interval_s.sum() / 3600.0,
        recent_gpu_hours=s.interval_s.sum(where=recent).fill_null(0.0) / 3600.0,
        first_sample=s.ts.min(),
        last_sample=s.ts.max(),
        mean=u.mean(),
        **{name: u.quantile(q) for name, q in QUANTILES.items()},
        max=u.max(),
        idle_share=idle.cast("float64").mean(),
        recent_idle_share=idle.cast("float64").mean(where=recent),
        peak_memory_mib=s.memory_used_mib.max(),
        mean_share=s.share.mean(),
        sample_team=s.team.nullif("").max(),
        sample_project=s.project.nullif("").max(),
        workload=s.workload.nullif("").max(),
        **{f"h{i}": (bin_ == i).cast("int64").sum() for i in range(BINS)},
    )
    return out.mutate(
        hours_sampled=out.gpu_hours_sampled / out.gpus,
        recent_hours=out.recent_gpu_hours / out.gpus,
    )


def cost_by_resource(charges: ir.Table, start: datetime, end: datetime) -> ir.Table:
    """The charge side of the module docstring, per ResourceId and currency.

    A charge counts by the share of its period inside the window (a monthly amortization
    charge overlapping a 14-day window by 5 days counts 5/31 of its cost)."""
    lo, hi = ibis.literal(start), ibis.literal(end)
    c = charges.filter(
        charges.ResourceId.nullif("").notnull(),
        charges.ChargePeriodEnd > lo,
        charges.ChargePeriodStart < hi,
    )
    from_ = ibis.greatest(c.ChargePeriodStart, lo)
    to = ibis.least(c.ChargePeriodEnd, hi)
    length = c.ChargePeriodEnd.epoch_seconds() - c.ChargePeriodStart.epoch_seconds()
    inside = to.epoch_seconds() - from_.epoch_seconds()
    share = ibis.ifelse(length > 0, inside.cast("float64") / length.cast("float64"), 1.0)
    cost = (c.EffectiveCost.cast("float64") * share).cast(DERIVED_MONEY)
    sunk = (c.x_source == "asset") & (c.x_cost_category != "energy")
    zero = ibis.literal(0).cast(DERIVED_MONEY)
    return c.group_by(resource_id=c.ResourceId, currency=c.BillingCurrency).aggregate(
        provider=dimension(c, "provider").max(),
        region=dimension(c, "region").max(),
        sku=dimension(c, "sku").max(),
        gpu_type=c.x_gpu_type.nullif("").max(),
        gpu_count=c.x_gpu_count.max(),
        team=c.x_team.nullif("").max(),
        project=c.x_project.nullif("").max(),
        owned=(c.x_source == "asset").any(),
        cost=cost.sum(),
        sunk_cost=ibis.ifelse(sunk, cost, zero).sum(),
        gpu_hours=(c.x_gpu_hours * share).sum(),
        charged_from=from_.min(),
        charged_to=to.max(),
    )


def resource_utilization(
    ledger: Ledger,
    *,
    start: Instant | None = None,
    end: Instant | None = None,
    idle_threshold: float = DEFAULT_IDLE_THRESHOLD,
    recent_days: float = DEFAULT_RECENT_DAYS,
    days: float = DEFAULT_DAYS,
    resources: Sequence[str] = (),
    team: str | None = None,
) -> ResourceUtilization:
    """Utilization and monthly cost per resource (the module docstring), money as Decimal;
    only the ``resources`` named, when some are, and only ``team``'s, when given.

    Without ``start`` and ``end``: the last ``days`` of samples. With only one of them, the
    other is ``days`` away. A ledger without samples gives no rows.
    """
    backend = ledger.ibis()
    samples = backend.table("usage_samples")
    lo, hi = parse_range(start, end, names=("--from", "--to"))
    if lo is None or hi is None:
        if to_value(samples.count()) == 0:
            return ResourceUtilization(lo, hi, idle_threshold, recent_days)
        if hi is None and lo is None:
            lo, hi = default_window(samples, days)
        elif hi is None:
            assert lo is not None
            hi = lo + timedelta(days=days)
        else:
            lo = hi - timedelta(days=days)
    usage = utilization_by_resource(samples, lo, hi, idle_threshold, recent_days)
    costs = cost_by_resource(backend.table("charges"), lo, hi)
    joined = usage.left_join(costs, usage.resource_id == costs.resource_id).drop(
        "resource_id_right"
    )
    if resources:
        joined = joined.filter(joined.resource_id.isin(list(resources)))
    rows = [_finish(row, lo, hi) for row in to_rows(joined)]
    if team is not None:
        rows = [r for r in rows if r["team"] == team]
    rows.sort(key=lambda r: (-(r["monthly_cost"] or Decimal(0)), r["resource_id"]))
    return ResourceUtilization(lo, hi, idle_threshold, recent_days, rows)


def _finish(row: dict[str, Any], lo: datetime, hi: datetime) -> dict[str, Any]:
    """Python-side columns: histogram list, labels, the charged span and the monthly scale."""
    row["histogram"] = [int(row.pop(f"h{i}") or 0) for i in range(BINS)]
    sample_team, sample_project = row.pop("sample_team"), row.pop("sample_project")
    row["team"] = row.get("team") or sample_team
    row["project"] = row.get("project") or sample_project
    row.pop("gpu_hours_sampled")
    row.pop("recent_gpu_hours")
    charged_from, charged_to = row.pop("charged_from", None), row.pop("charged_to", None)
    for key in ("charged_days", "monthly_cost", "monthly_sunk_cost", "monthly_gpu_hours"):
        row[key] = None
    if charged_from is not None and charged_to is not None and row.get("cost") is not None:
        span = (charged_to - charged_from).total_seconds() / 86400
        row["charged_days"] = span
        if span > 0:
            scale = Decimal(MONTH_DAYS) / Decimal(str(span))
            row["monthly_cost"] = Decimal(row["cost"]) * scale
            row["monthly_sunk_cost"] = Decimal(row["sunk_cost"] or 0) * scale
            row["monthly_gpu_hours"] = float(row["gpu_hours"] or 0.0) * MONTH_DAYS / span
    return row
