"""Inference services: autoscaled replicas whose count follows demand.

A service wants ``desired(h)`` replicas each hour (daily and weekly seasonality,
steady growth, noise; see ``formulas.py``), never fewer than its minimum. Each
replica slot is a stream that has a row only when the service wants that many
replicas. Services whose template is ``committed`` have their minimum replicas
covered by the provider's commitment all period. How many rows a service makes
is counted in SQL with the same formula, so sizing is exact.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from infracast.demo.identities import Resource

if TYPE_CHECKING:
    from infracast.demo.fleet import ProviderFleet

GROWTH_RANGE = (0.4, 1.0)  # yearly demand growth of a service
AMPLITUDE_RANGE = (0.25, 0.45)  # daily swing of demand around its mean
MIN_REPLICA_SCALE = 0.5  # small demos shrink replica counts down to half, not below
MEAN_OVER_BASE = 1.4  # mean desired replicas over base (growth, rounding up, floors)


@dataclass
class Service:
    """One inference service and the parameters of its demand."""

    svc: int  # key of its demand noise, unique in the run
    i: int  # position among the candidates
    t0: int
    t1: int
    grain: int
    base: float
    growth: float
    amp: float
    rmin: int
    rmax: int
    anom_from: int | None
    anom_to: int | None
    committed: bool
    name: str


def candidates(f: ProviderFleet, target: float) -> list[Service]:
    """Enough candidate services, drawn in order from the templates, for ``target`` rows."""
    templates = f.p.inference
    t_hours = f.period.hours
    # Expected rows of one round of the templates; below it, services get fewer replicas.
    per_round = sum(sum(t.replicas) / 2 for t in templates) * MEAN_OVER_BASE * t_hours / f.grain
    scale = max(MIN_REPLICA_SCALE, min(1.0, target / per_round))
    n = math.ceil(target / (per_round * scale) * len(templates) * 1.5) + 2
    rng = f.rng("inference")
    window = f.window("autoscaler_min_replicas")
    out = []
    for i in range(n):
        t = templates[i % len(templates)]
        cycle = i // len(templates)
        t0 = 0 if cycle == 0 else f.aligned(rng.uniform(0, 0.8) * t_hours, f.grain)
        base = max(0.6, rng.uniform(*t.replicas) * scale)
        growth = rng.uniform(*GROWTH_RANGE)
        amp = rng.uniform(*AMPLITUDE_RANGE)
        committed = t.committed and cycle == 0 and f.p.commitment is not None
        if committed:  # the committed baseline is sized to mid-period demand
            rmin = max(1, round(base * 0.9 * (1 + growth) ** (t_hours / 2 / 8760)))
        else:
            rmin = max(1, math.floor(base * (1 - amp) * 0.8))
        peak = base * (1 + growth) ** (t_hours / 8760) * (1 + amp) * 1.1
        anom = window if (window is not None and i == 0) else None
        out.append(
            Service(
                svc=f.index * 1_000_000 + i,
                i=i,
                t0=t0,
                t1=t_hours,
                grain=f.grain,
                base=base,
                growth=growth,
                amp=amp,
                rmin=rmin,
                rmax=max(2 * rmin, math.ceil(peak) + 1),
                anom_from=anom.start_h if anom else None,
                anom_to=anom.end_h if anom else None,
                committed=committed,
                name=t.service if cycle == 0 else f"{t.service}-{cycle + 1}",
            )
        )
    return out


_COUNTED = ("svc", "t0", "t1", "grain", "base", "growth", "amp", "rmin", "rmax")


def service_counts(f: ProviderFleet, services: list[Service]) -> dict[int, list[tuple[str, int]]]:
    """Rows per service and month: the sum of desired replicas over its steps."""
    rows = [asdict(s) for s in services]
    cols = (*_COUNTED, "anom_from", "anom_to")
    table = pa.table({c: [r[c] for r in rows] for c in cols})
    f.con.register("demo_candidates", table)
    try:
        found = f.con.execute(
            f"""SELECT svc,
                       strftime({f.period.sql_start()} + h * INTERVAL 1 HOUR, '%Y-%m') AS m,
                       sum(desired(svc, h, grain, base, growth, amp, rmin, rmax,
                                   anom_from, anom_to))
                FROM (SELECT *, unnest(range(t0, t1, grain)) AS h FROM demo_candidates)
                GROUP BY ALL ORDER BY svc, m"""
        ).fetchall()
    finally:
        f.con.unregister("demo_candidates")
    out: dict[int, list[tuple[str, int]]] = {}
    for svc, label, n in found:
        out.setdefault(int(svc), []).append((str(label), int(n)))
    return out


def add_inference(f: ProviderFleet) -> None:
    """Add the provider's inference services, as many as its share of rows holds."""
    target = f.kind_target("inference")
    services = candidates(f, target)
    counts = service_counts(f, services)
    totals = [sum(n for _, n in counts.get(s.svc, [])) for s in services]
    chosen = closest_prefix(totals, target, minimum=1)
    if chosen == 1 and totals[0] > 1.5 * target:
        # A tiny demo: the first service starts late in the period instead.
        first = services[0]
        steps = (first.t1 - first.t0) // f.grain * target / totals[0]
        first.t0 = f.late_start(steps, f.grain, first.anom_from)
        first.committed = first.committed and first.t0 == 0
        counts.update(service_counts(f, [first]))
    window = f.window("autoscaler_min_replicas")
    for s in services[:chosen]:
        _add_slots(f, s, counts.get(s.svc, []), window.sids if window and s.i == 0 else None)


def _add_slots(
    f: ProviderFleet, s: Service, months: list[tuple[str, int]], anomaly_sids: list[int] | None
) -> None:
    t = f.p.inference[s.i % len(f.p.inference)]
    price = f.p.prices[t.instance_type]
    for label, n in months:
        f.fleet.rows_by_month[(f.slug, label)] += n
        f.fleet.spend[(f.slug, label)] += n * f.grain * price * (1 - f.p.negotiated_discount)
        f.rows += n
    for slot in range(s.rmax):
        covered = s.committed and slot < s.rmin
        res = Resource(
            f.slug,
            "instance",
            f"{s.name}-{slot:02d}",
            t.instance_type,
            t.team,
            t.project,
            t.region or f.p.home_region,
        )
        sid = f.instance(
            res,
            s.t0,
            s.t1,
            "inference",
            s.name,
            "Committed" if covered else "Standard",
            kind="replica",
            slot=slot,
            svc=s.svc,
            base=s.base,
            growth=s.growth,
            amp=s.amp,
            rmin=s.rmin,
            rmax=s.rmax,
            anom_from=s.anom_from,
            anom_to=s.anom_to,
        )
        if covered:
            f.committed.append((sid, price))
        if anomaly_sids is not None:
            anomaly_sids.append(sid)


def closest_prefix(totals: list[int], target: float, minimum: int) -> int:
    """How many leading items bring the cumulative total closest to ``target``."""
    best, best_err, cum = minimum, math.inf, 0
    for n, value in enumerate(totals, start=1):
        cum += value
        err = abs(cum - target)
        if n >= minimum and err < best_err:
            best, best_err = n, err
        if cum > target and n >= minimum:
            break
    return best
