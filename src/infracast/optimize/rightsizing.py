"""Rightsizing GPUs from their utilization: stop, share, downsize, consolidate replicas.

Plain data in (one :class:`ResourceUsage` per resource, the accelerators' specs, the prices
on offer), decisions out; no ledger, no files. The rules, in the order they are tried, with
the defaults of :class:`RightsizingSettings`:

1. **Idle** (``idle_gpu``): over the trailing ``sustained_days`` (7) of the window, the
   resource was sampled for at least ``min_coverage`` (90 %) of the hours and at least
   ``idle_share`` (95 %) of its samples read below ``idle_threshold`` (5 %) → stop it.
   Saves its monthly cost (low: cost × the idle share; high: the cost).
2. **Consolidate replicas** (``consolidate_replicas``): resources with the same workload
   label, accelerator and currency, at least two of them and not all idle, form a pool.
   Its load is Σ p95ᵢ × gpusᵢ (GPU-equivalents); it needs
   ``max(min_replicas, ⌈load ÷ (consolidate_target × g)⌉)`` replicas of g GPUs at a 70 %
   target. With n replicas and m needed (m < n), removing n − m saves (n − m) ÷ n × Σ
   monthly cost (low with the p99 load, high with the p90 load). Pool members get no
   other decision.
3. **Share** (``share_gpu``), a resource not already sliced (mean share ≥ 0.99) with
   p95 < ``share_p95`` (25 %): on a MIG-capable GPU the smallest MIG profile whose SMs
   (k⁄7) hold the p95 at ≤ ``target_utilization`` (80 %) and whose memory holds peak memory
   plus ``memory_headroom`` (20 %): saves cost × (1 − k⁄7). Elsewhere time-slicing:
   the job needs f = max(p95 ÷ target, peak memory × 1.2 ÷ GPU memory) of a GPU, so
   ⌊1 ÷ f⌋ ≥ 2 jobs fit one GPU and it saves cost × (1 − 1 ÷ ⌊1 ÷ f⌋). Low with p99,
   high with p90.
4. **Downsize** (``rightsize_gpu``), p95 < ``downsize_p95`` (40 %): the cheapest offered
   accelerator (same currency, the resource's provider where it has offers) whose memory
   holds peak memory × 1.2 and whose dense peak (bf16, else fp16, fp32) × target is at
   least the p95 need p95 × the current GPU's peak. Saves monthly cost − its price per
   GPU-hour × the monthly GPU-hours; low with the p99 need, high with the p90 need.

Confidence = min(1, days sampled ÷ ``full_confidence_days`` (14)) × (0.5 + 0.45 × margin),
where margin (0..1) is how far the deciding statistic sits inside its threshold: idle
(idle share − 0.95) ÷ 0.05; consolidate 1 − load ÷ (target × g × n); share and downsize
1 − p95 ÷ threshold. It is at most 0.95: a rule never knows the future.

MIG profiles: NVIDIA Multi-Instance GPU User Guide, "Supported MIG Profiles"
(docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html, read
2026-12-07): profile ``kg.Ngb`` holds k⁄7 of the SMs and N GB of memory.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from infracast.optimize.exceptions import OptimizeError

Risk = Literal["low", "medium", "high"]
GIB_PER_GB = 1e9 / 2**30
_EPS = 1e-9
MIG_SOURCE = (
    "NVIDIA Multi-Instance GPU User Guide, Supported MIG Profiles "
    "(docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html, "
    "read 2026-12-07)"
)


@dataclass(frozen=True)
class MigProfile:
    """A MIG GPU instance profile: ``sevenths`` of the SMs and ``memory_gb`` (10⁹ bytes)."""

    name: str
    sevenths: int
    memory_gb: float

    @property
    def compute_share(self) -> float:
        return self.sevenths / 7

    @property
    def memory_gib(self) -> float:
        return self.memory_gb * GIB_PER_GB


def _profiles(*names: str) -> tuple[MigProfile, ...]:
    out = []
    for name in names:
        g, _, gb = name.partition("g.")
        out.append(MigProfile(name, int(g), float(gb.removesuffix("gb"))))
    return tuple(out)


_MIG_80 = _profiles("1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb")
# Catalog accelerator name -> its MIG profiles smaller than the whole GPU (MIG_SOURCE).
MIG_PROFILES: dict[str, tuple[MigProfile, ...]] = {
    "A100-40GB": _profiles("1g.5gb", "1g.10gb", "2g.10gb", "3g.20gb", "4g.20gb"),
    "A100-80GB": _MIG_80,
    "A100-80GB-PCIe": _MIG_80,
    "H100-SXM": _MIG_80,
    "H100-PCIe": _MIG_80,
    "H800": _MIG_80,
    "H100-NVL": _profiles("1g.12gb", "1g.24gb", "2g.24gb", "3g.47gb", "4g.47gb"),
    "H200": _profiles("1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb"),
    "B200": _profiles("1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb"),
}


@dataclass(frozen=True)
class RightsizingSettings:
    """Thresholds and windows of the rules (the module docstring)."""

    idle_threshold: float = 0.05
    sustained_days: float = 7.0
    idle_share: float = 0.95
    min_coverage: float = 0.9
    downsize_p95: float = 0.40
    share_p95: float = 0.25
    memory_headroom: float = 0.20
    target_utilization: float = 0.80
    consolidate_target: float = 0.70
    min_replicas: int = 1
    full_confidence_days: float = 14.0
    window_days: float = 14.0  # the window of samples the workflow reads by default

    def __post_init__(self) -> None:
        for name in (
            "idle_threshold",
            "idle_share",
            "min_coverage",
            "downsize_p95",
            "share_p95",
            "target_utilization",
            "consolidate_target",
        ):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise OptimizeError(
                    f"rightsizing setting {name} = {value} is not a share within (0, 1].",
                    hint=f"Give {name} as a fraction: 0.05 for 5 %.",
                )
        if min(self.sustained_days, self.full_confidence_days, self.window_days) <= 0:
            raise OptimizeError(
                "rightsizing windows (sustained_days, full_confidence_days, window_days) must "
                "be positive.",
                hint="Give them in days, e.g. sustained_days=7.",
            )
        if self.memory_headroom < 0 or self.min_replicas < 1:
            raise OptimizeError(
                f"memory_headroom {self.memory_headroom} must be ≥ 0 and min_replicas "
                f"{self.min_replicas} ≥ 1.",
                hint="The defaults are memory_headroom=0.2 and min_replicas=1.",
            )


@dataclass(frozen=True)
class GpuSpec:
    """An accelerator's memory and dense peak (TFLOPS), from the catalog."""

    name: str
    memory_gib: float
    peak_tflops: float


@dataclass(frozen=True)
class GpuOffer:
    """A price per GPU-hour for an accelerator, with where it comes from."""

    accelerator: str
    price_per_gpu_hour: Decimal
    currency: str
    source: str
    provider: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ResourceUsage:
    """One resource's utilization over the window and what it costs per month."""

    resource_id: str
    gpu_type: str | None
    gpus: int
    monthly_cost: Decimal
    monthly_gpu_hours: float
    currency: str
    days_sampled: float
    recent_hours: float
    recent_idle_share: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    peak_memory_gib: float = 0.0
    mean_share: float = 1.0
    workload: str | None = None
    provider: str | None = None
    team: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class Decision:
    """One rule's finding: the kind, the resources, the savings range and why."""

    kind: str
    resource_ids: tuple[str, ...]
    action: str
    monthly_cost: Decimal
    savings: Decimal
    savings_low: Decimal
    savings_high: Decimal
    currency: str
    confidence: float
    risk: Risk
    details: dict[str, Any] = field(default_factory=dict)


def rightsizing(
    resources: Sequence[ResourceUsage],
    specs: Mapping[str, GpuSpec] | None = None,
    offers: Iterable[GpuOffer] = (),
    settings: RightsizingSettings | None = None,
) -> list[Decision]:
    """The decisions for ``resources`` (the module docstring), most savings first.

    ``specs`` holds the accelerators by catalog name (for downsizing and time-slicing);
    ``offers`` the prices of the accelerators one may move to.
    """
    cfg = settings or RightsizingSettings()
    specs = specs or {}
    offers = list(offers)
    idle = {r.resource_id for r in resources if _is_idle(r, cfg)}
    decided: set[str] = set()
    out: list[Decision] = []
    for pool in _pools(resources):
        if all(r.resource_id in idle for r in pool):
            continue
        decision = consolidate(pool, cfg)
        if decision is not None:
            out.append(decision)
            decided.update(decision.resource_ids)
    for r in resources:
        if r.resource_id in decided or r.monthly_cost <= 0:
            continue
        if r.resource_id in idle:
            out.append(stop(r, cfg))
            continue
        decision = share(r, specs, cfg) or downsize(r, specs, offers, cfg)
        if decision is not None:
            out.append(decision)
    return sorted(out, key=lambda d: (-d.savings, d.kind, d.resource_ids))


def _is_idle(r: ResourceUsage, cfg: RightsizingSettings) -> bool:
    covered = r.recent_hours >= cfg.min_coverage * cfg.sustained_days * 24 - _EPS
    return covered and r.recent_idle_share >= cfg.idle_share


def _confidence(days: float, margin: float, cfg: RightsizingSettings) -> float:
    days_factor = min(1.0, days / cfg.full_confidence_days)
    return round(days_factor * (0.5 + 0.45 * min(1.0, max(0.0, margin))), 4)


def stop(r: ResourceUsage, cfg: RightsizingSettings) -> Decision:
    """Rule 1 for a resource already found idle: stop it."""
    low = r.monthly_cost * Decimal(str(r.recent_idle_share))
    margin = (r.recent_idle_share - cfg.idle_share) / (1 - cfg.idle_share)
    return Decision(
        kind="idle_gpu",
        resource_ids=(r.resource_id,),
        action=f"Stop {r.resource_id} ({r.gpus}× {r.gpu_type or 'GPU'}): "
        f"{r.recent_idle_share:.0%} of its samples over the last {cfg.sustained_days:g} days "
        f"were below {cfg.idle_threshold:.0%} utilization",
        monthly_cost=r.monthly_cost,
        savings=r.monthly_cost,
        savings_low=min(low, r.monthly_cost),
        savings_high=r.monthly_cost,
        currency=r.currency,
        confidence=_confidence(r.days_sampled, margin, cfg),
        risk="low" if r.p99 < cfg.idle_threshold else "medium",
        details={
            "rule": f"at least {cfg.idle_share:.0%} of samples below {cfg.idle_threshold:.0%} "
            f"over the last {cfg.sustained_days:g} days, sampled for at least "
            f"{cfg.min_coverage:.0%} of them",
            "recent_idle_share": r.recent_idle_share,
            "recent_hours": r.recent_hours,
        },
    )


def _pools(resources: Sequence[ResourceUsage]) -> list[list[ResourceUsage]]:
    groups: dict[tuple[str, str, str, str], list[ResourceUsage]] = defaultdict(list)
    for r in resources:
        if r.workload and r.monthly_cost > 0:
            key = (r.workload, r.gpu_type or "", r.currency, r.provider or "")
            groups[key].append(r)
    return [sorted(g, key=lambda r: r.resource_id) for _, g in sorted(groups.items()) if len(g) > 1]


def replicas_needed(load: float, gpus_per_replica: int, cfg: RightsizingSettings) -> int:
    """⌈load ÷ (target × g)⌉, at least ``min_replicas``."""
    need = math.ceil(load / (cfg.consolidate_target * gpus_per_replica) - _EPS)
    return max(cfg.min_replicas, need)


def consolidate(pool: Sequence[ResourceUsage], cfg: RightsizingSettings) -> Decision | None:
    """Rule 2 for one pool of replicas; None when it needs all of them."""
    n = len(pool)
    g = max(r.gpus for r in pool)
    total = sum((r.monthly_cost for r in pool), Decimal(0))

    def saved(stat: str) -> tuple[int, Decimal]:
        load = sum(getattr(r, stat) * r.gpus for r in pool)
        m = min(n, replicas_needed(load, g, cfg))
        return m, total * (n - m) / n

    m, expected = saved("p95")
    if m >= n:
        return None
    load95 = sum(r.p95 * r.gpus for r in pool)
    _, low = saved("p99")
    _, high = saved("p90")
    first = pool[0]
    return Decision(
        kind="consolidate_replicas",
        resource_ids=tuple(r.resource_id for r in pool),
        action=f"Consolidate {first.workload}: {n} replicas of {g}× {first.gpu_type or 'GPU'} "
        f"carry a p95 load of {load95:.2f} GPUs; {m} at {cfg.consolidate_target:.0%} hold it",
        monthly_cost=total,
        savings=expected,
        savings_low=min(low, expected),
        savings_high=max(high, expected),
        currency=first.currency,
        confidence=_confidence(
            min(r.days_sampled for r in pool), 1 - load95 / (cfg.consolidate_target * g * n), cfg
        ),
        risk="high" if m == 1 else "medium",
        details={
            "rule": f"Σ p95 × GPUs ÷ ({cfg.consolidate_target:.0%} × GPUs per replica), rounded "
            f"up, at least {cfg.min_replicas}",
            "replicas": n,
            "replicas_needed": m,
            "load_p95_gpus": load95,
            "per_replica_p95": {r.resource_id: r.p95 for r in pool},
        },
    )


def mig_slice(
    gpu_type: str, need: float, memory_gib: float, cfg: RightsizingSettings
) -> MigProfile | None:
    """The smallest MIG profile of ``gpu_type`` holding ``need`` at the target and the memory."""
    fits = [
        p
        for p in MIG_PROFILES.get(gpu_type, ())
        if need <= p.compute_share * cfg.target_utilization + _EPS
        and memory_gib * (1 + cfg.memory_headroom) <= p.memory_gib + _EPS
    ]
    return min(fits, key=lambda p: (p.sevenths, p.memory_gb)) if fits else None


def _share_saving(
    r: ResourceUsage, need: float, specs: Mapping[str, GpuSpec], cfg: RightsizingSettings
) -> tuple[Decimal, dict[str, Any]] | None:
    if r.gpu_type in MIG_PROFILES:
        profile = mig_slice(r.gpu_type, need, r.peak_memory_gib, cfg)
        if profile is None:
            return None
        keep = Decimal(profile.sevenths) / 7
        how = {"method": "mig", "profile": profile.name, "compute_share": profile.compute_share}
        return r.monthly_cost * (1 - keep), how
    spec = specs.get(r.gpu_type or "")
    if spec is None or spec.memory_gib <= 0:
        return None
    f = max(
        need / cfg.target_utilization,
        r.peak_memory_gib * (1 + cfg.memory_headroom) / spec.memory_gib,
    )
    k = math.floor(1 / f + _EPS) if f > 0 else 0
    if f <= 0 or k < 2:
        return None
    how = {"method": "time-slicing", "jobs_per_gpu": k, "gpu_fraction_needed": f}
    return r.monthly_cost * (1 - Decimal(1) / k), how


def share(
    r: ResourceUsage, specs: Mapping[str, GpuSpec], cfg: RightsizingSettings
) -> Decision | None:
    """Rule 3 for one resource; None when it does not apply or nothing fits."""
    if r.p95 >= cfg.share_p95 or r.mean_share < 0.99:
        return None
    found = _share_saving(r, r.p95, specs, cfg)
    if found is None:
        return None
    expected, how = found
    low = _share_saving(r, r.p99, specs, cfg)
    high = _share_saving(r, r.p90, specs, cfg)
    low_s = min(low[0] if low else Decimal(0), expected)
    high_s = max(high[0] if high else expected, expected)
    where = how.get("profile") or f"{how['jobs_per_gpu']} jobs per GPU by time-slicing"
    return Decision(
        kind="share_gpu",
        resource_ids=(r.resource_id,),
        action=f"Share {r.resource_id}'s {r.gpu_type or 'GPU'}: p95 {r.p95:.0%} and peak "
        f"memory {r.peak_memory_gib:.1f} GiB fit {where}",
        monthly_cost=r.monthly_cost,
        savings=expected,
        savings_low=low_s,
        savings_high=high_s,
        currency=r.currency,
        confidence=_confidence(r.days_sampled, 1 - r.p95 / cfg.share_p95, cfg),
        risk="medium" if how["method"] == "mig" else "high",
        details={
            "rule": f"p95 < {cfg.share_p95:.0%}; the job at p95 ≤ "
            f"{cfg.target_utilization:.0%} of its slice; memory + {cfg.memory_headroom:.0%} "
            "headroom fits",
            **how,
            **({"source": MIG_SOURCE} if how["method"] == "mig" else {}),
        },
    )


def _best_offer(
    r: ResourceUsage,
    need: float,
    current: GpuSpec,
    specs: Mapping[str, GpuSpec],
    offers: Sequence[GpuOffer],
    cfg: RightsizingSettings,
) -> tuple[Decimal, GpuOffer] | None:
    best: tuple[Decimal, GpuOffer] | None = None
    for offer in offers:
        spec = specs.get(offer.accelerator)
        if spec is None or offer.accelerator == current.name or offer.currency != r.currency:
            continue
        if r.peak_memory_gib * (1 + cfg.memory_headroom) > spec.memory_gib + _EPS:
            continue
        if spec.peak_tflops * cfg.target_utilization + _EPS < need * current.peak_tflops:
            continue
        saving = r.monthly_cost - offer.price_per_gpu_hour * Decimal(str(r.monthly_gpu_hours))
        if saving > 0 and (best is None or saving > best[0]):
            best = (saving, offer)
    return best


def downsize(
    r: ResourceUsage,
    specs: Mapping[str, GpuSpec],
    offers: Sequence[GpuOffer],
    cfg: RightsizingSettings,
) -> Decision | None:
    """Rule 4 for one resource; None when it does not apply or nothing cheaper fits."""
    current = specs.get(r.gpu_type or "")
    if r.p95 >= cfg.downsize_p95 or current is None or r.monthly_gpu_hours <= 0:
        return None
    mine = [o for o in offers if r.provider and o.provider == r.provider]
    pool = mine or list(offers)
    found = _best_offer(r, r.p95, current, specs, pool, cfg)
    if found is None:
        return None
    expected, offer = found
    low = _best_offer(r, r.p99, current, specs, pool, cfg)
    high = _best_offer(r, r.p90, current, specs, pool, cfg)
    target = specs[offer.accelerator]
    return Decision(
        kind="rightsize_gpu",
        resource_ids=(r.resource_id,),
        action=f"Move {r.resource_id} from {current.name} to {offer.accelerator}: p95 "
        f"{r.p95:.0%} needs {r.p95 * current.peak_tflops:.0f} TFLOPS and "
        f"{r.peak_memory_gib:.1f} GiB peak memory",
        monthly_cost=r.monthly_cost,
        savings=expected,
        savings_low=min(low[0] if low else Decimal(0), expected),
        savings_high=max(high[0] if high else expected, expected),
        currency=r.currency,
        confidence=_confidence(r.days_sampled, 1 - r.p95 / cfg.downsize_p95, cfg),
        risk="medium",
        details={
            "rule": f"p95 < {cfg.downsize_p95:.0%}; the new GPU's peak × "
            f"{cfg.target_utilization:.0%} ≥ p95 × the current peak; memory + "
            f"{cfg.memory_headroom:.0%} headroom fits",
            "from": {
                "accelerator": current.name,
                "memory_gib": current.memory_gib,
                "peak_tflops": current.peak_tflops,
            },
            "to": {
                "accelerator": target.name,
                "memory_gib": target.memory_gib,
                "peak_tflops": target.peak_tflops,
            },
            "price": {
                "price_per_gpu_hour": str(offer.price_per_gpu_hour),
                "currency": offer.currency,
                "provider": offer.provider,
                "source": offer.source,
                "description": offer.description,
            },
            "monthly_gpu_hours": r.monthly_gpu_hours,
        },
    )
