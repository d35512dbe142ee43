"""How likely a period's spend is to exceed its budget, and when it is expected to: pure math.

The period's total is ``actual + known + U``: the spend before ``as_of`` (exact), the
recurring fees still due in the period (known from their schedule), and ``U``, the usage
of the remaining days, forecast day by day with an 80% prediction interval
``[lo80_h, hi80_h]`` around ``yhat_h`` (``h`` = 1, 2, … days ahead).

**Each day's error.** A day's standard deviation is read from its interval,
``σ_h = (hi80_h − lo80_h) / (2 × 1.2816)`` (1.2816 is the 90th percentile of the
standard normal; the naive, seasonal naive and ETS intervals are normal ones: Hyndman &
Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.5 table 5.2 and
§8.7).

**The error of the sum.** The spread of ``U = Σ_h w_h y_h`` (``w_h`` the share of day
``h`` still to come: 1, or less for the day ``as_of`` falls in) depends on how the
days' errors are correlated, which the intervals alone do not say; the model that made
them does. Each model is an innovations state-space model (one shock ``ε_j`` per day,
variance ``σ² = σ_1²``), and its errors add up as that model says:

- **naive, seasonal and weekly naive** (season ``m``: the model's, 7 days for a daily
  series; naive is ``m = 1``): each position in the
  season is a random walk of its own, so day ``h`` (position ``r``, ``k`` seasons ahead)
  carries the shocks ``ε_{r,0} … ε_{r,k}``, ``σ_h² = σ²(k + 1)``, and
  ``Var U = σ² Σ_r Σ_i (Σ_{h at r, k ≥ i} w_h)²`` (exact);
- **every other model** (ETS, Theta, ARIMA): the growth of the interval is taken as a
  level that the day's shock moves for every later day: with
  ``a_j² = σ_{j+1}² − σ_j²``, ``Var U = Σ_j (w_j σ + a_j Σ_{h>j} w_h)²``. For simple
  exponential smoothing (ETS A,N,N: ``σ_h² = σ²(1 + (h − 1)α²)``, so ``a_j = ασ``) this
  is the exact ``σ² Σ_j (w_j + α Σ_{h>j} w_h)²``; for a seasonal ETS it counts the
  seasonal part of the growth as level, which is conservative.

Taking the days as independent (``Σ w_h² σ_h²``) or perfectly correlated
(``(Σ w_h σ_h)²``) are the two bounds; ``bench/budgets.py`` scores all three against
what the demo's periods came to (Brier score).

**The probability** that the period's total exceeds the amount is
``1 − Φ((amount − mean) / sd)``, ``mean = actual + known + Σ w_h yhat_h`` (a normal
approximation: a sum of many days is close to normal whatever one day's shape); when
``sd`` is zero it is 1 or 0.

**The crossing date** is the first day on which the expected cumulative spend
(``actual``, then day by day ``w_h yhat_h`` plus the fees due that day) reaches the
amount; None when it does not before the period ends. A budget already reached is dated
from its actual spend day by day (:func:`crossing_day` over the days so far).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

Z80 = 1.2815515655446004  # Φ⁻¹(0.9): an 80% central interval is ± 1.2816 σ
Structure = Literal["level", "seasonal", "independent", "perfect"]
STRUCTURES: tuple[str, ...] = ("level", "seasonal", "independent", "perfect")
NAIVE_MODELS: tuple[str, ...] = ("naive", "seasonal_naive", "weekly_naive")
"""Models whose days are random walks, one per position in the season."""


@dataclass(frozen=True)
class DayForecast:
    """One remaining day: its usage forecast and 80% bounds, the share of it still to
    come, and the recurring fees due on it (known)."""

    day: date
    yhat: float
    lo80: float
    hi80: float
    weight: float = 1.0
    known: float = 0.0

    @property
    def sigma(self) -> float:
        """The day's standard deviation read from its 80% interval."""
        return max(self.hi80 - self.lo80, 0.0) / (2 * Z80)


@dataclass(frozen=True)
class Outlook:
    """The period's total as a normal distribution: its mean and standard deviation."""

    mean: float
    sd: float

    def probability_above(self, amount: float) -> float:
        """``P(total > amount)`` (1 or 0 when ``sd`` is zero).

        >>> round(Outlook(110.0, 10.0).probability_above(100.0), 4)  # 1 − Φ(−1)
        0.8413
        """
        if self.sd <= 0:
            return 1.0 if self.mean > amount else 0.0
        z = (amount - self.mean) / self.sd
        return 0.5 * math.erfc(z / math.sqrt(2))


def remaining_sd(
    days: Sequence[DayForecast],
    model: str = "ets",
    season_length: int = 7,
    structure: Structure | None = None,
) -> float:
    """The standard deviation of the remaining usage (see the module's docstring).

    ``structure`` None follows ``model``: ``seasonal`` for naive (season 1), seasonal and
    weekly naive, ``level`` otherwise; ``independent`` and ``perfect`` are the two bounds.

    >>> days = [DayForecast(date(2026, 1, d), 10, 10 - s * Z80, 10 + s * Z80)
    ...         for d, s in ((1, 3.0), (2, 5.0))]
    >>> round(remaining_sd(days), 6)  # a_1 = √(25 − 9) = 4: √((3 + 4)² + 3²) = √58
    7.615773
    """
    if not days:
        return 0.0
    if structure is None:
        structure = "seasonal" if model in NAIVE_MODELS else "level"
    weights = [d.weight for d in days]
    sigmas = [d.sigma for d in days]
    if structure == "independent":
        return math.sqrt(sum((w * s) ** 2 for w, s in zip(weights, sigmas, strict=True)))
    if structure == "perfect":
        return sum(w * s for w, s in zip(weights, sigmas, strict=True))
    sigma = sigmas[0]
    if structure == "seasonal":
        m = 1 if model == "naive" else max(season_length, 1)
        var = 0.0
        for r in range(m):
            later = weights[r::m]  # the days at position r, one per season ahead
            var += sum(sum(later[i:]) ** 2 for i in range(len(later)))
        return sigma * math.sqrt(var)
    var = 0.0
    after = sum(weights)
    for j, w in enumerate(weights):
        after -= w
        grow = sigmas[j + 1] ** 2 - sigmas[j] ** 2 if j + 1 < len(sigmas) else 0.0
        var += (w * sigma + math.sqrt(max(grow, 0.0)) * after) ** 2
    return math.sqrt(var)


def outlook(
    actual: float,
    days: Sequence[DayForecast],
    *,
    known_before: float = 0.0,
    model: str = "ets",
    season_length: int = 7,
    structure: Structure | None = None,
) -> Outlook:
    """The period's total: ``actual`` + fees + the remaining days' usage (mean and sd).

    ``known_before`` is fees due in the period but on no listed day (already due, not
    yet in the ledger).
    """
    mean = actual + known_before + sum(d.weight * d.yhat + d.known for d in days)
    return Outlook(mean, remaining_sd(days, model, season_length, structure))


def crossing_day(
    start_total: float, steps: Sequence[tuple[date, float]], amount: float
) -> date | None:
    """The first day whose cumulative spend (``start_total`` plus each day's step, in
    order) reaches ``amount``; None when none does.

    >>> from datetime import date
    >>> crossing_day(80.0, [(date(2026, 1, 20), 10.0), (date(2026, 1, 21), 10.0)], 100.0)
    datetime.date(2026, 1, 21)
    """
    total = start_total
    for day, step in steps:
        total += step
        if total >= amount:
            return day
    return None
