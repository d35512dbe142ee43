"""The seam between budgets and forecasting: spend expected by the end of a budget period.

Budgets ask one function, :func:`forecast_period_spend`, what a scope will have
spent when a period ends. Today it answers with the run rate:

    forecast = actual + (actual / elapsed days) × remaining days

(rounded to the cent, half-even). When nothing of the period has elapsed the
forecast is the actual spend (zero unless charges start before ``as_of``), and
when the period is over it is the actual spend; both say so in ``note``.

When the forecasting models arrive, only the body of
:func:`forecast_period_spend` changes: it keeps its parameters and returns a
:class:`SpendForecast` whose ``method`` names the model used (``method`` is
printed beside every forecast, so a reader always knows which one they see).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from infracast.control.budgets.periods import BudgetPeriod
from infracast.control.budgets.spend import Spend, SpendScope, spend

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

RUN_RATE = "run_rate"
RUN_RATE_FORMULA = "actual + actual / elapsed days × remaining days"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SpendForecast:
    """Spend expected by the period's end, how it was made, and what it was made from."""

    amount: Decimal
    currency: str
    method: str
    actual: Decimal
    elapsed_days: Decimal
    remaining_days: Decimal
    note: str | None = None


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


def forecast_period_spend(
    ledger: Ledger,
    scope: SpendScope,
    period: BudgetPeriod,
    as_of: datetime,
    *,
    actual: Spend | None = None,
) -> SpendForecast:
    """The spend of ``scope`` expected by ``period``'s end, seen from ``as_of`` (the seam).

    ``actual`` is the scope's spend over ``[period start, as_of)`` when the
    caller has it already; otherwise it is read from the ledger. Only the
    scope's currency is forecast.
    """
    if actual is None:
        actual = spend(ledger, scope, period.start_instant, period.counted_until(as_of))
    elapsed = period.elapsed_days(as_of)
    remaining = period.remaining_days(as_of)
    amount, note = run_rate(actual.amount, elapsed, remaining)
    return SpendForecast(
        amount=amount,
        currency=scope.currency,
        method=RUN_RATE,
        actual=actual.amount,
        elapsed_days=elapsed,
        remaining_days=remaining,
        note=note,
    )
