"""Decimal money as control rounds and shows it: to the cent, without trailing zeros."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def plain_decimal(value: Decimal) -> Decimal:
    """``80`` for ``80.000`` (not ``8E+1``, as ``normalize`` would give); ``12.5`` stays."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def money(value: Decimal) -> Decimal:
    """A stored amount (12 decimal places) to the cent when that is exact, else normalized."""
    rounded = value.quantize(CENT)
    return rounded if rounded == value else value.normalize()
