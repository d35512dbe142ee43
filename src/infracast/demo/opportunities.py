"""Planted opportunities: savings the recommendation rules should find, and their truth.

Four plants, described in ``company.yaml`` (``opportunities``), each still open at the
period's end and steady from its start, so a rule looking at the last 14–30 days finds it:

- ``idle_gpu``: GPU instances busy at first, then idle (0–2%) for the last weeks, still
  billed. Saving: what they cost over the period's last 30 days (EffectiveCost), since
  stopping them saves that much a month.
- ``consolidate_replicas``: a fixed pool of N inference replicas of one workload, each GPU
  uniform in a low band. A consolidated pool needs ``ceil(Σ p95 / target)`` replicas, the
  p95 of each replica's GPU utilization being ``lo + 0.95 × (hi − lo)`` of its band. Saving:
  (N − needed) × one replica's cost over the last 30 days.
- ``storage_tier``: a large bucket in a hot class, almost never read. Saving:
  ``size_gb × (hot list price − archive list price)`` per month, the size being the one
  billed on the last day.
- ``commitment_unused``: a commitment whose covered instances use only part of it all
  period. Saving: the EffectiveCost of its Unused rows in the period's last month.

The plants are streams added after every other stream (so the rest of the demo keeps its
bytes) and their rows come on top of the rows asked for: at most ``share_of_rows`` of them,
so in small demos the plants start later (never less than ``min_days`` before the end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from infracast.demo.company import Company, ProviderSlug
from infracast.demo.identities import Identity, Resource, hex_id, identity
from infracast.demo.manifest import Opportunity
from infracast.demo.period import Period
from infracast.demo.streams import TABLE

WINDOW_DAYS = 30  # monthly savings are measured over the period's last 30 days
P95 = 0.95


@dataclass
class Plants:
    """The streams of the planted opportunities."""

    t0: int  # first hour of every plant
    idle: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)
    bucket: int | None = None
    covered: list[int] = field(default_factory=list)
    unused: int | None = None
    unused_per_hour: float = 0.0


def plant_start(company: Company, period: Period, rows: int) -> int:
    """First hour of the plants: the period's start unless their rows would pass their share."""
    spec = company.opportunities
    per_day = (
        spec.idle_gpu.count
        + spec.consolidate_replicas.replicas
        + spec.commitment_unused.count
        + 2  # the bucket's daily row and the commitment's daily Unused row
    )
    days = max(spec.min_days, int(spec.share_of_rows * rows / per_day))
    return max(0, period.hours - days * 24)


def _renamed(ident: Identity, **names: str) -> Identity:
    return {**ident, **names}


def add_plants(fleet: Any, company: Company, rows: int, seed: int) -> Plants:
    """Add the plants' streams to ``fleet`` (after every provider's own streams)."""
    from infracast.demo.fleet import ProviderFleet  # fleet.py calls this module

    period: Period = fleet.period
    spec = company.opportunities
    plants = Plants(t0=plant_start(company, period, rows))
    t0, t1 = plants.t0, period.hours
    con = fleet.streams.con

    def builder(slug: ProviderSlug) -> ProviderFleet:
        return ProviderFleet(con, company, slug, period, rows, seed, fleet)

    idle = spec.idle_gpu
    f = builder(idle.provider)
    idle_from = max(t0, t1 - idle.idle_days * 24)
    for i in range(idle.count):
        name = f"{idle.name}-{i + 1:02d}"
        res = Resource(
            f.slug,
            "instance",
            name,
            idle.instance_type,
            idle.team,
            idle.project,
            f.p.home_region,
            env="dev",
        )
        plants.idle.append(
            f.instance(
                res, t0, t1, "training", idle.name, util_from=idle_from, util_lo=0.0, util_hi=0.02
            )
        )

    pool = spec.consolidate_replicas
    f = builder(pool.provider)
    lo, hi = pool.utilization
    for i in range(pool.replicas):
        res = Resource(
            f.slug,
            "instance",
            f"{pool.workload}-{i:02d}",
            pool.instance_type,
            pool.team,
            pool.project,
            f.p.home_region,
        )
        plants.pool.append(
            f.instance(
                res, t0, t1, "inference", pool.workload, util_from=t0, util_lo=lo, util_hi=hi
            )
        )

    plants.bucket = _bucket(builder(spec.storage_tier.provider), company, t0, t1)
    _commitment(builder(spec.commitment_unused.provider), company, plants, t0, t1)
    return plants


def _bucket(f: Any, company: Company, t0: int, t1: int) -> int:
    b = company.opportunities.storage_tier
    name = b.bucket.removeprefix("larkspur-")
    res = Resource(f.slug, "storage", name, b.sku, b.team, b.project, f.p.home_region)
    # Real AWS exports name an S3 bucket by its name in ResourceId; so does this plant.
    ident = _renamed(
        identity(f.p, res, "Standard", f.seed), resource_id=b.bucket, resource_name=b.bucket
    )
    price = f.p.prices[b.sku]
    sid: int = f.fleet.streams.add(
        ident,
        provider=f.slug,
        team=b.team,
        project=b.project,
        kind="storage",
        t0=t0,
        t1=t1,
        grain=24,
        size0=b.size_gb,
        mgrowth=0.0,
        list_price=price,
        discount=f.p.negotiated_discount,
        pricing_category="Standard",
        charge_category="Usage",
        charge_frequency="Usage-Based",
    )
    f._count(t0, t1, 24, b.size_gb * price / 730)
    return sid


def _commitment(f: Any, company: Company, plants: Plants, t0: int, t1: int) -> None:
    c = company.opportunities.commitment_unused
    order = hex_id(f.seed, "reservation-order", length=32)
    rsv = hex_id(f.seed, "reservation", length=32)
    guid = [f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:32]}" for x in (order, rsv)]
    names = {
        "commitment_id": (
            f"/providers/Microsoft.Capacity/reservationOrders/{guid[0]}/reservations/{guid[1]}"
        ),
        "commitment_name": c.name,
        "commitment_type": c.type,
        "commitment_category": c.category,
        "commitment_unit": "Hours",
    }
    price = f.p.prices[c.instance_type]
    lo, hi = c.busy
    for i in range(c.count):
        res = Resource(
            f.slug,
            "instance",
            f"{c.vm_name}-{i + 1:02d}",
            c.instance_type,
            c.team,
            c.project,
            f.p.home_region,
        )
        plants.covered.append(
            f.instance(
                res,
                t0,
                t1,
                "training",
                c.vm_name,
                "Committed",
                commit_rate=c.rate,
                commitment_status="Used",
                util_from=t0,
                util_lo=lo,
                util_hi=hi,
                **names,
            )
        )
    covered = c.count * price * c.rate  # effective per hour
    per_hour = covered / c.utilization
    plants.unused_per_hour = per_hour - covered
    res = Resource(
        f.slug, "instance", "reservation", c.instance_type, c.team, c.project, f.p.home_region
    )
    ident = _renamed(
        identity(f.p, res, "Committed", f.seed),
        resource_id=names["commitment_id"],
        resource_name=guid[1],
        resource_type="Reservation",
        charge_description=c.name,
    )
    common = {"provider": f.slug, "team": c.team, "project": c.project, **names}
    for m in f.period.months:
        start = max(m.start_h, t0)
        if start >= m.end_h:
            continue
        f.fleet.streams.add(
            ident,
            **common,
            kind="purchase",
            t0=start,
            t1=start + 1,
            grain=1,
            span=m.end_h - start,
            list_price=per_hour,
            pricing_category="Standard",
            charge_category="Purchase",
            charge_frequency="Recurring",
        )
        f.fleet.rows_by_month[(f.slug, m.label)] += 1
    plants.unused = f.fleet.streams.add(
        ident,
        **common,
        kind="unused",
        t0=t0,
        t1=t1,
        grain=24,
        span=24,
        amount=plants.unused_per_hour,
        pricing_category="Committed",
        charge_category="Usage",
        charge_frequency="Usage-Based",
        commitment_status="Unused",
    )
    f._count(t0, t1, 24, plants.unused_per_hour)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _iso(period: Period, h: int) -> str:
    return period.timestamp(h).isoformat() + "Z"


def last_size_gb(con: duckdb.DuckDBPyConnection, sid: int, h: int) -> float:
    """The GB a storage stream bills for on the day starting at hour ``h``."""
    row = con.execute(
        f"SELECT storage_gb(sid, {h}, size0, mgrowth) FROM {TABLE} WHERE sid = ?", [sid]
    ).fetchone()
    return float(row[0]) if row else 0.0


def opportunities(
    con: duckdb.DuckDBPyConnection, company: Company, fleet: Any
) -> list[Opportunity]:
    """The planted opportunities with their monthly savings (the module docstring's rules)."""
    plants: Plants | None = fleet.plants
    if plants is None:
        return []
    period: Period = fleet.period
    spec = company.opportunities
    streams = fleet.streams
    t1 = period.hours
    w0 = max(plants.t0, t1 - WINDOW_DAYS * 24)
    window = {"window_start": _iso(period, w0), "window_end": _iso(period, t1)}

    def hourly_cost(sid: int) -> float:
        s = streams.get(sid)
        return float(s["list_price"]) * (1 - float(s["discount"] or 0))

    def ids(sids: list[int]) -> list[str]:
        return [str(streams.get(sid)["resource_id"]) for sid in sids]

    out = []
    idle = spec.idle_gpu
    cost = sum(hourly_cost(sid) for sid in plants.idle) * (t1 - w0)
    idle_from = max(plants.t0, t1 - idle.idle_days * 24)
    out.append(
        Opportunity(
            kind="idle_gpu",
            provider=idle.provider,
            team=idle.team,
            project=idle.project,
            resource_ids=ids(plants.idle),
            monthly_savings=_money(cost),
            description=" ".join(idle.description.split())
            + " Savings: the instances' EffectiveCost over the period's last 30 days.",
            details={**window, "idle_from": _iso(period, idle_from), "utilization_pct": [0, 2]},
        )
    )

    pool = spec.consolidate_replicas
    lo, hi = pool.utilization
    p95 = lo + P95 * (hi - lo)
    needed = max(1, math.ceil(round(pool.replicas * p95 / pool.target, 9)))
    replica = hourly_cost(plants.pool[0]) * (t1 - w0)
    out.append(
        Opportunity(
            kind="consolidate_replicas",
            provider=pool.provider,
            team=pool.team,
            project=pool.project,
            resource_ids=ids(plants.pool),
            monthly_savings=_money((pool.replicas - needed) * replica),
            description=" ".join(pool.description.split())
            + f" Rule: needed = ceil(Σ p95 of the replicas' GPU utilization / {pool.target})"
            f" = ceil({pool.replicas} × {p95:.3f} / {pool.target}) = {needed}; savings ="
            f" ({pool.replicas} − {needed}) × one replica's EffectiveCost over the last 30 days.",
            details={
                **window,
                "workload": pool.workload,
                "replicas": pool.replicas,
                "needed": needed,
                "p95_utilization": round(p95, 6),
                "target_utilization": pool.target,
                "replica_monthly_cost": str(_money(replica)),
            },
        )
    )

    b = spec.storage_tier
    assert plants.bucket is not None
    size = last_size_gb(con, plants.bucket, t1 - 24)
    hot = company.providers[b.provider].prices[b.sku]
    out.append(
        Opportunity(
            kind="storage_tier",
            provider=b.provider,
            team=b.team,
            project=b.project,
            resource_ids=[b.bucket],
            monthly_savings=_money(size * (hot - b.archive_price)),
            description=" ".join(b.description.split())
            + f" Savings = size_gb × ({hot} − {b.archive_price}) USD per GB-month, the list"
            f" prices of {b.storage_class} and {b.archive_class} ("
            + " ".join(b.price_source.split())
            + "); reads are so rare that retrieval does not change the choice.",
            details={
                "size_gb": round(size, 3),
                "storage_class": b.storage_class,
                "target_class": b.archive_class,
                "price_per_gb_month": hot,
                "target_price_per_gb_month": b.archive_price,
                "as_of": period.timestamp(t1 - 24).date().isoformat(),
            },
        )
    )

    c = spec.commitment_unused
    last = period.months[-1]
    hours = t1 - max(last.start_h, plants.t0)
    assert plants.unused is not None
    commitment_id = str(streams.get(plants.unused)["commitment_id"])
    out.append(
        Opportunity(
            kind="commitment_unused",
            provider=c.provider,
            team=c.team,
            project=c.project,
            resource_ids=[commitment_id],
            monthly_savings=_money(plants.unused_per_hour * hours),
            description=" ".join(c.description.split())
            + f" Savings: the EffectiveCost of its Unused rows in {last.label}.",
            details={
                "month": last.label,
                "utilization": c.utilization,
                "covered_resource_ids": ids(plants.covered),
            },
        )
    )
    return out
