"""Forecasts of the ledger's cost and GPU demand, or of a file's series, stored with what
made them (the library under ``infracast forecast``).

- :func:`forecast` (``infracast forecast``): a file's series, the ledger's cost
  (:func:`forecast_costs`: usage by model, recurring fees on their schedule, one-time
  charges not extrapolated) or its GPU-hours (:func:`forecast_gpu_hours`), reconciled
  over the hierarchy of ``by`` to the organisation's total;
- :func:`backtest` (``infracast forecast backtest``): each model's error on the same
  series, against seasonal naive.

``infracast.forecast`` (statsforecast, mlforecast, LightGBM) is imported when a forecast
runs, not with this package, so commands that do not forecast start as fast as before.

Every ledger forecast is stored in the ledger (schema 4) under a key made of its scope,
the data it was fitted on and its settings; asking again with the same inputs returns
the stored forecast (``reused``) instead of fitting again.
"""

from infracast.control.forecasting.backtests import backtest
from infracast.control.forecasting.cost import forecast_costs, ledger_freq
from infracast.control.forecasting.demand import forecast_gpu_hours
from infracast.control.forecasting.files import forecast_file, read_series_file
from infracast.control.forecasting.reconciled import RECONCILE
from infracast.control.forecasting.result import CostForecast, ForecastBacktest
from infracast.control.forecasting.sources import DEMANDS, forecast

__all__ = [
    "DEMANDS",
    "RECONCILE",
    "CostForecast",
    "ForecastBacktest",
    "backtest",
    "forecast",
    "forecast_costs",
    "forecast_file",
    "forecast_gpu_hours",
    "ledger_freq",
    "read_series_file",
]
