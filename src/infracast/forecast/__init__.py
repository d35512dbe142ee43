"""Forecasts of cost and demand: pure functions over frames in the long format
(``unique_id``, ``ds``, ``y``, optional driver columns); no ledger, no files.

- :func:`forecast` and :func:`backtest`: models chosen per series by rolling-origin
  cross-validation, with intervals and their backtest coverage;
- :func:`fit_forecast`: one additive ETS form fitted to many series at once;
- :func:`detect_anomalies` and :func:`score_anomalies`: points outside what the
  past allows, one event per incident;
- :func:`aggregate_hierarchy` and :func:`reconcile`: forecasts that add up across
  a hierarchy of teams and projects;
- :func:`recurring_schedule` and :func:`renewals`: recurring fees on their own schedule.
"""

from infracast.forecast._fast_ets import FastETSResult, fit_forecast
from infracast.forecast.anomalies import AnomalySettings, detect_anomalies, score_anomalies
from infracast.forecast.anomaly_windows import WindowScore, score_windows
from infracast.forecast.backtesting import BacktestResult, backtest
from infracast.forecast.choose import AUTO_CANDIDATES, ForecastResult, forecast
from infracast.forecast.exceptions import (
    AnomalyError,
    FastETSError,
    ForecastError,
    HierarchyError,
)
from infracast.forecast.frames import (
    SeriesFrame,
    infer_freq,
    normalise_freq,
    prepare,
    season_length,
)
from infracast.forecast.hierarchy import Hierarchy, aggregate_hierarchy, node_id, parent_id
from infracast.forecast.models import MODELS
from infracast.forecast.reconciliation import Reconciliation, reconcile
from infracast.forecast.structure import recurring_schedule, renewals

__all__ = [
    "AUTO_CANDIDATES",
    "MODELS",
    "AnomalyError",
    "AnomalySettings",
    "BacktestResult",
    "FastETSError",
    "FastETSResult",
    "ForecastError",
    "ForecastResult",
    "Hierarchy",
    "HierarchyError",
    "Reconciliation",
    "SeriesFrame",
    "WindowScore",
    "aggregate_hierarchy",
    "backtest",
    "detect_anomalies",
    "fit_forecast",
    "forecast",
    "infer_freq",
    "node_id",
    "normalise_freq",
    "parent_id",
    "prepare",
    "reconcile",
    "recurring_schedule",
    "renewals",
    "score_anomalies",
    "score_windows",
    "season_length",
]
