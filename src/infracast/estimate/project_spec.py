"""A project spec: phases with workloads, people, licences, storage, egress, operations, purchases.

The caller loads the YAML; :func:`validate_project` checks the mapping and
reports every problem at once, each with where it is (``phase 'fine-tune',
workloads #2: …``). Months are numbered from 1. A phase's ``start_month`` is
a month of the project; an item inside a phase counts its own ``start_month``
from the phase's first month and lasts, unless it says otherwise, to the
phase's end. Items at the top level are project-wide and count from the
project's first month.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infracast.amounts import Amount, Number
from infracast.errors import EstimateError
from infracast.estimate._tco import MAX_HORIZON_MONTHS, Category
from infracast.estimate.money import currency_code
from infracast.validation import unknown_key

PROJECT_WIDE = "project_wide"  # by_phase key of the costs no phase holds
WORKLOAD_KINDS = ("training", "fine_tuning", "inference", "compute")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Spanned(_Spec):
    """An item that runs for some months of its phase (or of the project)."""

    start_month: int = Field(default=1, ge=1, description="1 = the first month of its phase")
    duration_months: int | None = Field(default=None, gt=0, description="default: to the end")


class ComputeParams(_Spec):
    """Parameters of a ``kind: compute`` workload: accelerator-hours at a price, no estimator."""

    accelerator_hours: Number = Field(gt=0)
    price_per_hour: Amount = Field(ge=0, description="per accelerator-hour")
    accelerator: str | None = None
    price_source: str = "given in the project spec"
    price_as_of: date | None = None


class WorkloadSpec(_Spanned):
    """A training, fine-tuning, inference or plain compute workload of a phase.

    ``params`` go to the estimator of the ``kind`` unchanged; a ``compute``
    workload's params are :class:`ComputeParams`. The estimator receives the
    workload with ``duration_months`` filled in (the months it runs).
    """

    name: str = Field(min_length=1)
    kind: Literal["training", "fine_tuning", "inference", "compute"]
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _compute_params(self) -> WorkloadSpec:
        if self.kind == "compute":
            compute_params(self)
        return self


def compute_params(workload: WorkloadSpec) -> ComputeParams:
    """The params of a ``kind: compute`` workload, or a ValueError saying what is wrong."""
    try:
        return ComputeParams.model_validate(workload.params)
    except ValidationError as exc:
        problems = "; ".join(
            f"params.{'.'.join(str(p) for p in e['loc'])}: "
            + ("is required" if e["type"] == "missing" else str(e["msg"]).lower())
            for e in exc.errors()
        )
        raise ValueError(
            "a compute workload takes params accelerator_hours and price_per_hour (and "
            f"optionally accelerator, price_source, price_as_of): {problems}"
        ) from None


class PersonSpec(_Spanned):
    """People: ``fte`` full-time equivalents of a role at ``monthly_rate`` each."""

    role: str = Field(min_length=1)
    fte: Number = Field(gt=0)
    monthly_rate: Amount = Field(ge=0, description="fully loaded cost of one FTE-month")


class _Recurring(_Spanned):
    name: str = Field(min_length=1)
    amount: Amount = Field(ge=0)
    per: Literal["month", "year", "one_time"] = "month"


class LicenceSpec(_Recurring):
    """A licence or subscription: per month, per year (each started year paid), or one time."""

    category: Category = "software"


class OperationSpec(_Recurring):
    """Operations and maintenance: support contracts, on-call, monitoring, facilities."""

    category: Category = "support"


class StorageTier(_Spec):
    """A share of a store's volume kept at one price."""

    name: str = "standard"
    share: Number = Field(default=Decimal(1), gt=0, le=1)
    price_per_tb_month: Amount = Field(ge=0)


class StorageSpec(_Spanned):
    """Stored data growing linearly: ``initial_tb`` plus ``growth_tb_per_month`` each month."""

    name: str = Field(min_length=1)
    initial_tb: Number = Field(default=Decimal(0), ge=0)
    growth_tb_per_month: Number = Field(default=Decimal(0), ge=0)
    price_per_tb_month: Amount | None = Field(default=None, ge=0)
    tiers: list[StorageTier] | None = None

    @model_validator(mode="after")
    def _one_price(self) -> StorageSpec:
        if (self.price_per_tb_month is None) == (self.tiers is None):
            raise ValueError("give price_per_tb_month (one tier) or tiers, not both or neither")
        if self.tiers is not None and sum(t.share for t in self.tiers) != 1:
            shares = " + ".join(str(t.share) for t in self.tiers)
            raise ValueError(f"the tiers' shares must sum to 1 (they sum {shares})")
        return self

    def tier_list(self) -> list[StorageTier]:
        if self.tiers is not None:
            return self.tiers
        assert self.price_per_tb_month is not None
        return [StorageTier(price_per_tb_month=self.price_per_tb_month)]


class EgressSpec(_Spanned):
    """Data sent out: ``tb_per_month`` in the first month, growing by ``growth_tb_per_month``."""

    name: str = Field(min_length=1)
    tb_per_month: Number = Field(ge=0)
    growth_tb_per_month: Number = Field(default=Decimal(0), ge=0)
    price_per_tb: Amount = Field(ge=0)


class PurchaseSpec(_Spec):
    """Hardware bought for the project: depreciated over its life, or counted as cash."""

    name: str = Field(min_length=1)
    amount: Amount = Field(ge=0)
    month: int = Field(default=1, ge=1, description="1 = the first month of its phase")
    life_years: Number = Field(gt=0, le=MAX_HORIZON_MONTHS // 12)
    salvage_pct: Number = Field(default=Decimal(0), ge=0, le=100)
    category: Category = "compute"

    @field_validator("life_years")
    @classmethod
    def _whole_months(cls, value: Decimal) -> Decimal:
        if (value * 12) % 1:
            raise ValueError(f"life_years {value} is not a whole number of months")
        return value


class _Costs(_Spec):
    people: list[PersonSpec] = Field(default_factory=list)
    licences: list[LicenceSpec] = Field(default_factory=list)
    storage: list[StorageSpec] = Field(default_factory=list)
    egress: list[EgressSpec] = Field(default_factory=list)
    operations: list[OperationSpec] = Field(default_factory=list)
    purchases: list[PurchaseSpec] = Field(default_factory=list)


class PhaseSpec(_Costs):
    """A phase of the project (data preparation, training, evaluation, deployment, operation…)."""

    name: str = Field(min_length=1)
    start_month: int = Field(ge=1, description="1 = the project's first month")
    duration_months: int = Field(gt=0)
    workloads: list[WorkloadSpec] = Field(default_factory=list)

    @property
    def end_month(self) -> int:
        return self.start_month + self.duration_months - 1


class ProjectSpec(_Costs):
    """A whole project: its phases, project-wide costs, currency, start and contingency."""

    name: str = Field(min_length=1)
    description: str | None = None
    currency: str
    start: str = Field(description="first month, YYYY-MM")
    contingency_pct: Number = Field(default=Decimal(0), ge=0, le=100)
    lifecycle_years: int | None = Field(default=None, gt=0, description="default: the phases")
    capex_view: Literal["depreciation", "cash"] = "depreciation"
    phases: list[PhaseSpec] = Field(min_length=1)

    @field_validator("start", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        match = _MONTH.match(str(value).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"start must be a month written YYYY-MM, e.g. 2026-01 (got {value!r})")
        return match.group(0)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        try:
            return currency_code(value, "currency")
        except EstimateError as exc:
            raise ValueError(exc.message) from None

    @model_validator(mode="after")
    def _phases(self) -> ProjectSpec:
        problems = []
        seen: set[str] = set()
        for phase in self.phases:
            if phase.name == PROJECT_WIDE:
                problems.append(f"the phase name {PROJECT_WIDE!r} is kept for project-wide costs")
            if phase.name in seen:
                problems.append(f"two phases are named {phase.name!r}; phase names must differ")
            seen.add(phase.name)
        if self.horizon_months > MAX_HORIZON_MONTHS:
            problems.append(
                f"the budget would run {self.horizon_months} months; a project is budgeted over "
                f"at most {MAX_HORIZON_MONTHS} months ({MAX_HORIZON_MONTHS // 12} years): check "
                "the phases' start_month and duration_months and lifecycle_years"
            )
        if self.lifecycle_years is not None and self.lifecycle_years * 12 < self.span_months:
            problems.append(
                f"lifecycle_years {self.lifecycle_years} is shorter than the phases "
                f"({self.span_months} months); set it to at least {-(-self.span_months // 12)}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def span_months(self) -> int:
        """Months from the project's first month to the last phase's end."""
        return max(p.end_month for p in self.phases)

    @property
    def horizon_months(self) -> int:
        """Months the budget covers: the lifecycle when given, else the phases."""
        if self.lifecycle_years is not None:
            return self.lifecycle_years * 12
        return self.span_months

    def month_label(self, month: int) -> str:
        """``YYYY-MM`` of the project's ``month`` (1 = ``start``)."""
        year, first = int(self.start[:4]), int(self.start[5:])
        index = year * 12 + first - 1 + month - 1
        return f"{index // 12:04d}-{index % 12 + 1:02d}"


def validate_project(data: Mapping[str, Any] | ProjectSpec) -> ProjectSpec:
    """``data`` (a mapping loaded from YAML) as a :class:`ProjectSpec`; every problem at once."""
    if isinstance(data, ProjectSpec):
        return data
    if not isinstance(data, Mapping):
        raise EstimateError(
            f"a project spec is a mapping of keys (name, currency, start, phases…), "
            f"got {type(data).__name__}.",
            hint="See examples/project.yaml and docs/project-budget.md.",
        )
    try:
        return ProjectSpec.model_validate(dict(data))
    except ValidationError as exc:
        problems = [_describe(err, data) for err in exc.errors()]
        raise EstimateError(
            f"the project spec has {len(problems)} problem{'s' if len(problems) > 1 else ''}: "
            + "; ".join(problems),
            hint="Fix them in the spec; docs/project-budget.md lists every key.",
        ) from exc


def _where(loc: tuple[Any, ...], data: Mapping[str, Any]) -> tuple[str, Any]:
    """A readable location ("phase 'train', workloads #2") and the model the last key is in."""
    parts: list[str] = []
    node: Any = data
    model: Any = ProjectSpec
    i = 0
    while i < len(loc):
        key = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        item = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(nxt, int) and isinstance(item, list) and nxt < len(item):
            element = item[nxt]
            name = element.get("name") if isinstance(element, Mapping) else None
            label = "phase" if key == "phases" else f"{key} #{nxt + 1}"
            parts.append(f"{label} {name!r}" if name and key == "phases" else label)
            if name and key != "phases":
                parts[-1] += f" ({name})"
            node, i = element, i + 2
            model = _ITEM_MODELS.get(str(key), model)
            continue
        parts.append(str(key))
        node, i = item, i + 1
    if loc and isinstance(loc[-1], int):  # a problem of the whole item: the path is the item
        return ", ".join(parts), model
    return ", ".join(parts[:-1]), model


def _describe(err: Any, data: Mapping[str, Any]) -> str:
    loc = tuple(err["loc"])
    where, model = _where(loc, data)
    field = str(loc[-1]) if loc else "spec"
    prefix = f"{where}: " if where else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        fields = list(getattr(model, "model_fields", {}))
        return prefix + unknown_key(field, fields)
    if kind == "missing":
        return f"{prefix}{field} is required"
    if kind == "literal_error":
        return f"{prefix}{field} must be {err['ctx']['expected']} (got {err.get('input')!r})"
    if kind == "value_error":
        return prefix + str(err["msg"]).removeprefix("Value error, ")
    msg = str(err["msg"]).replace("Input should be", "must be")
    return f"{prefix}{field} {msg[0].lower() + msg[1:]} (got {err.get('input')!r})"


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "phases": PhaseSpec,
    "workloads": WorkloadSpec,
    "people": PersonSpec,
    "licences": LicenceSpec,
    "storage": StorageSpec,
    "egress": EgressSpec,
    "operations": OperationSpec,
    "purchases": PurchaseSpec,
    "tiers": StorageTier,
}
