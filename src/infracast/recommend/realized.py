"""Realized savings: what an accepted recommendation actually saved, from the ledger.

When a recommendation is accepted, the monthly cost of its scope before the change is
kept: its run rate over the ``BEFORE_DAYS`` days before the change took effect
(``effective_from``), scaled to a 30-day month; without charges in that window, the
recommendation's own baseline. After the change, the scope's charges from
``effective_from`` to the end of the ledger's data give the run rate after:

    realized monthly savings = run rate before − cost after × 30 / days after

measured once at least ``MIN_DAYS_AFTER`` days have passed (before that: not yet
measured). ``delivery = realized / expected``. The delivery of the earlier accepted
recommendations of a kind weighs the next ones of that kind (:func:`track_record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.analytics.scope_cost import charged_until, scope_cost
from infracast.ledger.stores import recommendations as store
from infracast.recommend.exceptions import RecommendError
from infracast.recommend.record import money_or_none

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

BEFORE_DAYS = 30  # the window of the run rate before a change
MIN_DAYS_AFTER = 14  # days of charges after a change before its savings are measured
WEIGHT_RANGE = (0.0, 1.5)  # the track record scales later savings within this range


@dataclass(frozen=True)
class Realized:
    """One accepted recommendation measured against the ledger."""

    id: str
    kind: str
    effective_from: date
    currency: str
    expected_monthly_savings: Decimal
    baseline_run_rate: Decimal  # per month, before the change
    days_after: int
    cost_after: Decimal | None  # Σ EffectiveCost from effective_from (None: too early)
    realized_monthly_savings: Decimal | None
    delivery: float | None  # realized / expected
    note: str | None = None  # why it is not measured, when it is not

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "effective_from": self.effective_from.isoformat(),
            "currency": self.currency,
            "expected_monthly_savings": money_or_none(self.expected_monthly_savings),
            "baseline_run_rate": money_or_none(self.baseline_run_rate),
            "days_after": self.days_after,
            "cost_after": money_or_none(self.cost_after),
            "realized_monthly_savings": money_or_none(self.realized_monthly_savings),
            "delivery": None if self.delivery is None else round(self.delivery, 3),
            "note": self.note,
        }


def day_start(day: date) -> datetime:
    """Midnight UTC of ``day``, naive as the ledger's timestamps are."""
    return datetime.combine(day, time())


def run_rate_before(ledger: Ledger, row: Mapping[str, Any], effective: date) -> Decimal | None:
    """The scope's cost per 30 days over the ``BEFORE_DAYS`` before ``effective`` (None
    without charges there)."""
    end = day_start(effective)
    cost = scope_cost(ledger, end - timedelta(days=BEFORE_DAYS), end, **_scope(row))
    amount = cost.amounts.get(row["currency"])
    return None if amount is None else amount * 30 / BEFORE_DAYS


def measure(ledger: Ledger, row: Mapping[str, Any], until: datetime | None = None) -> Realized:
    """Realized savings of one stored, accepted recommendation (a ``recommendations`` row)."""
    effective: date = row["effective_from"]
    start = day_start(effective)
    until = until or charged_until(ledger) or start
    days = max((until - start).days, 0)
    expected = Decimal(row["expected_monthly_savings"])
    before = Decimal(row["baseline_run_rate"] if row["baseline_run_rate"] is not None
                     else row["baseline_monthly_cost"])  # fmt: skip
    unmeasured = (row["id"], row["kind"], effective, row["currency"], expected, before, days,
                  None, None, None)  # fmt: skip
    if days < MIN_DAYS_AFTER:
        return Realized(
            *unmeasured, f"{days} days after the change; measured from {MIN_DAYS_AFTER}"
        )
    after = scope_cost(ledger, start, start + timedelta(days=days), **_scope(row))
    if row["baseline_run_rate"] is None and after.first is None:
        return Realized(*unmeasured, "the ledger holds no charges of this scope to measure")
    cost_after = after.amounts.get(row["currency"], Decimal(0))
    realized = before - cost_after * 30 / days
    delivery = float(realized / expected) if expected > 0 else None
    return Realized(row["id"], row["kind"], effective, row["currency"], expected, before, days,
                    cost_after, realized, delivery)  # fmt: skip


def track_record(measured: Iterable[Realized]) -> dict[str, dict[str, Any]]:
    """Per kind: the accepted recommendations measured, Σ expected, Σ realized and the
    weight ``Σ realized / Σ expected`` (within ``WEIGHT_RANGE``) for the next ones."""
    out: dict[str, dict[str, Any]] = {}
    for r in measured:
        if r.realized_monthly_savings is None or r.expected_monthly_savings <= 0:
            continue
        kind = out.setdefault(r.kind, {"measured": 0, "expected": Decimal(0),
                                       "realized": Decimal(0)})  # fmt: skip
        kind["measured"] += 1
        kind["expected"] += r.expected_monthly_savings
        kind["realized"] += r.realized_monthly_savings
    lo, hi = WEIGHT_RANGE
    for kind in out.values():
        kind["weight"] = min(max(float(kind["realized"] / kind["expected"]), lo), hi)
    return out


def _scope(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"resource_ids": tuple(row["resource_ids"] or ()), "team": row["team"],
            "project": row["project"]}  # fmt: skip


def realized_savings(ledger: Ledger, rec_id: str | None = None) -> list[Realized]:
    """Every accepted (or done) recommendation measured, or just ``rec_id``'s."""
    from infracast.recommend.status import stored  # status imports this module

    if rec_id is not None:
        row = stored(ledger, rec_id)
        if row["effective_from"] is None:
            raise RecommendError(
                f"recommendation {rec_id} is {row['status']}: only accepted ones are measured",
                hint=f"accept it with `infracast recommend accept {rec_id} --effective DATE`",
            )
        return [measure(ledger, row)]
    rows = store.select(ledger.con)
    return [measure(ledger, r) for r in rows if r["effective_from"] is not None
            and r["status"] in ("accepted", "done")]  # fmt: skip
