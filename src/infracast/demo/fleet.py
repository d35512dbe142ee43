"""The company's cloud fleet, sized so the charges come out at the rows asked for.

For each provider, each kind of workload gets its share of the rows (see
``shares`` in ``company.yaml``). Candidates are drawn one after another from
the templates with a seeded random generator, and the kind takes the prefix
whose rows come closest to its share; CPU instances come last and fill the
remainder exactly (the last one starts later in the period). So the number of
inference services, training runs, buckets and instances grows with ``rows``
while the hourly (or, for small sizes and Azure, daily) granularity stays.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from infracast.demo.billing import Billing
from infracast.demo.company import (
    KINDS,
    Company,
    Kind,
    Provider,
    ProviderSlug,
    TrainingTemplate,
)
from infracast.demo.identities import Resource, identity
from infracast.demo.opportunities import Plants, add_plants
from infracast.demo.period import Period
from infracast.demo.services import add_inference
from infracast.demo.streams import Streams
from infracast.vocabulary.instances import gpu_instances

EGRESS_MEAN_FACTOR = 0.93  # weekends at 75% of weekdays
MIN_DAYS = 14  # the shortest life of a resource a tiny demo starts late in the period
SHARED_SHARE = 0.04  # rows of untagged shared networking, for tiny demos


@dataclass
class Window:
    """An anomaly's window in period hours, and what it touches."""

    start_h: int
    end_h: int
    sids: list[int] = field(default_factory=list)


@dataclass
class Fleet:
    """Everything the writers expand: streams plus what sizing learned about them."""

    period: Period
    streams: Streams
    grains: dict[ProviderSlug, int]
    rows_by_month: Counter[tuple[str, str]]  # (provider, YYYY-MM) -> charge rows
    windows: dict[str, Window]  # anomaly kind -> window
    spend: defaultdict[tuple[str, str], float]  # estimated spend, for support fees and credits
    rule_breaks: list[dict[str, Any]] = field(default_factory=list)
    plants: Plants | None = None  # the planted opportunities, added after every provider


def gpu_lookup() -> dict[str, tuple[str, int]]:
    """Instance type -> (GPU type, GPU count), from the package's gpu_instances.csv."""
    return {g.instance_type: (g.gpu_type, g.gpu_count) for g in gpu_instances()}


class ProviderFleet:
    """Builds one provider's streams into a shared :class:`Streams`."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        company: Company,
        slug: ProviderSlug,
        period: Period,
        rows: int,
        seed: int,
        fleet: Fleet,
    ) -> None:
        self.con = con
        self.company = company
        self.slug = slug
        self.p: Provider = company.providers[slug]
        self.period = period
        self.seed = seed
        self.fleet = fleet
        self.target = rows * self.p.row_share
        rows_a_year = rows * 12 / len(period.months)
        hourly = self.p.grain == "hour" and rows_a_year >= company.hourly_from_rows
        self.grain = 1 if hourly else 24
        self.rows = 0
        self.gpus = gpu_lookup()
        self.committed: list[tuple[int, float]] = []  # (sid, hourly list price) covered
        self.index = list(company.providers).index(slug)
        self.anomalies = {a.kind: a for a in company.anomalies if a.provider == slug}
        self.training_sids: list[int] = []
        self.shared_sids: list[int] = []

    # -- bookkeeping ---------------------------------------------------------------

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.slug}:{kind}")

    def _count(self, t0: int, t1: int, grain: int, cost_per_hour: float) -> None:
        for m in self.period.months:
            lo, hi = max(t0, m.start_h), min(t1, m.end_h)
            if hi > lo:
                n = (hi - lo + grain - 1) // grain
                self.fleet.rows_by_month[(self.slug, m.label)] += n
                self.fleet.spend[(self.slug, m.label)] += (hi - lo) * cost_per_hour
                self.rows += n

    def add(self, res: Resource, pricing: str | None, **fields: Any) -> int:
        ident = identity(self.p, res, pricing, self.seed)
        return self.fleet.streams.add(
            ident, provider=self.slug, team=res.team, project=res.project, **fields
        )

    def instance(
        self,
        res: Resource,
        t0: int,
        t1: int,
        workload: str,
        workload_name: str,
        pricing: str = "Standard",
        **fields: Any,
    ) -> int:
        price = self.p.prices[res.sku]
        gpu_type, gpus = self.gpus.get(res.sku, (None, None))
        spec = self.company.gpus.get(gpu_type) if gpu_type else None
        spot_lo, spot_hi = self.p.spot_discount
        factor = {"Dynamic": 1 - (spot_lo + spot_hi) / 2}.get(
            pricing, 1 - self.p.negotiated_discount
        )
        sid = self.add(
            res,
            pricing,
            kind=fields.pop("kind", "instance"),
            t0=t0,
            t1=t1,
            grain=self.grain,
            list_price=price,
            discount=self.p.negotiated_discount,
            pricing_category=pricing,
            spot_lo=spot_lo,
            spot_hi=spot_hi,
            charge_category="Usage",
            charge_frequency="Usage-Based",
            gpus=gpus,
            gpu_type=gpu_type,
            gpu_mem=spec.memory_mib if spec else None,
            gpu_tdp=spec.tdp_w if spec else None,
            gpu_idle=spec.idle_w if spec else None,
            workload=workload if gpus else None,
            workload_name=workload_name if gpus else None,
            **fields,
        )
        if fields.get("svc") is None:
            self._count(t0, t1, self.grain, price * factor)
        return sid

    def aligned(self, h: float, grain: int = 24) -> int:
        return int(h) // grain * grain

    def late_start(self, steps: float, grain: int, keep_h: int | None = None) -> int:
        """First hour of a stream of about ``steps`` rows that ends with the period.

        At least ``MIN_DAYS`` long, and starting no later than ``keep_h`` (an
        anomaly it must show).
        """
        t_hours = self.period.hours
        hours = max(steps * grain, MIN_DAYS * 24)
        t0 = max(0, t_hours - self.aligned(hours, 24))
        return min(t0, self.aligned(keep_h, 24)) if keep_h is not None else t0

    # -- kinds -----------------------------------------------------------------------

    def build(self) -> None:
        for a in self.anomalies.values():
            start = self.aligned(a.at * self.period.hours)
            end = min(self.period.hours, start + a.days * 24)
            self.fleet.windows[a.kind] = Window(start, end)
        if "forgotten_dev_cluster" in self.anomalies:
            self.forgotten_cluster(self.anomalies["forgotten_dev_cluster"].instance_type or "")
        billing = Billing(self)
        self.inference()
        billing.reserve()
        self.training()
        self.storage()
        self.egress()
        self.shared()
        self.compute()
        billing.write()

    def window(self, kind: str) -> Window | None:
        """The window of this provider's anomaly of ``kind``, if it has one."""
        return self.fleet.windows.get(kind) if kind in self.anomalies else None

    def kind_target(self, kind: Kind) -> float:
        """Rows for ``kind``: its share of the rows still unspent among the kinds still to build."""
        order = list(KINDS)
        later = order[order.index(kind) :]
        weight = sum(self.p.shares.get(k, 0.0) for k in later)
        left = max(0.0, self.target - self.rows)
        return left * self.p.shares.get(kind, 0.0) / weight if weight else 0.0

    def forgotten_cluster(self, instance_type: str) -> None:
        window = self.fleet.windows["forgotten_dev_cluster"]
        spec = self.anomalies["forgotten_dev_cluster"]
        res = Resource(
            self.slug,
            "instance",
            "dev-h100-debug",
            instance_type,
            spec.team,
            spec.project,
            self.p.home_region,
            env="dev",
        )
        window.sids.append(
            self.instance(res, window.start_h, window.end_h, "dev", "dev-h100-debug")
        )

    def inference(self) -> None:
        add_inference(self)

    def training(self) -> None:
        templates = self.p.training
        target = self.kind_target("training")
        rng = self.rng("training")
        days_total = self.period.days
        runs: list[tuple[int, TrainingTemplate, int, int, int, bool]] = []
        total = 0
        i = 0
        while total < target or not runs:
            t = templates[i % len(templates)]
            nodes = rng.randint(*t.nodes)
            days = min(days_total, rng.randint(*t.days))
            start_day = rng.random()
            spot = rng.random() < t.spot
            if not runs and nodes * days * 24 // self.grain > 1.5 * target:
                # A tiny demo: a smaller first run (fewer nodes, then fewer days).
                node_days = max(1.0, target * self.grain / 24)
                nodes = max(1, min(nodes, int(node_days // days)))
                days = max(1, min(days, int(node_days // nodes)))
            t0 = int(start_day * (days_total - days + 1)) * 24
            rows = nodes * days * 24 // self.grain
            if runs and abs(total + rows - target) > abs(total - target):
                break
            runs.append((i, t, nodes, t0, t0 + days * 24, spot))
            total += rows
            i += 1
        for i, t, nodes, t0, t1, spot in runs:
            run = f"{t.project}-r{i + 1:03d}"
            for node in range(nodes):
                res = Resource(
                    self.slug,
                    "instance",
                    f"{run}-n{node}",
                    t.instance_type,
                    t.team,
                    t.project,
                    self.p.home_region,
                )
                self.training_sids.append(
                    self.instance(res, t0, t1, "training", run, "Dynamic" if spot else "Standard")
                )

    def storage(self) -> None:
        templates = self.p.storage
        target = self.kind_target("storage")
        rng = self.rng("storage")
        t_hours = self.period.hours
        total, i = 0, 0
        while True:
            t = templates[i % len(templates)]
            cycle = i // len(templates)
            t0 = 0 if cycle == 0 else self.aligned(rng.uniform(0, 0.7) * t_hours)
            if i == 0 and t_hours // 24 > 1.5 * target:
                t0 = self.late_start(target, 24)
            size0 = rng.uniform(*t.size_gb)
            mgrowth = rng.uniform(*t.growth)
            rows = (t_hours - t0) // 24
            if i > 0 and abs(total + rows - target) > abs(total - target):
                break
            label = t.project or "shared-archive"
            name = f"{label}-{t.sku.split('-', 1)[1]}" + (f"-{cycle + 1}" if cycle else "")
            res = Resource(self.slug, "storage", name, t.sku, t.team, t.project, self.p.home_region)
            price = self.p.prices[t.sku]
            self.add(
                res,
                "Standard",
                kind="storage",
                t0=t0,
                t1=t_hours,
                grain=24,
                size0=size0,
                mgrowth=mgrowth,
                list_price=price,
                discount=self.p.negotiated_discount,
                pricing_category="Standard",
                charge_category="Usage",
                charge_frequency="Usage-Based",
            )
            mid_growth = (1 + mgrowth) ** ((t0 + t_hours) / 2 / 730)
            self._count(t0, t_hours, 24, size0 * mid_growth * price / 730)
            total += rows
            i += 1

    def egress(self) -> None:
        templates = self.p.egress
        target = self.kind_target("egress")
        rng = self.rng("egress")
        t_hours = self.period.hours
        spike = self.window("egress_spike")
        spec = self.anomalies.get("egress_spike")
        total, i = 0, 0
        while True:
            t = templates[i % len(templates)]
            cycle = i // len(templates)
            t0 = 0 if cycle == 0 else self.aligned(rng.uniform(0, 0.7) * t_hours)
            if i == 0 and t_hours // 24 > 1.5 * target:
                t0 = self.late_start(target, 24, spike.start_h if spike else None)
            gb_day = rng.uniform(*t.gb_per_day)
            rows = (t_hours - t0) // 24
            if i > 0 and abs(total + rows - target) > abs(total - target):
                break
            name = f"{t.project}-{'replication' if t.replication else 'egress'}"
            name += f"-{cycle + 1}" if cycle else ""
            res = Resource(self.slug, "egress", name, t.sku, t.team, t.project, self.p.home_region)
            price = self.p.prices[t.sku]
            hit = spike is not None and spec is not None and t.replication and not spike.sids
            sid = self.add(
                res,
                "Standard",
                kind="egress",
                t0=t0,
                t1=t_hours,
                grain=24,
                gb_day=gb_day,
                spike_from=spike.start_h if hit and spike else None,
                spike_to=spike.end_h if hit and spike else None,
                spike_mult=spec.multiplier if hit and spec else None,
                list_price=price,
                discount=self.p.negotiated_discount,
                pricing_category="Standard",
                charge_category="Usage",
                charge_frequency="Usage-Based",
            )
            if hit and spike is not None:
                spike.sids.append(sid)
            self._count(t0, t_hours, 24, gb_day / 24 * EGRESS_MEAN_FACTOR * price * 1.3)
            total += rows
            i += 1

    def shared(self) -> None:
        t_hours = self.period.hours
        t0 = 0
        if t_hours // 24 > SHARED_SHARE * self.target:
            t0 = self.late_start(SHARED_SHARE * self.target, 24)
        for i, t in enumerate(self.p.shared):
            res = Resource(
                self.slug, "shared", f"shared-{t.sku}-{i}", t.sku, None, None, self.p.home_region
            )
            price = self.p.prices[t.sku]
            sid = self.add(
                res,
                "Standard",
                kind="shared",
                t0=t0,
                t1=t_hours,
                grain=24,
                list_price=price,
                discount=self.p.negotiated_discount,
                pricing_category="Standard",
                charge_category="Usage",
                charge_frequency="Usage-Based",
            )
            self.shared_sids.append(sid)
            self._count(t0, t_hours, 24, price * (1 - self.p.negotiated_discount))

    def compute(self) -> None:
        """CPU instances, always on, filling the provider's remaining rows."""
        templates = self.p.compute
        t_hours = self.period.hours
        remaining = round(self.target - self.rows)
        full = t_hours // self.grain
        i = 0
        while remaining > 0:
            t = templates[i % len(templates)]
            steps = min(full, remaining)
            t0 = t_hours - steps * self.grain
            cycle = i // len(templates)
            name = f"{t.project}-{t.instance_type.lower().replace('_', '-')}-{cycle + 1:02d}"
            res = Resource(
                self.slug, "instance", name, t.instance_type, t.team, t.project, self.p.home_region
            )
            self.instance(res, t0, t_hours, "compute", name)
            remaining -= steps
            i += 1


def build_fleet(
    con: duckdb.DuckDBPyConnection, company: Company, period: Period, rows: int, seed: int
) -> Fleet:
    """Streams of every provider, sized so the charges total about ``rows``."""
    fleet = Fleet(period, Streams(con), {}, Counter(), {}, defaultdict(float))
    for slug in company.providers:
        builder = ProviderFleet(con, company, slug, period, rows, seed, fleet)
        builder.build()
        fleet.grains[slug] = builder.grain
    fleet.plants = add_plants(fleet, company, rows, seed)
    fleet.streams.flush()
    return fleet
