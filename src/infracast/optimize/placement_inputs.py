"""What placement takes: workloads, offers and team budget caps, validated, with clear errors.

The fields follow the placement CSV contract of ``infracast optimize placement`` (extra
columns are allowed and ignored; an empty cell is a value not given):

- a :class:`Workload` is ``workload, gpus, hours, accelerators`` (catalog names, ``;``
  between them in a CSV, empty = any) and optionally ``min_gpu_memory_gb, providers,
  regions, interruptible, checkpoint_minutes, team, current_offer, start_hour,
  deadline_hours, split, data_region, data_gb``;
- an :class:`Offer` is ``offer, provider, region, accelerator, gpus_per_instance,
  price_per_hour`` (per instance) and optionally ``pricing, capacity_instances`` (empty =
  unlimited), ``interruption_rate_per_hour, gpu_memory_gb, committed, currency,
  co2e_kg_per_hour`` (kg CO2e per instance-hour, what a carbon price charges for);
- a :class:`BudgetCap` is ``team, per`` (``hour`` or ``month``) and ``amount``.

:func:`parse_workloads`, :func:`parse_offers` and :func:`parse_caps` turn plain mappings
(CSV rows, YAML entries) into these models, every problem of a row at once, as an
:class:`~infracast.optimize.exceptions.OptimizeError` naming the row; they also check what
no single row can: duplicate names, a ``current_offer`` no offer has, mixed currencies.
:func:`offers_from_price_book` turns the catalog's price options (negotiated overrides
already applied by ``catalog.price_book``) into offers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from infracast.catalog._accelerators import LIST_COMMAND, accelerator, find_accelerator
from infracast.catalog.models import PriceOption
from infracast.catalog.providers import canonical_provider
from infracast.errors import did_you_mean
from infracast.optimize._inputs import check_unique, validate_items
from infracast.optimize.exceptions import OptimizeError

PRICINGS: tuple[str, ...] = (
    "on_demand",
    "spot",
    "commit_1y",
    "commit_3y",
    "reserved",
    "committed",
    "observed",
)
_CONFIG = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


def _names(value: Any) -> Any:
    """``"H100; A100"`` (a CSV cell) as ``("H100", "A100")``; lists pass as tuples."""
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(";") if p.strip())
    if isinstance(value, list | tuple):
        return tuple(str(p).strip() for p in value if str(p).strip())
    return value


def _catalog_name(name: str) -> str:
    """The catalog name of accelerator ``name``; an unknown name is an
    UnknownAcceleratorError (a ValueError, so Pydantic reports its message)."""
    return accelerator(name).name


def _drop_empty(data: Any) -> Any:
    """An empty CSV cell (or None) is a value not given: its default applies."""
    if isinstance(data, Mapping):
        return {k: v for k, v in data.items() if v is not None and v != ""}
    return data


class Workload(BaseModel):
    """A job to place: how many GPUs at once, for how long, on what, and under which rules."""

    model_config = _CONFIG

    workload: str = Field(min_length=1, description="unique name")
    gpus: int = Field(ge=1, description="GPUs needed at once")
    hours: float = Field(gt=0, description="duration on the first accelerator listed")
    gpu_hours: float | None = Field(
        default=None, gt=0, description="total GPU-hours instead of hours: hours = gpu_hours / gpus"
    )
    accelerators: tuple[str, ...] = Field(
        default=(), description="acceptable catalog accelerators (';' in a CSV); empty = any"
    )
    min_gpu_memory_gb: float | None = Field(default=None, ge=0)
    providers: tuple[str, ...] = Field(default=(), description="allowed providers; empty = any")
    regions: tuple[str, ...] = Field(default=(), description="allowed regions; empty = any")
    interruptible: bool = Field(default=False, description="may run on spot offers")
    checkpoint_minutes: float | None = Field(default=None, gt=0)
    team: str | None = None
    current_offer: str | None = Field(default=None, description="where it runs today")
    start_hour: float = Field(default=0.0, ge=0, description="hours after the plan's start")
    deadline_hours: float | None = Field(
        default=None, gt=0, description="must finish by this hour after the plan's start"
    )
    split: bool = Field(default=False, description="may span several offers")
    data_region: str | None = Field(default=None, description="where its data lives")
    data_gb: float = Field(default=0.0, ge=0, description="data moved to an offer elsewhere")

    _empty = model_validator(mode="before")(_drop_empty)

    @model_validator(mode="before")
    @classmethod
    def _hours_from_gpu_hours(cls, data: Any) -> Any:
        """``gpu_hours`` given instead of ``hours``: the run's hours at ``gpus`` at once."""
        if isinstance(data, Mapping) and data.get("hours") in (None, "") and data.get("gpu_hours"):
            try:
                hours = float(data["gpu_hours"]) / float(data.get("gpus") or 0)
            except (TypeError, ValueError, ZeroDivisionError):
                return data  # the fields' own checks name what is wrong
            return {**data, "hours": hours}
        return data

    @model_validator(mode="after")
    def _gpu_hours_agree(self) -> Workload:
        if self.gpu_hours is not None and abs(self.gpu_hours - self.gpus * self.hours) > 1e-6 * (
            self.gpu_hours
        ):
            raise ValueError(
                f"gpu_hours ({self.gpu_hours:g}) is not gpus × hours "
                f"({self.gpus} × {self.hours:g}); give one of hours and gpu_hours"
            )
        return self

    @field_validator("accelerators", mode="before")
    @classmethod
    def _accelerators(cls, value: Any) -> Any:
        names = _names(value)
        if not isinstance(names, tuple):
            return names
        return tuple(dict.fromkeys(_catalog_name(n) for n in names))

    @field_validator("providers", mode="before")
    @classmethod
    def _providers(cls, value: Any) -> Any:
        names = _names(value)
        return tuple(canonical_provider(n) for n in names) if isinstance(names, tuple) else names

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> Any:
        return _names(value)

    @model_validator(mode="after")
    def _deadline_after_start(self) -> Workload:
        if self.deadline_hours is not None and self.deadline_hours <= self.start_hour:
            raise ValueError(
                f"deadline_hours ({self.deadline_hours:g}) must come after start_hour "
                f"({self.start_hour:g})"
            )
        return self


class Offer(BaseModel):
    """A way to buy instances: one provider, region, instance type and pricing model."""

    model_config = _CONFIG

    offer: str = Field(min_length=1, description="unique name")
    provider: str = Field(min_length=1)
    region: str | None = None
    accelerator: str = Field(min_length=1, description="catalog name or alias")
    gpus_per_instance: int = Field(ge=1)
    price_per_hour: float = Field(ge=0, description="per instance-hour")
    pricing: str = Field(default="on_demand", description=", ".join(PRICINGS))
    capacity_instances: int | None = Field(
        default=None, ge=0, description="instances available at once; empty = unlimited"
    )
    interruption_rate_per_hour: float | None = Field(
        default=None, ge=0, description="interruptions per instance-hour (spot)"
    )
    gpu_memory_gb: float | None = Field(default=None, gt=0, description="default: catalog's")
    committed: bool = Field(
        default=False, description="already paid for: zero marginal price up to its capacity"
    )
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    co2e_kg_per_hour: float | None = Field(
        default=None, ge=0, description="kg CO2e per instance-hour; needed by a carbon price"
    )
    # the carbon price times co2e_kg_per_hour, set by with_carbon_price (not an input)
    _carbon_cost_per_hour: float = PrivateAttr(default=0.0)

    _empty = model_validator(mode="before")(_drop_empty)

    @field_validator("accelerator")
    @classmethod
    def _accelerator(cls, value: str) -> str:
        return _catalog_name(value)

    @field_validator("provider")
    @classmethod
    def _provider(cls, value: str) -> str:
        return canonical_provider(value)

    @field_validator("pricing")
    @classmethod
    def _pricing(cls, value: str) -> str:
        if value not in PRICINGS:
            raise ValueError(
                f'"{value}" is not a pricing model (one of {", ".join(PRICINGS)}).'
                + did_you_mean(value, PRICINGS)
            )
        return value

    @model_validator(mode="after")
    def _committed_needs_capacity(self) -> Offer:
        if self.committed and self.capacity_instances is None:
            raise ValueError(
                "a committed offer needs capacity_instances (its unused quantity): without it, "
                "free capacity would be unlimited"
            )
        return self

    @property
    def interruptible(self) -> bool:
        """Whether the provider may take the instances back: spot, or a rate above zero."""
        return self.pricing == "spot" or (self.interruption_rate_per_hour or 0.0) > 0

    @property
    def memory_gb(self) -> float:
        """GPU memory per accelerator: as given, else the catalog's ``memory_gib``."""
        if self.gpu_memory_gb is not None:
            return self.gpu_memory_gb
        return accelerator(self.accelerator).memory_gib

    @property
    def marginal_price(self) -> float:
        """The price per instance-hour a plan pays: 0 for capacity already committed."""
        return 0.0 if self.committed else self.price_per_hour

    @property
    def carbon_cost_per_hour(self) -> float:
        """The carbon price of an instance-hour (0 without a carbon price)."""
        return self._carbon_cost_per_hour


def with_carbon_price(offers: Sequence[Offer], per_tonne: float) -> tuple[Offer, ...]:
    """Copies of ``offers`` whose instance-hours also cost ``per_tonne`` × kg / 1000; every
    offer needs ``co2e_kg_per_hour`` (an OptimizeError names those without)."""
    if not per_tonne >= 0 or math.isinf(per_tonne):
        raise OptimizeError(
            f"carbon_price_per_tonne must be a number >= 0, got {per_tonne}.",
            hint="Give the price of a tonne of CO2e in the offers' currency (e.g. 100).",
            field="carbon_price_per_tonne",
        )
    missing = [o.offer for o in offers if o.co2e_kg_per_hour is None]
    if missing:
        raise OptimizeError(
            f"a carbon price needs each offer's co2e_kg_per_hour; {len(missing)} offer"
            f"{'s have' if len(missing) > 1 else ' has'} none: {', '.join(missing[:5])}"
            f"{', …' if len(missing) > 5 else ''}.",
            hint="Give each offer co2e_kg_per_hour (TDP W × GPUs × PUE × grid gCO2e/kWh / 1e6); "
            "offers from the price book get it from the catalog where the part has a TDP.",
            field="co2e_kg_per_hour",
        )
    out = []
    for o in offers:
        priced = o.model_copy()
        priced._carbon_cost_per_hour = per_tonne * (o.co2e_kg_per_hour or 0.0) / 1000.0
        out.append(priced)
    return tuple(out)


class BudgetCap(BaseModel):
    """A team's spending cap: per hour (spend at any moment) or per month (first 730 h)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    team: str = Field(min_length=1)
    per: Literal["hour", "month"]
    amount: float = Field(ge=0)


def parse_workloads(items: Iterable[Workload | Mapping[str, Any]]) -> tuple[Workload, ...]:
    """``items`` as workloads (each problem named with its row); names must be unique."""
    out = tuple(validate_items(Workload, items, "workload", "workload"))
    if not out:
        raise OptimizeError("no workloads to place.", hint="Give at least one workload.")
    check_unique([w.workload for w in out], "workload")
    return out


def parse_offers(items: Iterable[Offer | Mapping[str, Any]]) -> tuple[Offer, ...]:
    """``items`` as offers (each problem named with its row); names unique, one currency."""
    out = tuple(validate_items(Offer, items, "offer", "offer"))
    if not out:
        raise OptimizeError(
            "no offers to place the workloads on.",
            hint="Give an offers file, or leave it out to use the price book.",
        )
    check_unique([o.offer for o in out], "offer")
    currencies = sorted({o.currency for o in out})
    if len(currencies) > 1:
        raise OptimizeError(
            f"the offers mix currencies ({', '.join(currencies)}); a plan sums one currency.",
            hint="Convert the prices to one currency, or keep the offers of one currency.",
            field="currency",
        )
    return out


def parse_caps(items: Iterable[BudgetCap | Mapping[str, Any]]) -> tuple[BudgetCap, ...]:
    """``items`` as budget caps; at most one cap per team and period."""
    out = tuple(validate_items(BudgetCap, items, "budget cap", "team"))
    seen: set[tuple[str, str]] = set()
    for cap in out:
        if (cap.team, cap.per) in seen:
            raise OptimizeError(
                f"team {cap.team!r} has two caps per {cap.per}.",
                hint="Keep one cap per team and period (the smaller one, if both hold).",
                field="budget_caps",
            )
        seen.add((cap.team, cap.per))
    return out


def check_references(workloads: Sequence[Workload], offers: Sequence[Offer]) -> None:
    """Every ``current_offer`` names an offer."""
    names = [o.offer for o in offers]
    known = set(names)
    for w in workloads:
        if w.current_offer is not None and w.current_offer not in known:
            raise OptimizeError(
                f"workload {w.workload!r}: current_offer {w.current_offer!r} is not among the "
                f"offers.{did_you_mean(w.current_offer, names)}",
                hint="Name one of the offers, or leave current_offer empty (the baseline then "
                "takes the cheapest acceptable on-demand offer).",
                field="current_offer",
            )


def offers_from_price_book(
    options: Iterable[PriceOption], accelerators: Iterable[str] | None = None
) -> list[Offer]:
    """Offers from the catalog's price options (list prices, with negotiated overrides
    already applied by ``catalog.price_book(overrides=…)``), cheapest per GPU first.

    ``accelerators`` (catalog names or aliases) keeps only those accelerators. Options whose
    instance carries a fraction of an accelerator (Azure's NV-A10 v5 slices) are left out:
    placement counts whole GPUs, and slices cannot be combined into one. Capacity is
    unlimited and the interruption rate unknown (placement assumes a default for spot);
    memory comes from the catalog. Offer names are ``provider/region/instance/pricing``.
    """
    wanted = None
    if accelerators is not None:
        wanted = set()
        for name in accelerators:
            found = find_accelerator(name)
            if found is None:
                raise OptimizeError(
                    f'unknown accelerator "{name}".',
                    hint=f"Use a catalog name or alias (`{LIST_COMMAND}`).",
                    field="accelerators",
                )
            wanted.add(found.name)
    chosen = [
        o
        for o in options
        if (wanted is None or o.accelerator in wanted)
        and float(o.accelerators_per_instance).is_integer()
        and o.accelerators_per_instance >= 1
    ]
    chosen.sort(key=lambda o: (o.price_per_accelerator_hour, o.provider, o.region or ""))
    out: list[Offer] = []
    used: dict[str, int] = {}
    for option in chosen:
        parts = (option.provider, option.region, option.instance_type or option.accelerator)
        base = "/".join(p for p in parts if p) + f"/{option.pricing_model}"
        used[base] = used.get(base, 0) + 1
        name = base if used[base] == 1 else f"{base}#{used[base]}"
        out.append(
            Offer(
                offer=name,
                provider=option.provider,
                region=option.region,
                accelerator=option.accelerator,
                gpus_per_instance=int(option.accelerators_per_instance),
                price_per_hour=float(option.price_per_hour),
                pricing=option.pricing_model,
                currency=option.currency,
            )
        )
    return out


def instances_needed(gpus: int, gpus_per_instance: int) -> int:
    """Whole instances of ``gpus_per_instance`` GPUs that hold ``gpus``: ceil(gpus / g)."""
    return math.ceil(gpus / gpus_per_instance)
