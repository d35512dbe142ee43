"""Net present value of a series of flows (exact Decimal arithmetic).

NPV = Σₜ E(t) / (1 + i)^(t + offset), t = 0 … n − 1, with i the periodic rate and
the offset of the convention (:mod:`infracast.finance.rates`): 0 when the first
flow is now (Brealey, Myers & Allen, ch. 2), 1 for the spreadsheet NPV.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from infracast.finance.rates import (
    Convention,
    as_rate,
    discount_factors,
    parse_convention,
    periodic_rate,
)

Amount = Decimal | float | int | str


def as_decimal(value: Amount) -> Decimal:
    """A Decimal from a Decimal, int, numeric string or float (by its shortest repr)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def npv(
    values: Sequence[Amount],
    rate: Amount,
    *,
    periods_per_year: int = 1,
    convention: Convention | str = Convention.t0_undiscounted,
) -> Decimal:
    """The NPV of signed flows (inflows positive, outflows negative), unrounded.

    ``rate`` is annual; with ``periods_per_year`` P > 1 the flows are discounted
    at (1 + rate)^(1/P) − 1 a period.
    ``npv([-200000, 0, 400000], 0.10)`` = −200000 + 400000 / 1.1² = 130578.51…
    """
    periodic = periodic_rate(as_rate(rate), periods_per_year)
    factors = discount_factors(periodic, len(values), parse_convention(convention))
    return sum((as_decimal(v) * d for v, d in zip(values, factors, strict=True)), Decimal(0))
