"""Exponential smoothing fitted to many series at once, vectorized over the series axis.

The model is the additive-error, additive-season class of ETS in its state-space form
(Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., ch. 8.5
and 8.7, Table 8.7; Hyndman, Koehler, Ord & Snyder, *Forecasting with Exponential
Smoothing*, 2008, ch. 2 and 6). For one series with observations ``y_1 .. y_T`` and
season length ``m``::

    yhat_t   = l_{t-1} + phi * b_{t-1} + s_{t-m}          (one-step forecast)
    e_t      = y_t - yhat_t
    l_t      = l_{t-1} + phi * b_{t-1} + alpha * e_t      (level)
    b_t      = phi * b_{t-1} + beta * e_t                 (trend)
    s_t      = s_{t-m} + gamma * e_t                      (season)

    yhat_{T+h|T} = l_T + (phi + phi^2 + ... + phi^h) * b_T + s_{T+h-m(k+1)}

Three forms are fitted to every series and combined by their AICc (see below):

- ``ANA``   no trend (``b = 0``, ``beta = 0``): level and season;
- ``AAA``   additive trend (``phi = 1``): Holt-Winters additive;
- ``AAdA``  damped additive trend, ``0.8 <= phi <= 0.98`` (the range FPP recommends).

With ``season_length=1`` the season is dropped and the forms are ``ANN``, ``AAN``, ``AAdN``.

Parameters, per series and form, minimise the in-sample sum of squared one-step errors
(equivalently the Gaussian likelihood), within the usual region ``0 < alpha < 1``,
``0 < beta < alpha``, ``0 < gamma < 1 - alpha``; they are searched in the unit cube
``(alpha, beta / alpha, gamma / (1 - alpha), (phi - 0.8) / 0.18)``:

1. initial states from a least-squares line plus seasonal dummies (summing to zero) on
   each series' first ``max(4m, 10)`` observations (Hyndman et al. 2008, 2.6.1, simplified);
2. a coarse grid over the cube, every grid point run for every series at once;
3. a pattern search from each series' best grid point (each free coordinate moved by
   +/- a step, the best improving move taken, the step halved when none improves);
4. the initial states re-estimated by least squares for the parameters found (the
   one-step errors are affine in the initial state, so this is exact), then steps 3-4
   once more with smaller steps.

Every step operates on arrays of shape ``(series, candidates)``: one pass of the
recursion over time advances all series and all candidate parameter sets together. The
search runs in float32 on standardised series (the model is equivariant to
``y -> (y - mean) / sd``); the least-squares steps, the final states and the forecasts
in float64. Blocks of series run on a few threads (numpy releases the GIL inside its
array loops), so both cores work and no process is started: the first call costs what
the second does.

Combination: ``AICc = T log(SSE / T) + 2 (k + 1) + 2 (k + 1)(k + 2) / (T - k - 2)``, where
``k`` counts the smoothing parameters and the free initial states (``l``, ``b``, ``m - 1``
seasonal states). By default the forecast is the Akaike-weighted mean of the three forms,
weights ``w_f = exp(-(AICc_f - AICc_min) / 2)``, normalised (Burnham & Anderson, *Model
Selection and Multimodel Inference*, 2002, 4.2; Kolassa, "Combining exponential smoothing
forecasts using Akaike weights", IJF 27(2), 2011); ``combine="select"`` keeps only the
form with the smallest AICc instead.

Intervals are analytic (FPP 3rd ed. 8.7, Table 8.8; Hyndman et al. 2008, Table 6.1,
class 1): per form ``var_h = sigma^2 (1 + sum_{j=1}^{h-1} c_j^2)`` with
``c_j = alpha + beta (phi + ... + phi^j) + gamma [j mod m = 0]`` and
``sigma^2 = SSE / (T - k)``. The combined forecast takes the variance of the weighted
mixture, ``sum_f w_f (var_f + (mean_f - mean)^2)``, and Gaussian quantiles.

Missing values: leading NaNs (series of unequal length, right-aligned and left-padded)
freeze the state until the first observation; an interior NaN is skipped, the state
moving on as a forecast (``e_t = 0``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from infracast.forecast.exceptions import FastETSError

FloatArray = npt.NDArray[np.float64]
AnyFloats = npt.NDArray[np.floating[Any]]  # float32 in the search, float64 elsewhere
Combine = Literal["akaike", "select"]

PHI_LOW, PHI_HIGH = 0.8, 0.98
_EPS = 1e-4  # keeps parameters strictly inside the admissible region
# Coarse grid in the unit cube (alpha, beta / alpha, gamma / (1 - alpha), phi*), then rounds
# of (initial step, iterations) of compass search, each followed by least-squares x0.
_GRID: tuple[tuple[float, ...], ...] = (
    (0.02, 0.1, 0.25, 0.5, 0.8),
    (0.02, 0.15, 0.5),
    (0.02, 0.1, 0.3, 0.6),
    (0.2, 0.7, 0.95),
)
_SEARCH = ((0.1, 8), (0.03, 5))


@dataclass(frozen=True)
class _Form:
    name: str
    trend: bool
    damped: bool


def _forms(seasonal: bool) -> tuple[_Form, ...]:
    s = "A" if seasonal else "N"
    return (
        _Form(f"AN{s}", trend=False, damped=False),
        _Form(f"AA{s}", trend=True, damped=False),
        _Form(f"AAd{s}", trend=True, damped=True),
    )


@dataclass(frozen=True)
class FastETSResult:
    """Forecasts of ``n`` series over ``h`` steps, with the form and parameters of each."""

    mean: FloatArray  # (n, h)
    lower: dict[int, FloatArray]  # level -> (n, h)
    upper: dict[int, FloatArray]  # level -> (n, h)
    form: npt.NDArray[np.str_]  # (n,) the form kept, e.g. "AAdA"
    alpha: FloatArray  # (n,)
    beta: FloatArray  # (n,)
    gamma: FloatArray  # (n,)
    phi: FloatArray  # (n,)
    sigma2: FloatArray  # (n,) variance of the one-step errors
    aicc: dict[str, FloatArray] = field(default_factory=dict)  # form -> (n,)
    weights: dict[str, FloatArray] = field(default_factory=dict)  # form -> (n,) in the mean
    fitted: FloatArray | None = None  # (n, T) in-sample one-step forecasts (NaN where no y)


@dataclass
class _Params:
    """Candidate parameter sets in the unit cube, shape ``(n, G)`` each, plus form codes."""

    u: FloatArray  # (n, G, 4) coordinates: alpha, beta*, gamma*, phi*
    form: npt.NDArray[np.int64]  # (G,) index into the forms


def _natural(
    u: FloatArray, form: npt.NDArray[np.int64], forms: Sequence[_Form], seasonal: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """alpha, beta, gamma, phi (each ``(n, G)``) from unit-cube coordinates."""
    trend = np.array([f.trend for f in forms])[form]
    damped = np.array([f.damped for f in forms])[form]
    alpha = u[..., 0]
    beta = np.where(trend, u[..., 1] * alpha, 0.0)
    gamma = u[..., 2] * (1.0 - alpha) if seasonal else np.zeros_like(alpha)
    phi = np.where(damped, PHI_LOW + (PHI_HIGH - PHI_LOW) * u[..., 3], 1.0)
    return alpha, beta, gamma, phi


def _recursion(
    y: AnyFloats,
    observed: npt.NDArray[np.bool_] | None,
    started: npt.NDArray[np.bool_] | None,
    params: tuple[AnyFloats, AnyFloats, AnyFloats, AnyFloats],
    l0: AnyFloats,
    b0: AnyFloats,
    s0: AnyFloats,
    keep_errors: bool = False,
) -> tuple[AnyFloats, AnyFloats, AnyFloats, AnyFloats, AnyFloats | None]:
    """Run the recursion for all series and candidates at once.

    ``y`` is ``(T, n, 1)`` or ``(T, n, G)``; ``l0``, ``b0`` and the parameters ``(n, G)``;
    ``s0`` ``(m, n, G)``. Returns the SSE, the final level, trend and seasonal states and,
    if asked, the one-step errors ``(n, G, T)``.
    """
    alpha, beta, gamma, phi = params
    T = y.shape[0]
    m = s0.shape[0]
    level = l0.copy()
    trend = b0.copy()
    season = s0.copy()
    sse = np.zeros_like(level)
    damped_trend = np.empty_like(level)
    base = np.empty_like(level)
    err = np.empty_like(level)
    scratch = np.empty_like(level)
    errors = np.empty((*level.shape, T)) if keep_errors else None
    for t in range(T):
        s_t = season[t % m]
        np.multiply(phi, trend, out=damped_trend)
        np.add(level, damped_trend, out=base)
        np.add(base, s_t, out=err)
        np.subtract(y[t], err, out=err)
        if observed is not None and started is not None:
            np.copyto(err, 0.0, where=~observed[t])
            np.multiply(alpha, err, out=scratch)
            scratch += base
            np.copyto(level, scratch, where=started[t])
            np.multiply(beta, err, out=scratch)
            scratch += damped_trend
            np.copyto(trend, scratch, where=started[t])
        else:
            np.multiply(alpha, err, out=level)
            level += base
            np.multiply(beta, err, out=trend)
            trend += damped_trend
        np.multiply(gamma, err, out=scratch)
        s_t += scratch
        np.multiply(err, err, out=scratch)
        sse += scratch
        if errors is not None:
            errors[:, :, t] = err
    return sse, level, trend, season, errors


def _heuristic_initial(
    y: FloatArray, first: npt.NDArray[np.int64], m: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Initial level, trend, season and no-trend level from a line and a seasonal profile
    fitted by least squares to each series' first ``max(4m, 10)`` observations.

    ``y`` is ``(n, T)``; ``first`` the index of each series' first observation. Returns
    ``l0`` (state before the first observation, with trend), ``b0``, ``s0`` ``(m, n)``
    indexed by ``t mod m`` of the absolute position ``t``, and ``l0`` for no-trend forms.
    """
    n, T = y.shape
    K = min(T, max(4 * m, 10))
    idx = np.minimum(first[:, None] + np.arange(K)[None, :], T - 1)  # (n, K)
    window = np.take_along_axis(y, idx, axis=1)
    weight = np.isfinite(window) & (first[:, None] + np.arange(K) < T)
    window = np.where(weight, window, 0.0)
    tau = np.arange(K, dtype=float)
    cols = [np.ones((n, K)), np.broadcast_to(tau, (n, K))]
    season = idx % m
    for j in range(m - 1):  # sum-to-zero contrasts: s_j = c_j, s_{m-1} = -sum(c)
        cols.append((season == j).astype(float) - (season == m - 1))
    X = np.stack(cols, axis=2) * weight[:, :, None]  # (n, K, p)
    A = np.einsum("nkp,nkq->npq", X, X)
    A += 1e-9 * np.eye(A.shape[1]) * (np.trace(A, axis1=1, axis2=2)[:, None, None] + 1.0)
    coef = np.linalg.solve(A, np.einsum("nkp,nk->np", X, window)[:, :, None])[:, :, 0]
    a, b = coef[:, 0], coef[:, 1]
    contrasts = coef[:, 2:]
    s0 = np.zeros((m, n))
    if m > 1:
        s0[: m - 1] = contrasts.T
        s0[m - 1] = -contrasts.sum(axis=1)
    count = np.maximum(weight.sum(axis=1), 1)
    mean_tau = (weight * tau).sum(axis=1) / count
    return a - b, b, s0, a + b * mean_tau


def _grid(forms: Sequence[_Form], seasonal: bool) -> _Params:
    """The coarse grid: every form's points in the unit cube, stacked on the candidate axis."""
    alphas, betas, season_gammas, phis = _GRID
    gammas = season_gammas if seasonal else (0.0,)
    points: list[tuple[float, float, float, float]] = []
    codes: list[int] = []
    for f, form in enumerate(forms):
        for a in alphas:
            for b in betas if form.trend else (0.0,):
                for g in gammas:
                    for p in phis if form.damped else (0.0,):
                        points.append((a, b, g, p))
                        codes.append(f)
    u = np.array(points)[None, :, :]
    return _Params(u=u, form=np.array(codes))


def _free(forms: Sequence[_Form], seasonal: bool) -> list[list[int]]:
    """The unit-cube coordinates each form optimises."""
    out = []
    for form in forms:
        coords = [0]
        if form.trend:
            coords.append(1)
        if seasonal:
            coords.append(2)
        if form.damped:
            coords.append(3)
        out.append(coords)
    return out


@dataclass
class _Chunk:
    """One block of series being fitted: data, masks, and per-form initial states.

    The search runs in float32 on standardised series (half the memory traffic of
    float64; the SSEs it compares differ far more than float32's rounding); the
    least-squares steps and the final states are float64.
    """

    yt: FloatArray  # (T, n, 1) float64
    observed: npt.NDArray[np.bool_] | None  # (T, n, 1), None when nothing is missing
    started: npt.NDArray[np.bool_] | None
    m: int
    forms: tuple[_Form, ...]
    seasonal: bool
    l0: FloatArray  # (n, F)
    b0: FloatArray  # (n, F)
    s0: FloatArray  # (m, n, F)

    def __post_init__(self) -> None:
        self.yt32 = self.yt.astype(np.float32)

    def sse(self, u: FloatArray, codes: npt.NDArray[np.int64]) -> FloatArray:
        """SSE ``(n, G)`` of candidates ``u`` ``(n or 1, G, 4)`` of forms ``codes`` ``(G,)``."""
        f32 = np.float32
        alpha, beta, gamma, phi = _natural(u, codes, self.forms, self.seasonal)
        params = (alpha.astype(f32), beta.astype(f32), gamma.astype(f32), phi.astype(f32))
        shape = (self.yt.shape[1], len(codes))
        l0 = np.broadcast_to(self.l0[:, codes], shape).astype(f32)
        b0 = np.broadcast_to(self.b0[:, codes], shape).astype(f32)
        s0 = self.s0[:, :, codes].astype(f32)
        sse = _recursion(self.yt32, self.observed, self.started, params, l0, b0, s0)[0]
        return sse.astype(float)

    def refit_initial(
        self, u: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Least-squares initial states for each form's parameters ``u`` ``(n, F, 4)``.

        The recursion is linear in (y, x0), so the one-step errors and the final states are
        affine in the initial state x0: e(x0) = e(0) + E x0, where column k of E is the
        error path of y = 0 started from the k-th basis state. The SSE-minimising x0 solves
        E'E x0 = -E'e(0). One pass runs the data from x0 = 0 and every basis state together.

        Updates ``l0, b0, s0``; returns the SSE ``(n, F)``, the final level and trend
        ``(n, F)``, season ``(m, n, F)`` and the one-step errors ``(n, F, T)``.
        """
        m, F = self.m, len(self.forms)
        T, n, _ = self.yt.shape
        p = 1 + m  # level, trend, m - 1 seasonal contrasts
        basis = np.zeros((p, 2 + m))  # rows: basis states as (l, b, s_0 .. s_{m-1})
        basis[0, 0] = basis[1, 1] = 1.0
        for j in range(m - 1):
            basis[2 + j, 2 + j] = 1.0
            basis[2 + j, 1 + m] = -1.0
        states = np.vstack([np.zeros((F, 2 + m)), np.tile(basis, (F, 1))])  # (F + F p, 2 + m)
        codes = np.concatenate([np.arange(F), np.repeat(np.arange(F), p)])
        G = len(codes)
        params = _natural(u[:, codes], codes, self.forms, self.seasonal)
        y = np.zeros((T, n, G))
        y[:, :, :F] = self.yt
        sse, level, trend, season, errors = _recursion(
            y,
            self.observed,
            self.started,
            params,
            np.broadcast_to(states[:, 0], (n, G)),
            np.broadcast_to(states[:, 1], (n, G)),
            np.broadcast_to(states[:, 2:].T[:, None, :], (m, n, G)),
            keep_errors=True,
        )
        assert errors is not None
        e0 = errors[:, :F]  # (n, F, T)
        E = errors[:, F:].reshape(n, F, p, T)
        has_trend = np.array([f.trend for f in self.forms])
        E[:, ~has_trend, 1] = 0.0
        if m == 1:
            E = E[:, :, :2]
        A = E @ E.swapaxes(2, 3)  # (n, F, p, p)
        c = (E @ e0[..., None])[..., 0]  # (n, F, p)
        i = np.arange(A.shape[-1])
        diag = A[..., i, i]
        # a tiny ridge; a zero column (the trend of a form without one) gets coefficient 0
        A[..., i, i] += 1e-10 * (diag.sum(axis=2, keepdims=True) + 1e-300) + (diag == 0.0)
        theta = np.asarray(-np.linalg.solve(A, c[..., None])[..., 0], dtype=float)
        k = theta.shape[2]

        def combine(x: AnyFloats) -> FloatArray:  # (..., n, G) -> (..., n, F)
            stacked = x[..., F:].reshape(*x.shape[:-1], F, p)[..., :k]
            return x[..., :F] + np.einsum("...nfp,nfp->...nf", stacked, theta)

        self.l0 = theta[..., 0]
        self.b0 = np.where(has_trend, theta[..., 1], 0.0)
        s0 = np.zeros((m, n, F))
        if m > 1:
            s0[: m - 1] = np.moveaxis(theta[..., 2:], 2, 0)
            s0[m - 1] = -theta[..., 2:].sum(axis=2)
        self.s0 = s0
        err = e0 + (theta[:, :, None, :] @ E)[:, :, 0, :]  # (n, F, T)
        sse = np.einsum("nft,nft->nf", err, err)
        return sse, combine(level), combine(trend), combine(season), err

    def pattern_search(
        self, u: FloatArray, sse: FloatArray, step: float, iterations: int
    ) -> tuple[FloatArray, FloatArray]:
        """Improve each series' parameters of each form by a compass search from ``u``."""
        free = _free(self.forms, self.seasonal)
        moves = [(f, d, s) for f, coords in enumerate(free) for d in coords for s in (-1, 1)]
        codes = np.array([f for f, _, _ in moves])
        dims = np.array([d for _, d, _ in moves])
        signs = np.array([s for _, _, s in moves], dtype=float)
        n, F = sse.shape
        steps = np.full((n, F), step)
        rows = np.arange(n)
        u, sse = u.copy(), sse.copy()
        for _ in range(iterations):
            cand = u[:, codes, :].copy()  # (n, G, 4)
            cand[:, np.arange(len(moves)), dims] += signs * steps[:, codes]
            np.clip(cand, _EPS, 1.0 - _EPS, out=cand)
            cand_sse = self.sse(cand, codes)
            for f in range(F):
                (cols,) = np.nonzero(codes == f)
                best = cols[np.argmin(cand_sse[:, cols], axis=1)]
                best_sse = cand_sse[rows, best]
                better = best_sse < sse[:, f] * (1.0 - 1e-6)
                u[better, f] = cand[rows[better], best[better]]
                sse[:, f] = np.where(better, best_sse, sse[:, f])
                steps[:, f] = np.where(better, steps[:, f], steps[:, f] / 2.0)
        return u, sse


def _fit_chunk(
    y_raw: FloatArray, m: int, h: int, levels: Sequence[int], combine: Combine
) -> FastETSResult:
    """Fit every form to a block of series ``(n, T)``; weigh or select them by AICc."""
    n, T = y_raw.shape
    seasonal = m > 1
    forms = _forms(seasonal)
    F = len(forms)
    finite = np.isfinite(y_raw)
    # The additive model is equivariant to y -> (y - center) / scale: fit the standardised
    # series (float32 then sees the noise, not the level), map the forecasts back.
    center = np.nanmean(y_raw, axis=1)
    scale = np.nanstd(y_raw, axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    y = (y_raw - center[:, None]) / scale[:, None]
    first = np.argmax(finite, axis=1)
    observed = started = None
    if not finite.all():
        observed = np.ascontiguousarray(finite.T)[:, :, None]
        started = np.arange(T)[:, None, None] >= first[None, :, None]
    l_trend, b_trend, s_heur, l_flat = _heuristic_initial(y, first, m)
    has_trend = np.array([f.trend for f in forms])
    chunk = _Chunk(
        yt=np.ascontiguousarray(y.T)[:, :, None],
        observed=observed,
        started=started,
        m=m,
        forms=forms,
        seasonal=seasonal,
        l0=np.where(has_trend, l_trend[:, None], l_flat[:, None]),
        b0=np.where(has_trend, b_trend[:, None], 0.0),
        s0=np.repeat(s_heur[:, :, None], F, axis=2),
    )
    grid = _grid(forms, seasonal)
    grid_sse = chunk.sse(grid.u, grid.form)
    u = np.empty((n, F, 4))
    sse = np.empty((n, F))
    for f in range(F):
        (cols,) = np.nonzero(grid.form == f)
        best = cols[np.argmin(grid_sse[:, cols], axis=1)]
        u[:, f] = grid.u[0, best]
        sse[:, f] = grid_sse[np.arange(n), best]
    for i, (step, iterations) in enumerate(_SEARCH):
        if i:
            sse = chunk.sse(u, np.arange(F))
        u, sse = chunk.pattern_search(u, sse, step, iterations)
        sse, level, trend, season, errors = chunk.refit_initial(u)

    # The form with the smallest AICc.
    count = finite.sum(axis=1)[:, None].astype(float)
    n_params = np.array(
        [1 + f.trend + f.damped + seasonal + 1 + f.trend + (m - 1) for f in forms], dtype=float
    )
    sse_floor = np.maximum(sse, 1e-20 * count)
    k1 = n_params + 1.0
    aicc = (
        count * np.log(sse_floor / count)
        + 2 * k1
        + 2 * k1 * (k1 + 1) / np.maximum(count - k1 - 1, 1.0)
    )
    keep = np.argmin(aicc, axis=1)
    rows = np.arange(n)
    if combine == "select":
        weights = np.zeros((n, F))
        weights[rows, keep] = 1.0
    else:  # Akaike weights, exp(-delta/2) normalised
        weights = np.exp(-0.5 * (aicc - aicc[rows, keep][:, None]))
        weights /= weights.sum(axis=1, keepdims=True)

    # Every form's forecast and variance, (n, F, h); then their weighted mixture.
    alpha, beta, gamma, phi = _natural(u, np.arange(F), forms, seasonal)
    steps = np.arange(1, h + 1)
    phi_h = np.cumsum(phi[..., None] ** steps, axis=2)  # phi + ... + phi^h
    form_mean = level[..., None] + phi_h * trend[..., None]
    form_mean += np.moveaxis(season[(T + steps - 1) % m], 0, 2)
    dof = np.maximum(count - n_params, 1.0)
    sigma2 = sse / dof  # (n, F)
    c = alpha[..., None] + beta[..., None] * phi_h + gamma[..., None] * (steps % m == 0)
    c2 = np.concatenate([np.zeros((n, F, 1)), np.cumsum(c[..., :-1] ** 2, axis=2)], axis=2)
    form_var = sigma2[..., None] * (1.0 + c2)
    mean = np.einsum("nf,nfh->nh", weights, form_mean)
    var = np.einsum("nf,nfh->nh", weights, form_var + (form_mean - mean[:, None]) ** 2)
    sd = np.sqrt(var) * scale[:, None]
    mean = center[:, None] + mean * scale[:, None]
    lower, upper = {}, {}
    for lev in levels:
        z = NormalDist().inv_cdf(0.5 + lev / 200.0)
        lower[lev] = mean - z * sd
        upper[lev] = mean + z * sd
    fitted = np.einsum("nf,nft->nt", weights, errors)
    fitted = np.where(finite, y_raw - fitted * scale[:, None], np.nan)
    names = [f.name for f in forms]
    return FastETSResult(
        mean=mean,
        lower=lower,
        upper=upper,
        form=np.array(names)[keep],
        alpha=alpha[rows, keep],
        beta=beta[rows, keep],
        gamma=gamma[rows, keep],
        phi=phi[rows, keep],
        sigma2=sigma2[rows, keep] * scale**2,
        aicc={name: aicc[:, i] for i, name in enumerate(names)},
        weights={name: weights[:, i] for i, name in enumerate(names)},
        fitted=fitted,
    )


def fit_forecast(
    y: npt.ArrayLike,
    season_length: int,
    h: int,
    levels: Sequence[int] = (80, 95),
    *,
    combine: Combine = "akaike",
    chunk_size: int = 128,
    threads: int | None = None,
) -> FastETSResult:
    """Fit the additive ETS forms to every row of ``y`` and forecast ``h`` steps.

    ``y`` is ``(n_series, T)``, one series per row, all ending at the same step (the last
    column); shorter series are left-padded with NaN. Series are fitted in blocks of
    ``chunk_size`` on ``threads`` threads (default: every core); the result does not
    depend on either. No process is started. ``combine`` is ``"akaike"`` (the
    Akaike-weighted mean of the forms, the default) or ``"select"`` (the best by AICc).
    """
    arr = _validate(y, season_length, h, levels)
    n = arr.shape[0]
    blocks = [arr[i : i + chunk_size] for i in range(0, n, max(chunk_size, 1))]
    workers = max(1, min(threads or os.cpu_count() or 1, len(blocks)))
    if workers == 1:
        parts = [_fit_chunk(b, season_length, h, levels, combine) for b in blocks]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(
                pool.map(lambda b: _fit_chunk(b, season_length, h, levels, combine), blocks)
            )
    return _concat(parts)


def _concat(parts: list[FastETSResult]) -> FastETSResult:
    if len(parts) == 1:
        return parts[0]
    fitted = [p.fitted for p in parts]
    return FastETSResult(
        mean=np.concatenate([p.mean for p in parts]),
        lower={k: np.concatenate([p.lower[k] for p in parts]) for k in parts[0].lower},
        upper={k: np.concatenate([p.upper[k] for p in parts]) for k in parts[0].upper},
        form=np.concatenate([p.form for p in parts]),
        alpha=np.concatenate([p.alpha for p in parts]),
        beta=np.concatenate([p.beta for p in parts]),
        gamma=np.concatenate([p.gamma for p in parts]),
        phi=np.concatenate([p.phi for p in parts]),
        sigma2=np.concatenate([p.sigma2 for p in parts]),
        aicc={k: np.concatenate([p.aicc[k] for p in parts]) for k in parts[0].aicc},
        weights={k: np.concatenate([p.weights[k] for p in parts]) for k in parts[0].weights},
        fitted=None if any(f is None for f in fitted) else np.concatenate(fitted),  # type: ignore[arg-type]
    )


def _validate(y: npt.ArrayLike, season_length: int, h: int, levels: Sequence[int]) -> FloatArray:
    if not isinstance(season_length, int | np.integer) or season_length < 1:
        raise FastETSError(
            f"season_length must be a whole number of steps >= 1, got {season_length!r}.",
            hint="Use 7 for daily data with a weekly pattern, 12 for monthly, 1 for none.",
            field="season_length",
        )
    if not isinstance(h, int | np.integer) or h < 1:
        raise FastETSError(
            f"the horizon h must be a whole number of steps >= 1, got {h!r}.",
            hint="Pass how many steps ahead to forecast, e.g. h=30 for 30 days.",
            field="h",
        )
    bad = [lev for lev in levels if not 0 < lev < 100]
    if bad:
        raise FastETSError(
            f"interval levels must be percentages strictly between 0 and 100, got {bad}.",
            hint="Use e.g. levels=(80, 95).",
            field="levels",
        )
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FastETSError(
            f"the series must be numbers: {exc}.",
            hint="Pass a 2-D float array (n_series, T); use NaN for missing values.",
            field="y",
        ) from exc
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise FastETSError(
            f"y must be a 2-D array (n_series, T) with at least one series, got shape {arr.shape}.",
            hint="For a single series pass y[None, :].",
            field="y",
        )
    if np.isinf(arr).any():
        raise FastETSError(
            "y holds infinite values.",
            hint="Replace them with NaN (missing) or a finite number.",
            field="y",
        )
    count = np.isfinite(arr).sum(axis=1)
    need = max(2 * season_length, 4) + 1
    short = np.nonzero(count < need)[0]
    if short.size:
        raise FastETSError(
            f"{short.size} series have fewer than {need} observations (two seasons of "
            f"{season_length} and one more), e.g. row {int(short[0])} has "
            f"{int(count[short[0]])}.",
            hint="Drop or pool the short series, or pass season_length=1 to fit no season.",
            field="y",
        )
    finite = np.isfinite(arr)
    last = finite[:, -1]
    if not last.all():
        row = int(np.nonzero(~last)[0][0])
        raise FastETSError(
            f"every series must end at the last column, but row {row} ends with NaN.",
            hint="Align the series on their last observation and pad them on the left "
            "with NaN (forecast_frame does this).",
            field="y",
        )
    return arr
