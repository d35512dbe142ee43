"""GPU recommendations over the ledger: idle GPUs, rightsizing, sharing, consolidation.

The workflow: the utilization of each resource over the window
(:func:`infracast.analytics.utilization.resource_utilization`; default the last 14 days of
samples), the accelerators' memory and dense peak from the catalog, the on-demand prices per
GPU-hour of the price book (the cheapest per accelerator, provider and currency), then the
pure rules of :mod:`infracast.optimize.rightsizing`. The rules see the cost a change can
save: the monthly cost less owned hardware's amortization (an idle owned server saves its
energy when stopped, not its purchase). Each decision becomes a
:class:`~infracast.recommend.record.Recommendation` whose evidence holds the window, the
thresholds, the utilization distribution of each resource (percentiles and a ten-bin
histogram), its monthly cost and how it was measured, the rule, and the price used with its
source and date. ``reproduce`` is an ``infracast utilization`` command over the same
resources, window and idle threshold: the percentiles and histogram the evidence cites.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.analytics.periods import Instant
from infracast.analytics.utilization import BINS, MONTH_DAYS, resource_utilization
from infracast.catalog import PriceBook, accelerators, canonical_provider, find_accelerator
from infracast.catalog import price_book as default_price_book
from infracast.optimize.rightsizing import (
    Decision,
    GpuOffer,
    GpuSpec,
    ResourceUsage,
    RightsizingSettings,
    rightsizing,
)
from infracast.recommend.record import Recommendation, ranked

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

_MIB_PER_GIB = 1024.0
_CENT = Decimal("0.01")
COST_BASIS = (
    "EffectiveCost of the resource's charges over the window (each by the share of its "
    f"period inside it) × {MONTH_DAYS} ÷ the days its charges cover there; less owned "
    "hardware's amortization (sunk: paid whether the GPUs work or not)"
)


def gpu_recommendations(
    ledger: Ledger,
    *,
    settings: RightsizingSettings | None = None,
    start: Instant | None = None,
    end: Instant | None = None,
    prices: PriceBook | None = None,
) -> list[Recommendation]:
    """``idle_gpu``, ``rightsize_gpu``, ``share_gpu`` and ``consolidate_replicas``
    recommendations for the GPU resources sampled in ``[start, end)`` (default: the last
    ``settings.window_days`` of samples), most savings first. ``prices`` is the price book
    of the accelerators to move to (default: the packaged one)."""
    cfg = settings or RightsizingSettings()
    window = resource_utilization(
        ledger,
        start=start,
        end=end,
        idle_threshold=cfg.idle_threshold,
        recent_days=cfg.sustained_days,
        days=cfg.window_days,
    )
    if window.start is None or window.end is None:
        return []
    rows = {r["resource_id"]: r for r in window.rows if _usable(r)}
    resources = [_usage(r) for r in rows.values()]
    specs = gpu_specs()
    offers = on_demand_offers(prices or default_price_book())
    decisions = rightsizing(resources, specs, offers, cfg)
    context = _Context(window.start, window.end, cfg, rows)
    return ranked([context.recommendation(d) for d in decisions])


def gpu_specs() -> dict[str, GpuSpec]:
    """Each catalog accelerator's memory and dense peak (bf16, else fp16, else fp32)."""
    out: dict[str, GpuSpec] = {}
    for name, acc in accelerators().items():
        peak = next(
            (acc.peak_tflops[p] for p in ("bf16", "fp16", "fp32") if p in acc.peak_tflops), None
        )
        if peak:
            out[name] = GpuSpec(name, acc.memory_gib, peak)
    return out


def on_demand_offers(book: PriceBook) -> list[GpuOffer]:
    """The cheapest on-demand price per GPU-hour of each accelerator, provider and currency."""
    best: dict[tuple[str, str, str], GpuOffer] = {}
    for option in book.options(pricing_model="on_demand"):  # cheapest first
        provider = canonical_provider(option.provider)
        key = (option.accelerator, provider, option.currency)
        if key in best or option.accelerators_per_instance <= 0:
            continue
        best[key] = GpuOffer(
            accelerator=option.accelerator,
            price_per_gpu_hour=option.price_per_accelerator_hour,
            currency=option.currency,
            source=f"{option.source}, as of {option.as_of.isoformat()}",
            provider=provider,
            description=option.describe(),
        )
    return list(best.values())


def _usable(row: dict[str, Any]) -> bool:
    return bool(row.get("currency")) and row.get("monthly_cost") is not None


def _catalog_name(gpu_type: str | None) -> str | None:
    if not gpu_type:
        return None
    found = find_accelerator(gpu_type)
    return found.name if found is not None else gpu_type


def _usage(row: dict[str, Any]) -> ResourceUsage:
    gpus = int(row.get("gpu_count") or row["gpus"] or 1)
    monthly_hours = float(row.get("monthly_gpu_hours") or 0.0) or gpus * 24.0 * MONTH_DAYS
    return ResourceUsage(
        resource_id=row["resource_id"],
        gpu_type=_catalog_name(row.get("gpu_type")),
        gpus=gpus,
        monthly_cost=avoidable(row),
        monthly_gpu_hours=monthly_hours,
        currency=row["currency"],
        days_sampled=float(row["hours_sampled"]) / 24.0,
        recent_hours=float(row["recent_hours"] or 0.0),
        recent_idle_share=float(row["recent_idle_share"] or 0.0),
        p50=float(row["p50"]),
        p90=float(row["p90"]),
        p95=float(row["p95"]),
        p99=float(row["p99"]),
        max=float(row["max"]),
        peak_memory_gib=float(row.get("peak_memory_mib") or 0.0) / _MIB_PER_GIB,
        mean_share=float(row.get("mean_share") or 1.0),
        workload=row.get("workload"),
        provider=canonical_provider(row["provider"]) if row.get("provider") else None,
        team=row.get("team"),
        project=row.get("project"),
    )


def avoidable(row: dict[str, Any]) -> Decimal:
    """The monthly cost a change can save: all of it, less owned hardware's amortization."""
    return Decimal(row["monthly_cost"]) - Decimal(row.get("monthly_sunk_cost") or 0)


def distribution(row: dict[str, Any]) -> dict[str, Any]:
    """A resource's utilization evidence: percentiles, idle shares and the histogram."""
    edges = [round(i / BINS, 2) for i in range(BINS + 1)]
    return {
        "resource_id": row["resource_id"],
        "gpu_type": row.get("gpu_type"),
        "gpus": row.get("gpu_count") or row.get("gpus"),
        "provider": row.get("provider"),
        "region": row.get("region"),
        "sku": row.get("sku"),
        "workload": row.get("workload"),
        "samples": row["samples"],
        "hours_sampled": round(float(row["hours_sampled"]), 2),
        "first_sample": row["first_sample"].isoformat(),
        "last_sample": row["last_sample"].isoformat(),
        **{k: round(float(row[k]), 4) for k in ("mean", "p50", "p90", "p95", "p99", "max")},
        "idle_share": round(float(row["idle_share"]), 4),
        "recent_idle_share": round(float(row["recent_idle_share"] or 0.0), 4),
        "peak_memory_mib": row.get("peak_memory_mib"),
        "histogram": {"bin_edges": edges, "counts": list(row["histogram"])},
        "monthly_cost": str(Decimal(row["monthly_cost"]).quantize(_CENT)),
        "owned": bool(row.get("owned")),
        "monthly_sunk_cost": str(Decimal(row.get("monthly_sunk_cost") or 0).quantize(_CENT)),
        "cost_in_window": str(Decimal(row["cost"]).quantize(_CENT)),
        "charged_days": round(float(row["charged_days"]), 4),
    }


class _Context:
    """What every recommendation of one run shares: the window, settings and rows."""

    def __init__(
        self, start: datetime, end: datetime, cfg: RightsizingSettings, rows: dict[str, Any]
    ) -> None:
        self.start, self.end, self.cfg, self.rows = start, end, cfg, rows

    def reproduce(self, resource_ids: tuple[str, ...]) -> str:
        named = " ".join(f"--resource {r}" for r in resource_ids)
        return (
            f"infracast utilization {named} --from {self.start.isoformat()} "
            f"--to {self.end.isoformat()} --idle-threshold {self.cfg.idle_threshold:g}"
        )

    def recommendation(self, d: Decision) -> Recommendation:
        members = [self.rows[r] for r in d.resource_ids]
        teams = {m.get("team") for m in members}
        projects = {m.get("project") for m in members}
        evidence = {
            "rule": d.details.get("rule"),
            "window": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "sustained_days": self.cfg.sustained_days,
            },
            "thresholds": asdict(self.cfg),
            "cost_basis": COST_BASIS,
            "utilization": [distribution(m) for m in members],
            "decision": {k: v for k, v in d.details.items() if k != "rule"},
        }
        return Recommendation(
            kind=d.kind,
            scope="resource",
            resource_ids=d.resource_ids,
            title=d.action,
            baseline_monthly_cost=d.monthly_cost,
            expected_monthly_savings=d.savings,
            savings_low=d.savings_low,
            savings_high=d.savings_high,
            currency=d.currency,
            confidence=d.confidence,
            risk=d.risk,
            evidence=evidence,
            reproduce=self.reproduce(d.resource_ids),
            team=teams.pop() if len(teams) == 1 else None,
            project=projects.pop() if len(projects) == 1 else None,
        )
