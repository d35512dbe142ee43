"""Manual entries: costs no bill carries (licences, people, contracts, colocation).

Each entry is an amount per period (``monthly``, ``quarterly``, ``yearly``) or
once (``one-time``), from ``start`` to ``end`` (exclusive) or, when open-ended,
up to ``through``. Every period becomes a Purchase charge with BilledCost =
EffectiveCost = the amount. With ``amortize: true`` the period's Purchase
charge keeps the BilledCost (EffectiveCost 0) and the amount is spread over the
months of the period as Usage charges (BilledCost 0), in cents, the last month
taking the rounding residue.

The file is declarative: ingesting it replaces what the ledger held for the
entry ids it names (:mod:`infracast.ledger.generated`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from infracast.amounts import Amount, Number
from infracast.errors import did_you_mean
from infracast.ledger.connection import Ledger
from infracast.ledger.generated import (
    GeneratedCharge,
    add_months,
    apply_declarative,
    content_hash,
    end_of_current_month,
    installments,
    midnight,
    owner_and_tags,
    reject,
)
from infracast.ledger.records import IngestResult, already_ingested, utcnow
from infracast.ledger.registers import load_register, validate_items
from infracast.settings import Settings
from infracast.vocabulary import currencies
from infracast.vocabulary.cost_categories import COST_CATEGORIES

FREQUENCIES = {"monthly": 1, "quarterly": 3, "yearly": 12, "one-time": 0}
_SERVICE_CATEGORY = {"compute": "Compute", "storage": "Storage", "network": "Networking"}


class ManualEntrySpec(BaseModel):
    """One manual entry, as written (after ``defaults`` were applied)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    description: str | None = None
    category: str
    vendor: str | None = None
    amount: Amount | None = None
    fte: Number | None = Field(default=None, gt=0)
    monthly_rate: Amount | None = None
    currency: str
    frequency: str | None = None
    start: date
    end: date | None = None
    amortize: bool = False
    team: str | None = None
    project: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        value = value.lower()
        if value not in COST_CATEGORIES:
            raise ValueError(
                f"category {value!r} is not one of {', '.join(COST_CATEGORIES)}."
                + did_you_mean(value, COST_CATEGORIES)
            )
        return value

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.lower()
        if value not in FREQUENCIES:
            raise ValueError(
                f"frequency {value!r} is not one of {', '.join(FREQUENCIES)}."
                + did_you_mean(value, FREQUENCIES)
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ManualEntrySpec:
        problems = []
        self.currency = self.currency.upper()
        if self.currency not in currencies():
            problems.append(f"currency {self.currency!r} is not an ISO 4217 code")
        people = self.fte is not None or self.monthly_rate is not None
        if self.amount is not None and people:
            problems.append("give amount or fte × monthly_rate, not both")
        elif self.amount is None and (self.fte is None or self.monthly_rate is None):
            problems.append("amount is required (or fte and monthly_rate, for people)")
        if people and self.frequency not in (None, "monthly"):
            problems.append(
                f"fte × monthly_rate is a monthly amount; frequency {self.frequency!r} "
                "must be monthly (or left out)"
            )
        elif people:
            self.frequency = "monthly"
        elif self.frequency is None:
            problems.append(f"frequency is required: {', '.join(FREQUENCIES)}")
        if self.end is not None and self.end <= self.start:
            problems.append(f"end {self.end} is not after start {self.start}")
        if self.frequency == "one-time" and self.amortize and self.end is None:
            problems.append("a one-time entry with amortize needs an end (spread until then)")
        elif self.frequency == "one-time" and self.end is not None and not self.amortize:
            problems.append(
                "end has no meaning for a one-time entry without amortize: true "
                "(which spreads the amount over the months from start to end)"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def per_period(self) -> Decimal:
        """The amount charged each period (fte × monthly_rate for people)."""
        if self.amount is not None:
            return self.amount
        assert self.fte is not None and self.monthly_rate is not None
        return self.fte * self.monthly_rate


_DEFAULT_KEYS = [k for k in ManualEntrySpec.model_fields if k not in ("id", "description")]


def _prepare(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    if "amount" in values:
        defaults.pop("fte", None)
        defaults.pop("monthly_rate", None)
    return {**defaults, **values}


def periods(entry: ManualEntrySpec, through: date) -> list[tuple[date, date]]:
    """[start, end) of every period that starts on or before ``through``.

    A period that starts before ``end`` is charged in full. A one-time entry has
    one period: [start, end) when amortized, else the start day.
    """
    step = FREQUENCIES[entry.frequency or "monthly"]
    if entry.start > through:
        return []
    if step == 0:
        return [(entry.start, entry.end or entry.start + timedelta(days=1))]
    out: list[tuple[date, date]] = []
    k = 0
    while True:
        lo = add_months(entry.start, k * step)
        if lo > through or (entry.end is not None and lo >= entry.end):
            return out
        out.append((lo, add_months(entry.start, (k + 1) * step)))
        k += 1


def _months_between(lo: date, hi: date) -> int:
    n = 1
    while add_months(lo, n) < hi:
        n += 1
    return n


def entry_charges(
    entry: ManualEntrySpec, *, source_row: int | None, through: date, settings: Settings
) -> list[GeneratedCharge]:
    """Every charge the entry generates whose period starts on or before ``through``."""
    team, project, tags = owner_and_tags(entry.team, entry.project, entry.tags, settings)
    name = entry.description or entry.id
    common: dict[str, Any] = dict(
        source="manual",
        source_key=entry.id,
        source_row=source_row,
        currency=entry.currency,
        provider=entry.vendor or "Manual entry",
        billing_account_id="manual",
        service_category=_SERVICE_CATEGORY.get(entry.category, "Other"),
        service_name=name,
        cost_category=entry.category,
        team=team,
        project=project,
        tags=tags,
    )
    amount = entry.per_period
    how = (
        f"{entry.fte} FTE × {entry.monthly_rate} per month"
        if entry.amount is None
        else f"{amount} {entry.frequency}"
    )
    recurring = "One-Time" if entry.frequency == "one-time" else "Recurring"
    out: list[GeneratedCharge] = []
    for lo, hi in periods(entry, through):
        out.append(
            GeneratedCharge(
                **common,
                charge_category="Purchase",
                charge_frequency=recurring,
                description=f"{name}: {how}" + (" (amortized by month)" if entry.amortize else ""),
                period_start=midnight(lo),
                period_end=midnight(hi),
                billed_cost=amount,
                effective_cost=Decimal(0) if entry.amortize else amount,
                custom={"charge": "purchase" if entry.amortize else recurring.lower()},
            )
        )
        if not entry.amortize:
            continue
        months = _months_between(lo, hi)
        for i, part in enumerate(installments(amount, months)):
            month = add_months(lo, i)
            if month > through:
                break
            out.append(
                GeneratedCharge(
                    **common,
                    charge_category="Usage",
                    charge_frequency="Recurring",
                    description=f"{name}: month {i + 1} of {months} of {amount} billed {lo}",
                    period_start=midnight(month),
                    period_end=midnight(min(add_months(lo, i + 1), hi)),
                    billed_cost=Decimal(0),
                    effective_cost=part,
                    custom={"charge": "amortization", "installment": f"{i + 1}/{months}"},
                )
            )
    return out


def ingest_manual(
    ledger: Ledger, path: str | Path, *, through: date | None = None, replace: bool = False
) -> IngestResult:
    """Ingest manual entries (YAML or CSV) and generate their charges through ``through``.

    ``through`` (inclusive; default: the last day of the current month, UTC)
    bounds the periods generated. The charges of every entry the file names are
    replaced; with ``replace`` the file holds every manual entry and entries the
    ledger holds that it does not name are removed. The same file with the same
    ``through`` is a no-op. Raises :class:`~infracast.errors.IngestError`
    listing every problem when any entry is invalid; nothing is ingested then.
    """
    path = Path(path)
    started = utcnow()
    through = through or end_of_current_month()
    register = load_register(path, "entries", "manual entry")
    # The tag settings decide an entry's team and project (when it names none), so the same
    # file under other settings is new content: re-ingesting it re-derives them.
    sha = content_hash(
        path,
        kind="manual",
        through=through,
        replace=replace,
        team_tags=ledger.settings.team_tags,
        project_tags=ledger.settings.project_tags,
    )
    done = already_ingested(ledger.con, "manual", str(path), sha)
    if done is not None:
        return done
    pairs = validate_items(register, ManualEntrySpec, "entry", _prepare, _DEFAULT_KEYS)
    if register.problems:
        raise reject(ledger, "manual", register, sha, started, "manual entry")
    notes = [f"generated through {through.isoformat()}"]
    notes += [
        f"entry {e.id} starts after {through.isoformat()}; no charges yet"
        for _, e in pairs
        if e.start > through
    ]

    def build(con: duckdb.DuckDBPyConnection, ingest_id: int) -> list[GeneratedCharge]:
        charges: list[GeneratedCharge] = []
        for item, entry in pairs:
            charges += entry_charges(
                entry, source_row=item.position, through=through, settings=ledger.settings
            )
        return charges

    return apply_declarative(
        ledger,
        kind="manual",
        source="manual",
        register=register,
        sha=sha,
        keys=[e.id for _, e in pairs],
        replace=replace,
        started=started,
        build=build,
        notes=notes,
    )
