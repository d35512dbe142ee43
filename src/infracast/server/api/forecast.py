"""Forecasts, their backtests and cost anomalies of the ledger over HTTP, each answering
what its command prints with ``--format json``.

A user scoped to a team forecasts and scans its team's cost only: its team is added to
the filters, so the series, the reconciled total and the stored forecast or anomalies are
its team's. GPU demand (``demand=gpu_hours``) reads usage samples, which no filter
narrows: every team's, not for a scoped user (403). A file of series (the commands'
``--input``) is the CLI's: the server reads no paths a request names.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast.cli.common import library_default
from infracast.control.anomalies import DEFAULT_BY
from infracast.control.anomalies import anomalies as scan_anomalies
from infracast.control.forecasting import backtest as backtest_series
from infracast.control.forecasting import forecast as forecast_series
from infracast.server.api.params import FilterQuery, FromQuery, ToQuery
from infracast.server.app import LedgerDep, Principal, UserDep, unscoped, with_scope
from infracast.server.errors import json_response

router = APIRouter()

# A request's work is bounded: the longest horizon and the most backtest windows it may ask.
MAX_HORIZON = 1000
MAX_WINDOWS = 12
# the defaults of the library functions, which the CLI's options share
HORIZON = library_default(forecast_series, "horizon")
DEMAND = library_default(forecast_series, "demand")
LEVEL = library_default(forecast_series, "level")
BACKTEST_HORIZON = library_default(backtest_series, "horizon")
BACKTEST_MODEL = library_default(backtest_series, "model")
BACKTEST_LEVEL = library_default(backtest_series, "level")
ANOMALIES_BY = ",".join(DEFAULT_BY)

ByQuery = Annotated[str, Query(description="Series keys, comma-separated: team,project")]
HorizonQuery = Annotated[
    int, Query(ge=1, le=MAX_HORIZON, description="Periods to forecast (at most 1000).")
]
FreqQuery = Annotated[
    str | None, Query(description="D (default), W or MS; h too for demand=gpu_hours.")
]
DemandQuery = Annotated[str, Query(description="cost (charges) or gpu_hours (usage samples).")]
LevelQuery = Annotated[
    list[int] | None, Query(description="Interval level in percent; repeat. Default: 80 95.")
]


def _demand_scope(user: Principal, demand: str) -> None:
    """GPU demand reads every team's usage samples: not for a scoped user."""
    if demand == "gpu_hours":
        unscoped(user, "GPU demand (the usage samples)")


@router.get("/forecast", tags=["forecast"])
def forecast(
    user: UserDep,
    ledger: LedgerDep,
    by: ByQuery = "",
    horizon: HorizonQuery = HORIZON,
    freq: FreqQuery = None,
    demand: DemandQuery = DEMAND,
    model: Annotated[
        str, Query(description="auto, naive, seasonal_naive, weekly_naive, ets, theta, …")
    ] = library_default(forecast_series, "model"),
    level: LevelQuery = None,
    reconcile: Annotated[
        str, Query(description="auto, mint_shrink, ols, bottom_up or none.")
    ] = library_default(forecast_series, "reconcile"),
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
) -> Response:
    """`infracast forecast`: the ledger's cost (or GPU-hours) by ``by`` with intervals,
    reconciled to the total, stored in the ledger and reused when asked again (a scoped
    user: its team's cost only)."""
    _demand_scope(user, demand)
    result = forecast_series(
        ledger, by=by, demand=demand, horizon=horizon, freq=freq, model=model,
        level=level or LEVEL, start=start, end=end,
        filters=with_scope(user, filters), reconcile=reconcile,
    )  # fmt: skip
    return json_response(result.to_json())


@router.get("/forecast/backtest", tags=["forecast"])
def forecast_backtest(
    user: UserDep,
    ledger: LedgerDep,
    by: ByQuery = "",
    horizon: HorizonQuery = BACKTEST_HORIZON,
    freq: FreqQuery = None,
    demand: DemandQuery = DEMAND,
    model: Annotated[
        list[str] | None,
        Query(description="Models to score; repeat: auto (default), all, naive, ets, …"),
    ] = None,
    windows: Annotated[
        int, Query(ge=1, le=MAX_WINDOWS, description="Rolling origins (at most 12).")
    ] = library_default(backtest_series, "windows"),
    level: LevelQuery = None,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
) -> Response:
    """`infracast forecast backtest`: each model's error on the series `GET /forecast`
    would forecast, against seasonal naive (a scoped user: its team's cost only)."""
    _demand_scope(user, demand)
    result = backtest_series(
        ledger, by=by, demand=demand, horizon=horizon, freq=freq,
        model=model or BACKTEST_MODEL,
        level=level or BACKTEST_LEVEL, windows=windows,
        start=start, end=end, filters=with_scope(user, filters),
    )  # fmt: skip
    return json_response(result.to_json())


@router.get("/anomalies", tags=["forecast"])
def anomalies(
    user: UserDep,
    ledger: LedgerDep,
    by: ByQuery = ANOMALIES_BY,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    freq: Annotated[str | None, Query(description="D (default), W or MS.")] = None,
    min_share: Annotated[
        float | None, Query(description="Keep a flag whose change is at least this share.")
    ] = None,
    direction: Annotated[str | None, Query(description="up (default), down or both.")] = None,
) -> Response:
    """`infracast anomalies` without --webhook: the days the ledger's cost left what its
    past allows, with their drivers; each stored once, ``new`` on the run that first finds
    it (a scoped user: its team's cost only)."""
    result = scan_anomalies(
        ledger, by=by, start=start, end=end, filters=with_scope(user, filters), freq=freq,
        min_share=min_share, direction=direction,
    )  # fmt: skip
    return json_response(result.to_json())
