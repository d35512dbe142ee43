"""The asset register: owned hardware in, amortization and energy charges out.

Each asset is in service from its purchase date to the end of its N-th month
(the purchase month counting as the first). For every month in service up to
``through`` it generates (see docs/sources.md):

- in the purchase month, a Purchase charge: BilledCost = price, EffectiveCost = 0;
- an amortization charge: EffectiveCost = (price − salvage) / N, rounded down
  to the cent, the last month taking the residue so the N months sum exactly;
- an energy charge when the asset has ``power_kw``: kWh × energy price, the kWh
  measured from usage samples' ``power_w`` where they exist, else modelled
  from the samples' utilization, else from ``default_utilization``.

The register is declarative: ingesting it replaces what the ledger held for
the asset ids it names (:mod:`infracast.ledger.generated`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field, model_validator

from infracast.amounts import Amount, Number
from infracast.ledger.connection import Ledger
from infracast.ledger.generated import (
    GeneratedCharge,
    add_months,
    apply_declarative,
    content_hash,
    end_of_current_month,
    installments,
    midnight,
    month_start,
    owner_and_tags,
    reject,
)
from infracast.ledger.records import IngestResult, already_ingested, utcnow
from infracast.ledger.registers import load_register, validate_items
from infracast.settings import Settings
from infracast.vocabulary import currencies

# Keys of which an asset sets at most one; an asset's own choice overrides the defaults'.
_ALTERNATIVES = (("useful_life_months", "useful_life_years"), ("salvage_value", "salvage_pct"))


class AssetSpec(BaseModel):
    """One asset of the register, as written (after ``defaults`` were applied)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    name: str | None = None
    site: str | None = None
    resource_id: str | None = None
    gpu_type: str | None = None
    gpu_count: int | None = Field(default=None, ge=0)
    purchase_date: date
    purchase_price: Amount
    currency: str
    useful_life_months: int | None = Field(default=None, gt=0)
    useful_life_years: Number | None = Field(default=None, gt=0)
    salvage_value: Amount | None = None
    salvage_pct: Number | None = Field(default=None, ge=0, le=100)
    power_kw: Number | None = Field(default=None, ge=0)
    pue: Number | None = Field(default=None, ge=1)
    energy_price_per_kwh: Amount | None = None
    default_utilization: Number | None = Field(default=None, ge=0, le=1)
    team: str | None = None
    project: str | None = None
    region: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> AssetSpec:
        problems = []
        self.currency = self.currency.upper()
        if self.currency not in currencies():
            problems.append(f"currency {self.currency!r} is not an ISO 4217 code")
        if self.useful_life_months is None and self.useful_life_years is None:
            problems.append("useful_life_months (or useful_life_years) is required")
        elif self.useful_life_years is not None and self.useful_life_months is not None:
            problems.append("give useful_life_months or useful_life_years, not both")
        elif self.useful_life_years is not None and (self.useful_life_years * 12) % 1:
            problems.append(
                f"useful_life_years {self.useful_life_years} is not a whole number of months"
            )
        if self.salvage_value is not None and self.salvage_pct is not None:
            problems.append("give salvage_value or salvage_pct, not both")
        elif self.salvage > self.purchase_price:
            problems.append(
                f"salvage {self.salvage} is more than the purchase price {self.purchase_price}"
            )
        if self.power_kw is not None:
            missing = [
                k
                for k in ("pue", "energy_price_per_kwh", "default_utilization")
                if getattr(self, k) is None
            ]
            if missing:
                problems.append(
                    f"power_kw is given but {', '.join(missing)} "
                    f"{'are' if len(missing) > 1 else 'is'} not; set "
                    f"{'them' if len(missing) > 1 else 'it'} on the asset or under defaults "
                    "(or drop power_kw to generate no energy charges)"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def life_months(self) -> int:
        if self.useful_life_months is not None:
            return self.useful_life_months
        assert self.useful_life_years is not None
        return int(self.useful_life_years * 12)

    @property
    def salvage(self) -> Decimal:
        if self.salvage_value is not None:
            return self.salvage_value
        return self.purchase_price * (self.salvage_pct or Decimal(0)) / 100

    @property
    def resource(self) -> str:
        return self.resource_id or self.id

    @property
    def in_service_end(self) -> date:
        """The day after the last day in service (exclusive)."""
        return add_months(month_start(self.purchase_date), self.life_months)


_DEFAULT_KEYS = [k for k in AssetSpec.model_fields if k not in ("id", "name", "resource_id")]


def _prepare(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    for group in _ALTERNATIVES:
        if any(k in values for k in group):
            for k in group:
                defaults.pop(k, None)
    return {**defaults, **values}


@dataclass(frozen=True)
class SampleStats:
    """What the usage samples of one resource say about one month."""

    samples: int
    gpus: int
    kwh: float | None  # Σ power_w × interval_s / 3.6e6 (before PUE)
    power_seconds: float  # GPU-seconds with a power reading
    utilization: float | None  # time-weighted mean utilization of the GPU
    utilization_seconds: float


def sample_stats(
    con: duckdb.DuckDBPyConnection, windows: list[tuple[str, datetime, datetime]]
) -> dict[tuple[str, date], SampleStats]:
    """Per (resource, month): energy and utilization from ``usage_samples`` in the windows.

    Samples of one GPU at one time are first folded together (several holders
    of a shared GPU): power is their mean, utilization Σ utilization × share
    (at most 1), the interval their longest.
    """
    if not windows:
        return {}
    rows = con.execute(
        """WITH w AS (SELECT unnest(?) AS resource_id, unnest(?) AS lo, unnest(?) AS hi),
           per AS (
             SELECT u.resource_id, u.gpu_index, u.ts, avg(u.power_w) AS power_w,
                    CASE WHEN count(u.utilization) > 0
                         THEN least(1.0, sum(u.utilization * u.share)) END AS util,
                    max(u.interval_s) AS interval_s
             FROM usage_samples u JOIN w
               ON u.resource_id = w.resource_id AND u.ts >= w.lo AND u.ts < w.hi
             GROUP BY ALL)
           SELECT resource_id, CAST(date_trunc('month', ts) AS DATE), count(*),
                  count(DISTINCT gpu_index),
                  sum(power_w * interval_s) / 3.6e6,
                  coalesce(sum(interval_s) FILTER (WHERE power_w IS NOT NULL), 0),
                  sum(util * interval_s) / sum(interval_s) FILTER (WHERE util IS NOT NULL),
                  coalesce(sum(interval_s) FILTER (WHERE util IS NOT NULL), 0)
           FROM per GROUP BY ALL""",
        [[w[0] for w in windows], [w[1] for w in windows], [w[2] for w in windows]],
    ).fetchall()
    return {
        (str(r[0]), r[1]): SampleStats(int(r[2]), int(r[3]), r[4], float(r[5]), r[6], float(r[7]))
        for r in rows
    }


def _d(value: float) -> Decimal:
    return Decimal(repr(value))


def asset_charges(
    asset: AssetSpec,
    *,
    source_row: int | None,
    through: date,
    stats: dict[tuple[str, date], SampleStats],
    settings: Settings,
) -> list[GeneratedCharge]:
    """Every charge the asset generates whose period starts on or before ``through``."""
    team, project, tags = owner_and_tags(asset.team, asset.project, asset.tags, settings)
    provider = f"On-premises ({asset.site})" if asset.site else "On-premises"
    label = f"{asset.id} ({asset.name})" if asset.name else asset.id
    common: dict[str, Any] = dict(
        source="asset",
        source_key=asset.id,
        source_row=source_row,
        currency=asset.currency,
        provider=provider,
        billing_account_id="on-premises",
        team=team,
        project=project,
        tags=tags,
        resource_id=asset.resource,
        resource_name=asset.name,
        region=asset.region,
        gpu_type=asset.gpu_type,
        gpu_count=float(asset.gpu_count) if asset.gpu_count is not None else None,
    )
    out: list[GeneratedCharge] = []
    if asset.purchase_date > through:
        return out
    out.append(
        GeneratedCharge(
            **common,
            charge_category="Purchase",
            charge_frequency="One-Time",
            description=f"Purchase of {label}",
            period_start=midnight(asset.purchase_date),
            period_end=midnight(asset.purchase_date + timedelta(days=1)),
            billed_cost=asset.purchase_price,
            effective_cost=Decimal(0),
            service_category="Compute",
            service_name="On-premises hardware",
            cost_category="compute",
            custom={"charge": "purchase"},
        )
    )
    life = asset.life_months
    depreciable = asset.purchase_price - asset.salvage
    for i, amount in enumerate(installments(depreciable, life)):
        month = add_months(month_start(asset.purchase_date), i)
        start = max(month, asset.purchase_date)
        if start > through:
            break
        end = add_months(month, 1)
        hours = Decimal((end - start).days * 24)
        out.append(
            GeneratedCharge(
                **common,
                charge_category="Usage",
                charge_frequency="Recurring",
                description=f"Amortization of {label}, month {i + 1} of {life}: "
                f"({asset.purchase_price} − salvage {asset.salvage}) / {life}",
                period_start=midnight(start),
                period_end=midnight(end),
                billed_cost=Decimal(0),
                effective_cost=amount,
                service_category="Compute",
                service_name="On-premises hardware",
                cost_category="compute",
                gpu_hours=float(asset.gpu_count * hours) if asset.gpu_count is not None else None,
                custom={
                    "charge": "amortization",
                    "installment": f"{i + 1}/{life}",
                    "salvage_value": str(asset.salvage),
                },
            )
        )
        if asset.power_kw is not None:
            out.append(_energy(asset, common, label, month, start, end, hours, stats))
    return out


def _energy(
    asset: AssetSpec,
    common: dict[str, Any],
    label: str,
    month: date,
    start: date,
    end: date,
    hours: Decimal,
    stats: dict[tuple[str, date], SampleStats],
) -> GeneratedCharge:
    assert asset.power_kw is not None and asset.pue is not None
    assert asset.energy_price_per_kwh is not None and asset.default_utilization is not None
    s = stats.get((asset.resource, month))
    pue = asset.pue
    custom = {"charge": "energy", "pue": str(pue), "hours": str(hours)}
    if s is not None and s.kwh is not None and s.power_seconds > 0:
        it_kwh = _d(s.kwh)
        kwh = it_kwh * pue
        gpus = asset.gpu_count or s.gpus
        coverage = s.power_seconds / (gpus * float(hours) * 3600)
        basis = "measured"
        how = (
            f"{it_kwh:.3f} kWh measured by {s.samples} power samples "
            f"({coverage:.0%} of the GPU-hours) × PUE {pue}"
        )
        custom.update(samples=str(s.samples), energy_coverage=f"{coverage:.4f}")
    else:
        if s is not None and s.utilization is not None and s.utilization_seconds > 0:
            utilization, basis = _d(s.utilization), "sampled_utilization"
            source = f"sampled utilization ({s.samples} samples)"
            custom["samples"] = str(s.samples)
        else:
            utilization, basis = asset.default_utilization, "default_utilization"
            source = "default utilization"
        kwh = asset.power_kw * utilization * hours * pue
        how = f"{asset.power_kw} kW × {utilization:.4f} {source} × {hours} h × PUE {pue}"
        custom["utilization"] = str(utilization)
    custom["energy_basis"] = basis
    price = asset.energy_price_per_kwh
    return GeneratedCharge(
        **common,
        charge_category="Usage",
        charge_frequency="Usage-Based",
        description=f"Energy of {label}, {month:%Y-%m} ({basis.replace('_', ' ')}): {how} "
        f"= {kwh.normalize():f} kWh at {price} {asset.currency}/kWh",
        period_start=midnight(start),
        period_end=midnight(end),
        billed_cost=kwh * price,
        effective_cost=kwh * price,
        service_category="Other",
        service_name="On-premises energy",
        cost_category="energy",
        quantity=kwh,
        unit="kWh",
        unit_price=price,
        custom=custom,
    )


def _usage_state(ledger: Ledger) -> int:
    row = ledger.con.execute(
        "SELECT coalesce(max(ingest_id), 0) FROM ingests WHERE kind = 'usage' "
        "AND status IN ('ingested', 'replaced')"
    ).fetchone()
    return int(row[0]) if row else 0


def ingest_assets(
    ledger: Ledger, path: str | Path, *, through: date | None = None, replace: bool = False
) -> IngestResult:
    """Ingest an asset register (YAML or CSV) and generate its charges through ``through``.

    ``through`` (inclusive; default: the last day of the current month, UTC)
    bounds the months generated. The charges of every asset the file names are
    replaced; with ``replace`` the file is the whole register and assets the
    ledger holds that it does not name are removed. The same file with the same
    ``through`` and no usage ingested since is a no-op (``already_ingested``).
    Raises :class:`~infracast.errors.IngestError` listing every problem when
    any asset is invalid; nothing is ingested then.
    """
    path = Path(path)
    started = utcnow()
    through = through or end_of_current_month()
    register = load_register(path, "assets", "asset")
    sha = content_hash(
        path, kind="assets", through=through, replace=replace, usage=_usage_state(ledger)
    )
    done = already_ingested(ledger.con, "assets", str(path), sha)
    if done is not None:
        return done
    pairs = validate_items(register, AssetSpec, "asset", _prepare, _DEFAULT_KEYS)
    by_resource: dict[str, str] = {}
    for item, spec in pairs:
        other = by_resource.setdefault(spec.resource, spec.id)
        if other != spec.id:
            register.problems.append(
                f"{item.where}, asset {spec.id}: resource_id {spec.resource!r} is also the one "
                f"of asset {other}; usage samples could not tell them apart"
            )
    if register.problems:
        raise reject(ledger, "assets", register, sha, started, "asset")
    notes = [f"generated through {through.isoformat()}"]
    notes += [
        f"asset {spec.id} is purchased after {through.isoformat()}; no charges yet"
        for _, spec in pairs
        if spec.purchase_date > through
    ]
    notes += [
        f"asset {s.id} has no power_kw; no energy charges" for _, s in pairs if s.power_kw is None
    ]

    def build(con: duckdb.DuckDBPyConnection, ingest_id: int) -> list[GeneratedCharge]:
        _write_assets(con, [spec for _, spec in pairs], ingest_id)
        until = midnight(through + timedelta(days=1))
        windows = [
            (s.resource, midnight(s.purchase_date), min(midnight(s.in_service_end), until))
            for _, s in pairs
            if s.power_kw is not None and s.purchase_date <= through
        ]
        stats = sample_stats(con, windows)
        charges = []
        for item, spec in pairs:
            charges += asset_charges(
                spec,
                source_row=item.position,
                through=through,
                stats=stats,
                settings=ledger.settings,
            )
        return charges

    return apply_declarative(
        ledger,
        kind="assets",
        source="asset",
        register=register,
        sha=sha,
        keys=[spec.id for _, spec in pairs],
        replace=replace,
        started=started,
        build=build,
        notes=notes,
        remove_extra=_remove_assets,
    )


def _remove_assets(con: duckdb.DuckDBPyConnection, keys: list[str], replace: bool) -> list[int]:
    where = "" if replace else " WHERE list_contains(?, asset_id)"
    params = [] if replace else [keys]
    old = [
        int(r[0])
        for r in con.execute(f"SELECT DISTINCT x_ingest_id FROM assets{where}", params).fetchall()
    ]
    con.execute(f"DELETE FROM assets{where}", params)
    return old


def _write_assets(con: duckdb.DuckDBPyConnection, specs: list[AssetSpec], ingest_id: int) -> None:
    if not specs:
        return
    con.executemany(
        """INSERT INTO assets (asset_id, name, site, resource_id, gpu_type, gpu_count,
               purchase_date, purchase_price, currency, useful_life_months, salvage_value,
               power_w, pue, energy_price, default_utilization, team, project, region,
               x_ingest_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            [
                s.id,
                s.name,
                s.site,
                s.resource,
                s.gpu_type,
                s.gpu_count,
                s.purchase_date,
                s.purchase_price,
                s.currency,
                s.life_months,
                s.salvage,
                float(s.power_kw * 1000) if s.power_kw is not None else None,
                float(s.pue) if s.pue is not None else None,
                s.energy_price_per_kwh,
                float(s.default_utilization) if s.default_utilization is not None else None,
                s.team,
                s.project,
                s.region,
                ingest_id,
            ]
            for s in specs
        ],
    )
