"""Energy, its cost and its emissions.

    kWh   = accelerator-hours × power per accelerator (kW) × PUE
    power = TDP × power fraction (default), or the draw given
    cost  = kWh × price per kWh
    CO2e  = kWh × grid intensity (g/kWh) / 1000   (kg)

Only the accelerators' draw is counted (as Meta's model cards do), scaled by
the facility's PUE; host CPUs and networking are not. A part without a
published TDP (Google's TPUs) gets no energy figure unless its draw is given.

Where the estimate names where it runs (``provider`` and/or ``region``), the grid
intensity is that region's (else its country's, else the world average:
:func:`infracast.catalog.carbon.grid_intensity`) and the PUE the provider's published
figure (``data/provider_pue.csv``); the assumptions say which figure was used.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infracast.catalog.carbon import grid_intensity as grid_of
from infracast.catalog.carbon import provider_pue
from infracast.catalog.models import Accelerator
from infracast.estimate.defaults import Assumption, Defaults
from infracast.estimate.money import cents
from infracast.estimate.pricing import decimal_of


@dataclass(frozen=True)
class EnergySettings:
    """What turns accelerator-hours into kWh, money and CO2e."""

    power_w: float | None  # average draw per accelerator; None when unknown
    pue: float
    grid_intensity: float  # gCO2e per kWh
    price_per_kwh: Decimal
    currency: str


@dataclass(frozen=True)
class EnergyEstimate:
    """kWh, cost and CO2e; all None when the accelerator's power is unknown."""

    kwh: float | None
    cost: Decimal | None
    co2e_kg: float | None
    settings: EnergySettings

    def cost_json(self) -> dict[str, Any]:
        return {
            "total": self.cost,
            "currency": self.settings.currency,
            "price_per_kwh": self.settings.price_per_kwh,
        }


def resolve_energy_settings(
    accelerator: Accelerator,
    defaults: Defaults,
    *,
    power_w: float | None = None,
    pue: float | None = None,
    grid_intensity: float | None = None,
    price_per_kwh: Decimal | None = None,
    currency: str | None = None,
    provider: str | None = None,
    region: str | None = None,
) -> tuple[EnergySettings, list[Assumption]]:
    """The given values, the defaults for the rest, and the defaults listed as assumptions.

    ``provider`` / ``region`` (where the work runs) choose the provider's published PUE and
    the region's grid intensity instead of the defaults."""
    assumptions: list[Assumption] = []
    if power_w is None and accelerator.tdp_w is not None:
        fraction = defaults.number("energy.power_fraction_of_tdp")
        power_w = accelerator.tdp_w * fraction
        assumptions.append(
            Assumption(
                "accelerator_power_w",
                power_w,
                f"{accelerator.name} TDP {accelerator.tdp_w:g} W ({accelerator.source}) × "
                f"{fraction:g}: " + defaults.entry("energy.power_fraction_of_tdp").source,
            )
        )
    elif power_w is None:
        assumptions.append(
            Assumption(
                "accelerator_power_w",
                None,
                f"{accelerator.name} has no published TDP in the catalog, so energy, its cost "
                "and CO2e are not estimated; give accelerator_power_w to get them",
            )
        )
    published = provider_pue(provider) if pue is None else None
    if published is not None:
        pue = published.pue
        assumptions.append(
            Assumption(
                "pue",
                pue,
                f"{published.provider}'s published PUE ({published.scope}, {published.year}): "
                + published.source,
            )
        )
    elif pue is None:
        pue = defaults.number("energy.pue")
        assumptions.append(defaults.assumption("energy.pue"))
    if grid_intensity is None and (provider or region):
        grid = grid_of(provider, region)
        grid_intensity = grid.gco2e_per_kwh
        assumptions.append(Assumption("grid_intensity", grid_intensity, grid.describe()))
    elif grid_intensity is None:
        grid_intensity = defaults.number("energy.grid_intensity")
        assumptions.append(defaults.assumption("energy.grid_intensity"))
    if price_per_kwh is None:
        price_per_kwh = defaults.decimal("energy.price_per_kwh")
        currency = currency or defaults.text("energy.currency")
        assumptions.append(
            defaults.assumption("energy.price_per_kwh", f"{price_per_kwh} {currency}/kWh")
        )
    settings = EnergySettings(
        power_w=power_w,
        pue=pue,
        grid_intensity=grid_intensity,
        price_per_kwh=price_per_kwh,
        currency=(currency or defaults.text("energy.currency")).upper(),
    )
    return settings, assumptions


def energy(accelerator_hours: float, settings: EnergySettings) -> EnergyEstimate:
    """kWh, cost and CO2e of ``accelerator_hours`` at the settings' power per accelerator."""
    if settings.power_w is None:
        return EnergyEstimate(None, None, None, settings)
    kwh = accelerator_hours * settings.power_w / 1000.0 * settings.pue
    return EnergyEstimate(
        kwh=kwh,
        cost=cents(decimal_of(kwh) * settings.price_per_kwh),
        co2e_kg=kwh * settings.grid_intensity / 1000.0,
        settings=settings,
    )
