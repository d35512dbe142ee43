"""Owning GPU servers: the inputs, their documented defaults, and the yearly cost they imply.

Defaults live in ``data/ownership_defaults.csv`` with their unit, basis (sourced
or assumption) and source. An input left unset takes its default, and the
result's assumptions name every default used. Money defaults are in USD: a
fleet priced in another currency must give them (never mixed).

Yearly cost of a fleet of S servers of G GPUs, rated P kW each, at
utilization u (fraction of GPU-hours doing useful work):

- capex C = S × price × (1 + other_capex_pct/100); salvage V = C × salvage_pct/100
- depreciation (compute) = (C − V) / life_years
- maintenance (support) = C × maintenance_pct_per_year/100
- staff (people) = S / servers_per_fte × fte_annual_cost
- facilities = S × P × facilities_per_kw_month × 12, or racks × per_rack_month × 12
- energy = S × P × (idle + (1 − idle) × u) × hours_per_year × PUE × energy price
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infracast.catalog.models import ServerPrice
from infracast.errors import EstimateError
from infracast.estimate.money import currency_code
from infracast.validation import problem

DEFAULTS_FILE = "ownership_defaults.csv"
_MONEY_DEFAULTS = ("energy_price_per_kwh", "facilities_per_kw_month", "fte_annual_cost")


@dataclass(frozen=True)
class Default:
    """One default input: value, unit, whether it is sourced or an assumption, and its source."""

    name: str
    value: Decimal
    unit: str
    basis: str  # sourced (the value is taken from the cited source) | assumption
    source: str

    def describe(self) -> str:
        return f"{self.name} = {self.value} {self.unit} (default, {self.basis}: {self.source})"


@cache
def ownership_defaults() -> dict[str, Default]:
    """The defaults of :class:`OwnedFleet`, by input name, from the package data file."""
    text = resources.files("infracast.data").joinpath(DEFAULTS_FILE).read_text(encoding="utf-8")
    return {
        row["name"]: Default(
            row["name"], Decimal(row["value"]), row["unit"], row["basis"], row["source"]
        )
        for row in csv.DictReader(text.splitlines())
    }


class OwnedFleet(BaseModel):
    """GPU servers bought and run: price, power, and how they are hosted, staffed and used.

    Fields left ``None`` take their default from :func:`ownership_defaults`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    server_name: str = "GPU server"
    accelerator: str | None = None
    server_price: Decimal = Field(ge=0, description="purchase price of one server")
    currency: str
    gpus_per_server: int = Field(gt=0)
    server_power_kw: Decimal = Field(gt=0, description="rated (maximum) draw of one server, kW")
    servers: int = Field(default=1, gt=0)
    price_source: str = "given"
    utilization: Decimal | None = Field(default=None, gt=0, le=1)
    life_years: Decimal | None = Field(default=None, gt=0)
    horizon_years: int | None = Field(default=None, gt=0, description="default: the life")
    salvage_pct: Decimal | None = Field(default=None, ge=0, le=100)
    other_capex_pct: Decimal | None = Field(default=None, ge=0)
    idle_power_fraction: Decimal | None = Field(default=None, ge=0, le=1)
    pue: Decimal | None = Field(default=None, ge=1)
    energy_price_per_kwh: Decimal | None = Field(default=None, ge=0)
    facilities_per_kw_month: Decimal | None = Field(default=None, ge=0)
    facilities_per_rack_month: Decimal | None = Field(default=None, ge=0)
    servers_per_rack: int | None = Field(default=None, gt=0)
    servers_per_fte: Decimal | None = Field(default=None, gt=0)
    fte_annual_cost: Decimal | None = Field(default=None, ge=0)
    maintenance_pct_per_year: Decimal | None = Field(default=None, ge=0)
    on_demand_useful_fraction: Decimal | None = Field(default=None, gt=0, le=1)
    spot_useful_fraction: Decimal | None = Field(default=None, gt=0, le=1)
    hours_per_year: Decimal | None = Field(default=None, gt=0)

    @classmethod
    def from_server(cls, server: ServerPrice, **inputs: Any) -> OwnedFleet:
        """A fleet of ``server`` (price, currency, GPUs, power and source from the catalog)."""
        values: dict[str, Any] = {
            "server_name": server.name,
            "accelerator": server.accelerator,
            "server_price": server.purchase_price,
            "currency": server.currency,
            "gpus_per_server": server.accelerators_per_server,
            "price_source": f"{server.source}, as of {server.as_of.isoformat()}",
        }
        if server.power_kw is not None:
            values["server_power_kw"] = Decimal(str(server.power_kw))
        values.update(inputs)
        if "server_power_kw" not in values:
            raise EstimateError(
                f"{server.name} has no power_kw in the catalog and none was given.",
                hint="Pass server_power_kw (the server's rated maximum draw, e.g. about "
                "10.2 kW for an 8-GPU H100 server per NVIDIA's DGX H100 datasheet).",
            )
        return make_fleet(values)


def make_fleet(values: dict[str, Any]) -> OwnedFleet:
    """Validate ``values`` as an :class:`OwnedFleet`; problems as one actionable EstimateError."""
    try:
        return OwnedFleet.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            problem(e, OwnedFleet.model_fields).rstrip(".")
            if e["type"] == "extra_forbidden"
            else f"{'.'.join(str(p) for p in e['loc']) or 'fleet'}: {problem(e, ())}"
            for e in exc.errors()
        )
        raise EstimateError(
            f"the owned fleet is invalid: {problems}.",
            hint=f"Inputs and their defaults: {', '.join(OwnedFleet.model_fields)}.",
        ) from exc


@dataclass(frozen=True)
class ResolvedFleet:
    """Every input of an owned fleet with its defaults applied, and the defaults that were used."""

    fleet: OwnedFleet
    values: dict[str, Decimal]
    defaults_used: tuple[str, ...]  # describe() of each default used

    def __getitem__(self, name: str) -> Decimal:
        return self.values[name]

    @property
    def gpus(self) -> int:
        return self.fleet.servers * self.fleet.gpus_per_server

    @property
    def rated_kw(self) -> Decimal:
        return self.fleet.servers * self.fleet.server_power_kw

    @property
    def capex(self) -> Decimal:
        return self.fleet.servers * self.fleet.server_price * (1 + self["other_capex_pct"] / 100)

    @property
    def life_months(self) -> int:
        return int(self["life_years"] * 12)

    @property
    def horizon_years(self) -> int:
        if self.fleet.horizon_years is not None:
            return self.fleet.horizon_years
        return max(1, math.floor(self["life_years"]))


def resolve(fleet: OwnedFleet) -> ResolvedFleet:
    """Apply the defaults to the unset inputs; refuse USD defaults for another currency."""
    currency = currency_code(fleet.currency, "the owned fleet's currency")
    defaults = ownership_defaults()
    values: dict[str, Decimal] = {}
    used: list[str] = []
    foreign: list[str] = []
    per_rack = fleet.facilities_per_rack_month is not None
    for name, default in defaults.items():
        given = getattr(fleet, name)
        if given is not None:
            values[name] = Decimal(given)
            continue
        if name == "facilities_per_kw_month" and per_rack:
            continue
        if name == "servers_per_rack" and not per_rack:
            continue
        if name in _MONEY_DEFAULTS and currency != "USD":
            foreign.append(name)
            continue
        values[name] = default.value
        used.append(default.describe())
    if per_rack:
        values["facilities_per_rack_month"] = Decimal(fleet.facilities_per_rack_month or 0)
        if fleet.facilities_per_kw_month is not None:
            raise EstimateError(
                "give facilities_per_kw_month or facilities_per_rack_month, not both.",
                hint="Colocation is priced per kW or per rack; give the one your quote uses.",
            )
    if foreign:
        raise EstimateError(
            f"the fleet is priced in {currency} but the defaults of {', '.join(foreign)} are in "
            "USD; infracast never mixes currencies.",
            hint=f"Give {', '.join(foreign)} in {currency}.",
        )
    if (values["life_years"] * 12) % 1:
        raise EstimateError(
            f"life_years {values['life_years']} is not a whole number of months.",
            hint="Use a life such as 4, 4.5 or 5.25 years.",
        )
    resolved = ResolvedFleet(fleet.model_copy(update={"currency": currency}), values, tuple(used))
    if resolved.horizon_years * 12 > resolved.life_months:
        raise EstimateError(
            f"the horizon ({resolved.horizon_years} years) is longer than the servers' life "
            f"({values['life_years']} years); replacing them is not modelled.",
            hint="Compare over the life (leave horizon_years unset) or lengthen life_years.",
        )
    return resolved


@dataclass(frozen=True)
class YearlyCost:
    """An owned fleet's cost for one year at a utilization, by component."""

    depreciation: Decimal  # compute
    maintenance: Decimal  # support
    staff: Decimal  # people
    facilities: Decimal  # facilities
    energy: Decimal  # energy
    energy_idle: Decimal  # the part of energy paid at zero utilization

    @property
    def total(self) -> Decimal:
        return self.depreciation + self.maintenance + self.staff + self.facilities + self.energy

    def by_category(self) -> dict[str, Decimal]:
        return {
            "compute": self.depreciation,
            "support": self.maintenance,
            "people": self.staff,
            "facilities": self.facilities,
            "energy": self.energy,
        }


def yearly_cost(r: ResolvedFleet, utilization: Decimal) -> YearlyCost:
    """The formulas of the module docstring, exact (not rounded)."""
    capex = r.capex
    salvage = capex * r["salvage_pct"] / 100
    if "facilities_per_rack_month" in r.values:
        racks = math.ceil(r.fleet.servers / int(r["servers_per_rack"]))
        facilities = racks * r["facilities_per_rack_month"] * 12
    else:
        facilities = r.rated_kw * r["facilities_per_kw_month"] * 12
    kwh_at_full = r.rated_kw * r["hours_per_year"] * r["pue"]
    idle = r["idle_power_fraction"]
    price = r["energy_price_per_kwh"]
    return YearlyCost(
        depreciation=(capex - salvage) / r["life_years"],
        maintenance=capex * r["maintenance_pct_per_year"] / 100,
        staff=Decimal(r.fleet.servers) / r["servers_per_fte"] * r["fte_annual_cost"],
        facilities=facilities,
        energy=kwh_at_full * (idle + (1 - idle) * utilization) * price,
        energy_idle=kwh_at_full * idle * price,
    )
