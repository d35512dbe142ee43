"""Recurring fees continue on their own schedule; nothing else is extrapolated by rule."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from infracast.forecast.structure import period_start, recurring_schedule, renewals


def test_a_monthly_fee_renews_on_the_first_of_each_month() -> None:
    due = renewals(
        datetime(2026, 10, 1), datetime(2026, 11, 1), datetime(2026, 10, 20), datetime(2027, 1, 1)
    )
    assert due == [datetime(2026, 11, 1), datetime(2026, 12, 1)]


def test_a_quarterly_contract_renews_each_quarter() -> None:
    # Oct–Dec covers Q4: it is due again on Jan 1, not within Q4
    due = renewals(
        datetime(2026, 10, 1), datetime(2027, 1, 1), datetime(2026, 10, 20), datetime(2027, 1, 1)
    )
    assert due == []
    assert renewals(
        datetime(2026, 10, 1), datetime(2027, 1, 1), datetime(2026, 10, 20), datetime(2027, 7, 1)
    ) == [datetime(2027, 1, 1), datetime(2027, 4, 1)]


def test_a_monthly_fee_from_the_31st_keeps_whole_months_from_its_end() -> None:
    # Jan 1 → Feb 1 renews on the 1st; months are counted from the first end, so a
    # short month never shifts the later dates
    due = renewals(
        datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 1, 31), datetime(2026, 5, 2)
    )
    assert due == [datetime(2026, m, 1) for m in (2, 3, 4, 5)]


def test_a_fee_of_days_renews_every_as_many_days() -> None:
    due = renewals(
        datetime(2026, 1, 1), datetime(2026, 1, 8), datetime(2026, 1, 5), datetime(2026, 1, 20)
    )
    assert due == [datetime(2026, 1, 8), datetime(2026, 1, 15)]


def test_a_fee_that_ended_before_as_of_is_not_renewed() -> None:
    stopped = renewals(
        datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 2, 2), datetime(2026, 3, 1)
    )
    assert stopped == []


def test_a_fee_ending_at_as_of_is_due_at_as_of() -> None:
    # as of Feb 1 00:00 the February fee is not in the data yet: January's renews
    assert renewals(
        datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 2, 1), datetime(2026, 3, 1)
    ) == [datetime(2026, 2, 1)]


def _fees(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [(team, pd.Timestamp(a), pd.Timestamp(b), y) for team, a, b, y in rows],
        columns=["team", "start", "end", "y"],
    )


def test_schedule_sums_fees_per_key_and_period() -> None:
    fees = _fees(
        ("research", "2026-10-01", "2026-11-01", 100.0),  # monthly: Nov 1, Dec 1
        ("research", "2026-10-01", "2027-01-01", 900.0),  # quarterly: Jan 1 (out of range)
        ("applied", "2026-10-15", "2026-10-22", 7.0),  # weekly: Oct 22, 29, Nov 5 …
        ("applied", "2026-09-01", "2026-10-01", 50.0),  # ended before as_of: stopped
    )
    daily = recurring_schedule(fees, "2026-10-20", "2026-12-02", "D", ["team"])
    research = daily[daily["team"] == "research"]
    assert research["y"].tolist() == [100.0, 100.0]
    applied = daily[daily["team"] == "applied"]
    assert applied["ds"].min() == pd.Timestamp("2026-10-22")
    assert applied["y"].sum() == 7.0 * 6  # Oct 22, 29, Nov 5, 12, 19, 26
    monthly = recurring_schedule(fees, "2026-10-20", "2026-12-02", "MS", ["team"])
    # Nov holds research's 100 and applied's Nov 5, 12, 19, 26 (4 × 7)
    november = monthly[monthly["ds"] == pd.Timestamp("2026-11-01")].set_index("team")["y"]
    assert november.to_dict() == {"applied": 28.0, "research": 100.0}


def test_schedule_of_no_fees_is_empty() -> None:
    empty = _fees()
    assert recurring_schedule(empty, "2026-01-01", "2026-02-01", "D", ["team"]).empty


def test_schedule_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="start"):
        recurring_schedule(pd.DataFrame({"y": [1.0]}), "2026-01-01", "2026-02-01")


@pytest.mark.parametrize(
    ("freq", "expected"),
    [("D", "2026-10-21"), ("h", "2026-10-21 13:00"), ("W-MON", "2026-10-19"), ("MS", "2026-10-01")],
)
def test_period_start_floors_to_the_grain(freq: str, expected: str) -> None:
    assert period_start(pd.Timestamp("2026-10-21 13:45"), freq) == pd.Timestamp(expected)
