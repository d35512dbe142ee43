"""The recommendation record every rule produces, and its JSON contract.

A recommendation says what to change (``title``), where (``scope``: a resource, a team or
a project, with the resource ids), why (``evidence``: the samples, prices and rule behind
it, as plain JSON), what it saves per month against a stated baseline (``expected``, with a
``low``–``high`` range) and how sure the rule is (``confidence``, 0..1) and what could go
wrong (``risk``). ``reproduce`` is the command that shows the evidence again. Its ``id`` is
the kind and a hash of the scope, so the same finding keeps its id (and its status in the
ledger) from one run to the next.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

KINDS: tuple[str, ...] = (
    "idle_gpu",  # stop: GPUs that did nothing for a sustained window
    "rightsize_gpu",  # a cheaper accelerator that still fits memory and throughput
    "share_gpu",  # MIG slices or time-slicing for light, small-memory work
    "consolidate_replicas",  # an inference pool with more replicas than its load needs
    "storage_tier",  # a cheaper storage class for data rarely read
    "storage_dedup",  # duplicate content stored twice
    "storage_compression",  # data that compresses, stored raw
    "commitment_unused",  # a commitment paid for and not used
)
STATUSES: tuple[str, ...] = ("open", "accepted", "dismissed", "done")
Scope = Literal["resource", "team", "project"]
Risk = Literal["low", "medium", "high"]
CONTRACT_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "team",
    "project",
    "resource_ids",
    "expected_monthly_savings",
    "savings_low",
    "savings_high",
    "currency",
    "confidence",
    "evidence",
    "reproduce",
    "status",
)


@dataclass(frozen=True)
class Recommendation:
    """One recommendation (the module docstring). Money is ``Decimal`` in ``currency``,
    per month; ``low <= expected <= high``; ``baseline_monthly_cost`` is what the scope
    costs per month today, the figure the savings are measured against."""

    kind: str
    scope: Scope
    resource_ids: tuple[str, ...]
    title: str
    baseline_monthly_cost: Decimal
    expected_monthly_savings: Decimal
    savings_low: Decimal
    savings_high: Decimal
    currency: str
    confidence: float
    risk: Risk
    evidence: dict[str, Any]
    reproduce: str
    team: str | None = None
    project: str | None = None
    status: str = "open"
    extra: dict[str, Any] = field(default_factory=dict)  # realized savings, status dates

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown recommendation kind {self.kind!r}; one of {KINDS}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; one of {STATUSES}")
        if not self.savings_low <= self.expected_monthly_savings <= self.savings_high:
            raise ValueError(
                f"{self.kind}: savings range {self.savings_low}..{self.savings_high} does not "
                f"hold the expected {self.expected_monthly_savings}"
            )
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"{self.kind}: confidence {self.confidence} is not within 0..1")

    @property
    def id(self) -> str:
        """``kind-`` and 10 hex digits of a hash of the kind and the scope."""
        key = json.dumps(
            [self.kind, self.scope, self.team, self.project, sorted(self.resource_ids)]
        )
        return f"{self.kind}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"

    def with_status(self, status: str, **extra: Any) -> Recommendation:
        return replace(self, status=status, extra={**self.extra, **extra})

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (``infracast recommend --format json``): the fields of
        :data:`CONTRACT_FIELDS` first, then ``scope``, ``title``, ``baseline_monthly_cost``,
        ``risk`` and any ``extra``. Money as decimal strings rounded to cents."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "team": self.team,
            "project": self.project,
            "resource_ids": list(self.resource_ids),
            "expected_monthly_savings": money(self.expected_monthly_savings),
            "savings_low": money(self.savings_low),
            "savings_high": money(self.savings_high),
            "currency": self.currency,
            "confidence": round(float(self.confidence), 2),
            "evidence": self.evidence,
            "reproduce": self.reproduce,
            "status": self.status,
            "scope": self.scope,
            "title": self.title,
            "baseline_monthly_cost": money(self.baseline_monthly_cost),
            "risk": self.risk,
        }
        out.update(self.extra)
        return out


CSV_FIELDS: tuple[str, ...] = (*CONTRACT_FIELDS[:-3], "reproduce", "status", "scope", "title",
                                "baseline_monthly_cost", "risk")  # fmt: skip


def csv_row(rec: Recommendation) -> dict[str, Any]:
    """The CSV contract: the JSON's fields but ``evidence`` (JSON has it), resource ids
    joined by ``;``."""
    out = rec.to_dict()
    out["resource_ids"] = ";".join(rec.resource_ids)
    return {k: out[k] for k in CSV_FIELDS}


def total_savings(recommendations: list[Recommendation]) -> dict[str, Decimal]:
    """Σ expected monthly savings per currency."""
    totals: dict[str, Decimal] = {}
    for r in recommendations:
        totals[r.currency] = totals.get(r.currency, Decimal(0)) + r.expected_monthly_savings
    return totals


def money(value: Decimal | float | int) -> str:
    """A decimal string rounded to cents."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def money_or_none(value: Decimal | None) -> str | None:
    """:func:`money`, keeping None."""
    return None if value is None else money(value)


def ranked(recommendations: list[Recommendation]) -> list[Recommendation]:
    """Highest expected monthly savings first; ties by kind, then id (a stable order)."""
    return sorted(recommendations, key=lambda r: (-r.expected_monthly_savings, r.kind, r.id))
