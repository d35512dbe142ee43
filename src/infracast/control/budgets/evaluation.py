"""Each budget's status against actual and forecast spend, and the alerts it raises.

:func:`budget_status` evaluates each budget in the period containing ``as_of``
(default: the start of today, UTC, so only whole days are counted):

- actual = Σ metric of the charges in scope, in the budget's currency, whose
  ChargePeriodStart is in ``[period start, min(as_of, period end))``; charges
  in scope in other currencies are reported beside it, never converted;
- forecast = spend expected by the period's end
  (:func:`infracast.control.budgets.forecast.forecast_period_spend`: ``method``
  ``forecast``, the default, forecasts the usage and adds the recurring fees on their
  schedule; ``run_rate`` extrapolates the spend so far), with the probability that
  the period's total exceeds the amount (``forecast`` only) and the day the expected
  spend reaches it (``crossing_date``; already reached: the day it did);
- variance = amount − forecast (negative: the forecast overruns);
- thresholds reached raise alerts once per period
  (:mod:`infracast.control.budgets.alerts`), which are POSTed to the budget's webhook
  when ``notify`` is set.

A stored budget that today's rules refuse
(:class:`~infracast.control.budgets.stored.InvalidBudget`) is not evaluated: its
status is ``invalid``, with the problem and the fix in its notes, and the
other budgets are evaluated as usual.

Storing, listing and removing budgets is :mod:`infracast.control.budgets.stored`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infracast.analytics.periods import Instant, parse_instant
from infracast.control.budgets.alerts import (
    Alert,
    Post,
    deliver_alerts,
    list_alerts,
    raise_alerts,
)
from infracast.control.budgets.forecast import (
    FORECAST,
    check_method,
    forecast_period_spend,
    period_days,
)
from infracast.control.budgets.periods import BudgetPeriod, period_at
from infracast.control.budgets.spec import Budget
from infracast.control.budgets.spend import SpendScope, spend
from infracast.control.budgets.stored import InvalidBudget, list_budgets, stored_budget
from infracast.control.budgets.thresholds import crossings, percent_of, status_of
from infracast.control.budgets.webhook import RetryPolicy, post_json, webhook_secret

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

INVALID = "invalid"


@dataclass(frozen=True)
class BudgetStatus:
    """One budget in one period: actual, forecast, variance, status and the alerts raised now.

    An ``invalid`` budget (a stored row today's rules refuse) has no actual,
    forecast, percentages or variance (None): it was not evaluated.
    """

    budget: str
    period: BudgetPeriod | None
    as_of: datetime
    amount: Decimal
    currency: str
    actual: Decimal | None
    forecast: Decimal | None
    forecast_method: str | None
    status: str
    new_alerts: tuple[Alert, ...] = ()
    other_currencies: dict[str, Decimal] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    overrun_probability: Decimal | None = None
    crossing_date: date | None = None

    @property
    def actual_pct(self) -> Decimal | None:
        """Actual as a percentage of the amount, to a tenth (None: invalid)."""
        return None if self.actual is None else percent_of(self.actual, self.amount)

    @property
    def forecast_pct(self) -> Decimal | None:
        """Forecast as a percentage of the amount, to a tenth (None: invalid)."""
        return None if self.forecast is None else percent_of(self.forecast, self.amount)

    @property
    def variance(self) -> Decimal | None:
        """Amount − forecast: what is left at the period's end (negative: an overrun)."""
        return None if self.forecast is None else self.amount - self.forecast

    def to_dict(self) -> dict[str, Any]:
        """Plain data, keys in a fixed order (the JSON of ``budget status``)."""
        return {
            "budget": self.budget,
            "period": self.period.label if self.period else None,
            "period_start": self.period.start if self.period else None,
            "period_end": self.period.end if self.period else None,
            "as_of": self.as_of,
            "currency": self.currency,
            "amount": self.amount,
            "actual": self.actual,
            "actual_pct": self.actual_pct,
            "forecast": self.forecast,
            "forecast_pct": self.forecast_pct,
            "forecast_method": self.forecast_method,
            "overrun_probability": self.overrun_probability,
            "crossing_date": self.crossing_date,
            "variance": self.variance,
            "status": self.status,
            "new_alerts": [alert.to_dict() for alert in self.new_alerts],
            "other_currencies": dict(self.other_currencies),
            "notes": list(self.notes),
        }

    @property
    def outlook(self) -> str | None:
        """One sentence on the crossing, or None when the amount is not expected to be
        reached: ``applied-ml crosses its 2026-10 budget around 2026-10-27, 83%
        probability``."""
        if self.crossing_date is None or self.period is None or self.actual is None:
            return None
        chance = ""
        if self.overrun_probability is not None:
            pct = (self.overrun_probability * 100).quantize(Decimal(1))
            chance = f", {pct}% probability of exceeding it"
        if self.actual >= self.amount:
            return f"{self.budget} reached its {self.period.label} budget on {self.crossing_date}"
        return (
            f"{self.budget} crosses its {self.period.label} budget around "
            f"{self.crossing_date}{chance}"
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (:meth:`to_dict`)."""
        return self.to_dict()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def parse_as_of(as_of: Instant | None) -> datetime:
    """``as_of`` as a naive UTC instant; None means the start of today (UTC)."""
    parsed = parse_instant(as_of, name="as_of")
    if parsed is not None:
        return parsed
    now = _now()
    return datetime(now.year, now.month, now.day)


def evaluate_budget(
    ledger: Ledger,
    budget: Budget,
    as_of: datetime,
    *,
    notify: bool = True,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
    post: Post = post_json,
    method: str = FORECAST,
) -> BudgetStatus:
    """The status of one budget at ``as_of``; raise (and, with ``notify``, deliver) alerts."""
    period = period_at(budget.period, budget.start, budget.end, as_of)
    if period is None:
        return BudgetStatus(
            budget=budget.name,
            period=None,
            as_of=as_of,
            amount=budget.amount,
            currency=budget.currency,
            actual=Decimal(0),
            forecast=Decimal(0),
            forecast_method=method,
            status="not_started",
            notes=(f"the budget starts on {budget.start}",),
        )
    scope = SpendScope(budget.filters, budget.currency, budget.metric)
    counted = period.counted_until(as_of)
    days = period_days(ledger, scope, period, as_of)  # one query of the rollup, or None
    if days is not None and days.covers(period.start_instant, counted):
        actual = days.spend(period.start_instant, counted)
    else:
        actual = spend(ledger, scope, period.start_instant, counted)
    forecast = forecast_period_spend(
        ledger,
        scope,
        period,
        as_of,
        actual=actual,
        method=method,
        amount=budget.amount,
        days=days,
    )
    crossed = crossings(
        budget.amount,
        actual.amount,
        forecast.amount,
        budget.actual_thresholds,
        budget.forecast_thresholds,
    )
    raised = raise_alerts(
        ledger,
        budget.name,
        period,
        budget.amount,
        budget.currency,
        crossed,
        method=forecast.method,
        probability=forecast.overrun_probability,
        webhook_url=budget.webhook,
        now=_now(),
    )
    notes = [forecast.note] if forecast.note else []
    notes += [
        f"charges in scope in {code} ({total:,.2f} {code}) are not counted in this "
        f"{budget.currency} budget (no conversion)"
        for code, total in actual.other_currencies.items()
    ]
    if notify and budget.webhook:
        waiting = list_alerts(ledger, budget.name, undelivered=True)
        delivered = deliver_alerts(ledger, waiting, secret=secret, policy=policy, post=post)
        by_id = {a.alert_id: a for a in delivered}
        raised = [by_id.get(a.alert_id, a) for a in raised]
        failed = [a for a in delivered if a.delivery_status != "delivered"]
        if failed:
            notes.append(
                f"{len(failed)} alert(s) not delivered to the webhook "
                f"({failed[-1].delivery_error}); they are kept: "
                "infracast budget alerts --redeliver tries again"
            )
    return BudgetStatus(
        budget=budget.name,
        period=period,
        as_of=as_of,
        amount=budget.amount,
        currency=budget.currency,
        actual=actual.amount,
        forecast=forecast.amount,
        forecast_method=forecast.method,
        status=status_of(budget.amount, actual.amount, forecast.amount, crossed),
        new_alerts=tuple(raised),
        other_currencies=actual.other_currencies,
        notes=tuple(notes),
        overrun_probability=forecast.overrun_probability,
        crossing_date=forecast.crossing_date,
    )


def budget_status(
    ledger: Ledger,
    name: str | None = None,
    *,
    as_of: Instant | None = None,
    notify: bool = True,
    secret: str | None = None,
    policy: RetryPolicy | None = None,
    post: Post = post_json,
    method: str = FORECAST,
    team: str | None = None,
) -> list[BudgetStatus]:
    """The status of one budget (``name``) or of every budget, at ``as_of``.

    ``team``: only that team's budgets (those whose scope is its charges alone,
    :func:`~infracast.control.budgets.stored.budget_team`); another team's ``name`` is
    not found.

    ``method`` makes the forecast: ``forecast`` (default) or ``run_rate``
    (:mod:`infracast.control.budgets.forecast`).

    Alerts are raised once per threshold and period and stored; with
    ``notify``, alerts with a webhook that are not yet delivered (new ones and
    earlier failures) are POSTed, signed with ``secret`` (None: the
    ``INFRACAST_WEBHOOK_SECRET`` environment variable, if set).
    """
    check_method(method)
    when = parse_as_of(as_of)
    secret = webhook_secret(secret)
    budgets = (
        [stored_budget(ledger, name, team=team)]
        if name is not None
        else list_budgets(ledger, team=team)
    )
    return [
        invalid_status(b, when)
        if isinstance(b, InvalidBudget)
        else evaluate_budget(
            ledger, b, when, notify=notify, secret=secret, policy=policy, post=post, method=method
        )
        for b in budgets
    ]


def invalid_status(budget: InvalidBudget, as_of: datetime) -> BudgetStatus:
    """The status of a stored budget today's rules refuse: ``invalid``, its problem and fix."""
    amount = budget.fields.get("amount")
    return BudgetStatus(
        budget=budget.name,
        period=None,
        as_of=as_of,
        amount=amount if isinstance(amount, Decimal) else Decimal(0),
        currency=str(budget.fields.get("currency") or ""),
        actual=None,
        forecast=None,
        forecast_method=None,
        status=INVALID,
        notes=(
            f"the stored budget is invalid and was not evaluated: {budget.problem} {budget.fix}",
        ),
    )
