"""Storage rules: a cheaper storage class (``storage_tier``), duplicate content
(``storage_dedup``) and data stored raw that compresses (``storage_compression``), from the
ledger's ``bucket_stats`` and the storage price table.

Per bucket (and prefix), its newest statistics on or before ``as_of``:

- **storage_tier**: the cost of every class of its provider and region
  (:func:`infracast.optimize.storage_tiers.tier_choice`: storage, reads, retrieval, and the
  transition fee and minimum-duration penalties spread over ``horizon_months``); when the
  cheapest class saves at least ``min_monthly_savings`` against the current one, move it
  there. Baseline: the modelled monthly cost in the current class. Range: the saving with
  the reads at half and one and a half times those known. Confidence 0.9, less 0.3 when
  reads per month are unknown, 0.1 when GB read are unknown, 0.1 when the last access is
  unknown and 0.1 when another region's prices stood in (at least 0.1). Risk by the target
  tier: archive high (reads wait hours for a restore, or pay for rehydration), cold medium,
  cool and hot low.
- **storage_dedup** / **storage_compression**, for the buckets given a ratio r (bytes before
  ÷ after; measured by ``infracast buckets scan`` or stated): saving = the storage part of
  the current class's cost × (1 − 1/r). Range: r − 1 within ±10 % (measured) or ±25 %
  (stated); confidence 0.8 measured, 0.5 stated; risk medium for dedup (readers must follow
  the references), low for compression. The savings of a tier change and of a reduction
  overlap: after a move, a reduction saves (1 − 1/r) of the new class's storage.

When the ledger holds storage charges whose ResourceId or ResourceName is the bucket, their
EffectiveCost over the 30 days before its last charge is the observed monthly cost, shown in
the evidence beside the modelled one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.analytics.scope import to_rows, to_value
from infracast.catalog.storage_prices import StoragePrice, load_storage_prices
from infracast.errors import InfracastError
from infracast.ledger.bucket_inventory import list_buckets
from infracast.optimize.storage_tiers import (
    DEFAULT_HORIZON_MONTHS,
    BucketUsage,
    TierChoice,
    reduction_savings,
    savings_range,
    tier_choice,
)
from infracast.recommend.record import Recommendation, Risk, money, ranked

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

MIN_MONTHLY_SAVINGS = Decimal("1")
RULE = (
    "monthly cost per class = size × storage price + reads ÷ 1,000 × read price + GB read × "
    "retrieval fee + (transition fee + minimum-duration penalties) ÷ horizon; the cheapest "
    "class against the current one"
)
_RISK: dict[str, Risk] = {"archive": "high", "cold": "medium", "cool": "low", "hot": "low"}
_FEES = ("storage", "reads", "retrieval", "transition", "min_duration", "early_leave")
_SPREAD = {"measured": 0.10, "stated": 0.25}
_CONFIDENCE = {"measured": 0.8, "stated": 0.5}


@dataclass(frozen=True)
class ReductionRatio:
    """A deduplication or compression ratio (bytes before ÷ after) and where it comes from:
    ``measured`` (a scan) or ``stated`` (the user's figure), with a line saying how."""

    ratio: float
    source: str = "stated"
    detail: str = ""


Ratios = Mapping[str, "float | ReductionRatio"]


def storage_recommendations(
    ledger: Ledger,
    *,
    as_of: date | str | None = None,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    prices: str | Path | Sequence[StoragePrice] | None = None,
    dedup_ratios: Ratios | None = None,
    compression_ratios: Ratios | None = None,
    min_monthly_savings: Decimal = MIN_MONTHLY_SAVINGS,
) -> list[Recommendation]:
    """The storage recommendations (module docstring), most savings first."""
    found, _ = storage_review(
        ledger,
        as_of=as_of,
        horizon_months=horizon_months,
        prices=prices,
        dedup_ratios=dedup_ratios,
        compression_ratios=compression_ratios,
        min_monthly_savings=min_monthly_savings,
    )
    return found


def storage_review(
    ledger: Ledger,
    *,
    as_of: date | str | None = None,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    prices: str | Path | Sequence[StoragePrice] | None = None,
    dedup_ratios: Ratios | None = None,
    compression_ratios: Ratios | None = None,
    min_monthly_savings: Decimal = MIN_MONTHLY_SAVINGS,
) -> tuple[list[Recommendation], list[str]]:
    """:func:`storage_recommendations` and the notes of what it could not price (a bucket
    whose class or provider has no price is left out and said so)."""
    table: list[StoragePrice] = (
        load_storage_prices(prices)
        if prices is None or isinstance(prices, str | Path)
        else list(prices)
    )
    rows = list_buckets(ledger, as_of=as_of)
    observed = observed_costs(ledger, sorted({r["bucket"] for r in rows}))
    found: list[Recommendation] = []
    notes: list[str] = []
    for row in rows:
        usage = bucket_usage(row)
        try:
            choice = tier_choice(usage, table, horizon_months=horizon_months)
        except InfracastError as exc:
            notes.append(f"{_label(row)}: not priced: {exc.message}")
            continue
        seen = observed.get(row["bucket"])
        if choice.monthly_savings >= min_monthly_savings and choice.best is not choice.current:
            found.append(_tier(row, usage, choice, table, seen))
        reductions = {"storage_dedup": dedup_ratios, "storage_compression": compression_ratios}
        for kind, given in reductions.items():
            ratio = _ratio((given or {}).get(row["bucket"]))
            if ratio is not None:
                rec = _reduction(kind, row, choice, ratio, seen)
                if rec.expected_monthly_savings >= min_monthly_savings:
                    found.append(rec)
    return ranked(found), notes


def bucket_tiers(
    ledger: Ledger,
    *,
    bucket: str | None = None,
    as_of: date | str | None = None,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    prices: str | Path | None = None,
) -> list[TierChoice]:
    """The cost of each stored bucket (or only ``bucket``) in every class of its provider
    (``infracast buckets tiers``): the evidence of ``storage_tier`` recommendations."""
    table = load_storage_prices(prices)
    return [
        tier_choice(bucket_usage(row), table, horizon_months=horizon_months)
        for row in list_buckets(ledger, bucket=bucket, as_of=as_of)
    ]


def bucket_usage(row: Mapping[str, Any]) -> BucketUsage:
    """A ``bucket_stats`` row as the model's :class:`BucketUsage`."""
    return BucketUsage(
        bucket=row["bucket"],
        provider=row["provider"],
        size_gb=float(row["size_gb"]),
        region=row["region"],
        storage_class=row["storage_class"],
        prefix=row["prefix"] or "",
        objects=None if row["objects"] is None else int(row["objects"]),
        reads_per_month=row["reads_per_month"],
        read_gb_per_month=row["read_gb_per_month"],
        age_days=row["age_days"],
        last_access_days=row["last_access_days"],
    )


def observed_costs(ledger: Ledger, buckets: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per bucket whose ResourceId or ResourceName it is: Σ EffectiveCost of its charges over
    the 30 days before the ledger's last charge, by currency."""
    if not buckets:
        return {}
    charges = ledger.ibis().table("charges")
    end = to_value(charges.ChargePeriodEnd.max())
    if end is None:
        return {}
    start = end - timedelta(days=30)
    by_id = charges.ResourceId.isin(list(buckets))
    hit = charges.filter(
        by_id | charges.ResourceName.isin(list(buckets)),
        charges.ChargePeriodStart >= start,
        charges.ChargePeriodStart < end,
    )
    name = by_id.ifelse(hit.ResourceId, hit.ResourceName)
    summed = hit.group_by(bucket=name, currency=hit.BillingCurrency).aggregate(
        cost=hit.EffectiveCost.sum()
    )
    out: dict[str, dict[str, Any]] = {}
    for r in to_rows(summed):
        out.setdefault(r["bucket"], {"window_days": 30, "to": str(end), "cost": {}})
        out[r["bucket"]]["cost"][r["currency"]] = money(Decimal(r["cost"] or 0))
    return out


def _tier(
    row: Mapping[str, Any],
    usage: BucketUsage,
    choice: TierChoice,
    table: Sequence[StoragePrice],
    seen: dict[str, Any] | None,
) -> Recommendation:
    best, now = choice.best, choice.current
    low, high = savings_range(
        usage, table, best.storage_class, horizon_months=choice.horizon_months
    )
    confidence = 0.9
    confidence -= 0.3 if usage.reads_per_month is None else 0.0
    confidence -= 0.1 if usage.read_gb_per_month is None else 0.0
    confidence -= 0.1 if usage.last_access_days is None else 0.0
    confidence -= 0.1 if any("list prices were used" in a for a in choice.assumptions) else 0.0
    saving = choice.monthly_savings
    return Recommendation(
        kind="storage_tier",
        scope="resource",
        resource_ids=(_resource(row),),
        title=f"Move {_label(row)} from {now.class_name} to {best.class_name}: saves "
        f"{money(saving)} {choice.currency} a month",
        baseline_monthly_cost=now.total,
        expected_monthly_savings=saving,
        savings_low=low,
        savings_high=high,
        currency=choice.currency,
        confidence=round(max(0.1, confidence), 2),
        risk=_RISK[best.tier],
        evidence={
            "rule": RULE,
            **_facts(row),
            "current_class": now.storage_class,
            "recommended_class": best.storage_class,
            "horizon_months": choice.horizon_months,
            "costs": [c.to_dict() for c in choice.costs],
            "fees_counted": list(_FEES),
            "savings_range": "reads and GB read at 0.5× and 1.5× those known",
            "price_source": choice.price_source,
            "price_as_of": choice.price_as_of,
            "price_region": choice.region,
            "assumptions": list(choice.assumptions),
            "observed_monthly_cost": seen,
        },
        reproduce=f"infracast buckets tiers --bucket {row['bucket']}",
        team=row["team"],
        project=row["project"],
    )


def _reduction(
    kind: str,
    row: Mapping[str, Any],
    choice: TierChoice,
    ratio: ReductionRatio,
    seen: dict[str, Any] | None,
) -> Recommendation:
    storage = choice.current.storage
    saving = reduction_savings(storage, ratio.ratio)
    spread = _SPREAD.get(ratio.source, _SPREAD["stated"])
    low = reduction_savings(storage, 1 + (ratio.ratio - 1) * (1 - spread))
    high = reduction_savings(storage, 1 + (ratio.ratio - 1) * (1 + spread))
    verb = "Deduplicate" if kind == "storage_dedup" else "Compress"
    return Recommendation(
        kind=kind,
        scope="resource",
        resource_ids=(_resource(row),),
        title=f"{verb} {_label(row)} (ratio {ratio.ratio:g}, {ratio.source}): saves "
        f"{money(saving)} {choice.currency} a month",
        baseline_monthly_cost=storage,
        expected_monthly_savings=saving,
        savings_low=low,
        savings_high=high,
        currency=choice.currency,
        confidence=_CONFIDENCE.get(ratio.source, _CONFIDENCE["stated"]),
        risk="medium" if kind == "storage_dedup" else "low",
        evidence={
            "rule": "saving = storage cost in the current class × (1 − 1 / ratio)",
            **_facts(row),
            "current_class": choice.current.storage_class,
            "storage_monthly_cost": float(round(storage, 6)),
            "ratio": ratio.ratio,
            "ratio_source": ratio.source,
            "ratio_detail": ratio.detail,
            "savings_range": f"ratio − 1 within ±{spread:.0%}",
            "price_source": choice.price_source,
            "price_as_of": choice.price_as_of,
            "observed_monthly_cost": seen,
        },
        reproduce=f"infracast buckets tiers --bucket {row['bucket']}",
        team=row["team"],
        project=row["project"],
    )


def _ratio(given: float | ReductionRatio | None) -> ReductionRatio | None:
    if given is None or isinstance(given, ReductionRatio):
        return given
    return ReductionRatio(ratio=float(given))


def _facts(row: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("bucket", "prefix", "provider", "region", "size_gb", "objects", "age_days",
            "last_access_days", "reads_per_month", "read_gb_per_month")  # fmt: skip
    facts: dict[str, Any] = {k: row[k] for k in keys}
    facts["as_of"] = row["as_of"].isoformat()
    facts["stats_source"] = row["source"]
    return facts


def _resource(row: Mapping[str, Any]) -> str:
    return f"{row['bucket']}/{row['prefix']}" if row["prefix"] else row["bucket"]


def _label(row: Mapping[str, Any]) -> str:
    return f"bucket {_resource(row)}"
