"""Budget alerts: stored once per budget, period, kind and threshold, and their delivery.

An alert is raised the first time a threshold is reached in a period, and never
again for that period: the ``alerts`` table's key (budget, period start, kind,
threshold) makes re-running ``budget status`` a no-op, while the same
threshold in the next period raises a new alert. An alert of a budget with a
webhook starts ``pending``; each delivery attempt is recorded on its row
(``delivery_status`` delivered or failed, ``delivery_attempts`` counted over
every try, ``delivery_error``), so a failed delivery waits for the next
``budget status`` or ``budget alerts --redeliver``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.stored import list_budgets, stored_budget
from infracast.control.budgets.thresholds import (
    Crossing,
    format_pct,
    fraction_to_pct,
    pct_to_fraction,
)
from infracast.control.budgets.webhook import Delivery, RetryPolicy, post_json, webhook_secret
from infracast.ledger.stores import alerts as store

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

EVENT = "budget.alert"
DELIVERY_STATUSES: tuple[str, ...] = ("pending", "delivered", "failed")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Alert:
    """A threshold crossing as stored, with the state of its webhook delivery."""

    alert_id: int
    budget: str
    period_start: date
    period_end: date
    kind: str
    threshold_pct: Decimal
    spend: Decimal
    budget_amount: Decimal
    currency: str
    message: str
    raised_at: datetime
    webhook_url: str | None = None
    delivery_status: str | None = None
    delivery_attempts: int = 0
    delivery_error: str | None = None
    delivered_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The alert as plain data, keys in a fixed order (for JSON and tables)."""
        return asdict(self)

    def payload(self) -> dict[str, Any]:
        """The webhook body: the same for every delivery of this alert (money as strings)."""
        return {
            "event": EVENT,
            "alert_id": self.alert_id,
            "budget": self.budget,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "kind": self.kind,
            "threshold_pct": _json_number(self.threshold_pct),
            "spend": money_text(self.spend),
            "budget_amount": money_text(self.budget_amount),
            "currency": self.currency,
            "message": self.message,
            "raised_at": self.raised_at.isoformat(timespec="seconds") + "Z",
        }

    def body(self) -> bytes:
        """:meth:`payload` as the exact bytes POSTed (and signed): compact UTF-8 JSON."""
        return json.dumps(self.payload(), separators=(",", ":"), ensure_ascii=False).encode()


def money_text(amount: Decimal) -> str:
    """``41000.00`` for an amount in whole cents; every digit otherwise."""
    cents = amount.quantize(_CENT)
    return format(cents if cents == amount else amount.normalize(), "f")


def alert_message(
    budget: str,
    period: BudgetPeriod,
    amount: Decimal,
    currency: str,
    crossing: Crossing,
    method: str,
    probability: Decimal | None = None,
) -> str:
    """One sentence: which budget and period, what spend reached which threshold (a
    forecast says how it was made and, when it has one, the probability of an overrun)."""
    pct = format_pct(crossing.threshold_pct)
    if crossing.kind == "actual":
        what = f"actual spend {crossing.spend:,.2f} {currency}"
    else:
        how = method
        if probability is not None:
            how += (
                f"; {(probability * 100).quantize(Decimal(1))}% probability of exceeding the budget"
            )
        what = (
            f"forecast spend {crossing.spend:,.2f} {currency} by {period.end.isoformat()} ({how})"
        )
    return f"{budget} {period.label}: {what} reached {pct}% of the {amount:,.2f} {currency} budget."


def raise_alerts(
    ledger: Ledger,
    budget: str,
    period: BudgetPeriod,
    amount: Decimal,
    currency: str,
    crossed: Sequence[Crossing],
    *,
    method: str,
    webhook_url: str | None,
    now: datetime,
    probability: Decimal | None = None,
) -> list[Alert]:
    """Store the crossings not yet raised for this budget and period; return only those."""
    if not crossed:
        return []
    start = period.start
    # Most calls find every crossing raised before: a read, without a write transaction.
    known = store.raised(ledger.con, budget, start)
    if all((c.kind, pct_to_fraction(c.threshold_pct)) in known for c in crossed):
        return []
    with ledger.transaction() as con:
        have = store.raised(con, budget, start)
        new: list[Alert] = []
        for crossing in crossed:
            fraction = pct_to_fraction(crossing.threshold_pct)
            if (crossing.kind, fraction) in have:
                continue
            alert = Alert(
                alert_id=store.next_id(con),
                budget=budget,
                period_start=start,
                period_end=period.end,
                kind=crossing.kind,
                threshold_pct=crossing.threshold_pct,
                spend=crossing.spend,
                budget_amount=amount,
                currency=currency,
                message=alert_message(
                    budget, period, amount, currency, crossing, method, probability
                ),
                raised_at=now,
                webhook_url=webhook_url,
                delivery_status="pending" if webhook_url else None,
            )
            store.insert(con, _row(alert))
            have.add((crossing.kind, fraction))
            new.append(alert)
    return new


def list_alerts(
    ledger: Ledger,
    budget: str | None = None,
    *,
    undelivered: bool = False,
    team: str | None = None,
) -> list[Alert]:
    """Alerts, oldest first; of one ``budget``; only pending or failed deliveries if asked.

    ``team``: only the alerts of that team's stored budgets
    (:func:`~infracast.control.budgets.stored.budget_team`); the alerts of a removed
    budget have no scope left to tell its team by, so they are left out.
    """
    rows = store.select(ledger.con, budget, undelivered=undelivered)
    found = [_alert(row) for row in rows]
    if team is None:
        return found
    theirs = {b.name for b in list_budgets(ledger, team=team)}
    return [a for a in found if a.budget in theirs]


Post = Callable[..., Delivery]


def deliver_alerts(
    ledger: Ledger,
    alerts: Iterable[Alert],
    *,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
    post: Post = post_json,
) -> list[Alert]:
    """POST each alert that has a webhook and is not delivered; record and return the outcome."""
    out: list[Alert] = []
    for alert in alerts:
        if not alert.webhook_url or alert.delivery_status == "delivered":
            continue
        outcome = post(alert.webhook_url, alert.body(), secret=secret, event=EVENT, policy=policy)
        updated = replace(
            alert,
            delivery_status="delivered" if outcome.delivered else "failed",
            delivery_attempts=alert.delivery_attempts + outcome.attempts,
            delivery_error=outcome.error,
            delivered_at=outcome.delivered_at,
        )
        store.record_delivery(
            ledger.con,
            updated.alert_id,
            status=str(updated.delivery_status),
            attempts=updated.delivery_attempts,
            error=updated.delivery_error,
            delivered_at=updated.delivered_at,
        )
        out.append(updated)
    return out


def redeliver_alerts(
    ledger: Ledger,
    budget: str | None = None,
    *,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
    post: Post = post_json,
    team: str | None = None,
) -> list[Alert]:
    """Try again every pending or failed delivery (of one ``budget`` if given; of
    ``team``'s budgets only, as :func:`list_alerts`).

    ``secret`` signs the bodies; None means ``INFRACAST_WEBHOOK_SECRET`` (if set).
    """
    pending = list_alerts(ledger, budget, undelivered=True, team=team)
    return deliver_alerts(ledger, pending, secret=webhook_secret(secret), policy=policy, post=post)


@dataclass(frozen=True)
class BudgetAlerts:
    """What ``budget alerts`` shows: the alerts, and those it tried to deliver again first."""

    alerts: tuple[Alert, ...]
    redelivered: tuple[Alert, ...] | None = None  # None: no redelivery was asked

    def to_dict(self) -> list[dict[str, Any]]:
        """The JSON of ``budget alerts``: one object per alert, oldest first."""
        return [alert.to_dict() for alert in self.alerts]

    def to_json(self) -> list[dict[str, Any]]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def budget_alerts(
    ledger: Ledger,
    budget: str | None = None,
    *,
    undelivered: bool = False,
    redeliver: bool = False,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
    post: Post = post_json,
    team: str | None = None,
) -> BudgetAlerts:
    """The alerts raised so far, oldest first (of one ``budget``; only the undelivered ones).

    With ``redeliver``, every pending or failed delivery is tried again first
    (:func:`redeliver_alerts`). A ``budget`` that is not stored is an
    UnknownNameError, unless it raised alerts before it was removed (they stay,
    as history). ``team``: only the alerts of that team's stored budgets
    (:func:`list_alerts`); a ``budget`` that is not the team's is not found.
    """
    if team is not None and budget is not None:
        stored_budget(ledger, budget, team=team)  # another team's budget is not found
    elif budget is not None and not list_alerts(ledger, budget):
        stored_budget(ledger, budget)  # an unknown name is an error
    tried = None
    if redeliver:
        tried = tuple(
            redeliver_alerts(ledger, budget, secret=secret, policy=policy, post=post, team=team)
        )
    found = list_alerts(ledger, budget, undelivered=undelivered, team=team)
    return BudgetAlerts(tuple(found), tried)


def _row(alert: Alert) -> dict[str, Any]:
    """The alert as the ``alerts`` table stores it (the threshold as a fraction)."""
    return {
        "alert_id": alert.alert_id,
        "budget": alert.budget,
        "period_start": alert.period_start,
        "period_end": alert.period_end,
        "kind": alert.kind,
        "threshold": pct_to_fraction(alert.threshold_pct),
        "spend": alert.spend,
        "budget_amount": alert.budget_amount,
        "currency": alert.currency,
        "message": alert.message,
        "raised_at": alert.raised_at,
        "webhook_url": alert.webhook_url,
        "delivery_status": alert.delivery_status,
        "delivery_attempts": alert.delivery_attempts,
        "delivery_error": alert.delivery_error,
        "delivered_at": alert.delivered_at,
    }


def _alert(values: Mapping[str, Any]) -> Alert:
    return Alert(
        alert_id=int(values["alert_id"]),
        budget=values["budget"],
        period_start=values["period_start"],
        period_end=values["period_end"],
        kind=values["kind"],
        threshold_pct=fraction_to_pct(values["threshold"]),
        spend=values["spend"],
        budget_amount=values["budget_amount"],
        currency=values["currency"],
        message=values["message"],
        raised_at=values["raised_at"],
        webhook_url=values["webhook_url"],
        delivery_status=values["delivery_status"],
        delivery_attempts=int(values["delivery_attempts"] or 0),
        delivery_error=values["delivery_error"],
        delivered_at=values["delivered_at"],
    )


def _json_number(pct: Decimal) -> int | float:
    return int(pct) if pct == pct.to_integral_value() else float(pct)
