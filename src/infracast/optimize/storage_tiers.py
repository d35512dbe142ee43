"""Storage tiering, deduplication and compression: which storage class a bucket's data costs
least in, given how it is read, and what removing duplicates or compressing would save.

Model, per bucket (or prefix) b and each storage class c of its provider and region, all in
the price table's currency per month:

- storage     S_c = size_GB × storage_c                       (price per GB-month)
- reads       R_c = reads_per_month ÷ 1,000 × read_c          (GET or restore requests)
- retrieval   G_c = read_GB_per_month × retrieval_c           (fee per GB read)
- one-time terms, counted only when c is not the current class and spread over the horizon
  of H months (``horizon_months``, default 12):
  - transition  T_c = objects ÷ 1,000 × transition_c ÷ H      (lifecycle requests into c)
  - minimum duration of c: data is assumed to stay in c for the horizon; when c's minimum
    m_c days is longer than H × 30 days, the rest is billed:
    P_c = size_GB × storage_c × max(0, m_c − 30 H) ÷ 30 ÷ H
  - leaving the current class k early: when the data's (size-weighted mean) age a is below
    k's minimum, the remaining days are billed:
    L_c = size_GB × storage_k × max(0, m_k − a) ÷ 30 ÷ H
- monthly cost  C_c = S_c + R_c + G_c + T_c + P_c + L_c; the current class costs
  C_k = S_k + R_k + G_k.

The recommended class is the cheapest (ties keep the current class, then the warmer tier);
the monthly saving is C_k − C_best. A month is 30 days here, as providers bill minimum
durations. Unknown figures are assumed and listed in ``assumptions``: no reads (0) when
reads are unknown, no transition fee when the object count is unknown, a minimum already met
when the age is unknown, the provider's hot class when the current class is unknown.

Deduplication and compression shrink the stored bytes by a ratio r ≥ 1 (bytes before ÷
bytes after), measured by a scan or stated by the user: the saving is the storage cost times
(1 − 1/r) (:func:`reduction_savings`).

Pure: prices come in as :class:`~infracast.catalog.storage_prices.StoragePrice` rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from infracast.catalog.storage_prices import StoragePrice, find_class, region_prices
from infracast.optimize.exceptions import OptimizeError

DAYS_PER_MONTH = 30
DEFAULT_HORIZON_MONTHS = 12
RATIO_SOURCES: tuple[str, ...] = ("measured", "stated")
_THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class BucketUsage:
    """What is known of a bucket (or a prefix of it): its size and how it is read.

    ``None`` means unknown (an inventory export has no reads; the model assumes and says so).
    ``age_days`` is the size-weighted mean age of its data, ``last_access_days`` the days since
    it was last read."""

    bucket: str
    provider: str
    size_gb: float
    region: str | None = None
    storage_class: str | None = None
    prefix: str = ""
    objects: int | None = None
    reads_per_month: float | None = None
    read_gb_per_month: float | None = None
    age_days: float | None = None
    last_access_days: float | None = None

    def __post_init__(self) -> None:
        numbers = {
            "size_gb": self.size_gb,
            "objects": self.objects,
            "reads_per_month": self.reads_per_month,
            "read_gb_per_month": self.read_gb_per_month,
            "age_days": self.age_days,
            "last_access_days": self.last_access_days,
        }
        for name, value in numbers.items():
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise OptimizeError(
                    f"bucket {self.bucket!r}: {name} must be a number of zero or more; "
                    f"got {value}.",
                    hint="Leave a figure that is not known empty instead.",
                    field=name,
                )


@dataclass(frozen=True)
class ClassCost:
    """The monthly cost of a bucket in one storage class, by part (one-time parts spread
    over the horizon)."""

    storage_class: str
    class_name: str
    tier: str
    min_storage_days: int
    storage: Decimal
    reads: Decimal
    retrieval: Decimal
    transition: Decimal
    min_duration: Decimal  # P: the class's minimum beyond the horizon
    early_leave: Decimal  # L: leaving the current class before its minimum

    @property
    def total(self) -> Decimal:
        return (
            self.storage
            + self.reads
            + self.retrieval
            + self.transition
            + self.min_duration
            + self.early_leave
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "storage_class": self.storage_class,
            "class_name": self.class_name,
            "tier": self.tier,
            "min_storage_days": self.min_storage_days,
        }
        for part in ("storage", "reads", "retrieval", "transition", "min_duration"):
            out[part] = _plain(getattr(self, part))
        out["early_leave"] = _plain(self.early_leave)
        out["total"] = _plain(self.total)
        return out


@dataclass(frozen=True)
class TierChoice:
    """A bucket's cost in every class of its provider, the current and the cheapest."""

    usage: BucketUsage
    region: str  # the region whose prices were used
    currency: str
    horizon_months: int
    costs: list[ClassCost]  # warmest tier first
    current: ClassCost
    best: ClassCost
    price_source: str
    price_as_of: str
    assumptions: list[str] = field(default_factory=list)

    @property
    def monthly_savings(self) -> Decimal:
        return self.current.total - self.best.total

    def to_dict(self) -> dict[str, Any]:
        return {
            "bucket": self.usage.bucket,
            "prefix": self.usage.prefix,
            "provider": self.usage.provider,
            "region": self.region,
            "currency": self.currency,
            "horizon_months": self.horizon_months,
            "current_class": self.current.storage_class,
            "best_class": self.best.storage_class,
            "current_monthly_cost": _plain(self.current.total),
            "best_monthly_cost": _plain(self.best.total),
            "monthly_savings": _plain(self.monthly_savings),
            "costs": [c.to_dict() for c in self.costs],
            "price_source": self.price_source,
            "price_as_of": self.price_as_of,
            "assumptions": list(self.assumptions),
        }


def tier_choice(
    usage: BucketUsage,
    prices: Sequence[StoragePrice],
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    read_factor: float = 1.0,
) -> TierChoice:
    """The cost of ``usage`` in every class of its provider (module docstring) and the
    cheapest; ``read_factor`` scales the reads and GB read (the savings range uses 0.5 and
    1.5). An OptimizeError when the current class is not in the price table."""
    if horizon_months < 1:
        raise OptimizeError(
            f"the horizon must be at least one month; got {horizon_months}.",
            hint="One-time fees are spread over the horizon; 12 months is the default.",
            field="horizon_months",
        )
    classes, note = region_prices(prices, usage.provider, usage.region)
    assumptions = [note] if note else []
    if usage.storage_class:
        current = find_class(classes, usage.storage_class)
        if current is None:
            known = ", ".join(p.storage_class for p in classes)
            raise OptimizeError(
                f"bucket {usage.bucket!r}: storage class {usage.storage_class!r} has no price "
                f"for {classes[0].provider} {classes[0].region}.",
                hint=f"The priced classes are {known}; add a row for it to a copy of "
                "data/storage_prices.csv.",
                field="storage_class",
            )
    else:
        current = classes[0]
        assumptions.append(f"the current class is not known: {current.class_name} is assumed.")
    assumptions += _unknowns(usage, current)
    costs = [_cost(usage, p, current, horizon_months, read_factor, p is current) for p in classes]
    now = next(c for c, p in zip(costs, classes, strict=True) if p is current)
    # cheapest; a tie keeps the current class, then the warmer tier (costs are warmest first)
    best = min(enumerate(costs), key=lambda ic: (ic[1].total, ic[1] is not now, ic[0]))[1]
    return TierChoice(
        usage=usage,
        region=current.region,
        currency=current.currency,
        horizon_months=horizon_months,
        costs=costs,
        current=now,
        best=best,
        price_source=current.source,
        price_as_of=current.as_of.isoformat(),
        assumptions=assumptions,
    )


def tier_choices(
    buckets: Sequence[BucketUsage],
    prices: Sequence[StoragePrice],
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
) -> list[TierChoice]:
    """:func:`tier_choice` of each bucket, largest monthly saving first."""
    choices = [tier_choice(b, prices, horizon_months=horizon_months) for b in buckets]
    return sorted(choices, key=lambda c: (-c.monthly_savings, c.usage.bucket, c.usage.prefix))


def savings_range(
    usage: BucketUsage,
    prices: Sequence[StoragePrice],
    target: str,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    spread: float = 0.5,
) -> tuple[Decimal, Decimal]:
    """The lowest and highest monthly saving of moving to ``target`` when the reads are
    (1 − spread) to (1 + spread) times those known (and as known)."""
    found = []
    for factor in (1.0 - spread, 1.0, 1.0 + spread):
        choice = tier_choice(usage, prices, horizon_months=horizon_months, read_factor=factor)
        moved = next(c for c in choice.costs if c.storage_class == target)
        found.append(choice.current.total - moved.total)
    return min(found), max(found)


def reduction_savings(storage_monthly_cost: Decimal, ratio: float) -> Decimal:
    """The monthly saving of storing 1/``ratio`` of the bytes: cost × (1 − 1/ratio); a ratio
    is bytes before ÷ bytes after (2.0 halves the bytes)."""
    if not (math.isfinite(ratio) and ratio >= 1.0):
        raise OptimizeError(
            f"a deduplication or compression ratio must be 1 or more; got {ratio}.",
            hint="Give bytes before ÷ bytes after: 1.5 means a third of the bytes go away.",
            field="ratio",
        )
    return Decimal(storage_monthly_cost) * (1 - 1 / Decimal(str(ratio)))


def _unknowns(usage: BucketUsage, current: StoragePrice) -> list[str]:
    said = []
    if usage.reads_per_month is None:
        said.append("reads per month are not known: no reads are assumed.")
    if usage.read_gb_per_month is None:
        said.append("GB read per month are not known: no retrieval is assumed.")
    if usage.objects is None:
        said.append("the object count is not known: transition fees are not counted.")
    if usage.age_days is None and current.min_storage_days > 0:
        said.append(
            f"the data's age is not known: its {current.min_storage_days}-day minimum in "
            f"{current.class_name} is assumed met."
        )
    return said


def _cost(
    usage: BucketUsage,
    price: StoragePrice,
    current: StoragePrice,
    horizon: int,
    read_factor: float,
    is_current: bool,
) -> ClassCost:
    size = _d(usage.size_gb)
    factor = _d(read_factor)
    reads = _d(usage.reads_per_month or 0.0) * factor
    read_gb = _d(usage.read_gb_per_month or 0.0) * factor
    months = Decimal(horizon)
    transition = min_duration = early_leave = Decimal(0)
    if not is_current:
        transition = _d(usage.objects or 0) / _THOUSAND * price.transition_per_1000 / months
        beyond = max(0, price.min_storage_days - DAYS_PER_MONTH * horizon)
        min_duration = size * price.storage_per_gb_month * beyond / DAYS_PER_MONTH / months
        if usage.age_days is not None and usage.age_days < current.min_storage_days:
            left = Decimal(current.min_storage_days) - _d(usage.age_days)
            early_leave = size * current.storage_per_gb_month * left / DAYS_PER_MONTH / months
    return ClassCost(
        storage_class=price.storage_class,
        class_name=price.class_name,
        tier=price.tier,
        min_storage_days=price.min_storage_days,
        storage=size * price.storage_per_gb_month,
        reads=reads / _THOUSAND * price.read_per_1000,
        retrieval=read_gb * price.retrieval_per_gb,
        transition=transition,
        min_duration=min_duration,
        early_leave=early_leave,
    )


def _d(value: float) -> Decimal:
    return Decimal(str(value))


def _plain(value: Decimal) -> float:
    """Money for JSON: a float rounded to 6 decimals (tenths of a cent are meaningful for
    small buckets), -0.0 as 0.0."""
    out = round(float(value), 6)
    return 0.0 if out == 0 else out
