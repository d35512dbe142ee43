"""Payback: when the cumulative benefit (plain or discounted) is paid back for good.

The flow of period t arrives at time t + offset (offset 0: the first flow is
now; 1: at the end of the first period, see :mod:`infracast.finance.rates`),
and a flow after the first accrues evenly over the period before it, so the
cumulative benefit is interpolated linearly between those times. The payback
period is the time from which the cumulative benefit is never negative again:
the last time it climbs from below zero to zero. It is None when the
cumulative benefit ends below zero (never paid back), and 0 when it is never
negative. Example: −1000 now, then +400 a year: cumulative −1000, −600, −200,
+200, so payback = 2 + 200/400 = 2.5 years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Payback:
    """The payback period (None: never) and, when the cumulative benefit dipped below zero
    again after first reaching it, the time it first did."""

    period: float | None
    first_reached: float | None = None


def payback(flows: Sequence[Decimal], *, offset: int = 0) -> Payback:
    """The payback of ``flows`` (benefit per period, plain or already discounted)."""
    times: list[int] = []
    cumulative: list[Decimal] = []
    total = Decimal(0)
    if offset:
        times.append(0)
        cumulative.append(total)
    for t, flow in enumerate(flows):
        total += flow
        times.append(t + offset)
        cumulative.append(total)
    if not cumulative or cumulative[-1] < 0:
        return Payback(None)
    negative = [k for k, c in enumerate(cumulative) if c < 0]
    if not negative:
        return Payback(0.0)
    last = _crossing(times, cumulative, negative[-1])
    first = _crossing(times, cumulative, _first_crossing(cumulative))
    return Payback(last, first if first != last else None)


def _first_crossing(cumulative: Sequence[Decimal]) -> int:
    """The last index below zero before the cumulative first reaches zero from below."""
    for k in range(len(cumulative) - 1):
        if cumulative[k] < 0 <= cumulative[k + 1]:
            return k
    raise AssertionError("a series ending at or above zero after a negative point crosses zero")


def _crossing(times: Sequence[int], cumulative: Sequence[Decimal], k: int) -> float:
    """Where the line from point k (below zero) to point k + 1 (at or above zero) meets zero."""
    before, after = cumulative[k], cumulative[k + 1]
    fraction = -before / (after - before)
    return float(times[k] + fraction * (times[k + 1] - times[k]))
