"""The seam between budgets and forecasting: spend expected by the end of a budget period,
how likely it is to exceed the budget, and when it is expected to reach it.

:func:`forecast_period_spend` answers with one of two methods:

- ``forecast`` (the default; reported as ``forecast:<model>``): the scope's charges in
  its currency, day by day up to ``as_of``, split by the structure of the cost
  (:mod:`~infracast.control.budgets.daily`). The **usage** part is forecast to the
  period's end by :func:`infracast.forecast.forecast` (``model="auto"``: seasonal naive
  or ETS, whichever backtests better on the scope's last year or more), **recurring**
  fees are added on their own schedule (each fee renews when its charge period ends),
  and **one-time** charges (purchases, credits, adjustments) are never extrapolated: the
  ones before ``as_of`` are in the actual spend, none are assumed after. The spread of
  the total, the probability of exceeding the amount and the crossing date are
  :mod:`~infracast.control.budgets.overrun`'s.

  With fewer than :data:`MIN_HISTORY_DAYS` days from the scope's first charge to
  ``as_of``, usage charged on fewer than :data:`MIN_USAGE_DAYS` days (too sparse: a
  weekly model would repeat each lone charge every week), or a series the models refuse,
  it falls back to the run rate and says so in ``note``. A usage forecast below zero
  is shown as zero when the history has no credits (its spread is kept).

- ``run_rate``: ``actual + (actual / elapsed days) × remaining days`` (to the cent,
  half-even): lumpy charges (a month's salaries on the 1st, a quarterly contract)
  inflate it early in a period. It has no distribution (no probability); its crossing
  date is where the straight line reaches the amount.

When the period is over the forecast is the actual spend, and when nothing of the
period has elapsed the run rate is the actual spend (zero); both say so in ``note``.
Only the scope's currency is forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from infracast.control.budgets.daily import (
    daily_parts,
    days_between,
    recurring_due,
)
from infracast.control.budgets.forecast_memo import (
    USAGE_FORECASTS,
    UsageForecast,
    forecast_key,
)
from infracast.control.budgets.overrun import DayForecast, crossing_day, outlook
from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.scope_days import ScopeDays, scope_days
from infracast.control.budgets.spend import Spend, SpendScope, spend
from infracast.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

RUN_RATE = "run_rate"
FORECAST = "forecast"
METHODS: tuple[str, ...] = (FORECAST, RUN_RATE)
RUN_RATE_FORMULA = "actual + actual / elapsed days × remaining days"
MIN_HISTORY_DAYS = 28
"""Days of charges before ``as_of`` a forecast needs (four weekly seasons)."""
MIN_USAGE_DAYS = 14
"""Days with usage charges a forecast of usage needs: fewer is too sparse to model."""
MAX_LOOKBACK_DAYS = 3 * 365
_CENT = Decimal("0.01")
_PROBABILITY = Decimal("0.001")


@dataclass(frozen=True)
class SpendForecast:
    """Spend expected by the period's end, how it was made, what it was made from, and
    (with a budget amount) the probability of exceeding it and the day it is reached."""

    amount: Decimal
    currency: str
    method: str
    actual: Decimal
    elapsed_days: Decimal
    remaining_days: Decimal
    note: str | None = None
    overrun_probability: Decimal | None = None
    crossing_date: date | None = None


def check_method(method: str) -> str:
    """``method`` if it is ``forecast`` or ``run_rate``; else an error naming them."""
    if method not in METHODS:
        raise ConfigError(
            f'unknown forecast method "{method}".' + did_you_mean(method, METHODS),
            hint="Use forecast (the default: models over the scope's daily cost) or run_rate.",
            field="method",
        )
    return method


def run_rate(
    actual: Decimal, elapsed_days: Decimal, remaining_days: Decimal
) -> tuple[Decimal, str | None]:
    """The run-rate forecast to the period's end and a note when it is just the actual.

    >>> run_rate(Decimal(1500), Decimal(15), Decimal(16))  # 1500 + 1500/15 × 16
    (Decimal('3100.00'), None)
    """
    if remaining_days <= 0:
        return actual, "the period is over: forecast = actual"
    if elapsed_days <= 0:
        return actual, "nothing of the period has elapsed: forecast = actual"
    forecast = actual + actual / elapsed_days * remaining_days
    return forecast.quantize(_CENT, rounding=ROUND_HALF_EVEN), None


def run_rate_crossing(
    actual: Decimal, elapsed_days: Decimal, as_of: datetime, end: datetime, amount: Decimal
) -> date | None:
    """The day the run rate's straight line reaches ``amount`` before ``end`` (not yet
    reached), or None.

    >>> run_rate_crossing(Decimal(1500), Decimal(15), datetime(2026, 1, 16),
    ...                   datetime(2026, 2, 1), Decimal(3000))  # 100 a day: 15 more days
    datetime.date(2026, 1, 30)
    """
    if actual >= amount or elapsed_days <= 0 or actual <= 0:
        return None
    days = float((amount - actual) * elapsed_days / actual)
    reached = as_of + timedelta(days=days)
    if reached > end:
        return None
    return (reached - timedelta(microseconds=1)).date()


def forecast_period_spend(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    as_of: datetime,
    *,
    actual: Spend | None = None,
    method: str = FORECAST,
    amount: Decimal | None = None,
    days: ScopeDays | None = None,
) -> SpendForecast:
    """The spend of ``scope`` expected by ``period``'s end, seen from ``as_of`` (the seam).

    ``method`` is ``forecast`` (default) or ``run_rate`` (see the module). ``actual`` is
    the scope's spend over ``[period start, as_of)`` when the caller has it already;
    otherwise it is read from the ledger. With the budget's ``amount``, the result also
    holds the probability that the period's total exceeds it (``forecast`` only) and the
    day the expected spend reaches it (already reached: the day it did). ``days``: the
    scope's days as :func:`period_days` reads them (None: each figure is read alone).
    """
    check_method(method)
    if actual is None:
        actual = spend(ledger, scope, period.start_instant, period.counted_until(as_of))
    elapsed = period.elapsed_days(as_of)
    remaining = period.remaining_days(as_of)
    counted = period.counted_until(as_of)
    base = SpendForecast(
        amount=actual.amount,
        currency=scope.currency,
        method=method,
        actual=actual.amount,
        elapsed_days=elapsed,
        remaining_days=remaining,
    )
    if remaining <= 0:
        return _finished(ledger, scope, period, base, amount, days)
    if method == FORECAST:
        found = _forecast(ledger, scope, period, counted, base, amount, days)
        if isinstance(found, SpendForecast):
            return found
        return _run_rate(ledger, scope, period, counted, base, amount, days, note=found)
    return _run_rate(ledger, scope, period, counted, base, amount, days)


def history_start(period: BudgetPeriod, as_of: datetime) -> tuple[int, datetime]:
    """The days of history a forecast of ``period`` from ``as_of`` looks back over, and
    the first instant it (or the period) reads."""
    today = period.counted_until(as_of).date()
    future = (period.end - today).days
    lookback = min(max(365, 3 * future + 56), MAX_LOOKBACK_DAYS)
    start = min(
        datetime.combine(today - timedelta(days=lookback), datetime.min.time()),
        period.start_instant,
    )
    return lookback, start


def period_days(
    ledger: Ledger, scope: SpendScope, period: BudgetPeriod, as_of: datetime
) -> ScopeDays | None:
    """Everything evaluating ``period`` at ``as_of`` reads of the scope (its spend, its
    daily parts, which recurring fees may be current) in one query of the daily rollup;
    None when the rollup cannot answer it exactly
    (:func:`~infracast.control.budgets.scope_days.scope_days`)."""
    _, start = history_start(period, as_of)
    return scope_days(ledger, scope, start, period.counted_until(as_of))


def _finished(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    base: SpendForecast,
    amount: Decimal | None,
    days: ScopeDays | None,
) -> SpendForecast:
    """A period that is over: its actual, certain."""
    probability = crossed = None
    if amount is not None:
        probability = Decimal(1) if base.actual > amount else Decimal(0)
        crossed = _crossed_on(ledger, scope, period, period.end_instant, amount, days=days)
    return _with(
        base,
        base.actual,
        base.method,
        "the period is over: forecast = actual",
        probability,
        crossed,
    )


def _run_rate(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    counted: datetime,
    base: SpendForecast,
    amount: Decimal | None,
    days: ScopeDays | None,
    *,
    note: str | None = None,
) -> SpendForecast:
    expected, rate_note = run_rate(base.actual, base.elapsed_days, base.remaining_days)
    notes = "; ".join(n for n in (note, rate_note) if n) or None
    crossed = None
    if amount is not None:
        if base.actual >= amount:
            crossed = _crossed_on(ledger, scope, period, counted, amount, days=days)
        else:
            crossed = run_rate_crossing(
                base.actual, base.elapsed_days, counted, period.end_instant, amount
            )
    return _with(base, expected, RUN_RATE, notes, None, crossed)


@dataclass(frozen=True)
class RemainingDays:
    """The remaining days of a period as forecast, with what made them: the model of the
    usage (``none``: the scope has no usage), its season, and the scope's daily spend
    by part up to ``as_of`` (from the history's first day)."""

    days: tuple[DayForecast, ...]
    model: str
    season_length: int
    parts: dict[str, dict[date, float]]


def remaining_days(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    as_of: datetime,
    *,
    days: ScopeDays | None = None,
) -> RemainingDays | str:
    """Each remaining day of ``period``: its usage forecast and 80% bounds, the share of
    it still to come, and the recurring fees due on it; or why it cannot be forecast.
    ``days``: the scope's days as :func:`period_days` reads them (None: read here)."""
    counted = period.counted_until(as_of)
    today = counted.date()
    future = days_between(today, period.end)
    lookback, start = history_start(period, as_of)
    parts = daily_parts(ledger, scope, start, counted, days=days)
    usage = {d: v for d, v in parts["usage"].items() if d < today}
    charged = [d for part in parts.values() for d in part]
    first = max(min(charged) if charged else today, today - timedelta(days=lookback))
    history = (today - first).days
    if history < MIN_HISTORY_DAYS:
        return (
            f"too little history to forecast ({history} days of charges before as_of, "
            f"{MIN_HISTORY_DAYS} needed): run rate"
        )
    charged_days = sum(1 for d, v in usage.items() if v and d >= first)
    if 0 < charged_days < MIN_USAGE_DAYS:
        return (
            f"usage too sparse to forecast (charged on {charged_days} days of the history, "
            f"{MIN_USAGE_DAYS} needed): run rate"
        )
    midnight = datetime.combine(today, datetime.min.time())
    weight = 1.0 - (counted - midnight).total_seconds() / 86400
    weights = [weight if d == today else 1.0 for d in future]
    fees = recurring_due(ledger, scope, counted, period.end_instant, days=days)
    if not any(usage.values()):
        ahead = tuple(
            DayForecast(d, 0.0, 0.0, 0.0, w, fees.get(d, 0.0))
            for d, w in zip(future, weights, strict=True)
        )
        return RemainingDays(ahead, "none", 1, parts)
    grid = days_between(first, today)
    found = usage_forecast(first, [usage.get(d, 0.0) for d in grid], len(future))
    if isinstance(found, str):
        return f"the usage could not be forecast ({found}): run rate"
    no_credits = min(usage.values()) >= 0  # then a forecast below zero is shown as zero
    ahead = tuple(
        DayForecast(d, max(yhat, 0.0) if no_credits else yhat, lo, hi, w, fees.get(d, 0.0))
        for d, w, (yhat, lo, hi) in zip(future, weights, found.rows, strict=True)
    )
    return RemainingDays(ahead, found.model, found.season_length, parts)


# What the usage forecast is asked with: part of its memo key (forecast_memo).
_USAGE_SETTINGS: dict[str, Any] = {
    "unique_id": "usage",
    "freq": "D",
    "model": "auto",
    "level": (80,),
}


def usage_forecast(first: date, values: list[float], horizon: int) -> UsageForecast | str:
    """The forecast of the daily usage ``values`` from ``first`` over ``horizon`` days, or
    why the models refuse it; made once per distinct input in this process
    (:mod:`~infracast.control.budgets.forecast_memo`: the same input gives the same
    forecast, a changed one a new key)."""
    key = forecast_key(first, values, horizon, **_USAGE_SETTINGS)
    return USAGE_FORECASTS.get_or_make(key, lambda: _fit_usage(first, values, horizon))


def _fit_usage(first: date, values: list[float], horizon: int) -> UsageForecast | str:
    import pandas as pd

    from infracast.forecast import ForecastError
    from infracast.forecast import forecast as fit

    asked = _USAGE_SETTINGS
    grid = pd.date_range(pd.Timestamp(first), periods=len(values), freq=asked["freq"])
    frame = pd.DataFrame({"unique_id": asked["unique_id"], "ds": grid, "y": values})
    try:
        result = fit(frame, horizon, freq=asked["freq"], model=asked["model"], level=asked["level"])
    except ForecastError as exc:
        return exc.message
    rows = result.forecast[["yhat", "lo80", "hi80"]].itertuples(index=False, name=None)
    return UsageForecast(
        rows=tuple((float(y), float(lo), float(hi)) for y, lo, hi in rows),
        model=str(result.choices["model"].iloc[0]),
        season_length=int(result.season_length),
    )


def _forecast(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    counted: datetime,
    base: SpendForecast,
    amount: Decimal | None,
    days: ScopeDays | None,
) -> SpendForecast | str:
    """The forecast method, or the reason it cannot be used (the run rate is then)."""
    found = remaining_days(ledger, scope, period, counted, days=days)
    if isinstance(found, str):
        return found
    ahead = found.days
    total = outlook(float(base.actual), ahead, model=found.model, season_length=found.season_length)
    expected = (base.actual + Decimal(repr(total.mean - float(base.actual)))).quantize(
        _CENT, rounding=ROUND_HALF_EVEN
    )
    probability = crossed = None
    if amount is not None:
        probability = Decimal(repr(total.probability_above(float(amount)))).quantize(_PROBABILITY)
        if base.actual >= amount:
            crossed = _crossed_on(ledger, scope, period, counted, amount, found.parts)
        else:
            steps = [(d.day, d.weight * d.yhat + d.known) for d in ahead]
            crossed = crossing_day(float(base.actual), steps, float(amount))
    return _with(base, expected, f"{FORECAST}:{found.model}", None, probability, crossed)


def _crossed_on(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    until: datetime,
    amount: Decimal,
    parts: dict[str, dict[date, float]] | None = None,
    *,
    days: ScopeDays | None = None,
) -> date | None:
    """The day the actual spend of the period reached ``amount`` (None: it has not)."""
    if parts is None:
        parts = daily_parts(ledger, scope, period.start_instant, until, days=days)
    totals: dict[date, float] = {}
    for part in parts.values():
        for day, value in part.items():
            if period.start <= day < until.date() or (day == until.date() and until.time()):
                totals[day] = totals.get(day, 0.0) + value
    return crossing_day(0.0, sorted(totals.items()), float(amount))


def _with(
    base: SpendForecast,
    expected: Decimal,
    method: str,
    note: str | None,
    probability: Decimal | None,
    crossed: date | None,
) -> SpendForecast:
    return SpendForecast(
        amount=expected,
        currency=base.currency,
        method=method,
        actual=base.actual,
        elapsed_days=base.elapsed_days,
        remaining_days=base.remaining_days,
        note=note,
        overrun_probability=probability,
        crossing_date=crossed,
    )
