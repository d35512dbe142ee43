"""Build or buy: own and run GPU servers, or rent the same GPU-hours.

The owned side is :mod:`infracast.estimate.ownership` (inputs, defaults and
the yearly cost at a utilization u). With H = GPUs × hours a year, the owned
cost per GPU-hour is cost(u) / H and per **useful** GPU-hour cost(u) / (H·u).
cost(u) = A + B·u is linear in u: A holds depreciation, maintenance, staff,
facilities and the idle part of energy; B the energy that grows with load.

A rental option (a :class:`~infracast.catalog.models.PriceOption`) at r per
GPU-hour costs, per useful GPU-hour:

- pay-per-use (on-demand, spot, observed): r / f, with f the useful fraction
  of rented hours (default 1.0 on-demand, 0.9 spot): you rent only what you use;
- reserved (commit_1y, commit_3y): r / u, since every reserved hour is paid,
  used or not, like an owned one.

Break-even utilization u*, where the two are equal, solved exactly:

- pay-per-use: A + B·u = (r/f)·H·u  →  u* = A / ((r/f)·H − B); owning is cheaper above u*;
- reserved: A + B·u = r·H  →  u* = (r·H − A) / B; owning is cheaper below u*
  (only the load-dependent energy differs with u).

When u* is outside (0, 1] there is no break-even: owning is cheaper at every
utilization ("always") or at none ("never").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from infracast.catalog.models import PriceOption
from infracast.estimate._tco import TCO, CapexItem, OpexStream, tco
from infracast.estimate.money import cents, same_currency
from infracast.estimate.ownership import OwnedFleet, ResolvedFleet, resolve, yearly_cost

RESERVED = ("commit_1y", "commit_3y")
PER_HOUR = Decimal("0.0001")
Cheaper = Literal["above", "below", "always", "never"]


def _hourly(value: Decimal) -> Decimal:
    return value.quantize(PER_HOUR)


@dataclass(frozen=True)
class OwnedCost:
    """The owned fleet over the horizon, at its utilization."""

    gpus: int
    utilization: Decimal
    annual_by_category: dict[str, Decimal]  # compute, support, people, facilities, energy
    annual_total: Decimal
    gpu_hours_per_year: Decimal
    useful_gpu_hours_per_year: Decimal
    cost_per_gpu_hour: Decimal
    cost_per_useful_gpu_hour: Decimal
    total: Decimal  # over the horizon, capex as depreciation
    tco: TCO  # by year, capex both as cash and as depreciation

    def to_dict(self) -> dict[str, Any]:
        return {
            "gpus": self.gpus,
            "utilization": self.utilization,
            "annual_by_category": {k: v for k, v in self.annual_by_category.items()},
            "annual_total": self.annual_total,
            "gpu_hours_per_year": self.gpu_hours_per_year,
            "useful_gpu_hours_per_year": self.useful_gpu_hours_per_year,
            "cost_per_gpu_hour": self.cost_per_gpu_hour,
            "cost_per_useful_gpu_hour": self.cost_per_useful_gpu_hour,
            "total": self.total,
            "tco": self.tco.to_dict(),
        }


@dataclass(frozen=True)
class RentalComparison:
    """One rental option against the owned fleet, for the same useful GPU-hours."""

    option: str  # PriceOption.describe()
    pricing_model: str
    price_per_gpu_hour: Decimal
    useful_fraction: str  # a number, or "utilization" for reserved capacity
    cost_per_useful_gpu_hour: Decimal
    total: Decimal  # over the horizon, for the owned fleet's useful GPU-hours
    owning_saves: Decimal  # total − owned total (negative: renting is cheaper)
    break_even_utilization: float | None
    owning_cheaper: Cheaper
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "pricing_model": self.pricing_model,
            "price_per_gpu_hour": self.price_per_gpu_hour,
            "useful_fraction": self.useful_fraction,
            "cost_per_useful_gpu_hour": self.cost_per_useful_gpu_hour,
            "total": self.total,
            "owning_saves": self.owning_saves,
            "break_even_utilization": self.break_even_utilization,
            "owning_cheaper": self.owning_cheaper,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class BuildVsBuy:
    """Owning against each rental option: costs per (useful) GPU-hour, totals, break-evens."""

    currency: str
    horizon_years: int
    owned: OwnedCost
    rentals: tuple[RentalComparison, ...]
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, ``snake_case`` keys in a fixed order; amounts stay Decimal
        (the CLI writes them as exact JSON numbers)."""
        return {
            "currency": self.currency,
            "horizon_years": self.horizon_years,
            "owned": self.owned.to_dict(),
            "rentals": [r.to_dict() for r in self.rentals],
            "assumptions": list(self.assumptions),
        }


def build_vs_buy(fleet: OwnedFleet, rentals: Sequence[PriceOption] = ()) -> BuildVsBuy:
    """Compare owning ``fleet`` with renting its useful GPU-hours from each of ``rentals``."""
    r = resolve(fleet)
    u = r["utilization"]
    years = r.horizon_years
    year = yearly_cost(r, u)
    hours = r.gpus * r["hours_per_year"]
    owned_tco = _owned_tco(r, years)
    owned = OwnedCost(
        gpus=r.gpus,
        utilization=u,
        annual_by_category={k: cents(v) for k, v in year.by_category().items()},
        annual_total=cents(year.total),
        gpu_hours_per_year=hours,
        useful_gpu_hours_per_year=hours * u,
        cost_per_gpu_hour=_hourly(year.total / hours),
        cost_per_useful_gpu_hour=_hourly(year.total / (hours * u)),
        total=owned_tco.total_depreciation,
        tco=owned_tco,
    )
    fixed = year.total - (year.energy - year.energy_idle)  # A: cost at zero utilization
    per_unit_u = (year.energy - year.energy_idle) / u  # B: energy per unit of utilization
    notes = list(_owned_assumptions(r, years))
    comparisons = []
    for option in rentals:
        same_currency(r.fleet.currency, option.currency, f"rental {option.describe()}")
        if r.fleet.accelerator and option.accelerator != r.fleet.accelerator:
            notes.append(
                f"{option.describe()} rents {option.accelerator}, the fleet has "
                f"{r.fleet.accelerator}: the comparison is not like for like."
            )
        comparisons.append(_compare(option, r, owned, fixed, per_unit_u, hours, years))
    return BuildVsBuy(r.fleet.currency, years, owned, tuple(comparisons), tuple(notes))


def _owned_tco(r: ResolvedFleet, years: int) -> TCO:
    """The fleet's lifecycle: capex (both views) and yearly opex at its utilization."""
    year = yearly_cost(r, r["utilization"])
    capex = r.capex
    streams = [
        OpexStream(name="maintenance", category="support", per_year=year.maintenance),
        OpexStream(name="staff", category="people", per_year=year.staff),
        OpexStream(name="facilities", category="facilities", per_year=year.facilities),
        OpexStream(name="energy", category="energy", per_year=year.energy),
    ]
    purchase = CapexItem(
        name=f"{r.fleet.servers} × {r.fleet.server_name}",
        amount=capex,
        life_months=r.life_months,
        salvage=capex * r["salvage_pct"] / 100,
    )
    return tco(currency=r.fleet.currency, years=years, capex=[purchase], opex=streams)


def _useful_fraction(option: PriceOption, r: ResolvedFleet) -> Decimal | None:
    """f of a pay-per-use option; None for reserved capacity (paid whether used or not)."""
    if option.pricing_model in RESERVED:
        return None
    if option.pricing_model == "spot":
        return r["spot_useful_fraction"]
    return r["on_demand_useful_fraction"]


def _compare(
    option: PriceOption,
    r: ResolvedFleet,
    owned: OwnedCost,
    fixed: Decimal,
    per_unit_u: Decimal,
    hours: Decimal,
    years: int,
) -> RentalComparison:
    price = option.price_per_accelerator_hour
    u = owned.utilization
    f = _useful_fraction(option, r)
    per_useful = price / u if f is None else price / f
    rental_total = cents(per_useful * owned.useful_gpu_hours_per_year * years)
    if f is None:
        # A + B·u = r·H: owning is cheaper below u*.
        yearly_rent = price * hours
        u_star = (yearly_rent - fixed) / per_unit_u if per_unit_u > 0 else None
        cheaper = _side(u_star, yearly_rent > fixed, below=True)
    else:
        # A + B·u = (r/f)·H·u: owning is cheaper above u*.
        slope = price / f * hours - per_unit_u
        u_star = fixed / slope if slope > 0 else None
        cheaper = _side(u_star, slope > 0 and fixed == 0, below=False)
    in_range = cheaper in ("above", "below")
    return RentalComparison(
        option=option.describe(),
        pricing_model=option.pricing_model,
        price_per_gpu_hour=_hourly(price),
        useful_fraction="utilization" if f is None else str(f),
        cost_per_useful_gpu_hour=_hourly(per_useful),
        total=rental_total,
        owning_saves=rental_total - owned.total,
        break_even_utilization=round(float(u_star), 4) if in_range and u_star is not None else None,
        owning_cheaper=cheaper,
        verdict=_verdict(option, cheaper, u_star, owned, per_useful),
    )


def _side(u_star: Decimal | None, always_if_none: bool, *, below: bool) -> Cheaper:
    """Where owning is cheaper, given the break-even u* (None: the lines never cross)."""
    if u_star is None:
        return "always" if always_if_none else "never"
    if below:
        return "never" if u_star <= 0 else ("always" if u_star >= 1 else "below")
    return "always" if u_star <= 0 else ("never" if u_star > 1 else "above")


def _verdict(
    option: PriceOption, cheaper: Cheaper, u_star: Decimal | None, owned: OwnedCost, rent: Decimal
) -> str:
    at = f"{float(owned.utilization):.0%}"
    now = "cheaper" if owned.cost_per_useful_gpu_hour < _hourly(rent) else "dearer"
    head = (
        f"At {at} utilization owning costs {owned.cost_per_useful_gpu_hour} per useful GPU-hour, "
        f"{now} than {option.pricing_model} at {_hourly(rent)}"
    )
    if cheaper == "above":
        return f"{head}; owning wins above {float(u_star or 0):.1%} utilization."
    if cheaper == "below":
        return (
            f"{head}; owning wins below {float(u_star or 0):.1%} utilization "
            "(reserved hours are paid whether used or not; only energy grows with use)."
        )
    if cheaper == "always":
        return f"{head}; owning wins at every utilization in (0, 100%]: no break-even."
    return f"{head}; renting wins at every utilization in (0, 100%]: no break-even."


def _owned_assumptions(r: ResolvedFleet, years: int) -> list[str]:
    f = r.fleet
    out = [
        f"Fleet: {f.servers} × {f.server_name} ({r.gpus} {f.accelerator or 'GPU'}s) at "
        f"{f.server_price} {f.currency} each ({f.price_source}), "
        f"{f.server_power_kw} kW rated each.",
        f"Compared over {years} years; capex as straight-line depreciation over "
        f"{r['life_years']} years (the TCO shows the cash view too).",
        "Owned costs per useful GPU-hour divide by the utilization; rentals are priced for the "
        "same useful GPU-hours.",
        "Energy draw rises linearly from the idle fraction of rated power at 0% utilization "
        "to rated power at 100%.",
        "Staff is fractional: servers / servers_per_fte FTEs.",
        *r.defaults_used,
    ]
    if "facilities_per_rack_month" in r.values:
        out.append(
            f"Facilities priced per rack: {r['servers_per_rack']} servers a rack, racks rounded up."
        )
    return out
