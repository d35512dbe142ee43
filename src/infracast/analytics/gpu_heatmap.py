"""Mean GPU utilization per resource and day: the cells of the GPUs page's heatmap.

Over the usage samples of ``[start, end)`` that read a utilization (default: the last
``days`` of samples in the ledger, ending at midnight after the last sample, the window of
:func:`infracast.analytics.utilization.resource_utilization`), one row per resource and
UTC day: ``mean`` is the mean of the per-GPU samples of that day, utilization clipped to
0..1 and each sample counted once (so the days' means weighted by ``samples`` give the
resource's ``mean`` in ``infracast utilization``), ``samples`` their count and
``gpu_hours`` Σ interval_s ÷ 3600.

A resource's team is that of its charges overlapping the window, else that of its samples,
as in ``resource_utilization``; ``team=`` keeps that team's resources only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics.periods import Instant, parse_range
from infracast.analytics.scope import to_rows, to_value
from infracast.analytics.utilization import default_window

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class UtilizationHeatmap:
    """The result of :func:`utilization_heatmap`: the window and one row per resource and
    day (``resource_id``, ``day``, ``team``, ``mean``, ``samples``, ``gpu_hours``), in
    resource then day order."""

    start: datetime | None
    end: datetime | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        """Every day of the window, in order (the heatmap's columns)."""
        if self.start is None or self.end is None:
            return []
        out, day = [], self.start.date()
        while datetime(day.year, day.month, day.day) < self.end:
            out.append(day)
            day += timedelta(days=1)
        return out

    def matrix(self, resources: Sequence[str]) -> list[list[float | None]]:
        """``mean`` per resource (rows, in the order of ``resources``) and day (columns, as
        :attr:`days`), None where a resource has no sample that day."""
        cells = {(r["resource_id"], r["day"]): r["mean"] for r in self.rows}
        return [[cells.get((res, day)) for day in self.days] for res in resources]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "rows": [{**r, "day": r["day"].isoformat()} for r in self.rows],
        }


def daily_utilization(samples: ir.Table, start: datetime, end: datetime) -> ir.Table:
    """One row per resource and day of the samples in ``[start, end)`` that read a
    utilization: ``mean``, ``samples`` and ``gpu_hours``."""
    s = samples.filter(
        samples.ts >= ibis.literal(start),
        samples.ts < ibis.literal(end),
        samples.utilization.notnull(),
    )
    u = s.utilization.clip(lower=0.0, upper=1.0)
    return s.group_by(resource_id=s.resource_id, day=s.ts.date()).aggregate(
        mean=u.mean(),
        samples=s.count(),
        gpu_hours=s.interval_s.sum() / 3600.0,
    )


def resource_teams(
    charges: ir.Table, samples: ir.Table, start: datetime, end: datetime
) -> ir.Table:
    """Each sampled resource's team: its charges' overlapping ``[start, end)``, else its
    samples' there (``resource_id``, ``team``)."""
    lo, hi = ibis.literal(start), ibis.literal(end)
    c = charges.filter(
        charges.ResourceId.nullif("").notnull(),
        charges.ChargePeriodEnd > lo,
        charges.ChargePeriodStart < hi,
    )
    charged = c.group_by(rid=c.ResourceId).aggregate(charge_team=c.x_team.nullif("").max())
    s = samples.filter(samples.ts >= lo, samples.ts < hi)
    sampled = s.group_by(resource_id=s.resource_id).aggregate(sample_team=s.team.nullif("").max())
    joined = sampled.left_join(charged, sampled.resource_id == charged.rid)
    return joined.select(
        resource_id=joined.resource_id,
        team=ibis.coalesce(joined.charge_team, joined.sample_team),
    )


def utilization_heatmap(
    ledger: Ledger,
    *,
    start: Instant | None = None,
    end: Instant | None = None,
    days: float = DEFAULT_DAYS,
    resources: Sequence[str] = (),
    team: str | None = None,
) -> UtilizationHeatmap:
    """Mean utilization per resource and day (the module docstring); only the ``resources``
    named, when some are, and only ``team``'s, when given.

    The window as in ``infracast utilization``: without ``start`` and ``end`` the last
    ``days`` of samples; with one of them, the other ``days`` away. A ledger without
    samples gives no rows.
    """
    backend = ledger.ibis()
    samples = backend.table("usage_samples")
    lo, hi = parse_range(start, end, names=("--from", "--to"))
    if lo is None or hi is None:
        if to_value(samples.count()) == 0:
            return UtilizationHeatmap(lo, hi)
        if lo is None and hi is None:
            lo, hi = default_window(samples, days)
        elif hi is None:
            assert lo is not None
            hi = lo + timedelta(days=days)
        else:
            lo = hi - timedelta(days=days)
    daily = daily_utilization(samples, lo, hi)
    teams = resource_teams(backend.table("charges"), samples, lo, hi)
    joined = daily.left_join(teams, daily.resource_id == teams.resource_id).drop(
        "resource_id_right"
    )
    if resources:
        joined = joined.filter(joined.resource_id.isin(list(resources)))
    if team is not None:
        joined = joined.filter(joined.team == team)
    joined = joined.order_by(["resource_id", "day"])
    return UtilizationHeatmap(lo, hi, to_rows(joined))
