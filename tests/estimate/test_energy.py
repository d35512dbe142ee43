from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.estimate.defaults import Defaults
from infracast.estimate.energy import energy, resolve_energy_settings
from tests.estimate.conftest import GPU, NO_TDP


def test_energy_cost_and_co2e_by_hand(defaults: Defaults) -> None:
    settings, _ = resolve_energy_settings(GPU, defaults)
    # 1000 h × 700 W × 1.0 × PUE 1.2 = 840 kWh; × 0.08 USD = 67.20; × 480 g / 1000 = 403.2 kg
    result = energy(1000.0, settings)
    assert result.kwh == pytest.approx(840.0)
    assert result.cost == Decimal("67.20")
    assert result.co2e_kg == pytest.approx(403.2)


def test_given_values_win_and_are_not_listed_as_defaults(defaults: Defaults) -> None:
    settings, assumed = resolve_energy_settings(
        GPU, defaults, power_w=500, pue=1.1, grid_intensity=50, price_per_kwh=Decimal("0.20"),
        currency="eur",
    )  # fmt: skip
    # 100 h × 0.5 kW × 1.1 = 55 kWh; × 0.20 = 11.00 EUR; × 50 g = 2.75 kg
    result = energy(100.0, settings)
    assert (result.kwh, result.cost, result.co2e_kg) == (
        pytest.approx(55.0),
        Decimal("11.00"),
        pytest.approx(2.75),
    )
    assert result.settings.currency == "EUR"
    assert not {a.name for a in assumed} & {"pue", "grid_intensity", "price_per_kwh"}


def test_no_tdp_means_no_energy_and_an_assumption_saying_why(defaults: Defaults) -> None:
    settings, assumed = resolve_energy_settings(NO_TDP, defaults)
    assert energy(10.0, settings).kwh is None
    assert "no published TDP" in next(a.source for a in assumed if a.name == "accelerator_power_w")
