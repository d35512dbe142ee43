"""Energy (kWh) and emissions (kg CO2e) of the ledger's charges, as Ibis expressions.

Two kinds of charge carry energy (the formulas are those of
:mod:`infracast.estimate.carbon`):

- **cloud GPU usage**: a Usage charge with ``x_gpu_hours > 0`` that is not generated from
  the asset register (``x_source <> 'asset'``)::

      f       = idle + (1 − idle) × u      (u: the charge's measured GPU utilization, as
                                            ``infracast gpu`` measures it; idle 0 by default)
              = unmeasured_power_fraction  (1.0, TDP) where no sample read utilization
      kWh     = TDP_W(x_gpu_type) × x_gpu_hours × f × PUE(provider) / 1000

  TDP from the catalog (``data/accelerators.csv``), PUE the provider's published figure
  (``data/provider_pue.csv``), else ``default_pue``. A GPU type without a published TDP
  (Google's TPUs) or unknown to the catalog gets no figure.
- **on-premises energy**: a charge of cost category ``energy`` in ``kWh`` (the asset
  register's, power × utilization × hours × site PUE): kWh = ConsumedQuantity.

Then ``kg CO2e = kWh × grid intensity(provider, region) / 1000``, the intensity from
:func:`infracast.catalog.carbon.grid_intensity` (region, else country, else world). Other
charges (storage, network, the amortization of owned GPUs, whose energy is its own
charge) carry no figure: their ``kwh`` and ``co2e_kg`` are null, and a sum over them
counts only the charges that have one.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from infracast.analytics.scope import to_rows
from infracast.analytics.usage import gpu_charges, with_totals
from infracast.catalog._accelerators import find_accelerator
from infracast.catalog.carbon import grid_intensity, provider_pue

COLUMNS: tuple[str, ...] = ("kwh", "co2e_kg")
# The estimators' energy.pue (estimate_defaults.yaml): between Google's fleet 1.10 and the
# Uptime Institute's industry average 1.58. tests/analytics/test_carbon.py pins the match.
DEFAULT_PUE = 1.2
# The estimators' energy.power_fraction_of_tdp: Meta's Llama model cards count at TDP.
UNMEASURED_POWER_FRACTION = 1.0


@dataclass(frozen=True)
class CarbonFactors:
    """What turns the charges of a ledger into kWh and CO2e: one table per lookup, and a
    line per figure used (its source and year), for the result's assumptions."""

    tdp: ir.Table  # gpu_type -> tdp_w
    pue: ir.Table  # provider -> pue
    grid: ir.Table  # provider, region -> gco2e_per_kwh
    assumptions: tuple[str, ...]


def _provider(t: ir.Table) -> ir.StringValue:
    return ibis.coalesce(t.ServiceProviderName, t.ProviderName, ibis.literal(""))


def _region(t: ir.Table) -> ir.StringValue:
    return ibis.coalesce(t.RegionId, t.RegionName, ibis.literal(""))


def is_cloud_gpu(t: ir.Table) -> ir.BooleanValue:
    """Usage charges with GPU-hours that the asset register did not generate."""
    return (
        (t.x_gpu_hours > 0) & (t.x_source != "asset") & (t.ChargeCategory == "Usage")
    ).fill_null(False)


def is_energy(t: ir.Table) -> ir.BooleanValue:
    """Energy charges in kWh (the asset register's)."""
    return ((t.x_cost_category == "energy") & (t.ConsumedUnit.lower() == "kwh")).fill_null(False)


def carbon_factors(charges: ir.Table, *, default_pue: float = DEFAULT_PUE) -> CarbonFactors:
    """The TDP, PUE and grid tables for the providers, regions and GPU types of ``charges``
    that carry energy (this runs one small query to list them)."""
    rows = to_rows(
        charges.filter(is_cloud_gpu(charges) | is_energy(charges))
        .select(
            provider=_provider(charges),
            region=_region(charges),
            gpu_type=charges.x_gpu_type.fill_null(""),
            energy=is_energy(charges),
        )
        .distinct()
    )
    notes: list[str] = []
    tdp: dict[str, float] = {}
    for gpu in sorted({r["gpu_type"] for r in rows if not r["energy"]}):
        found = find_accelerator(gpu) if gpu else None
        if found is not None and found.tdp_w is not None:
            tdp[gpu] = float(found.tdp_w)
            notes.append(f"{gpu}: TDP {found.tdp_w:g} W ({found.source})")
        else:
            notes.append(
                f"GPU type {gpu or '(none)'}: no TDP in the catalog, so its GPU-hours carry "
                "no energy figure"
            )
    pues: dict[str, float] = {}
    for provider in sorted({r["provider"] for r in rows if not r["energy"]}):
        published = provider_pue(provider)
        pues[provider] = published.pue if published else default_pue
        notes.append(
            f"PUE of {provider or '(no provider)'}: {published.pue:g} ({published.scope}, "
            f"{published.year}): {published.source}"
            if published
            else f"PUE of {provider or '(no provider)'}: {default_pue:g}, the estimators' "
            "default (no published figure)"
        )
    grid: dict[tuple[str, str], float] = {}
    for provider, region in sorted({(r["provider"], r["region"]) for r in rows}):
        found_grid = grid_intensity(provider, region)
        grid[(provider, region)] = found_grid.gco2e_per_kwh
        notes.append(
            f"{provider or '(no provider)'} {region or '(no region)'}: " + found_grid.describe()
        )
    if any(not r["energy"] for r in rows):
        notes.append(
            "cloud GPU power = utilization × TDP where samples measured it, else "
            f"{UNMEASURED_POWER_FRACTION:g} × TDP; accelerators only, scaled by PUE"
        )
    return CarbonFactors(
        tdp=ibis.memtable(
            {"cf_gpu_type": list(tdp), "cf_tdp_w": list(tdp.values())},
            schema={"cf_gpu_type": "string", "cf_tdp_w": "float64"},
        ),
        pue=ibis.memtable(
            {"cf_pue_provider": list(pues), "cf_pue": list(pues.values())},
            schema={"cf_pue_provider": "string", "cf_pue": "float64"},
        ),
        grid=ibis.memtable(
            {
                "cf_grid_provider": [p for p, _ in grid],
                "cf_grid_region": [r for _, r in grid],
                "cf_gco2e_per_kwh": list(grid.values()),
            },
            schema={
                "cf_grid_provider": "string",
                "cf_grid_region": "string",
                "cf_gco2e_per_kwh": "float64",
            },
        ),
        assumptions=tuple(notes),
    )


def with_carbon(
    charges: ir.Table,
    samples: ir.Table,
    factors: CarbonFactors,
    *,
    idle_fraction: float = 0.0,
    unmeasured_power_fraction: float = UNMEASURED_POWER_FRACTION,
) -> ir.Table:
    """``charges`` (every row, one per charge) with ``kwh`` and ``co2e_kg`` (module
    docstring; null on charges that carry no energy)."""
    keyed = charges.mutate(cf_provider=_provider(charges), cf_region=_region(charges))
    rows = with_totals(keyed, samples, measured=gpu_charges(keyed.filter(is_cloud_gpu(keyed))))
    capacity = rows.capacity_s
    measured = ((rows.utilization_samples > 0) & (capacity > 0)).fill_null(False)
    over = (rows.held_s > capacity).fill_null(False)
    scale = ibis.ifelse(over, capacity / rows.held_s, 1.0)
    u = (rows.busy_s.fill_null(0.0) * scale / capacity).clip(lower=0.0, upper=1.0)
    factor = ibis.ifelse(
        measured, idle_fraction + (1.0 - idle_fraction) * u, unmeasured_power_fraction
    )
    rows = rows.mutate(cf_factor=factor, cf_cloud=is_cloud_gpu(rows), cf_energy=is_energy(rows))
    rows = rows.left_join(factors.tdp, rows.x_gpu_type == factors.tdp.cf_gpu_type)
    rows = rows.left_join(factors.pue, rows.cf_provider == factors.pue.cf_pue_provider)
    rows = rows.left_join(
        factors.grid,
        [
            rows.cf_provider == factors.grid.cf_grid_provider,
            rows.cf_region == factors.grid.cf_grid_region,
        ],
    )
    gpu = rows.cf_tdp_w * rows.x_gpu_hours * rows.cf_factor * rows.cf_pue / 1000.0
    kwh = ibis.cases(
        (rows.cf_cloud, gpu),
        (rows.cf_energy, rows.ConsumedQuantity.cast("float64")),
        else_=ibis.null("float64"),
    )
    out = rows.mutate(kwh=kwh)
    out = out.mutate(co2e_kg=out.kwh * out.cf_gco2e_per_kwh / 1000.0)
    helpers = [c for c in out.columns if c.startswith("cf_")]
    return out.drop(*helpers, "held_s", "busy_s", "utilization_samples", "labelled_s", "capacity_s")


def carbon_rows(charges: ir.Table, samples: ir.Table) -> tuple[ir.Table, tuple[str, ...]]:
    """:func:`with_carbon` with the factors of ``charges``, and the assumptions behind it."""
    factors = carbon_factors(charges)
    return with_carbon(charges, samples, factors), factors.assumptions


def carbon_assumptions(charges: ir.Table) -> list[str]:
    """The figures (TDP, PUE, grid intensity: source and year) ``charges`` would use."""
    return list(carbon_factors(charges).assumptions)
