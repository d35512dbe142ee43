"""The carbon arithmetic (estimate/carbon.py) and region-aware energy in the estimators."""

from __future__ import annotations

import pytest

from infracast.catalog import accelerator
from infracast.estimate import inference, training
from infracast.estimate.carbon import (
    co2e_kg,
    gpu_carbon,
    gpu_kwh,
    kg_per_instance_hour,
    power_factor,
)
from infracast.estimate.defaults import Assumption, load_defaults
from infracast.estimate.energy import resolve_energy_settings


def test_power_factor_is_idle_plus_the_busy_share() -> None:
    assert power_factor(0.5) == 0.5  # idle 0: utilization x TDP
    # idle 0.1: 0.1 + 0.9 x 0.5 = 0.55
    assert power_factor(0.5, idle_fraction=0.1) == pytest.approx(0.55)
    assert power_factor(1.7) == 1.0 and power_factor(-0.2) == 0.0  # clipped to [0, 1]
    with pytest.raises(ValueError, match="idle_fraction"):
        power_factor(0.5, idle_fraction=1.5)


def test_kwh_and_kg_by_hand() -> None:
    # 8 H100 (700 W) for 10 h at half power, PUE 1.1: 700 x 8 x 10 x 0.5 x 1.1 / 1000 = 30.8
    assert gpu_kwh(700, 8, 10, 0.5, 1.1) == pytest.approx(30.8)
    # 30.8 kWh at 208.81 g/kWh: 30.8 x 208.81 / 1000 = 6.431348 kg
    assert co2e_kg(30.8, 208.81) == pytest.approx(6.431348)
    # one 8-GPU instance-hour at TDP, PUE 1.15, 323.05 g: 5600 x 1.15 x 323.05 / 1e6
    assert kg_per_instance_hour(700, 8, 1.15, 323.05) == pytest.approx(2.080442)


def test_unmeasured_gpu_hours_are_at_the_default_factor_and_say_so() -> None:
    # 20 GPU-h of 400 W, no utilization: 400 x 20 x 1.0 x 1.2 / 1000 = 9.6 kWh;
    # at 480 g: 9.6 x 480 / 1000 = 4.608 kg
    got = gpu_carbon(400, 20, 1.2, 480)
    assert (got.kwh, got.power_factor) == (pytest.approx(9.6), 1.0)
    assert got.co2e_kg == pytest.approx(4.608)
    assert got.assumptions == ("no utilization measured: power taken as 1 × TDP",)
    measured = gpu_carbon(400, 20, 1.2, 480, utilization=0.25)
    assert measured.kwh == pytest.approx(2.4) and measured.assumptions == ()  # 9.6 x 0.25


def _named(assumptions: list[Assumption], name: str) -> Assumption:
    return next(a for a in assumptions if a.name == name)


def test_energy_settings_take_the_region_and_the_provider_pue() -> None:
    settings, assumed = resolve_energy_settings(
        accelerator("H100"), load_defaults(), provider="gcp", region="europe-west4"
    )
    assert (settings.pue, settings.grid_intensity) == (1.10, 208.81)
    assert "Google Cloud's published PUE" in _named(assumed, "pue").source
    assert "region Google Cloud europe-west4, 2024" in _named(assumed, "grid_intensity").source


def test_energy_settings_without_a_place_keep_the_defaults() -> None:
    settings, assumed = resolve_energy_settings(accelerator("H100"), load_defaults())
    assert (settings.pue, settings.grid_intensity) == (1.2, 480)
    assert _named(assumed, "grid_intensity").source.startswith("default")


def test_a_country_region_falls_back_to_its_country() -> None:
    settings, assumed = resolve_energy_settings(accelerator("H100"), load_defaults(), region="FR")
    assert settings.grid_intensity == 56.04 and settings.pue == 1.2  # no provider: default PUE
    assert "country average FR" in _named(assumed, "grid_intensity").source


def test_given_figures_win_over_the_region() -> None:
    settings, _ = resolve_energy_settings(
        accelerator("H100"), load_defaults(), pue=1.3, grid_intensity=100, region="FR"
    )
    assert (settings.pue, settings.grid_intensity) == (1.3, 100)


def test_training_in_a_region_scales_co2e_by_its_grid() -> None:
    world = training(params="7B", tokens="2T", accelerator="H100", prices=[])
    placed = training(
        params="7B",
        tokens="2T",
        accelerator="H100",
        prices=[],
        provider="gcp",
        region="europe-west4",
    )
    assert world.energy.kwh is not None and placed.energy.kwh is not None
    # same hours; kWh scales by PUE 1.10 / 1.2, CO2e by (1.10 x 208.81) / (1.2 x 480)
    assert placed.energy.kwh == pytest.approx(world.energy.kwh * 1.10 / 1.2)
    assert placed.energy.co2e_kg == pytest.approx(
        world.energy.co2e_kg * (1.10 * 208.81) / (1.2 * 480)
    )


def test_inference_in_a_region_uses_its_grid() -> None:
    est = inference(
        params="8B",
        accelerator="H100",
        input_tokens=1000,
        output_tokens=200,
        requests_per_second=5,
        prices=[],
        region="us-east-1",
        provider="aws",
    )
    assert est.energy.settings.grid_intensity == 323.05 and est.energy.settings.pue == 1.15
