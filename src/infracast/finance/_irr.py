"""The internal rate of return: every periodic rate in (−99 %, 1000 %] at which NPV = 0.

Flows that change sign more than once can have several IRRs, and flows that
never change sign have none (Brealey, Myers & Allen, *Principles of Corporate
Finance*, ch. 5, "Pitfall 2 — multiple rates of return"). So the search finds
all of them rather than trusting one solver:

1. NPV is evaluated on a dense grid of rates (4,001 points, even in log(1 + i),
   so as many near −99 % as near 1000 %); every sign change between two grid
   points is narrowed by bisection to 1e-15 in log(1 + i);
2. the real roots of the NPV polynomial in v = 1/(1 + i) (numpy's companion
   matrix) are added when NPV really is zero there: this finds a root where
   NPV touches zero without changing sign, or two roots inside one grid step.

To stay finite for long series and extreme rates, NPV is evaluated as
Σ E(t)(1 + i)^−t for i ≥ 0 and Σ E(t)(1 + i)^(n−1−t) (the same sign, the same
roots) for i < 0: every power is then at most 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

LOW, HIGH = -0.99, 10.0
_GRID = 2000  # points on each side of 0 in log(1 + i)
_POLY_MAX = 1200  # longer series skip the polynomial step (the grid still runs)

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class IRR:
    """The IRR (periodic): ``value`` when exactly one rate makes NPV zero, else None."""

    value: float | None
    roots: tuple[float, ...]
    note: str | None


def irr(values: Sequence[Decimal | float | int], *, low: float = LOW, high: float = HIGH) -> IRR:
    """Every periodic rate in (``low``, ``high``] at which the NPV of ``values`` is zero.

    ``values`` are signed flows, the first at t = 0. The IRR does not depend on
    the t = 0 convention: discounting every flow one more period scales NPV by
    1/(1 + i), which has the same zeros.
    """
    v = np.array([float(x) for x in values], dtype=np.float64)
    nonzero = v[v != 0]
    if nonzero.size == 0:
        return IRR(None, (), "Every flow is zero, so every rate gives NPV 0: there is no IRR.")
    if np.all(nonzero > 0) or np.all(nonzero < 0):
        kind = "inflows" if nonzero[0] > 0 else "outflows"
        return IRR(
            None,
            (),
            f"The flows never change sign (all {kind}), so no rate makes NPV zero: "
            "there is no IRR.",
        )
    scale = float(np.abs(v).sum())
    roots = _grid_roots(v, low, high)
    if len(v) <= _POLY_MAX:
        for r in _polynomial_roots(v, low, high, scale):
            if all(abs(r - x) > 1e-7 * (1 + abs(x)) for x in roots):
                roots.append(r)
    found = tuple(sorted(round(r, 12) for r in roots))
    if not found:
        return IRR(
            None,
            (),
            f"No rate from {low:.0%} to {high:.0%} a period makes NPV zero, so there is no "
            "IRR in that range.",
        )
    if len(found) == 1:
        return IRR(found[0], found, None)
    shown = ", ".join(f"{r:.4%}" for r in found)
    return IRR(
        None,
        found,
        f"{len(found)} rates make NPV zero ({shown} a period): the flows change sign more "
        "than once, so the IRR is ambiguous. Judge the project by its NPV at your rate "
        "(Brealey, Myers & Allen, ch. 5).",
    )


def scaled_npv(v: Floats, rates: Floats) -> Floats:
    """NPV at each rate times a positive factor ((1 + i)^(n−1) below 0): same sign, same roots."""
    x = np.log1p(rates)[:, None]
    t = np.arange(v.size, dtype=np.float64)[None, :]
    exponent = np.where(x >= 0, -t * x, (v.size - 1 - t) * x)
    return np.asarray((v[None, :] * np.exp(exponent)).sum(axis=1), dtype=np.float64)


def _grid_roots(v: Floats, low: float, high: float) -> list[float]:
    xs = np.unique(
        np.concatenate(
            [np.linspace(np.log1p(low), 0.0, _GRID), np.linspace(0.0, np.log1p(high), _GRID)]
        )
    )
    xs = xs[xs > np.log1p(low)]  # the range is open at low
    g = scaled_npv(v, np.expm1(xs))
    roots = [float(np.expm1(x)) for x, gx in zip(xs, g, strict=True) if gx == 0]
    for k in np.nonzero(g[:-1] * g[1:] < 0)[0]:
        roots.append(_bisect(v, float(xs[k]), float(xs[k + 1]), float(g[k])))
    return roots


def _bisect(v: Floats, lo: float, hi: float, g_lo: float) -> float:
    """The rate where NPV changes sign between log(1 + i) = lo and hi."""
    for _ in range(200):
        if hi - lo <= 1e-15:
            break
        mid = (lo + hi) / 2
        g_mid = float(scaled_npv(v, np.array([np.expm1(mid)]))[0])
        if g_mid == 0:
            return float(np.expm1(mid))
        if (g_mid < 0) == (g_lo < 0):
            lo, g_lo = mid, g_mid
        else:
            hi = mid
    return float(np.expm1((lo + hi) / 2))


def _polynomial_roots(v: Floats, low: float, high: float, scale: float) -> list[float]:
    """Real roots of Σ E(t)·vᵗ with v = 1/(1 + i) > 0 where NPV is zero to 1e-9 of Σ|E|."""
    coefficients = np.trim_zeros(v[::-1], "f")  # highest power first
    if coefficients.size < 2:
        return []
    out = []
    for z in np.roots(coefficients):
        if abs(z.imag) > 1e-7 * (1 + abs(z.real)) or z.real <= 0:
            continue
        r = float(1 / z.real - 1)
        if not low < r <= high:
            continue
        if abs(float(scaled_npv(v, np.array([r]))[0])) <= 1e-9 * scale:
            out.append(r)
    return out
