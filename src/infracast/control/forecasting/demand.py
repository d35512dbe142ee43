"""Forecasts of GPU demand: the GPU-hours held by GPU type, team, project, workload or
resource (:func:`infracast.analytics.gpu_hours_series`, from the usage samples), by hour,
day, week or month; stored like cost forecasts, with kind ``gpu_hours``."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from infracast.analytics.periods import Instant
from infracast.analytics.series import gpu_hours_series
from infracast.control.forecasting import reconciled, store
from infracast.control.forecasting.cost import fit, ledger_freq, result_of, split_names, stored
from infracast.control.forecasting.result import CostForecast
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

GRAIN_OF: dict[str, str] = {"h": "hour", "D": "day", "W-MON": "week", "MS": "month"}


def forecast_gpu_hours(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    horizon: int = 30,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    start: Instant | None = None,
    end: Instant | None = None,
    store_it: bool = True,
    reconcile: str = "none",
) -> CostForecast:
    """Forecast the GPU-hours held by ``by`` groups (``gpu_type``, ``team``, ``project``,
    ``workload``, ``resource``; none: the total) ``horizon`` periods past the samples."""
    pandas_freq = ledger_freq(freq, hourly=True)
    grain = GRAIN_OF[pandas_freq]
    names = split_names(by)
    method = reconciled.check_reconcile(reconcile)
    series = gpu_hours_series(ledger, names, grain, start, end)
    frame = series.frame
    if frame.empty:
        raise QueryError(
            "there are no GPU usage samples to forecast in this scope.",
            hint="Ingest usage first (infracast ingest FILE --kind usage) or widen --from/--to.",
        )
    hierarchy = None
    if method != "none" and names:
        hierarchy = reconciled.nodes(frame[[*names, "ds", "y"]], names)
    scope = {
        "demand": "gpu_hours",
        "by": names,
        "grain": grain,
        "start": None if start is None else str(start),
        "end": None if end is None else str(end),
    }
    if hierarchy is not None:
        scope["reconcile"] = method
        history = hierarchy.hierarchy.frame.assign(
            unique_id=lambda d: d["unique_id"].map(hierarchy.shown)
        )
    else:
        history = frame[["unique_id", "ds", "y"]]
    levels = tuple(sorted({int(v) for v in level}))
    key = store.input_key(scope, frame, model, horizon, levels)
    found = store.find(ledger, key, history)
    if found is not None:
        return found
    usage = frame[["unique_id", "ds", "y"]] if hierarchy is None else hierarchy.hierarchy.frame
    none = pd.DataFrame(columns=["unique_id", "ds", "y"])
    fitted = fit(usage, none, none, horizon, pandas_freq, model, levels, hierarchy, method)
    notes = [*series.notes, *fitted.notes, *fitted.result.notes]
    made = result_of(
        fitted, "gpu_hours", scope, pandas_freq, horizon, levels, notes, history, hierarchy
    )
    return stored(ledger, made, key, model, fitted, frame) if store_it else made
