"""``infracast forecast``: the series of a file (``input``), the ledger's cost or its GPU
demand (``demand``), each forecast by its own function."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.control.forecasting.cost import forecast_costs
from infracast.control.forecasting.demand import forecast_gpu_hours
from infracast.control.forecasting.files import forecast_file
from infracast.control.forecasting.result import CostForecast
from infracast.errors import ConfigError, did_you_mean
from infracast.ledger.connection import Ledger

DEMANDS: tuple[str, ...] = ("cost", "gpu_hours")


def check_source(
    ledger: Ledger | None,
    input: str | Path | None,
    by: Sequence[str] | str,
    start: Instant | None,
    end: Instant | None,
    filters: Iterable[str | Filter] | str,
    demand: str,
) -> None:
    """Refuse inputs that contradict each other (ledger flags with a file, filters on GPU
    demand, no source at all)."""
    if demand not in DEMANDS:
        raise ConfigError(
            f'unknown demand "{demand}".{did_you_mean(demand, DEMANDS)}',
            hint="Use cost (the ledger's charges) or gpu_hours (GPU-hours from usage samples).",
            field="demand",
        )
    if input is not None:
        given = (("--by", by), ("--from", start), ("--to", end), ("--filter", filters))
        ledger_only = [flag for flag, value in given if value]
        if demand != "cost":
            ledger_only.append("--demand")
        if ledger_only:
            raise ConfigError(
                f"{', '.join(ledger_only)} select ledger data, but --input reads a file.",
                hint="Leave them out with --input, or drop --input to forecast the ledger.",
            )
        return
    if demand == "gpu_hours" and filters:
        raise ConfigError(
            "--filter selects charges; GPU demand reads usage samples.",
            hint="Choose the series with --by (gpu_type, team, project, workload, resource) "
            "and the time with --from/--to.",
        )
    if ledger is None:
        raise ConfigError(
            "no ledger and no --input: nothing to forecast.",
            hint="Pass a ledger (--ledger PATH) or a file of series (--input FILE).",
        )


def forecast(
    ledger: Ledger | None = None,
    *,
    input: str | Path | None = None,
    by: Sequence[str] | str = (),
    demand: str = "cost",
    horizon: int = 30,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    reconcile: str = "auto",
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
) -> CostForecast:
    """``infracast forecast``: a file's series with ``input``
    (:func:`~infracast.control.forecasting.forecast_file`), else the ledger's cost
    (:func:`~infracast.control.forecasting.forecast_costs`) or GPU-hours (``demand=
    "gpu_hours"``, :func:`~infracast.control.forecasting.forecast_gpu_hours`) by ``by``,
    reconciled to the organisation's total (``reconcile``; ``none`` to skip)."""
    check_source(ledger, input, by, start, end, filters, demand)
    if input is not None:
        return forecast_file(input, horizon, freq, model, level, id_col, time_col, target_col)
    assert ledger is not None  # check_source refuses neither
    if demand == "gpu_hours":
        return forecast_gpu_hours(
            ledger, by, horizon, freq, model, level, start, end, reconcile=reconcile
        )
    return forecast_costs(
        ledger, by, horizon, freq, model, level, start, end, filters, reconcile=reconcile
    )
