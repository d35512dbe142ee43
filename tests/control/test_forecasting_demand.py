"""GPU-hours demand forecast from usage samples, by GPU type, daily or hourly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infracast.control.forecasting import forecast, forecast_gpu_hours
from infracast.errors import ConfigError
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts as store
from tests.analytics.ledgers import add_charges, add_samples


@pytest.fixture
def fleet(ledger: Ledger) -> Ledger:
    """Three weeks, hour by hour from Mon 2026-01-05: an H100 busy 08:00-20:00 (12
    GPU-hours a day) and an L4 held all day at half (12 GPU-hours a day)."""
    add_charges(ledger, [
        {"ResourceId": "h1", "x_gpu_type": "H100", "cost": 1.0},
        {"ResourceId": "l1", "x_gpu_type": "L4", "cost": 1.0},
    ])  # fmt: skip
    rows = []
    for ts in pd.date_range("2026-01-05", periods=21 * 24, freq="h"):
        if 8 <= ts.hour < 20:
            rows.append({"ts": ts.isoformat(), "resource_id": "h1", "team": "research"})
        rows.append({"ts": ts.isoformat(), "resource_id": "l1", "share": 0.5, "team": "applied"})
    add_samples(ledger, rows)
    return ledger


def test_daily_gpu_hours_by_type_add_up_to_the_total(fleet: Ledger) -> None:
    result = forecast(fleet, demand="gpu_hours", by="gpu_type", horizon=7)
    assert result.kind == "gpu_hours" and result.scope["demand"] == "gpu_hours"
    wide = result.forecast.pivot(index="ds", columns="unique_id", values="yhat")
    assert list(wide.columns.sort_values()) == ["H100", "L4", "total"]
    np.testing.assert_allclose(wide["H100"] + wide["L4"], wide["total"], rtol=1e-6)
    np.testing.assert_allclose(wide["H100"], 12.0, atol=0.5)
    saved = store.get(fleet.con, result.forecast_id)
    assert saved is not None and saved["kind"] == "gpu_hours"


def test_hourly_demand_keeps_the_working_day(fleet: Ledger) -> None:
    result = forecast_gpu_hours(fleet, by="gpu_type", horizon=24, freq="h")
    h100 = result.forecast[result.forecast["unique_id"] == "H100"].set_index("ds")["yhat"]
    assert h100.index[0] == pd.Timestamp("2026-01-26 00:00")
    assert h100.loc["2026-01-26 12:00"] == pytest.approx(1.0, abs=0.2)
    assert h100.loc["2026-01-26 03:00"] == pytest.approx(0.0, abs=0.2)


def test_filters_are_refused_for_gpu_demand(fleet: Ledger) -> None:
    with pytest.raises(ConfigError, match="--filter selects charges"):
        forecast(fleet, demand="gpu_hours", filters=["team=research"])


def test_a_series_of_one_observation_is_carried_flat_and_the_others_are_forecast(
    fleet: Ledger,
) -> None:
    # A T4 held for 5 hours on the last day only: one daily observation (5 GPU-hours), too
    # short for any model; it is carried forward flat and the H100 and L4 are still forecast.
    add_charges(fleet, [{"ResourceId": "t1", "x_gpu_type": "T4", "cost": 1.0}])
    add_samples(fleet, [{"ts": f"2026-01-25T0{h}:00:00", "resource_id": "t1"} for h in range(5)])
    result = forecast_gpu_hours(fleet, by="gpu_type", horizon=3, store_it=False)
    t4 = result.forecast[result.forecast["unique_id"] == "T4"]
    assert list(t4["yhat"]) == [5.0, 5.0, 5.0] and list(t4["hi95"]) == [5.0, 5.0, 5.0]
    h100 = result.forecast[result.forecast["unique_id"] == "H100"]["yhat"]
    np.testing.assert_allclose(h100, 12.0, atol=0.5)
    assert any("one observation only" in n for n in result.notes)
