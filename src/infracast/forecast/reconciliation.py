"""Reconcile forecasts over a hierarchy (:mod:`infracast.forecast.hierarchy`) so that
every parent equals the sum of its children at every period.

**Methods.** ``bottom_up`` sums the bottom forecasts (nothing is learnt, so it
suits thin data). ``ols`` is MinTrace with identity weights (no history needed).
``mint_shrink`` is MinTrace with the Schäfer-Strimmer shrunk covariance of the
in-sample one-step residuals (Wickramasuriya, Athanasopoulos & Hyndman 2019;
out-of-sample backtest errors serve too, as infracast's ledger forecasts use);
it needs fitted values. ``auto`` takes ``mint_shrink`` when every node has at
least ``min_residuals`` residuals, else ``bottom_up``, and says why in ``notes``.

**Intervals** are hierarchicalforecast's ``normality`` method: each base
interval gives a standard deviation, ``(hi - lo) / (2 z)``, the reconciliation
matrix maps the covariance (identity correlation for bottom-up, the residual
correlation for MinTrace) to the reconciled nodes, and the interval is the
reconciled mean ± z σ. It needs no fitted values and no sampling (the result is
deterministic), works with both methods and with intervals of any base model.
``bootstrap`` and ``permbu`` need long in-sample residuals and draw samples,
which thin cost series do not have. Reconciled intervals are symmetric, so
``lo95 ≤ lo80 ≤ yhat ≤ hi80 ≤ hi95``; bounds are not additive (quantiles of a
sum are not sums of quantiles).

**Non-negative costs.** With ``nonnegative=True`` (the default) a reconciled
``yhat`` is never negative: bottom-up clips negative bottom forecasts to zero,
and MinTrace, when its plain solution has a negative node, is solved again as
hierarchicalforecast's non-negative quadratic programme (``MinTrace(...,
nonnegative=True)``, Wickramasuriya, Turlach & Hyndman 2020). Lower bounds are
clipped at zero. Each of these is stated in ``notes``. Pass ``nonnegative=False``
for series that may be negative (credits, refunds).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from infracast.errors import did_you_mean
from infracast.forecast.hierarchy import HierarchyError

if TYPE_CHECKING:  # hierarchicalforecast loads matplotlib: imported when reconciling
    from hierarchicalforecast.methods import HReconciler

METHODS = ("auto", "mint_shrink", "ols", "bottom_up")
Method = Literal["auto", "mint_shrink", "ols", "bottom_up"]


@dataclass(frozen=True, eq=False)
class Reconciliation:
    """Reconciled forecasts: ``frame`` has the base columns plus ``method``;
    ``method`` is the one used (``auto`` resolved); ``notes`` says why and what
    was adjusted."""

    frame: pd.DataFrame
    method: str
    notes: tuple[str, ...]


def _interval_columns(level: Sequence[float]) -> list[str]:
    """The interval columns of the forecast frame for ``level``: ``lo80, hi80, lo95, hi95``."""
    return [f"{side}{lv:g}" for lv in level for side in ("lo", "hi")]


def reconcile(
    base_forecasts: pd.DataFrame,
    S: pd.DataFrame,
    tags: dict[str, np.ndarray],
    *,
    fitted: pd.DataFrame | None = None,
    method: Method = "auto",
    level: Sequence[float] = (80, 95),
    nonnegative: bool = True,
    min_residuals: int = 12,
) -> Reconciliation:
    """Reconcile base forecasts so that every parent equals the sum of its children.

    ``base_forecasts``: ``unique_id, ds, yhat``, ``lo{L}, hi{L}`` for each ``L``
    in ``level`` and optionally ``model``; one row per node and period, every
    node over the same periods. Under ``bottom_up`` only the bottom nodes are
    needed. ``S`` and ``tags`` come from :func:`aggregate_hierarchy`.
    ``fitted``: in-sample one-step fitted values ``unique_id, ds, y, yhat`` of
    every node (statsforecast's ``forecast_fitted_values()``, or backtest
    forecasts with their actuals, one per series and period), needed by
    ``mint_shrink`` for its residual covariance. ``level=()`` reconciles point
    forecasts only. See the module docstring for methods, intervals and
    ``nonnegative``. Returns a :class:`Reconciliation` whose frame has the base
    columns (in ``S`` order, then ``ds``) plus ``method``.
    """
    if method not in METHODS:
        raise HierarchyError(
            f'unknown reconciliation method "{method}".{did_you_mean(str(method), METHODS)}',
            hint=f"Choose one of {', '.join(METHODS)}.",
            field="method",
        )
    levels = sorted({float(lv) for lv in level})
    if any(not 0 < lv < 100 for lv in levels):
        raise HierarchyError(
            f"interval levels must lie strictly between 0 and 100, got {list(level)}.",
            hint="Use e.g. level=(80, 95).",
            field="level",
        )
    if min_residuals < 2:
        raise HierarchyError(
            f"min_residuals must be at least 2, got {min_residuals}.",
            hint="A covariance needs two residuals per series; 12 is the default.",
            field="min_residuals",
        )
    ids, bottoms = _check_structure(S, tags)
    base = _check_base(base_forecasts, levels)
    missing = _check_coverage(base, ids, bottoms)
    notes: list[str] = []
    auto = method == "auto"
    if auto:
        method, why = _choose(missing, fitted, ids, min_residuals)
        notes.append(why)
    if missing and method != "bottom_up":
        lvl = next(name for name, members in tags.items() if missing[0] in set(members))
        raise HierarchyError(
            f'{len(missing)} series have no base forecast, e.g. "{missing[0]}" '
            f'(level "{lvl}"); {method} needs a base forecast at every level.',
            hint='Forecast every node of the hierarchy, or use method="bottom_up".',
            field="unique_id",
        )
    if missing:
        base = _fill_aggregates(base, S, missing, levels)
        notes.append(f"{len(missing)} aggregate series without a base forecast were summed up.")
    history = _check_fitted(fitted, ids) if method == "mint_shrink" else None
    try:
        out = _run(base, S, tags, history, method, levels, nonnegative, bottoms, notes)
    except HierarchyError as exc:
        if not auto or method == "bottom_up":
            raise
        notes.append(f"{exc.message} Fell back to bottom_up.")
        method = "bottom_up"
        out = _run(base, S, tags, None, method, levels, nonnegative, bottoms, notes)
    if nonnegative and levels:
        lows = [c for c in _interval_columns(levels) if c.startswith("lo")]
        below = out[lows] < 0
        if below.to_numpy().any():
            out[lows] = out[lows].clip(lower=0.0)
            notes.append(f"{int(below.to_numpy().sum())} negative lower bounds were clipped to 0.")
    out = out.merge(base[["unique_id", "ds", "model"]], on=["unique_id", "ds"], how="left")
    out["method"] = method
    cols = ["unique_id", "ds", "yhat", *_interval_columns(levels)]
    if "model" in base_forecasts.columns:
        cols.append("model")
    return Reconciliation(out[[*cols, "method"]], method, tuple(notes))


def _check_structure(S: pd.DataFrame, tags: dict[str, np.ndarray]) -> tuple[list[str], list[str]]:
    if "unique_id" not in S.columns:
        raise HierarchyError(
            "S has no unique_id column.",
            hint="Pass the S of aggregate_hierarchy() unchanged.",
            field="S",
        )
    ids = [str(u) for u in S["unique_id"]]
    bottoms = [str(c) for c in S.columns if c != "unique_id"]
    tagged = [str(u) for members in tags.values() for u in members]
    if not tags or sorted(tagged) != sorted(ids) or ids[-len(bottoms) :] != bottoms:
        untagged = sorted(set(ids) - set(tagged))
        raise HierarchyError(
            "tags and S do not describe the same hierarchy"
            + (f': "{untagged[0]}" is in no level.' if untagged else "."),
            hint="Pass S and tags of the same aggregate_hierarchy() call.",
            field="tags",
        )
    return ids, bottoms


def _check_base(base_forecasts: pd.DataFrame, level: list[float]) -> pd.DataFrame:
    need = ["unique_id", "ds", "yhat", *_interval_columns(level)]
    absent = [c for c in need if c not in base_forecasts.columns]
    if absent:
        raise HierarchyError(
            f"base forecasts lack the columns {', '.join(absent)}.",
            hint="Forecast with intervals at the same levels, or pass level=() "
            "to reconcile point forecasts only.",
            field=absent[0],
        )
    base = base_forecasts[need].reset_index(drop=True)
    base["unique_id"] = base["unique_id"].astype(str)
    has_model = "model" in base_forecasts.columns
    base["model"] = base_forecasts["model"].to_numpy() if has_model else None
    values = base[need[2:]].apply(pd.to_numeric, errors="coerce")
    if values.isna().to_numpy().any():
        col = values.columns[values.isna().any()].tolist()[0]
        raise HierarchyError(
            f"base forecasts have a missing or non-numeric {col}.",
            hint="Every node and period needs a number; refit the series that failed.",
            field=col,
        )
    base[need[2:]] = values.astype(float)
    dup = base.duplicated(["unique_id", "ds"], keep=False)
    if dup.any():
        first = base[dup].iloc[0]
        raise HierarchyError(
            f"base forecasts have {int(dup.sum())} rows for the same series and period, e.g. "
            f'"{first["unique_id"]}" at {first["ds"]}.',
            hint="Keep one model per series (the selected one), or reconcile each model apart.",
            field="unique_id",
        )
    return base


def _check_coverage(base: pd.DataFrame, ids: list[str], bottoms: list[str]) -> list[str]:
    """The aggregate ids without a base forecast; an unknown or a missing bottom id is an error."""
    present = set(base["unique_id"])
    unknown = sorted(present - set(ids))
    if unknown:
        raise HierarchyError(
            f'base forecasts name a series that is not in the hierarchy: "{unknown[0]}".'
            f"{did_you_mean(str(unknown[0]), ids)}",
            hint="Forecast the frame of aggregate_hierarchy(); ids look like total/team/project.",
            field="unique_id",
        )
    missing_bottom = [u for u in bottoms if u not in present]
    if missing_bottom:
        raise HierarchyError(
            f"{len(missing_bottom)} bottom series have no base forecast, "
            f'e.g. "{missing_bottom[0]}".',
            hint="Forecast every bottom series: reconciliation cannot invent one.",
            field="unique_id",
        )
    _check_periods(base)
    return [u for u in ids if u not in present]


def _check_periods(base: pd.DataFrame) -> None:
    periods = base.groupby("unique_id")["ds"].apply(frozenset)
    if periods.nunique() > 1:
        odd = periods[periods != periods.mode().iloc[0]].index[0]
        raise HierarchyError(
            f'series "{odd}" is forecast over other periods than the rest.',
            hint="Forecast every series over the same horizon.",
            field="ds",
        )


def _check_fitted(fitted: pd.DataFrame | None, ids: list[str]) -> pd.DataFrame:
    if fitted is None:
        raise HierarchyError(
            "mint_shrink needs in-sample fitted values and none were given.",
            hint="Pass fitted= (unique_id, ds, y, yhat), e.g. statsforecast's "
            'forecast_fitted_values(), or use method="auto", "ols" or "bottom_up".',
            field="fitted",
        )
    absent = [c for c in ("unique_id", "ds", "y", "yhat") if c not in fitted.columns]
    if absent:
        raise HierarchyError(
            f"fitted values lack the columns {', '.join(absent)}.",
            hint="Pass unique_id, ds, y (the actual) and yhat (the in-sample fit).",
            field="fitted",
        )
    hist = fitted[["unique_id", "ds", "y", "yhat"]].copy()
    hist["unique_id"] = hist["unique_id"].astype(str)
    if hist.duplicated(["unique_id", "ds"]).any():
        raise HierarchyError(
            "fitted values repeat a series and period.",
            hint="Keep one model per series, the one whose forecasts are reconciled.",
            field="fitted",
        )
    hist = hist[hist["unique_id"].isin(ids)]
    lacking = sorted(set(ids) - set(hist["unique_id"]))
    if lacking:
        raise HierarchyError(
            f'{len(lacking)} series have no fitted values, e.g. "{lacking[0]}".',
            hint='Fit every node of the hierarchy, or use method="bottom_up".',
            field="fitted",
        )
    return hist.astype({"y": float, "yhat": float})


def _choose(
    missing: list[str],
    fitted: pd.DataFrame | None,
    ids: list[str],
    min_residuals: int,
) -> tuple[Method, str]:
    """``auto``: mint_shrink where every node has enough residuals, else bottom_up."""
    if missing:
        return "bottom_up", (
            f"bottom_up: {len(missing)} aggregate series have no base forecast "
            f'(e.g. "{missing[0]}").'
        )
    if fitted is None or not {"unique_id", "y", "yhat"} <= set(fitted.columns):
        return "bottom_up", "bottom_up: no in-sample fitted values to estimate MinTrace's weights."
    resid = pd.to_numeric(fitted["y"], errors="coerce") - pd.to_numeric(
        fitted["yhat"], errors="coerce"
    )
    counts = resid.notna().groupby(fitted["unique_id"].astype(str)).sum()
    counts = counts.reindex(ids, fill_value=0)
    thinnest = str(counts.idxmin())
    if counts.min() < min_residuals:
        return "bottom_up", (
            f'bottom_up: series "{thinnest}" has {int(counts.min())} residuals, '
            f"fewer than the {min_residuals} MinTrace needs to estimate its covariance."
        )
    return "mint_shrink", (
        f"mint_shrink: every series has at least {int(counts.min())} residuals "
        f"(min_residuals={min_residuals})."
    )


def _fill_aggregates(
    base: pd.DataFrame, S: pd.DataFrame, missing: list[str], level: list[float]
) -> pd.DataFrame:
    """Placeholder rows for aggregates under bottom-up: the sum of their bottoms
    (bottom-up never reads them; hierarchicalforecast wants every node)."""
    bottoms = [c for c in S.columns if c != "unique_id"]
    wide = base.pivot(index="ds", columns="unique_id", values="yhat").reindex(columns=bottoms)
    rows = S.set_index("unique_id").loc[missing, bottoms].to_numpy(dtype=float)
    sums = pd.DataFrame(wide.to_numpy() @ rows.T, index=wide.index, columns=missing)
    filled = sums.stack().rename("yhat").reset_index()
    filled.columns = ["ds", "unique_id", "yhat"]
    for col in _interval_columns(level):
        filled[col] = filled["yhat"]
    filled["model"] = None
    return pd.concat([base, filled[base.columns]], ignore_index=True)


def _reconciler(method: str, nonnegative: bool) -> HReconciler:
    from hierarchicalforecast.methods import BottomUp, MinTrace

    if method == "bottom_up":
        return BottomUp()
    return MinTrace(method=method, nonnegative=nonnegative)


def _run(
    base: pd.DataFrame,
    S: pd.DataFrame,
    tags: dict[str, np.ndarray],
    history: pd.DataFrame | None,
    method: str,
    level: list[float],
    nonnegative: bool,
    bottoms: list[str],
    notes: list[str],
) -> pd.DataFrame:
    if nonnegative and method == "bottom_up":
        negative = base["unique_id"].isin(bottoms) & (base["yhat"] < 0)
        if negative.any():
            base = base.assign(yhat=base["yhat"].where(~negative, 0.0))
            notes.append(f"{int(negative.sum())} negative bottom forecasts were clipped to 0.")
    out = _call(base, S, tags, history, method, level, nonneg=False, notes=notes)
    if nonnegative and method != "bottom_up" and (out["yhat"] < 0).any():
        n = int((out["yhat"] < 0).sum())
        notes.append(
            f"{method} gave {n} negative forecasts; solved again with the non-negative "
            "MinTrace (intervals then follow bottom-up around the non-negative forecasts)."
        )
        out = _call(base, S, tags, history, method, level, nonneg=True, notes=notes)
    return out


def _call(
    base: pd.DataFrame,
    S: pd.DataFrame,
    tags: dict[str, np.ndarray],
    history: pd.DataFrame | None,
    method: str,
    level: list[float],
    *,
    nonneg: bool,
    notes: list[str],
) -> pd.DataFrame:
    """One call of hierarchicalforecast, its names mapped back to the forecast frame's."""
    y_hat = base[["unique_id", "ds", "yhat"]].copy()
    for lv in level:
        y_hat[f"yhat-lo-{lv:g}"] = base[f"lo{lv:g}"]
        y_hat[f"yhat-hi-{lv:g}"] = base[f"hi{lv:g}"]
    from hierarchicalforecast.core import HierarchicalReconciliation

    hrec = HierarchicalReconciliation([_reconciler(method, nonneg)])
    arrays = {k: np.asarray(v) for k, v in tags.items()}
    hf_level = [_hf_level(lv) for lv in level] or None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rec = hrec.reconcile(
                Y_hat_df=y_hat,
                S_df=S,
                tags=arrays,
                Y_df=history,
                level=hf_level,
                intervals_method="normality",
            )
        except Exception as exc:  # hierarchicalforecast raises bare Exception
            raise HierarchyError(
                f"{method} reconciliation failed: {exc}",
                hint='Use method="bottom_up" (it needs no covariance), or give the '
                "series more history.",
            ) from exc
    for w in caught:  # the library's own (not its solver's performance hints)
        note = f"hierarchicalforecast: {w.message}"
        if "hierarchicalforecast" in w.filename and note not in notes:
            notes.append(note)
    name = next(iter(hrec.execution_times))
    out = rec[["unique_id", "ds"]].copy()
    out["yhat"] = rec[name].to_numpy(dtype=float)
    for lv in level:
        out[f"lo{lv:g}"] = rec[f"{name}-lo-{_hf_level(lv)}"].to_numpy(dtype=float)
        out[f"hi{lv:g}"] = rec[f"{name}-hi-{_hf_level(lv)}"].to_numpy(dtype=float)
    return out


def _hf_level(lv: float) -> int | float:
    """A level as hierarchicalforecast names its columns (``80``, not ``80.0``)."""
    return int(lv) if float(lv).is_integer() else lv
