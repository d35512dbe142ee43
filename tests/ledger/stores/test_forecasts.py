"""The forecasts store: a forecast kept once per input key with its points; an
anomaly kept once per scope, series and time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pytest

from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts


def _forecast(key: str = "k1") -> dict[str, Any]:
    return {
        "input_key": key,
        "kind": "cost",
        "scope": {"by": ["team"], "grain": "day"},
        "model": "auto",
        "params": {"n_windows": 3},
        "freq": "D",
        "horizon": 2,
        "levels": [80.0, 95.0],
        "train_start": datetime(2026, 1, 1),
        "train_end": datetime(2026, 3, 31),
        "series": 1,
        "backtest": {"research": {"model": "ets", "mase": 0.8}},
        "notes": ["a note"],
        "created_at": datetime(2026, 4, 1, 9),
    }


POINTS = [
    ("research", datetime(2026, 4, 1), "ets", 10.0, [8.0, 7.0], [12.0, 13.0]),
    ("research", datetime(2026, 4, 2), "ets", 11.0, [9.0, 8.0], [13.0, 14.0]),
]


def test_a_forecast_reads_back_with_its_points(ledger: Ledger) -> None:
    fid = forecasts.insert(ledger.con, _forecast(), POINTS)
    found = forecasts.find(ledger.con, "k1")
    assert found is not None and found["forecast_id"] == fid
    assert found["scope"] == {"by": ["team"], "grain": "day"}  # JSON back to Python data
    assert found["levels"] == [80.0, 95.0] and found["backtest"]["research"]["mase"] == 0.8
    points = forecasts.points(ledger.con, fid)
    assert [(p["yhat"], p["lo"], p["hi"]) for p in points] == [
        (10.0, [8.0, 7.0], [12.0, 13.0]),
        (11.0, [9.0, 8.0], [13.0, 14.0]),
    ]
    assert forecasts.find(ledger.con, "other") is None


def test_the_same_input_key_is_stored_once(ledger: Ledger) -> None:
    forecasts.insert(ledger.con, _forecast(), POINTS)
    with pytest.raises(duckdb.ConstraintException):
        forecasts.insert(ledger.con, _forecast(), POINTS)


def test_latest_lists_newest_first(ledger: Ledger) -> None:
    first = forecasts.insert(ledger.con, _forecast("a"), [])
    second = forecasts.insert(ledger.con, _forecast("b"), [])
    assert [f["forecast_id"] for f in forecasts.latest(ledger.con)] == [second, first]
    assert forecasts.latest(ledger.con, kind="gpu_hours") == []


def _anomaly(ds: datetime, **changes: Any) -> dict[str, Any]:
    return {
        "scope_key": "s",
        "scope": {"by": ["team"]},
        "unique_id": "research",
        "ds": ds,
        "y": 50.0,
        "expected": 10.0,
        "lo": 5.0,
        "hi": 15.0,
        "score": 8.0,
        "drivers": [{"dimension": "team", "value": "research", "change": 40.0, "share": 1.0}],
        "detected_at": datetime(2026, 4, 2),
        **changes,
    }


def test_an_anomaly_is_kept_once_and_only_new_ones_come_back(ledger: Ledger) -> None:
    day1, day2 = datetime(2026, 4, 1), datetime(2026, 4, 2)
    assert len(forecasts.add_anomalies(ledger.con, [_anomaly(day1)])) == 1
    again = forecasts.add_anomalies(ledger.con, [_anomaly(day1, score=9.0), _anomaly(day2)])
    assert [a["ds"] for a in again] == [day2]  # day 1 was stored: not new, not changed
    stored = forecasts.anomalies(ledger.con, "s")
    assert [(a["ds"], a["score"]) for a in stored] == [(day1, 8.0), (day2, 8.0)]
    assert stored[0]["drivers"][0]["change"] == 40.0


def test_an_alerted_anomaly_says_when(ledger: Ledger) -> None:
    day1 = datetime(2026, 4, 1)
    forecasts.add_anomalies(ledger.con, [_anomaly(day1)])
    forecasts.mark_alerted(ledger.con, "s", "research", day1, datetime(2026, 4, 2, 8))
    assert forecasts.anomalies(ledger.con)[0]["alerted_at"] == datetime(2026, 4, 2, 8)
