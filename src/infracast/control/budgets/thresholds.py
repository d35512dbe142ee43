"""Which thresholds a budget's spend has reached, and the budget's status: pure evaluation.

A threshold is a percentage of the budget amount. Spend reaches it when
``spend × 100 ≥ threshold × amount``, in exact decimals (40,000 of a 50,000
budget reaches 80% exactly). Actual thresholds are checked against the spend so
far, forecast thresholds against the spend forecast to the period's end.

A budget's status:

- ``over``: the actual spend is above the amount;
- ``warning``: not over, but a threshold is reached (actual or forecast) or the
  forecast is above the amount;
- ``ok``: none of these.

(``not_started`` and ``invalid`` are set by :mod:`infracast.control.budgets.evaluation`: a
budget whose first period is still to come, and a stored budget that today's
rules refuse.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Literal

from infracast.control._money import plain_decimal

AlertKind = Literal["actual", "forecast"]
ALERT_KINDS: tuple[str, ...] = ("actual", "forecast")
STATUSES: tuple[str, ...] = ("ok", "warning", "over", "not_started", "invalid")
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Crossing:
    """A threshold that ``spend`` (actual or forecast) has reached."""

    kind: str
    threshold_pct: Decimal
    spend: Decimal

    @property
    def label(self) -> str:
        """``actual 80%`` or ``forecast 100%``."""
        return f"{self.kind} {format_pct(self.threshold_pct)}%"


def pct_to_fraction(pct: Decimal) -> float:
    """A percentage as the fraction the ledger stores (``80`` -> ``0.8``)."""
    return float(pct / 100)


def fraction_to_pct(fraction: float) -> Decimal:
    """A stored fraction back as a percentage (``0.8`` -> ``80``), through its shortest repr."""
    return plain_decimal(Decimal(repr(fraction)) * 100)


def format_pct(pct: Decimal) -> str:
    """A percentage without trailing zeros: ``80``, ``12.5``."""
    text = format(pct.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def reached(spend: Decimal, amount: Decimal, threshold_pct: Decimal) -> bool:
    """True when ``spend`` is at least ``threshold_pct`` percent of ``amount``."""
    return spend * 100 >= threshold_pct * amount


def percent_of(spend: Decimal, amount: Decimal) -> Decimal:
    """``spend`` as a percentage of ``amount``, to a tenth (half-even).

    Exact for every amount the ledger holds (a tiny amount gives a long percentage).
    """
    with localcontext() as ctx:
        ctx.prec = 80
        return (spend * 100 / amount).quantize(_TENTH, rounding=ROUND_HALF_EVEN)


def crossings(
    amount: Decimal,
    actual: Decimal,
    forecast: Decimal,
    actual_thresholds: Iterable[Decimal],
    forecast_thresholds: Iterable[Decimal],
) -> list[Crossing]:
    """Every threshold reached: actual ones first, each kind from the lowest threshold."""
    out = [
        Crossing("actual", pct, actual)
        for pct in sorted(actual_thresholds)
        if reached(actual, amount, pct)
    ]
    out += [
        Crossing("forecast", pct, forecast)
        for pct in sorted(forecast_thresholds)
        if reached(forecast, amount, pct)
    ]
    return out


def status_of(
    amount: Decimal, actual: Decimal, forecast: Decimal, crossed: Iterable[Crossing]
) -> str:
    """``over``, ``warning`` or ``ok`` (see the module's docstring)."""
    if actual > amount:
        return "over"
    if forecast > amount or any(True for _ in crossed):
        return "warning"
    return "ok"
