"""Money for estimates: Decimal amounts to the cent, one currency, split without losing a cent.

Estimates add many small amounts (a month of storage, a person's month); each
is rounded to the cent where it is made, so every total is the exact sum of
the amounts it shows, however it is grouped (by phase, category or month).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from infracast.errors import EstimateError, did_you_mean
from infracast.vocabulary import currencies

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` (rounded to the cent) split into ``parts`` amounts that sum to it exactly.

    Part i is round(total·i/parts) − round(total·(i−1)/parts), so parts differ
    by at most a cent and any run of them is as close to its share as cents
    allow (100.00 / 3 = 33.33, 33.34, 33.33; 80000 / 48 months = 20000.00 a year).
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    total = cents(total)
    marks = [cents(total * i / parts) for i in range(parts + 1)]
    return [marks[i + 1] - marks[i] for i in range(parts)]


def currency_code(value: str, where: str) -> str:
    """``value`` as an upper-case ISO 4217 code, or an EstimateError naming ``where``."""
    code = value.strip().upper()
    known = currencies()
    if code not in known:
        raise EstimateError(
            f"{where}: {value!r} is not an ISO 4217 currency code." + did_you_mean(code, known),
            hint="Write the three-letter code, e.g. USD or EUR.",
        )
    return code


def same_currency(expected: str, got: str, what: str) -> None:
    """Refuse to add an amount in ``got`` to amounts in ``expected``."""
    if got.upper() != expected.upper():
        raise EstimateError(
            f"{what} is in {got.upper()} but the rest is in {expected.upper()}; "
            "infracast never adds amounts in different currencies.",
            hint=f"Give every price in {expected.upper()} (convert it first), "
            "or set the currency to match.",
        )
