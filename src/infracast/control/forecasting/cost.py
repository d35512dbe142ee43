"""Forecasts of the ledger's cost.

:func:`forecast_costs` reads the cost series of a scope from the ledger
(:func:`infracast.analytics.cost_series`, split by the structure of the cost), forecasts
the **usage** part with :func:`infracast.forecast.forecast` (the model chosen per series
by backtest), adds the **recurring** fees on their schedule (each fee current at the
end of the data renews when its charge period ends:
:func:`infracast.forecast.structure.recurring_schedule`) and never extrapolates
**one-time** charges. The intervals are usage's, shifted by the recurring fees (which are known).
With ``reconcile`` the groups of ``by`` are reconciled to the organisation's total
(:mod:`infracast.control.forecasting.reconciled`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.series import SEP, cost_series, recurring_charges
from infracast.control.forecasting import reconciled, store
from infracast.control.forecasting.result import CostForecast, rounded
from infracast.errors import QueryError, did_you_mean
from infracast.ledger.connection import Ledger

if TYPE_CHECKING:
    from infracast.forecast import ForecastResult

# --freq of a ledger forecast -> the grain of its series (hours: GPU demand only)
LEDGER_FREQS: dict[str, str] = {"D": "day", "W": "week", "W-MON": "week", "MS": "month"}
HOURLY: dict[str, str] = {"h": "hour"}


def ledger_freq(freq: str | None, hourly: bool = False) -> str:
    """The pandas frequency of a ledger forecast: day (default), week or month (or hour,
    for GPU demand with ``hourly``)."""
    from infracast import forecast as fc

    if freq is None:
        return "D"
    name = fc.normalise_freq(freq)
    if name.startswith("W"):  # the ledger's weeks start on Monday (ISO)
        return "W-MON"
    allowed = {**LEDGER_FREQS, **(HOURLY if hourly else {})}
    if name not in allowed:
        raise QueryError(
            f'a ledger forecast cannot use the frequency "{freq}".'
            + did_you_mean(name, list(allowed)),
            hint="Cost is forecast by day (D), week (W) or month (MS); GPU-hours also by "
            "hour (h, --demand gpu_hours); a file with --input takes any frequency.",
            field="freq",
        )
    return name


def split_names(by: Sequence[str] | str) -> list[str]:
    """``--by`` as a list of dimension names (``team,project`` or repeated)."""
    names = [by] if isinstance(by, str) else list(by)
    return [n.strip() for item in names for n in item.split(",") if n.strip()]


@dataclass(frozen=True)
class Fitted:
    """The forecast of base series with what made it."""

    forecast: pd.DataFrame
    result: ForecastResult
    reconciliation: dict[str, Any] | None
    notes: list[str]


def _carry_single(
    usage: pd.DataFrame, horizon: int, freq: str, levels: tuple[int, ...], notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``usage`` without its series of a single observation, and those series carried
    forward flat (no model fits one point, and one short series must not stop the others'
    forecast); all of them when every series has one point (the forecast then says why)."""
    counts = usage.groupby("unique_id")["y"].size()
    single = [str(u) for u in counts.index[counts < 2]]
    if not single or len(single) == len(counts):
        return usage, pd.DataFrame()
    rows = []
    for uid, group in usage[usage["unique_id"].isin(single)].groupby("unique_id"):
        last = group.iloc[-1]
        days = pd.date_range(last["ds"], periods=horizon + 1, freq=freq)[1:]
        band = {f"{side}{lv}": float(last["y"]) for lv in levels for side in ("lo", "hi")}
        for ds in days:
            rows.append({"unique_id": uid, "ds": ds, "yhat": float(last["y"]), **band,
                         "model": "naive"})  # fmt: skip
    notes.append(
        f"{', '.join(single[:5])}{' …' if len(single) > 5 else ''}: one observation only, "
        "carried forward flat with no interval"
    )
    return usage[~usage["unique_id"].isin(single)], pd.DataFrame(rows)


def fit(
    usage: pd.DataFrame,
    recurring: pd.DataFrame,
    due: pd.DataFrame,
    horizon: int,
    freq: str,
    model: str,
    levels: tuple[int, ...],
    hierarchy: reconciled.Nodes | None,
    method: str,
) -> Fitted:
    """Forecast ``usage`` (``unique_id, ds, y``), add the recurring fees ``due`` on their
    dates (``recurring``: the fees' history, whose series are forecast too), reconcile over
    ``hierarchy``, then clip below zero when the history has no credits."""
    from infracast import forecast as fc

    notes: list[str] = []
    usage, carried = _carry_single(usage, horizon, freq, levels, notes)
    result = fc.forecast(usage, horizon, freq=freq, model=model, level=levels)
    if len(carried):
        result = dataclasses.replace(
            result, forecast=pd.concat([result.forecast, carried], ignore_index=True)
        )
    if hierarchy is not None:
        ids = [str(u) for u in hierarchy.hierarchy.S["unique_id"]]
    else:
        ids = sorted({*usage["unique_id"], *recurring["unique_id"]})
    out = reconciled.complete(result.forecast, ids, levels)  # series without usage: zero
    out = _add_recurring(out, due, levels)
    no_credits = bool((usage["y"] >= 0).all())
    record = None
    if hierarchy is not None:  # before any clipping: the bounds give each series' spread
        out, record = reconciled.reconcile(out, hierarchy, result, method, levels, no_credits)
    bounds = [c for c in out.columns if c[:2] in ("lo", "hi") or c == "yhat"]
    if no_credits and (out[bounds] < 0).any().any():  # a cost does not go below zero
        out[bounds] = out[bounds].clip(lower=0.0)
        notes.append(
            "forecasts and bounds below zero are shown as zero (no credits in the history)"
        )
    return Fitted(out, result, record, notes)


def forecast_costs(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    horizon: int = 30,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
    store_it: bool = True,
    reconcile: str = "none",
) -> CostForecast:
    """Forecast the cost of ``by`` groups ``horizon`` periods past the data (see module).

    ``reconcile`` (``auto``, ``mint_shrink``, ``ols``, ``bottom_up``; default ``none``,
    so that the rows of the groups add up to the scope's cost) adds the organisation's
    total and each upper level of ``by`` and makes every parent the sum of its children.
    """
    pandas_freq = ledger_freq(freq)
    grain = LEDGER_FREQS[pandas_freq]
    names = split_names(by)
    method = reconciled.check_reconcile(reconcile)
    filter_list = [filters] if isinstance(filters, str) else [str(f) for f in filters]
    series = cost_series(ledger, names, grain, start, end, filter_list, basis=basis, parts=True)
    frame = series.frame
    if frame.empty:
        raise QueryError(
            "there are no charges to forecast in this scope.",
            hint="Ingest bills first (infracast ingest FILE) or loosen --filter/--from/--to.",
        )
    frame = frame.assign(series_id=frame["unique_id"].str.rsplit(SEP, n=1).str[0])
    notes = list(series.notes)
    hierarchy = None
    if method != "none" and names:
        if frame["currency"].nunique() > 1:
            notes.append("not reconciled: the series are in more than one currency")
        else:
            whole = frame.groupby([*names, "ds"], as_index=False)["y"].sum()
            hierarchy = reconciled.nodes(whole, names)
    scope = {
        "by": names,
        "grain": grain,
        "start": None if start is None else str(start),
        "end": None if end is None else str(end),
        "filters": filter_list,
        "basis": basis,
    }
    if hierarchy is not None:
        scope["reconcile"] = method
    parts = {p: frame[frame["part"] == p] for p in ("usage", "recurring", "one_time")}
    if hierarchy is None:
        base = {p: f.assign(unique_id=f["series_id"]) for p, f in parts.items()}
        whole_ids = frame.assign(unique_id=frame["series_id"])
        history = whole_ids.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    else:
        base = {p: hierarchy.node_series(f[[*names, "ds", "y"]], names) for p, f in parts.items()}
        history = hierarchy.hierarchy.frame.assign(
            unique_id=lambda d: d["unique_id"].map(hierarchy.shown)
        )
    levels = tuple(sorted({int(v) for v in level}))
    key = store.input_key(scope, frame, model, horizon, levels)
    found = store.find(ledger, key, history)
    if found is not None:
        return found
    one_time = parts["one_time"]
    if not one_time.empty and one_time["y"].abs().sum() > 0:
        notes.append(
            f"one-time charges (purchases, adjustments: {one_time['y'].sum():,.2f} in the "
            "history) are not extrapolated"
        )
    usage = base["usage"][["unique_id", "ds", "y"]]
    due = _due(ledger, frame, names, horizon, pandas_freq, (start, filter_list, basis), hierarchy)
    fitted = fit(
        usage, base["recurring"], due, horizon, pandas_freq, model, levels, hierarchy, method
    )
    notes.extend(fitted.notes)
    if not parts["recurring"].empty and parts["recurring"]["y"].abs().sum() > 0:
        notes.append("recurring fees continue on their schedule (added to the usage forecast)")
    notes.extend(fitted.result.notes)
    made = result_of(fitted, "cost", scope, pandas_freq, horizon, levels, notes, history, hierarchy)
    return stored(ledger, made, key, model, fitted, frame) if store_it else made


def result_of(
    fitted: Fitted,
    kind: str,
    scope: dict[str, Any],
    freq: str,
    horizon: int,
    levels: tuple[int, ...],
    notes: list[str],
    history: pd.DataFrame,
    hierarchy: reconciled.Nodes | None,
) -> CostForecast:
    """The forecast of ``fitted`` with its provenance, not stored yet (id 0)."""
    choices = rounded(fitted.result.to_dict()["choices"])
    if hierarchy is not None:
        choices = reconciled.shown_choices(choices, hierarchy)
    return CostForecast(
        0, False, scope, freq, horizon, levels, fitted.forecast, choices, notes,
        kind=kind, reconciliation=fitted.reconciliation, history=history,
    )  # fmt: skip


def stored(
    ledger: Ledger, made: CostForecast, key: str, model: str, fitted: Fitted, frame: pd.DataFrame
) -> CostForecast:
    """``made`` saved in the ledger under ``key``, with its id."""
    forecast_id = store.save(ledger, key, made, model, fitted.result.season_length, frame)
    return CostForecast(**{**vars(made), "forecast_id": forecast_id})


def _due(
    ledger: Ledger,
    frame: pd.DataFrame,
    names: list[str],
    horizon: int,
    freq: str,
    selection: tuple[Instant | None, list[str], str],
    hierarchy: reconciled.Nodes | None,
) -> pd.DataFrame:
    """The recurring fees due over the horizon per forecast series (``unique_id, ds, y``):
    the fees current at the end of the data, renewed on their own schedule."""
    from infracast.forecast.structure import recurring_schedule

    start, filters, basis = selection
    offset = pd.tseries.frequencies.to_offset(freq)
    as_of = pd.Timestamp(frame["ds"].max()) + offset
    until = as_of + horizon * offset
    fees = recurring_charges(ledger, names, as_of.to_pydatetime(), start, filters, basis)
    keys = [*names, "currency"]
    due = recurring_schedule(fees, as_of, until, freq, keys)
    if due.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "y"])
    if hierarchy is not None:  # one currency: the nodes of the hierarchy
        return hierarchy.node_series(due[[*names, "ds", "y"]], names)
    ids = frame[[*keys, "series_id"]].drop_duplicates(subset=keys)
    due = due.merge(ids, on=keys, how="inner")
    return due.rename(columns={"series_id": "unique_id"})[["unique_id", "ds", "y"]]


def _add_recurring(
    usage_fc: pd.DataFrame, due: pd.DataFrame, levels: tuple[int, ...]
) -> pd.DataFrame:
    """The usage forecast plus each series' recurring fees ``due`` (``unique_id, ds, y``)
    on the same dates."""
    out = usage_fc.copy()
    if due.empty:
        return out
    fees = due.groupby(["unique_id", "ds"])["y"].sum()
    index = pd.MultiIndex.from_arrays([out["unique_id"], pd.to_datetime(out["ds"])])
    add = fees.reindex(index, fill_value=0.0).to_numpy()
    for column in ["yhat", *(f"{side}{v}" for v in levels for side in ("lo", "hi"))]:
        out[column] = out[column].to_numpy() + add
    charged = set(fees.index.get_level_values(0)[fees.to_numpy() != 0])
    rows = out["unique_id"].isin(charged)
    out.loc[rows, "model"] = [  # a series without usage: its fees alone
        "recurring" if m == "none" else f"{m}+recurring" for m in out.loc[rows, "model"]
    ]
    return out
