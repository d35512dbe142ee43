"""kWh and kg CO2e of the ledger's charges: cloud GPU usage and on-premises energy."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from infracast.analytics import costs
from infracast.analytics.carbon import (
    DEFAULT_PUE,
    UNMEASURED_POWER_FRACTION,
    carbon_assumptions,
    carbon_rows,
)
from infracast.estimate.defaults import load_defaults
from infracast.ledger.connection import Ledger

TEN_HOURS = {"ChargePeriodStart": "2026-01-05T00:00", "ChargePeriodEnd": "2026-01-05T10:00"}

# c1 AWS us-east-1, 2 H100-SXM (700 W) for 10 h = 20 GPU-h, team a. Two samples cover
#    the 10 h (36,000 s) at 50 %: busy 2 x 0.5 x 36,000 = 36,000 of 72,000 GPU-s, u = 0.5.
#    kWh = 700 x 20 x 0.5 x PUE 1.15 (AWS) / 1000 = 8.05;
#    kg  = 8.05 x 323.05 (us-east-1) / 1000 = 2.6005525.
# c2 Google Cloud europe-west4, 1 A100-80GB (400 W) for 10 h, team b, no samples: at TDP.
#    kWh = 400 x 10 x 1.0 x PUE 1.10 / 1000 = 4.4; kg = 4.4 x 208.81 / 1000 = 0.918764.
# c3 On-premises energy in us-west, 100 kWh (PUE already in), team a:
#    kg = 100 x 385.98 (US country average) / 1000 = 38.598.
# c4 the on-premises amortization of 8 H100 (80 GPU-h): no figure (its energy is c3).
# c5 AWS storage, team b: no figure.
CHARGES: list[dict[str, Any]] = [
    {
        **TEN_HOURS,
        "ServiceProviderName": "AWS",
        "RegionId": "us-east-1",
        "ResourceId": "i-1",
        "x_gpu_type": "H100-SXM",
        "x_gpu_count": 2,
        "x_gpu_hours": 20.0,
        "x_team": "a",
        "cost": 100,
    },
    {
        **TEN_HOURS,
        "ServiceProviderName": "Google Cloud",
        "RegionId": "europe-west4",
        "ResourceId": "g-1",
        "x_gpu_type": "A100-80GB",
        "x_gpu_count": 1,
        "x_gpu_hours": 10.0,
        "x_team": "b",
        "cost": 30,
    },
    {
        **TEN_HOURS,
        "ServiceProviderName": "On-premises (sjc)",
        "RegionId": "us-west",
        "ResourceId": "srv-1",
        "x_source": "asset",
        "x_cost_category": "energy",
        "ConsumedQuantity": 100,
        "ConsumedUnit": "kWh",
        "x_team": "a",
        "cost": 14,
    },
    {
        **TEN_HOURS,
        "ServiceProviderName": "On-premises (sjc)",
        "RegionId": "us-west",
        "ResourceId": "srv-1",
        "x_source": "asset",
        "x_gpu_type": "H100-SXM",
        "x_gpu_count": 8,
        "x_gpu_hours": 80.0,
        "x_team": "a",
        "cost": 500,
    },
    {
        **TEN_HOURS,
        "ServiceProviderName": "AWS",
        "RegionId": "us-east-1",
        "x_cost_category": "storage",
        "x_team": "b",
        "cost": 5,
    },
]
SAMPLES = [
    {"ts": "2026-01-05T00:00", "resource_id": "i-1", "gpu_index": g, "utilization": 0.5}
    for g in (0, 1)
]


@pytest.fixture
def ledger(make_ledger: Callable[..., Ledger]) -> Ledger:
    led = make_ledger(charges=CHARGES)
    for s in SAMPLES:  # one sample per GPU covering the whole 10 h
        led.con.execute(
            "INSERT INTO usage_samples (ts, resource_id, gpu_index, utilization, interval_s, "
            "share, x_ingest_id) VALUES (?::TIMESTAMP, ?, ?, ?, 36000, 1, 2)",
            [s["ts"], s["resource_id"], s["gpu_index"], s["utilization"]],
        )
    return led


def _per_resource(ledger: Ledger) -> dict[tuple[str | None, float | None], dict[str, Any]]:
    backend = ledger.ibis()
    rows, _ = carbon_rows(backend.table("charges"), backend.table("usage_samples"))
    out = rows.select("ResourceId", "x_gpu_hours", "x_cost_category", "kwh", "co2e_kg")
    return {(r["ResourceId"], r["x_gpu_hours"]): r for r in out.to_pyarrow().to_pylist()}


def test_measured_cloud_gpu_charge(ledger: Ledger) -> None:
    c1 = _per_resource(ledger)[("i-1", 20.0)]
    assert c1["kwh"] == pytest.approx(8.05)
    assert c1["co2e_kg"] == pytest.approx(2.6005525)


def test_unmeasured_cloud_gpu_charge_is_at_tdp(ledger: Ledger) -> None:
    c2 = _per_resource(ledger)[("g-1", 10.0)]
    assert c2["kwh"] == pytest.approx(4.4)
    assert c2["co2e_kg"] == pytest.approx(0.918764)


def test_onprem_energy_charge_uses_its_kwh_and_the_site_grid(ledger: Ledger) -> None:
    rows = _per_resource(ledger)
    assert rows[("srv-1", None)]["kwh"] == pytest.approx(100.0)
    assert rows[("srv-1", None)]["co2e_kg"] == pytest.approx(38.598)
    # the amortization row of the same server carries no figure: no double count
    assert rows[("srv-1", 80.0)]["kwh"] is None and rows[("srv-1", 80.0)]["co2e_kg"] is None
    assert rows[(None, None)]["kwh"] is None  # storage


def test_costs_with_carbon_by_team(ledger: Ledger) -> None:
    rows = {r["team"]: r for r in costs(ledger, by=["team"], with_carbon=True)}
    # a: 8.05 + 100 = 108.05 kWh; 2.6005525 + 38.598 = 41.1985525 kg; cost 100 + 14 + 500
    assert rows["a"]["kwh"] == pytest.approx(108.05)
    assert rows["a"]["co2e_kg"] == pytest.approx(41.1985525)
    assert rows["a"]["effective_cost"] == Decimal(614)
    # b: only c2 counts (storage has none): 4.4 kWh, 0.918764 kg
    assert rows["b"]["kwh"] == pytest.approx(4.4)
    assert rows["b"]["co2e_kg"] == pytest.approx(0.918764)
    assert list(rows["b"]) == [
        "team",
        "billed_cost",
        "effective_cost",
        "currency",
        "kwh",
        "co2e_kg",
    ]


def test_costs_without_the_flag_keep_their_contract(ledger: Ledger) -> None:
    (row,) = costs(ledger)
    assert list(row) == ["billed_cost", "effective_cost", "currency"]


def test_costs_with_carbon_respects_filters(ledger: Ledger) -> None:
    (row,) = costs(ledger, filters=["provider=AWS"], with_carbon=True)
    assert row["co2e_kg"] == pytest.approx(2.6005525)  # c1 only; c5 (storage) has none


def test_a_group_without_energy_has_null_figures(ledger: Ledger) -> None:
    rows = {r["cost_category"]: r for r in costs(ledger, by=["cost_category"], with_carbon=True)}
    assert rows["storage"]["kwh"] is None and rows["storage"]["co2e_kg"] is None


def test_assumptions_name_every_figure_and_its_source(ledger: Ledger) -> None:
    notes = carbon_assumptions(ledger.ibis().table("charges"))
    text = "\n".join(notes)
    assert "H100-SXM: TDP 700 W (NVIDIA H100 Tensor Core GPU datasheet (2023))" in text
    assert "PUE of AWS: 1.15" in text and "PUE of Google Cloud: 1.1" in text
    assert "On-premises (sjc) us-west: grid intensity 385.98 gCO2e/kWh (country average US" in text


def test_defaults_match_the_estimators() -> None:
    defaults = load_defaults()
    assert defaults.number("energy.pue") == DEFAULT_PUE
    assert defaults.number("energy.power_fraction_of_tdp") == UNMEASURED_POWER_FRACTION


def test_an_empty_ledger_gives_no_rows(make_ledger: Callable[..., Ledger]) -> None:
    assert costs(make_ledger(), by=["team"], with_carbon=True) == []
