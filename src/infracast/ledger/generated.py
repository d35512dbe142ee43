"""Charges the ledger generates itself (owned assets, manual entries).

The files they come from are read by :mod:`infracast.ledger.registers`. Both the
asset register and the manual entries are *declarative*: a file says
what the ledger should hold for the ids it names. Ingesting it deletes the
charges those ids had (``x_source`` + ``x_source_key``), writes the new ones
and the ``ingests`` record in one transaction, and marks the ingests whose rows
it removed as superseded. The same content again (same ``through``) is a no-op.

A file with any invalid item is rejected whole, every problem listed at once,
so a register is never half applied.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from infracast.errors import IngestError
from infracast.ledger import rollup
from infracast.ledger.connection import Ledger
from infracast.ledger.enrich import key_variants
from infracast.ledger.records import (
    IngestResult,
    Kind,
    file_sha256,
    mark_superseded,
    new_batch_id,
    next_ingest_id,
    write_ingest_record,
)
from infracast.ledger.registers import Register
from infracast.settings import Settings

Source = Literal["asset", "manual"]
CENT = Decimal("0.01")
_SCALE = Decimal("1e-12")  # generated amounts keep 12 decimals (the ledger holds 18)


# --- dates -----------------------------------------------------------------------------


def end_of_current_month() -> date:
    """The last day of the current month (UTC): the default ``through``."""
    today = datetime.now(UTC).date()
    return add_months(today.replace(day=1), 1) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the day of month is clipped (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_next = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last_day = (first_next - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last_day))


def month_start(day: date) -> date:
    """The first day of ``day``'s calendar month."""
    return day.replace(day=1)


def midnight(day: date) -> datetime:
    """``day`` at 00:00 (naive UTC, as the ledger stores time)."""
    return datetime(day.year, day.month, day.day)


def installments(total: Decimal, months: int) -> list[Decimal]:
    """``total`` split into ``months`` straight-line installments that sum to it exactly.

    Each installment is total / months rounded down to the cent; the last one
    takes the residue, so it is never smaller than the others.
    (279000 / 48 = 5812.50 exactly: 48 equal installments.)
    """
    if months <= 0:
        raise ValueError("months must be positive")
    each = (total / months).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (months - 1) + [total - each * (months - 1)]


# --- charges ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedCharge:
    """One FOCUS charge the ledger generates. Unset FOCUS columns stay NULL."""

    source: Source
    source_key: str
    source_row: int | None
    charge_category: str  # Purchase | Usage
    charge_frequency: str  # One-Time | Recurring | Usage-Based
    description: str
    period_start: datetime
    period_end: datetime
    billed_cost: Decimal
    effective_cost: Decimal
    currency: str
    provider: str
    billing_account_id: str
    service_category: str
    service_name: str
    cost_category: str
    team: str | None = None
    project: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    resource_id: str | None = None
    resource_name: str | None = None
    region: str | None = None
    gpu_type: str | None = None
    gpu_count: float | None = None
    gpu_hours: float | None = None
    quantity: Decimal | None = None  # ConsumedQuantity = PricingQuantity
    unit: str | None = None
    unit_price: Decimal | None = None  # ListUnitPrice = ContractedUnitPrice
    custom: dict[str, str] = field(default_factory=dict)

    @property
    def cost(self) -> Decimal:
        """ListCost = ContractedCost: the purchase for a Purchase row, else EffectiveCost."""
        return self.billed_cost if self.charge_category == "Purchase" else self.effective_cost


def _dec(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_SCALE)


def _map(values: dict[str, str]) -> list[tuple[str, str]] | None:
    return sorted(values.items()) if values else None


def write_charges(
    con: duckdb.DuckDBPyConnection, charges: Sequence[GeneratedCharge], ingest_id: int
) -> int:
    """Insert full FOCUS rows for ``charges`` (one Arrow batch, not a row at a time)."""
    if not charges:
        return 0
    money = pa.decimal128(38, 12)
    text, stamp, tags = pa.string(), pa.timestamp("us"), pa.map_(pa.string(), pa.string())

    def col(values: list[Any], kind: pa.DataType) -> pa.Array:
        return pa.array(values, type=kind)

    def billing(c: GeneratedCharge) -> tuple[datetime, datetime]:
        start = month_start(c.period_start.date())
        return midnight(start), midnight(add_months(start, 1))

    providers = [c.provider for c in charges]
    table = pa.table(
        {
            "BilledCost": col([_dec(c.billed_cost) for c in charges], money),
            "EffectiveCost": col([_dec(c.effective_cost) for c in charges], money),
            "ListCost": col([_dec(c.cost) for c in charges], money),
            "ContractedCost": col([_dec(c.cost) for c in charges], money),
            "BillingCurrency": col([c.currency for c in charges], text),
            "BillingPeriodStart": col([billing(c)[0] for c in charges], stamp),
            "BillingPeriodEnd": col([billing(c)[1] for c in charges], stamp),
            "ChargePeriodStart": col([c.period_start for c in charges], stamp),
            "ChargePeriodEnd": col([c.period_end for c in charges], stamp),
            "ChargeCategory": col([c.charge_category for c in charges], text),
            "ChargeFrequency": col([c.charge_frequency for c in charges], text),
            "ChargeDescription": col([c.description for c in charges], text),
            "ServiceCategory": col([c.service_category for c in charges], text),
            "ServiceName": col([c.service_name for c in charges], text),
            "ProviderName": col(providers, text),
            "ServiceProviderName": col(providers, text),
            "PublisherName": col(providers, text),
            "InvoiceIssuerName": col(providers, text),
            "BillingAccountId": col([c.billing_account_id for c in charges], text),
            "ResourceId": col([c.resource_id for c in charges], text),
            "ResourceName": col([c.resource_name for c in charges], text),
            "RegionId": col([c.region for c in charges], text),
            "ConsumedQuantity": col([_dec(c.quantity) for c in charges], money),
            "ConsumedUnit": col([c.unit for c in charges], text),
            "PricingQuantity": col([_dec(c.quantity) for c in charges], money),
            "PricingUnit": col([c.unit for c in charges], text),
            "ListUnitPrice": col([_dec(c.unit_price) for c in charges], money),
            "ContractedUnitPrice": col([_dec(c.unit_price) for c in charges], money),
            "Tags": col([_map(c.tags) for c in charges], tags),
            "x_ingest_id": col([ingest_id] * len(charges), pa.int64()),
            "x_source": col([c.source for c in charges], text),
            "x_source_key": col([c.source_key for c in charges], text),
            "x_source_row": col([c.source_row for c in charges], pa.int64()),
            "x_team": col([c.team for c in charges], text),
            "x_project": col([c.project for c in charges], text),
            "x_cost_category": col([c.cost_category for c in charges], text),
            "x_gpu_type": col([c.gpu_type for c in charges], text),
            "x_gpu_count": col([c.gpu_count for c in charges], pa.float64()),
            "x_gpu_hours": col([c.gpu_hours for c in charges], pa.float64()),
            "x_warnings": col([[] for _ in charges], pa.list_(text)),
            "x_custom_columns": col(
                [json.dumps(c.custom, sort_keys=True) if c.custom else None for c in charges], text
            ),
        }
    )
    name = f"infracast_generated_{ingest_id}"
    con.register(name, table)
    try:
        names = ", ".join(f'"{n}"' for n in table.column_names)
        con.execute(
            f"INSERT INTO charges ({names}) SELECT * REPLACE "
            f"(CAST(x_custom_columns AS JSON) AS x_custom_columns) FROM {name}"
        )
    finally:
        con.unregister(name)
    return len(charges)


def owner_and_tags(
    team: str | None, project: str | None, tags: dict[str, str], settings: Settings
) -> tuple[str | None, str | None, dict[str, str]]:
    """(x_team, x_project, Tags): explicit fields first, then the settings' tag keys.

    An explicit team or project is also written into Tags under the first
    ``team_tags`` / ``project_tags`` key, unless the tags already hold that key.
    """

    def from_tags(keys: Sequence[str]) -> str | None:
        for key in key_variants(keys):
            if tags.get(key, "").strip():
                return tags[key].strip()
        return None

    out = dict(tags)
    if team and settings.team_tags:
        out.setdefault(settings.team_tags[0], team)
    if project and settings.project_tags:
        out.setdefault(settings.project_tags[0], project)
    return team or from_tags(settings.team_tags), project or from_tags(settings.project_tags), out


# --- the ingest --------------------------------------------------------------------------


def reject(
    ledger: Ledger,
    kind: Kind,
    register: Register,
    sha: str,
    started: datetime,
    label: str,
) -> IngestError:
    """Record the rejected file and return the error listing every problem (to raise)."""
    listed = "\n".join(f"  - {p}" for p in register.problems)
    n = len(register.problems)
    message = (
        f"{register.path}: {n} problem{'s' if n > 1 else ''} in the {label} file; "
        f"nothing was ingested:\n{listed}"
    )
    result = IngestResult(
        file=str(register.path),
        ingest_id=None,
        status="rejected",
        focus_version=None,
        rows_read=len(register.items),
        rows_ingested=0,
        rows_quarantined=0,
        kind=kind,
        message=message,
    )
    with ledger.transaction() as con:
        result.ingest_id = next_ingest_id(con)
        write_ingest_record(
            con,
            ingest_id=result.ingest_id,
            batch_id=new_batch_id(),
            kind=kind,
            source=str(register.path),
            sha256=sha,
            file_bytes=register.path.stat().st_size,
            file_format=register.file_format,
            result=result,
            source_columns=None,
            started_at=started,
        )
    return IngestError(
        message, hint=f"Fix every listed {label} and ingest the file again (docs/sources.md)."
    )


def content_hash(path: Path, **options: object) -> str:
    """SHA-256 of the file plus the options that change what it generates."""
    extra = ";".join(f"{k}={v}" for k, v in sorted(options.items()))
    return file_sha256(path, extra.encode())


def apply_declarative(
    ledger: Ledger,
    *,
    kind: Kind,
    source: Source,
    register: Register,
    sha: str,
    keys: list[str],
    replace: bool,
    started: datetime,
    build: Callable[[duckdb.DuckDBPyConnection, int], list[GeneratedCharge]],
    notes: list[str],
    remove_extra: Callable[[duckdb.DuckDBPyConnection, list[str], bool], list[int]] | None = None,
) -> IngestResult:
    """In one transaction: remove what ``keys`` (or, with ``replace``, every key of
    ``source``) held, write ``build``'s charges and the ingest record."""
    with ledger.transaction() as con:
        ingest_id = next_ingest_id(con)
        where = "x_source = ?" + ("" if replace else " AND list_contains(?, x_source_key)")
        params: list[Any] = [source] if replace else [source, keys]
        old = {
            int(r[0])
            for r in con.execute(
                f"SELECT DISTINCT x_ingest_id FROM charges WHERE {where}", params
            ).fetchall()
        }
        # Ids held by the ledger but not named: all of them (replace), else those an
        # earlier ingest of this same file wrote (an id deleted from the file).
        same_file = "" if replace else " AND i.source = ?"
        stale = [
            str(r[0])
            for r in con.execute(
                "SELECT DISTINCT c.x_source_key FROM charges c JOIN ingests i "
                "ON i.ingest_id = c.x_ingest_id WHERE c.x_source = ? "
                f"AND NOT list_contains(?, c.x_source_key){same_file} ORDER BY 1",
                [source, keys] + ([] if replace else [str(register.path)]),
            ).fetchall()
        ]
        con.execute(f"DELETE FROM charges WHERE {where}", params)
        if remove_extra is not None:
            old.update(remove_extra(con, keys, replace))
        charges = build(con, ingest_id)
        written = write_charges(con, charges, ingest_id)
        by_kind = Counter(c.custom.get("charge", c.charge_category) for c in charges)
        listed = ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()))
        notes = [f"{written} charges generated ({listed})" if written else "no charges", *notes]
        if replace and stale:
            notes.append(f"removed (not in the file, replace): {', '.join(stale)}")
        elif stale:
            notes.append(
                f"the ledger still holds {source} ids this file does not name: "
                f"{', '.join(stale)}; ingest with replace (--replace) to remove them"
            )
        old_ids = sorted(old)
        result = IngestResult(
            file=str(register.path),
            ingest_id=ingest_id,
            status="replaced" if old_ids else "ingested",
            focus_version=None,
            rows_read=len(register.items),
            rows_ingested=len(keys),
            rows_quarantined=0,
            notes=notes,
            replaced_ingest_ids=old_ids,
            kind=kind,
        )
        write_ingest_record(
            con,
            ingest_id=ingest_id,
            batch_id=new_batch_id(),
            kind=kind,
            source=str(register.path),
            sha256=sha,
            file_bytes=register.path.stat().st_size,
            file_format=register.file_format,
            result=result,
            source_columns=None,
            started_at=started,
        )
        mark_superseded(con, old_ids, ingest_id)
        rollup.refresh(con, [ingest_id, *old_ids])
    return result
