"""``infracast forecast backtest``: how well each model would have forecast each series of
the same inputs as ``infracast forecast`` (:func:`infracast.forecast.backtest` over them),
against seasonal naive.

On the ledger's cost the series backtested are the **usage** part of each group's cost:
what the models forecast (recurring fees follow their schedule, one-time charges are not
forecast). GPU demand and a file's series are backtested whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.series import SEP, cost_series, gpu_hours_series
from infracast.control.forecasting.cost import LEDGER_FREQS, ledger_freq, split_names
from infracast.control.forecasting.demand import GRAIN_OF
from infracast.control.forecasting.files import read_series_file
from infracast.control.forecasting.result import ForecastBacktest, rounded
from infracast.control.forecasting.sources import check_source
from infracast.errors import ConfigError, QueryError, did_you_mean
from infracast.ledger.connection import Ledger

AUTO = "auto"  # the candidates of model="auto" (and seasonal naive, always)
ALL = "all"  # every model that needs no drivers


def backtest_models(model: Sequence[str] | str) -> list[str]:
    """The models of ``--model`` (repeatable, or ``auto``/``all``), without repeats."""
    from infracast import forecast as fc

    given = split_names(model)
    names: list[str] = []
    for name in given or [AUTO]:
        if name == AUTO:
            names += fc.AUTO_CANDIDATES
        elif name == ALL:
            names += [m for m in fc.MODELS if m != "regression"]
        elif name in fc.MODELS:
            names.append(name)
        else:
            choices = [AUTO, ALL, *fc.MODELS]
            raise ConfigError(
                f'unknown model "{name}".{did_you_mean(name, choices)}',
                hint=f"Use any of {', '.join(choices)} (--model is repeatable).",
                field="model",
            )
    return list(dict.fromkeys(["seasonal_naive", *names]))


def backtest(
    ledger: Ledger | None = None,
    *,
    input: str | Path | None = None,
    by: Sequence[str] | str = (),
    demand: str = "cost",
    horizon: int = 30,
    freq: str | None = None,
    model: Sequence[str] | str = AUTO,
    level: Sequence[int] = (80, 95),
    windows: int = 3,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
) -> ForecastBacktest:
    """Backtest ``model`` (``auto``: the candidates ``infracast forecast`` chooses from;
    ``all``; or named models) on ``windows`` rolling origins of ``horizon`` periods, for
    the series ``infracast forecast`` would forecast with the same inputs (see module)."""
    from infracast import forecast as fc

    check_source(ledger, input, by, start, end, filters, demand)
    models = backtest_models(model)
    notes: list[str] = []
    if input is not None:
        frame = read_series_file(input)
        if id_col not in frame.columns:
            frame = frame.assign(**{id_col: Path(input).stem})
        scope: dict[str, object] = {
            "input": str(input), "id_col": id_col, "time_col": time_col, "target_col": target_col,
        }  # fmt: skip
        kind, pandas_freq = "series", freq
    else:
        assert ledger is not None  # check_source refuses neither
        frame, scope, pandas_freq, more = _ledger_series(
            ledger, by, demand, freq, start, end, filters
        )
        notes += more
        id_col, time_col, target_col = "unique_id", "ds", "y"
        kind = demand
    result = fc.backtest(
        frame,
        horizon,
        freq=pandas_freq,
        models=models,
        level=level,
        n_windows=windows,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
    )
    return ForecastBacktest(
        kind=kind,
        scope=dict(scope),
        freq=result.freq,
        horizon=result.h,
        windows=result.n_windows,
        step_size=result.step_size,
        season_length=result.season_length,
        level=result.level,
        models=models,
        summary=rounded(result.summary.to_dict(orient="records")),
        metrics=rounded(result.metrics.to_dict(orient="records")),
        notes=[*notes, *result.notes],
    )


def _ledger_series(
    ledger: Ledger,
    by: Sequence[str] | str,
    demand: str,
    freq: str | None,
    start: Instant | None,
    end: Instant | None,
    filters: Iterable[str | Filter] | str,
) -> tuple[pd.DataFrame, dict[str, object], str, list[str]]:
    names = split_names(by)
    when = {
        "start": None if start is None else str(start),
        "end": None if end is None else str(end),
    }
    if demand == "gpu_hours":
        pandas_freq = ledger_freq(freq, hourly=True)
        series = gpu_hours_series(ledger, names, GRAIN_OF[pandas_freq], start, end)
        scope: dict[str, object] = {
            "demand": "gpu_hours",
            "by": names,
            "grain": GRAIN_OF[pandas_freq],
            **when,
        }
        frame = series.frame[["unique_id", "ds", "y"]]
        what = "GPU usage samples"
    else:
        pandas_freq = ledger_freq(freq)
        grain = LEDGER_FREQS[pandas_freq]
        filter_list = [filters] if isinstance(filters, str) else [str(f) for f in filters]
        series = cost_series(ledger, names, grain, start, end, filter_list, parts=True)
        usage = series.frame[series.frame["part"] == "usage"]
        frame = usage.assign(unique_id=usage["unique_id"].str.rsplit(SEP, n=1).str[0])
        frame = frame[["unique_id", "ds", "y"]]
        scope = {"by": names, "grain": grain, **when, "filters": filter_list}
        what = "usage charges"
    if frame.empty:
        raise QueryError(
            f"there are no {what} to backtest in this scope.",
            hint="Ingest data first (infracast ingest FILE) or loosen --filter/--from/--to.",
        )
    notes = list(series.notes)
    if demand != "gpu_hours":
        notes.append("scored on the usage part of the cost: recurring fees are known and "
                     "one-time charges are not forecast")  # fmt: skip
    return frame, scope, pandas_freq, notes
