"""Discount rates and the timing convention of discounting.

A rate is an annual effective rate r (0.10 = 10 % a year). Flows of P periods
a year are discounted at the periodic rate i = (1 + r)^(1/P) − 1, the rate
that compounds to r over a year (monthly at 10 %: i = 1.1^(1/12) − 1 ≈ 0.797 %).

Two conventions say when the flow of period t (t = 0, 1, …) happens:

- ``t0_undiscounted`` (the default, Brealey, Myers & Allen, *Principles of
  Corporate Finance*, ch. 2): the first flow is now and is not discounted;
  flow t is discounted by (1 + i)^t. numpy-financial's ``npv`` does the same.
- ``end_of_period`` (the spreadsheet NPV function): every flow comes at the end
  of its period, so flow t is discounted by (1 + i)^(t + 1), the first one too.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum

from infracast.errors import FinanceError, did_you_mean

ONE = Decimal(1)


class Convention(StrEnum):
    """When the flow of period t happens."""

    t0_undiscounted = "t0_undiscounted"
    end_of_period = "end_of_period"

    @property
    def offset(self) -> int:
        """Flow t is discounted over t + offset periods."""
        return 0 if self is Convention.t0_undiscounted else 1

    @property
    def note(self) -> str:
        if self is Convention.t0_undiscounted:
            return (
                "The first period is t = 0, now, and is not discounted; the flow of period t "
                "is discounted by (1 + i)^t (i the periodic rate)."
            )
        return (
            "Every flow comes at the end of its period (the spreadsheet NPV function): the flow "
            "of period t is discounted by (1 + i)^(t + 1), the first one too."
        )


def parse_convention(value: Convention | str) -> Convention:
    """``value`` as a :class:`Convention` (``t0`` and ``end`` are accepted too)."""
    if isinstance(value, Convention):
        return value
    text = str(value).strip().lower().replace("-", "_")
    aliases = {"t0": "t0_undiscounted", "end": "end_of_period", "spreadsheet": "end_of_period"}
    text = aliases.get(text, text)
    try:
        return Convention(text)
    except ValueError:
        names = [c.value for c in Convention]
        raise FinanceError(
            f"unknown convention {value!r}.{did_you_mean(text, names)}",
            hint=f"Use {' or '.join(names)} (or t0, end).",
        ) from None


def as_rate(value: Decimal | float | int | str, *, name: str = "rate") -> Decimal:
    """An annual rate as a Decimal: 0.1, "0.1" or "10%"; more than −100 %.

    A bare number above 1 is refused (10 is more likely 10 % than 1,000 %); a rate above
    100 % a year is written with its percent sign ("150%"), which NPV and IRR allow.
    """
    text = str(value).strip() if not isinstance(value, float) else repr(value)
    scale = ONE
    percent = text.endswith("%")
    if percent:
        text, scale = text[:-1].strip(), Decimal("0.01")
    try:
        rate = Decimal(text) * scale
    except InvalidOperation:
        raise FinanceError(
            f"{name} {value!r} is not a number.", hint="Write 10 % as 0.10 or 10%."
        ) from None
    if not rate.is_finite() or rate <= -1:
        raise FinanceError(
            f"{name} {value} must be more than −100 %.", hint="Write 10 % as 0.10 or 10%."
        )
    if rate > 1 and not percent:
        meant = rate / 100  # the rate if the number was meant as a percentage
        fraction = f"{meant.normalize():f} or " if meant <= 1 else ""
        raise FinanceError(
            f"{name} {value} is more than 100 % a year; a percentage written as a number?",
            hint=f"Write {text} % as {fraction}{text}%; a rate above 100 % a year takes its "
            "% sign (150%).",
        )
    return rate


def periodic_rate(annual: Decimal, periods_per_year: int) -> Decimal:
    """i = (1 + r)^(1/P) − 1; exactly r when P = 1."""
    if periods_per_year == 1:
        return annual
    return (ONE + annual) ** (ONE / Decimal(periods_per_year)) - ONE


def annual_rate(periodic: float, periods_per_year: int) -> float:
    """r = (1 + i)^P − 1, the annual effective rate of a periodic rate."""
    return float((1.0 + periodic) ** periods_per_year - 1.0)


def discount_factors(periodic: Decimal, periods: int, conv: Convention) -> list[Decimal]:
    """(1 + i)^−(t + offset) for t = 0 … periods − 1."""
    base = ONE + periodic
    return [ONE / base ** (t + conv.offset) for t in range(periods)]
