"""The forecasting models by name, each with prediction intervals at the requested levels.

Statistical models are statsforecast's, with their native (model-based) intervals, except
``ets``: infracast's exponential smoothing fitted to all series at once
(:mod:`infracast.forecast._fast_ets`, additive forms, analytic intervals); the
``regression`` and ``global`` models are mlforecast's, with conformal intervals calibrated on
rolling windows of the history. Every function returns the same columns whatever the model:
``unique_id, ds, yhat, lo80, hi80, lo95, hi95`` (for the levels asked), plus ``cutoff`` and ``y``
for cross-validation.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast

from infracast.errors import did_you_mean
from infracast.forecast._ets_model import ets_cross_validate, ets_fit_predict
from infracast.forecast.exceptions import ForecastError
from infracast.forecast.frames import SeriesFrame, require_length, weekly_season

if TYPE_CHECKING:  # LightGBM, mlforecast and scikit-learn load when a global model runs
    from mlforecast import MLForecast
    from mlforecast.utils import PredictionIntervals

MODELS: tuple[str, ...] = (
    "naive",
    "seasonal_naive",
    "weekly_naive",
    "ets",
    "theta",
    "arima",
    "regression",
    "global",
)
STATISTICAL: tuple[str, ...] = (
    "naive",
    "seasonal_naive",
    "weekly_naive",
    "ets",
    "theta",
    "arima",
)
# How each model gets its intervals (reported with every forecast).
INTERVALS: dict[str, str] = {name: "native" for name in STATISTICAL} | {
    "regression": "conformal",
    "global": "conformal",
}
MAX_CONFORMAL_WINDOWS = 5


def check_model(name: str) -> str:
    """``name`` if it is a known model, else a ForecastError listing the models."""
    if name not in MODELS:
        raise ForecastError(
            f'unknown model "{name}".' + did_you_mean(str(name), MODELS),
            hint=f'Use one of: {", ".join(MODELS)}, or "auto" to choose per series.',
            field="model",
        )
    return name


def check_levels(level: Sequence[float]) -> tuple[int, ...]:
    """Interval levels as sorted distinct integers strictly between 0 and 100."""
    values = [level] if isinstance(level, int | float) else list(level)
    if not values or any(not 0 < float(v) < 100 or float(v) != int(v) for v in values):
        raise ForecastError(
            f"interval levels must be whole percentages between 1 and 99, got {values}.",
            hint="Pass e.g. level=(80, 95).",
            field="level",
        )
    return tuple(sorted({int(v) for v in values}))


def interval_columns(level: Sequence[int]) -> list[str]:
    """``lo80, hi80, lo95, hi95`` for ``level=(80, 95)``."""
    return [f"{side}{lv}" for lv in level for side in ("lo", "hi")]


def min_length(name: str, season_length: int, h: int, week: int | None = None) -> int:
    """Fewest observations a series needs for ``name`` to fit and give intervals; ``week``
    is the weekly cycle (:func:`~infracast.forecast.frames.weekly_season`, default the
    season) that ``weekly_naive`` repeats."""
    m = season_length
    needed = {
        "naive": 2,
        "seasonal_naive": m + 1,
        "weekly_naive": (week or m) + 1,
        "ets": 5,  # the season is dropped below two full seasons and one period
        "theta": 8,
        "arima": 10,
        "regression": 2 * h + m + 4,  # two conformal windows, then a line with calendar terms
        "global": 2 * h + 2 * m + 4,  # two conformal windows after the lags and rolling means
    }
    return needed[check_model(name)]


def needs(name: str, series: SeriesFrame, h: int) -> int:
    """:func:`min_length` of ``name`` for the frequency of ``series``."""
    return min_length(name, series.season_length, h, weekly_season(series.freq))


def _stats_model(name: str, series: SeriesFrame) -> Any:
    # statsforecast.models loads statsmodels (2 s): only when a model is fitted
    from statsforecast.models import AutoARIMA, Naive, SeasonalNaive, Theta

    m = series.season_length
    long_enough = int(series.lengths.min()) >= 2 * m + 2
    seasonal = m if (m > 1 and long_enough) else 1
    if name == "naive":
        return Naive(alias=name)
    if name == "seasonal_naive":
        return SeasonalNaive(season_length=m, alias=name)
    if name == "weekly_naive":  # the value one week earlier (hourly data: 168 hours)
        return SeasonalNaive(season_length=weekly_season(series.freq), alias=name)
    if name == "theta":
        return Theta(
            season_length=seasonal, alias=name
        )  # the standard method, 4x AutoTheta's speed
    return AutoARIMA(season_length=seasonal, alias=name)


def _trend(dates: pd.DatetimeIndex) -> np.ndarray:
    """Days since 1970, a linear trend term for the regression."""
    return np.asarray((dates - pd.Timestamp(0)) / pd.Timedelta(days=1), dtype=float)


def _calendar(freq: str) -> list[str]:
    """Calendar dummies that fit the frequency: hour and weekday below a day, weekday for
    days, month for months, quarter for quarters; none for weeks and years."""
    base = freq.lstrip("0123456789").split("-")[0]
    if base in ("min", "h"):
        return ["hour", "dayofweek"]
    if base in ("D", "B"):
        return ["dayofweek"]
    if base in ("MS", "ME"):
        return ["month"]
    if base in ("QS", "QE"):
        return ["quarter"]
    return []


def _ml_forecaster(name: str, series: SeriesFrame) -> MLForecast:
    from lightgbm import LGBMRegressor
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean
    from mlforecast.target_transforms import Differences, LocalStandardScaler
    from sklearn.linear_model import LinearRegression

    m = series.season_length
    if name == "regression":
        return MLForecast(
            models={name: LinearRegression()},
            freq=series.freq,
            date_features=[_trend, *_calendar(series.freq)],
            date_features_as_dummies=True,
            num_threads=1,
        )
    lags = sorted({1, 2, m}) if m > 1 else [1, 2, 3]
    booster = LGBMRegressor(
        n_estimators=100,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=10,
        n_jobs=1,
        random_state=0,
        verbosity=-1,
    )
    return MLForecast(
        models={name: booster},
        freq=series.freq,
        lags=lags,
        lag_transforms={1: [RollingMean(window_size=max(m, 3))]},
        date_features=_calendar(series.freq),
        target_transforms=[Differences([1]), LocalStandardScaler()],
        num_threads=1,
    )


def _ml_frame(name: str, series: SeriesFrame) -> pd.DataFrame:
    cols = ["unique_id", "ds", "y", *(series.drivers if name == "regression" else ())]
    return series.df[cols]


def _conformal(series: SeriesFrame, name: str, h: int, spare: int = 0) -> PredictionIntervals:
    """As many calibration windows (2 to 5) as the shortest series allows."""
    from mlforecast.utils import PredictionIntervals

    room = int(series.lengths.min()) - spare - (needs(name, series, h) - 2 * h)
    windows = max(2, min(MAX_CONFORMAL_WINDOWS, room // h))
    return PredictionIntervals(n_windows=windows, h=h)


def _standard(
    out: pd.DataFrame, name: str, level: Sequence[int], extra: Sequence[str]
) -> pd.DataFrame:
    renamed = {name: "yhat"}
    for lv in level:
        renamed[f"{name}-lo-{lv}"] = f"lo{lv}"
        renamed[f"{name}-hi-{lv}"] = f"hi{lv}"
    out = out.rename(columns=renamed)
    cols = ["unique_id", "ds", *extra, "yhat", *interval_columns(level)]
    out = out[cols].reset_index(drop=True)
    out["unique_id"] = out["unique_id"].astype(str)
    return out


def _future_drivers(
    series: SeriesFrame, mlf: MLForecast, h: int, X_df: pd.DataFrame | None
) -> pd.DataFrame:
    if X_df is None:
        raise ForecastError(
            f"the regression uses drivers ({', '.join(series.drivers)}) and needs their "
            f"future values for the {h} periods ahead.",
            hint="Pass X_df with columns unique_id, ds and the drivers for each forecast "
            "period, or drop the driver columns for a calendar-only regression.",
            field="X_df",
        )
    missing = [c for c in ("unique_id", "ds", *series.drivers) if c not in X_df.columns]
    if missing:
        raise ForecastError(
            f"X_df lacks the columns {', '.join(missing)}.",
            hint="X_df needs unique_id, ds and every driver column of the history.",
            field="X_df",
        )
    future = mlf.make_future_dataframe(h)
    given = X_df.assign(unique_id=X_df["unique_id"].astype(str), ds=pd.to_datetime(X_df["ds"]))
    if given.duplicated(subset=["unique_id", "ds"]).any():
        raise ForecastError(
            "X_df has more than one row for some (unique_id, ds) pairs.",
            hint="Give one row of driver values per series and forecast period.",
            field="X_df",
        )
    merged = future.merge(given[["unique_id", "ds", *series.drivers]], how="left")
    empty = merged[list(series.drivers)].isna().any(axis=1)
    if empty.any():
        first = merged.loc[empty].iloc[0]
        raise ForecastError(
            f"X_df has no driver values for {int(empty.sum())} forecast periods "
            f'(first: series "{first["unique_id"]}" at {first["ds"]}).',
            hint=f"Give one row per series and period for the {h} periods after each "
            "series' last date.",
            field="X_df",
        )
    return merged


def fit_predict(
    series: SeriesFrame,
    name: str,
    h: int,
    level: Sequence[int] = (80, 95),
    X_df: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fit ``name`` to every series and forecast ``h`` periods with intervals at ``level``."""
    check_model(name)
    level = check_levels(level)
    require_length(series, needs(name, series, h), f'model "{name}"')
    if name == "ets":
        return ets_fit_predict(series, h, level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name in STATISTICAL:
            sf = StatsForecast(models=[_stats_model(name, series)], freq=series.freq, n_jobs=1)
            out = sf.forecast(h=h, df=series.df[["unique_id", "ds", "y"]], level=list(level))
        else:
            mlf = _ml_forecaster(name, series)
            mlf.fit(
                _ml_frame(name, series),
                static_features=[],
                prediction_intervals=_conformal(series, name, h),
            )
            future = None
            if name == "regression" and series.drivers:
                future = _future_drivers(series, mlf, h, X_df)
            out = mlf.predict(h, level=list(level), X_df=future)
    return _standard(out, name, level, ())


def cross_validate(
    series: SeriesFrame,
    name: str,
    h: int,
    *,
    n_windows: int,
    step_size: int,
    level: Sequence[int] = (80, 95),
    refit: bool = True,
) -> pd.DataFrame:
    """Rolling-origin forecasts of ``name``: ``n_windows`` cutoffs ``step_size`` apart, each
    forecasting ``h`` periods from the history before it. Columns: ``unique_id, ds, cutoff,
    y, yhat`` and the intervals. ``refit=False`` fits once at the first cutoff and only
    updates the state after (statsforecast models; faster)."""
    check_model(name)
    level = check_levels(level)
    held_out = h + (n_windows - 1) * step_size
    needed = needs(name, series, h) + held_out
    require_length(series, needed, f'a backtest of "{name}" with {n_windows} windows')
    if name == "ets":  # refits every window: one vectorized fit per window is cheap
        return ets_cross_validate(series, h, n_windows, step_size, level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name in STATISTICAL:
            sf = StatsForecast(models=[_stats_model(name, series)], freq=series.freq, n_jobs=1)
            out = sf.cross_validation(
                h=h,
                df=series.df[["unique_id", "ds", "y"]],
                n_windows=n_windows,
                step_size=step_size,
                level=list(level),
                refit=refit,
            )
        else:
            mlf = _ml_forecaster(name, series)
            out = mlf.cross_validation(
                _ml_frame(name, series),
                n_windows=n_windows,
                h=h,
                step_size=step_size,
                static_features=[],
                prediction_intervals=_conformal(series, name, h, spare=held_out),
                level=list(level),
            )
    return _standard(out.reset_index(), name, level, ("cutoff", "y"))
