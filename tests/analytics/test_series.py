"""Series to forecast from the ledger: cost by dimensions and grain, split by the
structure of the cost, and GPU-hours demand, in the long format."""

from __future__ import annotations

import pandas as pd
import pytest

from infracast.analytics.series import cost_series, gpu_hours_series
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges, add_samples


def day(d: int, cost: float, **row: object) -> dict[str, object]:
    """A one-day charge on 2026-01-<d>."""
    return {
        "ChargePeriodStart": f"2026-01-{d:02d}T00:00",
        "ChargePeriodEnd": f"2026-01-{d + 1:02d}T00:00",
        "cost": cost,
        **row,
    }


def test_a_day_without_charges_is_a_zero_and_teams_are_series(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            day(1, 10, x_team="research"),
            day(1, 5, x_team="research"),  # two charges of one day add up: 15
            day(3, 7, x_team="research"),
            day(2, 4, x_team="infra"),
            day(3, 1, x_team="infra"),
        ],
    )
    series = cost_series(ledger, by="team", grain="day")
    frame = series.frame
    assert series.freq == "D"
    research = frame[frame.unique_id == "research"]
    assert research.y.tolist() == [15.0, 0.0, 7.0]  # Jan 2 had no charge: a zero
    assert research.ds.tolist() == list(pd.date_range("2026-01-01", periods=3, freq="D"))
    infra = frame[frame.unique_id == "infra"]
    assert infra.y.tolist() == [4.0, 1.0]  # starts at its first charge, ends with the data
    assert set(frame.columns) >= {"unique_id", "ds", "y", "team", "currency"}


def test_no_dimension_is_one_series_named_total(ledger: Ledger) -> None:
    add_charges(ledger, [day(1, 2, x_team="a"), day(2, 3, x_team="b")])
    frame = cost_series(ledger).frame
    assert frame.unique_id.unique().tolist() == ["total"]
    assert frame.y.tolist() == [2.0, 3.0]


def test_a_month_the_data_does_not_cover_to_its_end_is_left_out(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            {"ChargePeriodStart": "2026-01-01", "ChargePeriodEnd": "2026-02-01", "cost": 31},
            {"ChargePeriodStart": "2026-02-01", "ChargePeriodEnd": "2026-02-10", "cost": 9},
        ],
    )
    series = cost_series(ledger, grain="month")
    assert series.frame.y.tolist() == [31.0]
    assert "2026-02-01" in series.notes[0] and "left out" in series.notes[0]
    whole = cost_series(ledger, grain="month", complete=False)
    assert whole.frame.y.tolist() == [31.0, 9.0]


def test_parts_follow_charge_category_and_frequency(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            day(1, 10, ChargeFrequency="Usage-Based"),
            day(1, 100, ChargeCategory="Purchase", ChargeFrequency="One-Time"),
            day(1, 3, ChargeFrequency="Recurring"),
            day(2, 1, ChargeCategory="Tax", ChargeFrequency="Usage-Based"),
            day(2, 2, ChargeCategory="Adjustment", ChargeFrequency="Usage-Based"),
        ],
    )
    frame = cost_series(ledger, parts=True).frame
    got = {uid: g.y.tolist() for uid, g in frame.groupby("unique_id")}
    assert got == {
        "total/usage": [10.0, 1.0],  # usage and its tax
        "total/one_time": [100.0, 2.0],  # the purchase and the adjustment
        "total/recurring": [3.0, 0.0],
    }
    assert set(frame.part) == {"usage", "one_time", "recurring"}


def test_a_second_currency_is_a_series_of_its_own(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [day(1, 50, x_team="a"), day(1, 5, x_team="a", BillingCurrency="EUR")],
    )
    series = cost_series(ledger, by="team")
    assert sorted(series.frame.unique_id) == ["a", "a (EUR)"]
    assert "EUR" in series.notes[0]


def test_a_period_in_by_is_refused_with_the_grain_to_use(ledger: Ledger) -> None:
    with pytest.raises(QueryError, match="is a period") as caught:
        cost_series(ledger, by="team,month")
    assert "grain=month" in (caught.value.hint or "")
    with pytest.raises(QueryError, match='unknown grain "hour"'):
        cost_series(ledger, grain="hour")


def test_gpu_hours_add_the_share_held_by_gpu_type(ledger: Ledger) -> None:
    add_charges(ledger, [day(1, 10, ResourceId="node-1", x_gpu_type="H100-SXM")])
    add_samples(
        ledger,
        [
            # two GPUs of node-1 held for an hour on Jan 1, one of them half (MIG): 1.5 h
            {"ts": "2026-01-01T00:00", "resource_id": "node-1", "gpu_index": 0},
            {"ts": "2026-01-01T00:00", "resource_id": "node-1", "gpu_index": 1, "share": 0.5},
            # Jan 2: 2 samples of 30 min: 1 h; node-2 has no GPU charge: type (none)
            {"ts": "2026-01-02T00:00", "resource_id": "node-1", "interval_s": 1800.0},
            {"ts": "2026-01-02T00:30", "resource_id": "node-1", "interval_s": 1800.0},
            {"ts": "2026-01-02T00:00", "resource_id": "node-2", "team": "research"},
        ],
    )
    frame = gpu_hours_series(ledger, grain="day", complete=False).frame
    got = {uid: g.y.tolist() for uid, g in frame.groupby("unique_id")}
    assert got == {"H100-SXM": [1.5, 1.0], "(none)": [1.0]}
    by_team = gpu_hours_series(ledger, by="team", complete=False).frame
    assert sorted(by_team.unique_id.unique()) == ["(none)", "research"]
    with pytest.raises(QueryError, match='unknown GPU demand dimension "provider"'):
        gpu_hours_series(ledger, by="provider")
