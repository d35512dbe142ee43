"""Series to forecast, from the ledger, in the forecasting long format.

:func:`cost_series` gives the cost of the charges by any dimensions at a day, week
or month grain, one row per series and period: ``unique_id``, ``ds`` (the period's
start, UTC), ``y`` (the cost, a float: forecasts are not money until they are
rounded) and ``currency``, plus one column per dimension. With ``parts=True``
every series is split by the structure of its cost (:data:`PARTS`), read from
FOCUS ``ChargeCategory`` and ``ChargeFrequency``:

- ``recurring``: ``Recurring`` charges (support plans, subscriptions, contracts,
  salaries and amortization, whatever their category), which continue on their
  schedule (:func:`recurring_charges`);
- ``one_time``: the other purchases and adjustments and any ``One-Time`` charge;
  known or absent, never extrapolated;
- ``usage``: the rest (usage-based charges, their taxes and credits), forecast
  statistically.

:func:`gpu_hours_series` gives GPU demand: the GPU-hours held (Σ share ·
interval / 3600 over the usage samples) by team, project, workload, resource or
GPU type (the type of the resource's GPU charges).

Series are regular: a period without charges is a zero from the series' first
period to the last period of the data. A last period that the data does not
cover to its end is dropped (``complete=True``, the default), and the result
says so in ``notes``: a half month is not a month's cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from infracast.analytics.dimensions import check_dimensions, dimensions
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant, parse_range
from infracast.analytics.scope import cost_column, in_scope, to_rows
from infracast.errors import QueryError, did_you_mean

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

GRAINS: dict[str, str] = {"day": "D", "week": "W-MON", "month": "MS"}
"""Grain → the pandas frequency of its periods (weeks start on Monday, months on the 1st)."""
GPU_GRAINS: dict[str, str] = {"hour": "h", **GRAINS}
"""GPU demand's grains: usage samples are finer than a day, so hours too."""
PARTS: tuple[str, ...] = ("usage", "recurring", "one_time")
GPU_DIMENSIONS: tuple[str, ...] = ("team", "project", "workload", "resource", "gpu_type")
TOTAL = "total"
SEP = "/"
NONE = "(none)"


@dataclass(frozen=True)
class ForecastSeries:
    """Series in the long format, with what was assumed in making them."""

    frame: pd.DataFrame  # unique_id, ds, y, [currency], [part], one column per dimension
    freq: str  # the pandas frequency of ds
    notes: list[str] = field(default_factory=list)


def check_grain(grain: str) -> str:
    """``grain`` if it is day, week or month; else a QueryError naming them."""
    if grain not in GRAINS:
        raise QueryError(
            f'unknown grain "{grain}".{did_you_mean(grain, list(GRAINS))}',
            hint="Use day, week or month (forecasts of hours read usage samples: "
            "gpu_hours_series).",
        )
    return grain


def cost_part(charges: ir.Table) -> ir.StringValue:
    """The structure of each charge's cost: ``one_time``, ``recurring`` or ``usage``."""
    category = charges.ChargeCategory.upper()
    frequency = charges.ChargeFrequency.upper()
    return ibis.cases(
        (frequency == "RECURRING", "recurring"),  # a monthly salary billed as a Purchase too
        (category.isin(["PURCHASE", "ADJUSTMENT"]) | (frequency == "ONE-TIME"), "one_time"),
        else_="usage",
    )


def recurring_charges(
    ledger: Ledger,
    by: Sequence[str] | str,
    as_of: Instant,
    start: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
    currency: str | None = None,
) -> pd.DataFrame:
    """The ``Recurring`` charges current at ``as_of`` (charged for a period that began
    before it and does not end before it), summed per ``by`` dimensions, currency and
    charge period: ``by``…, ``currency``, ``start``, ``end``, ``y``. Their schedule
    ahead is :func:`infracast.forecast.structure.recurring_schedule`."""
    names = check_dimensions(by)
    _, at = parse_range(None, as_of)
    charges = ledger.ibis().table("charges")
    scoped = in_scope(charges, start, at, filters)
    scoped = scoped.filter(
        (scoped.ChargeFrequency.upper() == "RECURRING")
        & (scoped.ChargePeriodEnd >= ibis.literal(at))
    )
    if currency is not None:
        scoped = scoped.filter(scoped.BillingCurrency == currency)
    keys = dimensions(scoped, names)
    grouped = scoped.group_by(
        **keys,
        currency=scoped.BillingCurrency,
        start=scoped.ChargePeriodStart,
        end=scoped.ChargePeriodEnd,
    ).aggregate(y=cost_column(scoped, basis).sum())
    columns = [*names, "currency", "start", "end", "y"]
    frame = pd.DataFrame(to_rows(grouped), columns=columns)
    for name in names:
        frame[name] = frame[name].fillna(NONE).astype(str)
    frame["y"] = frame["y"].astype(float)
    return frame


def cost_series(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    grain: str = "day",
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
    parts: bool = False,
    complete: bool = True,
) -> ForecastSeries:
    """Cost by ``by`` dimensions per ``grain`` period as long-format series.

    ``unique_id`` joins the dimension values with ``/`` (``research/atlas``; a
    missing value is ``(none)``; no dimension: ``total``); a series in a second
    currency gets `` (EUR)`` after its id, so one series never mixes currencies.
    With ``parts`` the id ends in ``/usage``, ``/recurring`` or ``/one_time``.
    """
    names = check_dimensions(by)
    check_grain(grain)
    time_names = [n for n in names if n in ("day", "week", "month", "quarter", "year")]
    if time_names:
        raise QueryError(
            f"--by {', '.join(time_names)} is a period, not a series key.",
            hint=f"Give the period as the grain (grain={time_names[0]}) and the series keys "
            "in --by (team, project, provider …).",
        )
    charges = ledger.ibis().table("charges")
    scoped = in_scope(charges, start, end, filters)
    keys = dimensions(scoped, names)
    if parts:
        keys["part"] = cost_part(scoped)
    period = scoped.ChargePeriodStart.truncate(_UNIT[grain])
    grouped = scoped.group_by(**keys, ds=period, currency=scoped.BillingCurrency)
    rows = to_rows(grouped.aggregate(y=cost_column(scoped, basis).sum()))
    last_end = to_rows(scoped.aggregate(end=scoped.ChargePeriodEnd.max()))[0]["end"]
    columns = [*names, *(["part"] if parts else [])]
    frame = pd.DataFrame(rows, columns=[*columns, "ds", "currency", "y"])
    frame["y"] = frame["y"].astype(float)
    return _regular(frame, columns, grain, last_end, complete)


def gpu_hours_series(
    ledger: Ledger,
    by: Sequence[str] | str = ("gpu_type",),
    grain: str = "day",
    start: Instant | None = None,
    end: Instant | None = None,
    complete: bool = True,
) -> ForecastSeries:
    """GPU-hours held per ``grain`` period (hour, day, week or month) by team, project,
    workload, resource or GPU type, from the usage samples (``y`` = Σ share · interval_s
    / 3600)."""
    names = [by] if isinstance(by, str) else list(by)
    names = [n.strip() for item in names for n in item.split(",") if n.strip()]
    for name in names:
        if name not in GPU_DIMENSIONS:
            raise QueryError(
                f'unknown GPU demand dimension "{name}".{did_you_mean(name, GPU_DIMENSIONS)}',
                hint=f"Use any of: {', '.join(GPU_DIMENSIONS)}.",
            )
    if grain not in GPU_GRAINS:
        raise QueryError(
            f'unknown grain "{grain}".{did_you_mean(grain, list(GPU_GRAINS))}',
            hint="Use hour, day, week or month.",
        )
    con = ledger.ibis()
    samples = con.table("usage_samples")
    lo, hi = parse_range(start, end)
    if lo is not None:
        samples = samples.filter(samples.ts >= ibis.literal(lo))
    if hi is not None:
        samples = samples.filter(samples.ts < ibis.literal(hi))
    if "gpu_type" in names:
        charges = con.table("charges")
        types = (
            charges.filter(charges.x_gpu_type.notnull())
            .group_by(resource_id=charges.ResourceId)
            .aggregate(gpu_type=charges.x_gpu_type.arbitrary())
        )
        samples = samples.left_join(types, "resource_id").select(samples, types.gpu_type)
    column = {"resource": "resource_id"}
    keys = {n: samples[column.get(n, n)].fill_null(NONE) for n in names}
    grouped = samples.group_by(**keys, ds=samples.ts.truncate(_UNIT[grain]))
    rows = to_rows(grouped.aggregate(y=(samples.share * samples.interval_s).sum() / 3600.0))
    last_s = to_rows(samples.aggregate(end=(samples.ts.epoch_seconds() + samples.interval_s).max()))
    seconds = last_s[0]["end"]
    last = None if seconds is None else pd.Timestamp(float(seconds), unit="s")
    frame = pd.DataFrame(rows, columns=[*names, "ds", "y"])
    frame["y"] = frame["y"].astype(float)
    return _regular(frame, names, grain, last, complete)


_UNIT = {"hour": "h", "day": "D", "week": "W", "month": "M"}


def _regular(
    frame: pd.DataFrame,
    keys: list[str],
    grain: str,
    last_end: Any,
    complete: bool,
) -> ForecastSeries:
    """The series with their ids, zeros for periods without rows, and the last
    period dropped when the data stops before its end."""
    freq = GPU_GRAINS[grain]
    notes: list[str] = []
    currency = "currency" in frame.columns
    if frame.empty:
        empty = pd.DataFrame(columns=["unique_id", "ds", "y", *(["currency"] if currency else [])])
        return ForecastSeries(empty, freq, ["no data in scope"])
    frame = frame.copy()
    for key in keys:
        frame[key] = frame[key].fillna(NONE).astype(str)
    frame["ds"] = pd.to_datetime(frame["ds"])
    currencies = sorted(frame["currency"].unique()) if currency else []
    names = [k for k in keys if k != "part"]
    ids = frame[names].agg(SEP.join, axis=1) if names else pd.Series(TOTAL, index=frame.index)
    if "part" in keys:
        ids = ids + SEP + frame["part"]
    if len(currencies) > 1:
        first = _main_currency(frame)
        ids = ids.where(frame["currency"] == first, ids + " (" + frame["currency"] + ")")
        notes.append(f"series in {', '.join(c for c in currencies if c != first)} have the "
                     f"currency after their id; {first} series do not")  # fmt: skip
    frame["unique_id"] = ids
    last_period = frame["ds"].max()
    if complete and last_end is not None:
        period_end = last_period + pd.tseries.frequencies.to_offset(freq)
        if pd.Timestamp(last_end) < period_end:
            frame = frame[frame["ds"] < last_period]
            notes.append(
                f"the last {grain} ({last_period:%Y-%m-%d}) is left out: the data ends "
                f"{pd.Timestamp(last_end):%Y-%m-%d %H:%M}, before the {grain} does"
            )
            last_period = frame["ds"].max() if not frame.empty else last_period
    frame = frame[frame["ds"] <= last_period]
    if frame.empty:  # the one period there was is incomplete: no series to give
        empty = pd.DataFrame(columns=["unique_id", "ds", "y", *(["currency"] if currency else [])])
        return ForecastSeries(empty, freq, notes)
    keep = ["unique_id", *keys, *(["currency"] if currency else [])]
    attrs = frame.groupby("unique_id", sort=True)[keep[1:]].first() if len(keep) > 1 else None
    sums = frame.groupby(["unique_id", "ds"], sort=True)["y"].sum()
    pieces = []
    for uid, series in sums.groupby(level=0, sort=True):
        values = series.droplevel(0)
        grid = pd.date_range(values.index.min(), last_period, freq=freq)
        filled = values.reindex(grid, fill_value=0.0)
        pieces.append(pd.DataFrame({"unique_id": uid, "ds": grid, "y": filled.to_numpy()}))
    out = pd.concat(pieces, ignore_index=True)
    if attrs is not None:
        out = out.join(attrs, on="unique_id")
    return ForecastSeries(out.reset_index(drop=True), freq, notes)


def _main_currency(frame: pd.DataFrame) -> str:
    """The currency with the largest total (absolute), which keeps bare ids."""
    totals = frame.groupby("currency")["y"].apply(lambda y: y.abs().sum())
    return str(totals.idxmax())
