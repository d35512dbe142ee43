"""Splitting an amount of money into exact parts (largest remainder).

The ledger keeps money to 18 decimal places. :func:`split` cuts an amount into
parts proportional to weights, each a whole number of 10⁻¹⁸ units, so that the
parts add up to the amount exactly: every part first gets the floor of its
exact quota, then the units left over go one each to the parts with the largest
remainders (ties to the first key in sorted order). This is Hamilton's method;
no part is off its exact quota by a unit or more.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from math import floor

SCALE = 18  # decimal places of money in the ledger, DECIMAL(38, 18)
# Money computed through floats (a cost times a utilization) is rounded to 12 places:
# the digits beyond are float noise, not money.
DERIVED_SCALE = 12


def to_money(value: Decimal | float | int, places: int = SCALE) -> Decimal:
    """``value`` rounded half-even to ``places`` decimal places (floats via their shortest
    repr); 18 by default, :data:`DERIVED_SCALE` for amounts computed through floats."""
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    with localcontext(prec=80):
        return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def split(total: Decimal, weights: Mapping[str, Decimal | float | int]) -> dict[str, Decimal]:
    """Split ``total`` in proportion to ``weights``; the parts add up to ``total`` exactly.

    ``total`` must have at most 18 decimal places; ``weights`` must be
    non-negative with a positive sum (programming errors otherwise).
    """
    exact = {key: Fraction(weight) for key, weight in weights.items()}
    weight_sum = sum(exact.values(), Fraction(0))
    if not exact or weight_sum <= 0 or any(w < 0 for w in exact.values()):
        raise ValueError(f"split needs non-negative weights with a positive sum, got {weights}")
    units = Fraction(total) * 10**SCALE
    if units.denominator != 1:
        raise ValueError(f"split needs a total with at most {SCALE} decimal places, got {total}")
    sign = -1 if units < 0 else 1
    whole = abs(units.numerator)
    quotas = {key: whole * w / weight_sum for key, w in exact.items()}
    parts = {key: floor(q) for key, q in quotas.items()}
    left = whole - sum(parts.values())
    by_remainder = sorted(quotas, key=lambda key: (-(quotas[key] - parts[key]), key))
    for key in by_remainder[:left]:
        parts[key] += 1
    return {key: _units_to_money(sign * parts[key]) for key in sorted(parts)}


def even(total: Decimal, keys: list[str]) -> dict[str, Decimal]:
    """Split ``total`` evenly among ``keys`` (exactly; leftover units to the first keys)."""
    return split(total, dict.fromkeys(keys, 1))


def _units_to_money(units: int) -> Decimal:
    digits = tuple(int(d) for d in str(abs(units)))
    return Decimal((1 if units < 0 else 0, digits, -SCALE))
