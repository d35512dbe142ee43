"""The carbon arithmetic: energy of GPU-hours and its emissions.

For GPUs rented in a cloud (the provider bills hours, not kWh)::

    power factor f = idle + (1 − idle) × u            (fraction of TDP drawn)
    kWh            = TDP_W × GPUs × hours × f × PUE / 1000
    kg CO2e        = kWh × grid intensity (gCO2e/kWh) / 1000

``u`` is the GPUs' mean utilization (0..1) over the hours; ``idle`` the fraction of TDP a
GPU draws at zero utilization. The default idle fraction is **0**: power is taken as
utilization × TDP, because no vendor publishes an idle draw we can cite per part (measured
idle draw of data-centre GPUs is roughly a tenth of TDP, so measured-but-idle GPUs are
undercounted a little). Where no utilization was measured, ``f`` is the estimators'
``energy.power_fraction_of_tdp`` (1.0: Meta's Llama model cards count training at TDP), and
the result says so in its ``assumptions``.

For on-premises energy charges the ledger already holds the kWh (power × utilization ×
hours × PUE, measured from power samples where they exist; see
:mod:`infracast.ledger.assets`), so only the last line applies.

Only accelerators are counted, scaled by the facility's PUE; host CPUs, memory and
networking are not (as in :mod:`infracast.estimate.energy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_IDLE_FRACTION = 0.0


def power_factor(utilization: float, idle_fraction: float = DEFAULT_IDLE_FRACTION) -> float:
    """The fraction of TDP drawn at ``utilization``: idle + (1 − idle) × u, u clipped to
    [0, 1]."""
    if not 0.0 <= idle_fraction <= 1.0:
        raise ValueError(f"idle_fraction must be within [0, 1], got {idle_fraction}")
    u = min(max(utilization, 0.0), 1.0)
    return idle_fraction + (1.0 - idle_fraction) * u


def gpu_kwh(tdp_w: float, gpus: float, hours: float, factor: float, pue: float) -> float:
    """kWh of ``gpus`` accelerators of ``tdp_w`` watts for ``hours`` at power ``factor``,
    with the facility overhead ``pue``: TDP × GPUs × hours × f × PUE / 1000."""
    return tdp_w * gpus * hours * factor * pue / 1000.0


def co2e_kg(kwh: float, gco2e_per_kwh: float) -> float:
    """kg CO2e of ``kwh`` at a grid of ``gco2e_per_kwh``: kWh × g / 1000."""
    return kwh * gco2e_per_kwh / 1000.0


def kg_per_instance_hour(
    tdp_w: float, gpus_per_instance: float, pue: float, gco2e_per_kwh: float, factor: float = 1.0
) -> float:
    """kg CO2e of one instance-hour: ``co2e_kg(gpu_kwh(tdp, gpus, 1, f, PUE), g)``."""
    return co2e_kg(gpu_kwh(tdp_w, gpus_per_instance, 1.0, factor, pue), gco2e_per_kwh)


@dataclass(frozen=True)
class GpuCarbon:
    """kWh and kg CO2e of a block of GPU-hours, and what was assumed to get them."""

    kwh: float
    co2e_kg: float
    power_factor: float
    assumptions: tuple[str, ...] = field(default=())


def gpu_carbon(
    tdp_w: float,
    gpu_hours: float,
    pue: float,
    gco2e_per_kwh: float,
    utilization: float | None = None,
    *,
    default_factor: float = 1.0,
    idle_fraction: float = DEFAULT_IDLE_FRACTION,
) -> GpuCarbon:
    """kWh and kg CO2e of ``gpu_hours`` (GPUs × hours) on parts of ``tdp_w`` (module
    docstring); ``utilization`` None: ``default_factor`` of TDP, listed as an assumption."""
    notes: list[str] = []
    if utilization is None:
        factor = default_factor
        notes.append(f"no utilization measured: power taken as {factor:g} × TDP")
    else:
        factor = power_factor(utilization, idle_fraction)
    kwh = gpu_kwh(tdp_w, gpu_hours, 1.0, factor, pue)
    return GpuCarbon(kwh, co2e_kg(kwh, gco2e_per_kwh), factor, tuple(notes))
