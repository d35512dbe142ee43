"""The demo company as data: the schema of ``company.yaml`` and its loader.

Everything the generator invents about the company (teams, accounts, prices,
workload templates, anomalies, the on-prem cluster, manual costs) is read from
``company.yaml`` through :func:`load_company`; the generator's code holds only
the shapes of provider identifiers and the formulas.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

ProviderSlug = Literal["aws", "gcp", "azure"]
Kind = Literal["inference", "training", "storage", "egress", "compute"]
KINDS: tuple[Kind, ...] = ("inference", "training", "storage", "egress", "compute")  # build order


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Account(_Model):
    id: str
    name: str
    type: str | None = None


class CsvStyle(_Model):
    timestamp_format: str
    null_text: str


class InferenceTemplate(_Model):
    service: str
    team: str
    project: str
    instance_type: str
    replicas: tuple[int, int]
    committed: bool = False
    region: str | None = None


class TrainingTemplate(_Model):
    team: str
    project: str
    instance_type: str
    nodes: tuple[int, int]
    days: tuple[int, int]
    spot: float = 0.0


class ComputeTemplate(_Model):
    team: str
    project: str
    instance_type: str


class StorageTemplate(_Model):
    team: str | None
    project: str | None
    sku: str
    size_gb: tuple[float, float]
    growth: tuple[float, float]  # per month


class EgressTemplate(_Model):
    team: str | None = None
    project: str | None = None
    sku: str
    gb_per_day: tuple[float, float]
    replication: bool = False


class SharedTemplate(_Model):
    sku: str


class Support(_Model):
    service: str
    share_of_spend: float
    minimum: float


class Credits(_Model):
    description: str
    share_of_spend: float
    months: int


class Commitment(_Model):
    name: str
    type: str
    category: Literal["Spend", "Usage"]
    unit: str
    rate: float = Field(gt=0, lt=1)
    utilization: float = Field(gt=0, le=1)


class Provider(_Model):
    focus_version: Literal["1.0", "1.1", "1.2", "1.3"]
    row_share: float
    provider_name: str
    publisher_name: str
    invoice_issuer_name: str
    host_provider_name: str | None = None
    billing_account: Account
    sub_account_type: str | None = None
    sub_accounts: dict[str, Account]
    regions: dict[str, str]
    negotiated_discount: float
    grain: Literal["hour", "day"]
    csv: CsvStyle
    tag_keys: dict[Literal["team", "project", "env"], str]
    custom_columns: list[str]
    prices: dict[str, float]
    spot_discount: tuple[float, float]
    shares: dict[Kind, float]
    inference: list[InferenceTemplate]
    training: list[TrainingTemplate]
    compute: list[ComputeTemplate]
    storage: list[StorageTemplate]
    egress: list[EgressTemplate]
    shared: list[SharedTemplate]
    support: Support | None = None
    credits: Credits | None = None
    commitment: Commitment | None = None

    @property
    def home_region(self) -> str:
        return next(iter(self.regions))


class AnomalySpec(_Model):
    kind: Literal["forgotten_dev_cluster", "egress_spike", "autoscaler_min_replicas"]
    provider: ProviderSlug
    at: float = Field(ge=0, lt=1)
    days: int = Field(gt=0)
    description: str
    team: str | None = None
    project: str | None = None
    instance_type: str | None = None
    multiplier: float | None = None


class IdleGpuPlant(_Model):
    """GPU instances busy at first, then idle (0–2%) and still billed to the period's end."""

    provider: ProviderSlug
    team: str
    project: str
    name: str  # instances are <name>-01, <name>-02, ...
    instance_type: str
    count: int = Field(gt=0)
    idle_days: int = Field(gt=0)  # idle for this many days before the period's end
    description: str


class PoolPlant(_Model):
    """A fixed pool of inference replicas of one workload, each lightly used."""

    provider: ProviderSlug
    team: str
    project: str
    workload: str  # replicas are <workload>-00, <workload>-01, ...
    instance_type: str
    replicas: int = Field(gt=1)
    utilization: tuple[float, float]  # each GPU's utilization, uniform in [lo, hi)
    target: float = Field(gt=0, le=1)  # the utilization a consolidated replica may reach
    description: str


class BucketPlant(_Model):
    """A large object-storage bucket in a hot class whose data is almost never read."""

    provider: ProviderSlug
    team: str
    project: str
    bucket: str
    sku: str
    storage_class: str  # the provider's name of the class, as bucket statistics give it
    size_gb: float
    objects: int
    age_days: float
    last_access_days: float
    reads_per_month: float
    read_gb_per_month: float
    archive_class: str
    archive_price: float  # USD per GB-month of the archive class
    price_source: str
    description: str


class CommitmentPlant(_Model):
    """A commitment whose covered usage fills only part of it, all period."""

    provider: ProviderSlug
    team: str
    project: str
    name: str
    instance_type: str
    count: int = Field(gt=0)  # covered instances, always on
    vm_name: str
    type: str
    category: Literal["Spend", "Usage"]
    rate: float = Field(gt=0, lt=1)  # covered usage costs list × this
    utilization: float = Field(gt=0, le=1)
    busy: tuple[float, float]  # GPU utilization of the covered instances
    description: str


class Opportunities(_Model):
    """Savings planted for the recommendation rules, still open at the period's end."""

    share_of_rows: float = Field(gt=0, lt=1)  # plants shorten in demos too small for a year
    min_days: int = Field(gt=0)
    idle_gpu: IdleGpuPlant
    consolidate_replicas: PoolPlant
    storage_tier: BucketPlant
    commitment_unused: CommitmentPlant


class ServerGroup(_Model):
    prefix: str
    name: str
    gpu_type: str
    gpus: int
    count: tuple[int, int]
    price: float
    power_kw: float
    bought_months: list[int]
    time_sliced: bool = False


class GpuSpec(_Model):
    memory_mib: float
    tdp_w: float
    idle_w: float


class Job(_Model):
    team: str
    project: str
    weight: int = 1
    workload: str | None = None


class OnPrem(_Model):
    site: str
    region: str
    defaults: dict[str, float | str]
    servers: list[ServerGroup]
    busy_share: float
    jobs: list[Job]
    time_sliced: list[Job]


class ManualEntry(_Model):
    id: str
    category: str
    description: str | None = None
    vendor: str | None = None
    amount: float | None = None
    fte: float | None = None
    monthly_rate: float | None = None
    frequency: Literal["monthly", "quarterly", "yearly", "one-time"] = "monthly"
    amortize: bool = False
    team: str | None = None
    project: str | None = None
    start_month: int = 0
    end_month: int | None = None


class Company(_Model):
    name: str
    currency: str
    teams: dict[str, list[str]]
    hourly_from_rows: int
    providers: dict[ProviderSlug, Provider]
    gpus: dict[str, GpuSpec]
    anomalies: list[AnomalySpec]
    opportunities: Opportunities
    onprem: OnPrem
    manual: list[ManualEntry]


@cache
def load_company() -> Company:
    """The demo company described by the package's ``company.yaml``."""
    text = resources.files("infracast.demo").joinpath("company.yaml").read_text(encoding="utf-8")
    return Company.model_validate(yaml.safe_load(text))
