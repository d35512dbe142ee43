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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.control.budget_periods import BudgetPeriod
from infracast.control.thresholds import (
    Crossing,
    format_pct,
    fraction_to_pct,
    pct_to_fraction,
)
from infracast.control.webhook import Delivery, RetryPolicy, post_json

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

EVENT = "budget.alert"
DELIVERY_STATUSES: tuple[str, ...] = ("pending", "delivered", "failed")
_CENT = Decimal("0.01")
_COLUMNS = (
    "alert_id",
    "budget",
    "period_start",
    "period_end",
    "kind",
    "threshold",
    "spend",
    "budget_amount",
    "currency",
    "message",
    "raised_at",
    "webhook_url",
    "delivery_status",
    "delivery_attempts",
    "delivery_error",
    "delivered_at",
)


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
) -> str:
    """One sentence: which budget and period, what spend reached which threshold."""
    pct = format_pct(crossing.threshold_pct)
    if crossing.kind == "actual":
        what = f"actual spend {crossing.spend:,.2f} {currency}"
    else:
        what = (
            f"forecast spend {crossing.spend:,.2f} {currency} by {period.end.isoformat()} "
            f"({method})"
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
) -> list[Alert]:
    """Store the crossings not yet raised for this budget and period; return only those."""
    if not crossed:
        return []
    start = period.start
    with ledger.transaction() as con:
        have = {
            (kind, threshold)
            for kind, threshold in con.execute(
                "SELECT kind, threshold FROM alerts WHERE budget = ? AND period_start = ?",
                [budget, start],
            ).fetchall()
        }
        new: list[Alert] = []
        for crossing in crossed:
            fraction = pct_to_fraction(crossing.threshold_pct)
            if (crossing.kind, fraction) in have:
                continue
            row = con.execute("SELECT nextval('alert_id_seq')").fetchone()
            assert row is not None
            alert = Alert(
                alert_id=int(row[0]),
                budget=budget,
                period_start=start,
                period_end=period.end,
                kind=crossing.kind,
                threshold_pct=crossing.threshold_pct,
                spend=crossing.spend,
                budget_amount=amount,
                currency=currency,
                message=alert_message(budget, period, amount, currency, crossing, method),
                raised_at=now,
                webhook_url=webhook_url,
                delivery_status="pending" if webhook_url else None,
            )
            values = _row(alert)
            con.execute(
                f"INSERT INTO alerts ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
                values,
            )
            have.add((crossing.kind, fraction))
            new.append(alert)
    return new


def list_alerts(
    ledger: Ledger,
    budget: str | None = None,
    *,
    undelivered: bool = False,
) -> list[Alert]:
    """Alerts, oldest first; of one ``budget``; only pending or failed deliveries if asked."""
    where: list[str] = []
    params: list[Any] = []
    if budget is not None:
        where.append("budget = ?")
        params.append(budget)
    if undelivered:
        where.append("delivery_status IN ('pending', 'failed') AND webhook_url IS NOT NULL")
    sql = f"SELECT {', '.join(_COLUMNS)} FROM alerts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = ledger.con.execute(sql + " ORDER BY raised_at, alert_id", params).fetchall()
    return [_alert(row) for row in rows]


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
        ledger.con.execute(
            "UPDATE alerts SET delivery_status = ?, delivery_attempts = ?, delivery_error = ?, "
            "delivered_at = ? WHERE alert_id = ?",
            [
                updated.delivery_status,
                updated.delivery_attempts,
                updated.delivery_error,
                updated.delivered_at,
                updated.alert_id,
            ],
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
) -> list[Alert]:
    """Try again every pending or failed delivery (of one ``budget`` if given)."""
    pending = list_alerts(ledger, budget, undelivered=True)
    return deliver_alerts(ledger, pending, secret=secret, policy=policy, post=post)


def _row(alert: Alert) -> list[Any]:
    return [
        alert.alert_id,
        alert.budget,
        alert.period_start,
        alert.period_end,
        alert.kind,
        pct_to_fraction(alert.threshold_pct),
        alert.spend,
        alert.budget_amount,
        alert.currency,
        alert.message,
        alert.raised_at,
        alert.webhook_url,
        alert.delivery_status,
        alert.delivery_attempts,
        alert.delivery_error,
        alert.delivered_at,
    ]


def _alert(row: Sequence[Any]) -> Alert:
    values = dict(zip(_COLUMNS, row, strict=True))
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
