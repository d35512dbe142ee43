"""Cost structure: the parts of a cost series that are not forecast statistically.

A cost series from the ledger splits by FOCUS ChargeCategory and ChargeFrequency
(:func:`infracast.analytics.series.cost_series` with ``parts=True``) into
``usage``, ``recurring`` and ``one_time``. Only ``usage`` is extrapolated by a
model. The other two follow rules a reader can check:

- **recurring** fees continue on their schedule. At a daily grain the schedule is
  the last month's: each fee charged on day *d* in the month up to the series'
  last day is charged again on day *d* of every future month (the month's last
  day when it is shorter). At a weekly grain each future week costs the mean
  of the last four weeks; at a monthly grain each future month costs the last
  month. A fee that has not recurred in the last two cycles is taken as stopped.
- **one-time** charges (purchases, adjustments) are known or absent: they are
  never extrapolated, so their forecast is zero.

Both rules give exact numbers with no interval of their own; a forecast adds
them to the statistical forecast of the usage part (intervals widen only by
usage's uncertainty), and says which part came from which.
"""

from __future__ import annotations

import calendar

import pandas as pd

RECURRING = "recurring"
ONE_TIME = "one_time"
USAGE = "usage"


def recurring_forecast(history: pd.DataFrame, future: pd.DatetimeIndex, freq: str) -> pd.Series:
    """The recurring fees of one series (``ds``, ``y``) on the ``future`` periods.

    >>> days = pd.date_range("2026-01-01", "2026-02-28", freq="D")
    >>> y = [100.0 if d.day == 1 else 0.0 for d in days]  # a fee on the 1st of each month
    >>> out = recurring_forecast(pd.DataFrame({"ds": days, "y": y}),
    ...                          pd.date_range("2026-03-01", periods=3, freq="D"), "D")
    >>> out.tolist()
    [100.0, 0.0, 0.0]
    """
    if history.empty or len(future) == 0:
        return pd.Series(0.0, index=future)
    data = history.sort_values("ds")
    ds = pd.to_datetime(data["ds"])
    y = data["y"].astype(float).to_numpy()
    last = ds.iloc[-1]
    charged = ds[y != 0]
    if charged.empty:
        return pd.Series(0.0, index=future)
    if freq.startswith("MS") or freq.startswith("M"):
        stopped = _months_between(charged.iloc[-1], last) >= 2
        value = 0.0 if stopped else float(y[-1])
        return pd.Series(value, index=future)
    if freq.startswith("W"):
        stopped = (last - charged.iloc[-1]).days >= 14
        value = 0.0 if stopped else float(y[-4:].mean())
        return pd.Series(value, index=future)
    # daily: repeat the last month of fees (the month up to the last day), by day of month
    if charged.iloc[-1] <= last - pd.DateOffset(months=2):
        return pd.Series(0.0, index=future)
    window = (ds > last - pd.DateOffset(months=1)).to_numpy()
    by_day: dict[int, float] = {}
    for when, value in zip(ds[window], y[window], strict=True):
        if value:
            by_day[when.day] = by_day.get(when.day, 0.0) + float(value)
    out = []
    for when in future:
        days_in_month = calendar.monthrange(when.year, when.month)[1]
        total = 0.0
        for day, value in by_day.items():
            if min(day, days_in_month) == when.day:
                total += value
        out.append(total)
    return pd.Series(out, index=future)


def _months_between(earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month
