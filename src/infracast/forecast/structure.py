"""Cost structure: the parts of a cost series that are not forecast statistically.

A cost series from the ledger splits by FOCUS ChargeFrequency and ChargeCategory
(:func:`infracast.analytics.series.cost_series` with ``parts=True``) into
``usage``, ``recurring`` and ``one_time``. Only ``usage`` is extrapolated by a
model. The other two follow rules a reader can check:

- **recurring** fees (ChargeFrequency ``Recurring``: subscriptions, support plans,
  contracts, salaries, amortization, commitment fees) continue on their own
  schedule, read from each fee's charge period: a fee *current* at ``as_of`` (its
  ``[start, end)`` began before ``as_of`` and did not end before it) is charged
  again, for the same amount, when its period ends, and then every period of the
  same length: whole months when the period runs from a first of the month to a
  first of the month (a monthly fee monthly, a quarterly contract quarterly, a
  yearly licence yearly), else the same duration. A fee whose last period ended
  before ``as_of`` is not renewed: it stopped, or its next charge is already in
  the data.
- **one-time** charges (purchases, adjustments, credits) are known or absent:
  they are never extrapolated, so their forecast is zero.

Both rules give exact numbers with no interval of their own; a forecast adds
them to the statistical forecast of the usage part (intervals widen only by
usage's uncertainty), and says which part came from which.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

RECURRING = "recurring"
ONE_TIME = "one_time"
USAGE = "usage"
FEE_COLUMNS = ("start", "end", "y")


def renewals(
    start: datetime | pd.Timestamp,
    end: datetime | pd.Timestamp,
    as_of: datetime | pd.Timestamp,
    until: datetime | pd.Timestamp,
) -> list[pd.Timestamp]:
    """When a fee charged for ``[start, end)`` is due again in ``[as_of, until)``: at
    ``end``, then every period of its length (see the module).

    >>> [d.date().isoformat() for d in renewals(
    ...     datetime(2026, 10, 1), datetime(2027, 1, 1), datetime(2026, 12, 20),
    ...     datetime(2027, 7, 2))]  # a quarterly contract
    ['2027-01-01', '2027-04-01', '2027-07-01']
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    as_of, until = pd.Timestamp(as_of), pd.Timestamp(until)
    if end <= start or end < as_of or start >= as_of:
        return []
    months = (end.year - start.year) * 12 + end.month - start.month
    monthly = _first_of_month(start) and _first_of_month(end)
    due: list[pd.Timestamp] = []
    step = 1
    at = end
    while at < until:
        due.append(at)
        at = end + pd.DateOffset(months=months * step) if monthly else at + (end - start)
        step += 1
    return due


def recurring_schedule(
    fees: pd.DataFrame,
    as_of: datetime | pd.Timestamp,
    until: datetime | pd.Timestamp,
    freq: str = "D",
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """The fees due in ``[as_of, until)``, summed per ``keys`` and period of ``freq``.

    ``fees`` has one row per recurring charge (``keys``…, ``start``, ``end``, ``y``);
    the result has ``keys``…, ``ds`` (the start of the period, at ``freq``: ``D``,
    ``h``, ``W-MON`` or ``MS``, that holds the renewal) and ``y``. Fees that are not
    current at ``as_of`` add nothing (see :func:`renewals`).

    >>> fees = pd.DataFrame({"start": [pd.Timestamp("2026-10-01")],
    ...                      "end": [pd.Timestamp("2026-11-01")], "y": [100.0]})
    >>> recurring_schedule(fees, "2026-10-20", "2027-01-01", "MS").to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'ds': [Timestamp('2026-11-01 00:00:00'), Timestamp('2026-12-01 00:00:00')],
     'y': [100.0, 100.0]}
    """
    keys = list(keys)
    missing = [c for c in (*keys, *FEE_COLUMNS) if c not in fees.columns]
    if missing:
        raise ValueError(f"fees lack the columns {missing}")
    rows: list[tuple[object, ...]] = []
    for record in fees.itertuples(index=False):
        values = record._asdict()
        amount = float(values["y"])
        if not amount:
            continue
        for at in renewals(values["start"], values["end"], as_of, until):
            rows.append((*(values[k] for k in keys), period_start(at, freq), amount))
    frame = pd.DataFrame(rows, columns=[*keys, "ds", "y"])
    if frame.empty:
        return frame.astype({"y": float})
    return frame.groupby([*keys, "ds"], as_index=False, sort=True)["y"].sum()


def period_start(at: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start of the ``freq`` period (``h``, ``D``, ``W-MON``, ``MS``) holding ``at``."""
    if freq.startswith("MS") or freq == "M":
        return at.normalize().replace(day=1)
    if freq.startswith("W"):
        day = at.normalize()
        return day - pd.Timedelta(days=day.weekday())
    if freq.lower() in ("h", "1h"):
        return at.floor("h")
    return at.normalize()


def _first_of_month(at: pd.Timestamp) -> bool:
    return bool(at.day == 1 and at == at.normalize())
