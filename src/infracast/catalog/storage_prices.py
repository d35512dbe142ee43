"""Object storage list prices per provider, region and class: ``data/storage_prices.csv``.

One row per storage class of a provider in a region, with the tier it maps to (``hot``,
``cool``, ``cold``, ``archive``), its storage price per GB-month, retrieval fee per GB read,
read (GET, restore) price per 1,000 requests, lifecycle transition price per 1,000 objects
moved into it, minimum storage days, and the public pricing page and date it was read from.
The packaged figures are list prices as published in 2024: check them against the live page
(or pass your own file in the same layout) before acting on a large saving.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from infracast.errors import CatalogError, did_you_mean

COLUMNS: tuple[str, ...] = (
    "provider",
    "region",
    "storage_class",
    "class_name",
    "tier",
    "storage_per_gb_month",
    "retrieval_per_gb",
    "read_per_1000",
    "transition_per_1000",
    "min_storage_days",
    "currency",
    "as_of",
    "source",
)  # and an optional ``notes``
TIERS: tuple[str, ...] = ("hot", "cool", "cold", "archive")
PROVIDERS: tuple[str, ...] = ("aws", "gcp", "azure")
_PRICES = (
    "storage_per_gb_month",
    "retrieval_per_gb",
    "read_per_1000",
    "transition_per_1000",
)
_ALIASES = {
    "amazon": "aws",
    "amazon web services": "aws",
    "s3": "aws",
    "google": "gcp",
    "google cloud": "gcp",
    "gcs": "gcp",
    "microsoft": "azure",
    "microsoft azure": "azure",
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class StoragePrice:
    """The list prices of one storage class in one provider's region (money in ``currency``)."""

    provider: str  # aws | gcp | azure
    region: str
    storage_class: str  # the provider's API name: STANDARD_IA, NEARLINE, Cool …
    class_name: str  # its product name: S3 Standard-IA
    tier: str  # hot | cool | cold | archive
    storage_per_gb_month: Decimal
    retrieval_per_gb: Decimal
    read_per_1000: Decimal
    transition_per_1000: Decimal
    min_storage_days: int
    currency: str
    as_of: date
    source: str
    notes: str = ""

    def names(self) -> set[str]:
        """The spellings that name this class (compared by :func:`class_key`)."""
        return {class_key(self.storage_class), class_key(self.class_name)}


def class_key(name: str) -> str:
    """A class name compared without case, spaces, dashes or underscores (``Standard-IA``,
    ``STANDARD_IA`` and ``standard ia`` are one)."""
    return re.sub(r"[\s_\-]+", "", name).lower()


def provider_key(name: str) -> str:
    """``aws``, ``gcp`` or ``azure`` for the usual spellings (``AWS``, ``Google Cloud``,
    ``Microsoft``); other names lower-cased as written."""
    text = " ".join(name.split()).lower()
    return _ALIASES.get(text, text)


@cache
def default_storage_prices() -> tuple[StoragePrice, ...]:
    """The packaged storage prices (read once)."""
    text = resources.files("infracast.data").joinpath("storage_prices.csv").read_text("utf-8")
    return tuple(parse_storage_prices(text.splitlines(), "data/storage_prices.csv"))


def load_storage_prices(path: str | Path | None = None) -> list[StoragePrice]:
    """The packaged storage prices, or those of the CSV at ``path`` (same columns)."""
    if path is None:
        return list(default_storage_prices())
    file = Path(path)
    if not file.is_file():
        raise CatalogError(
            f"no storage price file at {file}.",
            hint=f"Pass a CSV with the columns {', '.join(COLUMNS)} "
            "(the packaged one is src/infracast/data/storage_prices.csv).",
            file=file,
        )
    with file.open(encoding="utf-8", newline="") as fh:
        return parse_storage_prices(fh, str(file))


def parse_storage_prices(lines: Iterable[str], where: str) -> list[StoragePrice]:
    """Rows of a storage price CSV as :class:`StoragePrice`; a CatalogError naming the line
    and column of the first bad cell, or the columns a file lacks."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(
            f"{where} is not a storage price file: it lacks the columns {', '.join(missing)}.",
            hint=f"A storage price file has the columns {', '.join(COLUMNS)} (and notes).",
            file=where,
        )
    found = [_row(row, where, line) for line, row in enumerate(reader, start=2)]
    seen: dict[tuple[str, str, str], int] = {}
    for line, price in enumerate(found, start=2):
        key = (price.provider, price.region.lower(), class_key(price.storage_class))
        if key in seen:
            raise CatalogError(
                f"{where} line {line}, column storage_class: {price.storage_class} in "
                f"{price.provider} {price.region} is already priced on line {seen[key]}.",
                hint="Keep one row per provider, region and storage class.",
                file=where,
                row=line,
                field="storage_class",
            )
        seen[key] = line
    return found


def _row(row: dict[str, str], where: str, line: int) -> StoragePrice:
    def fail(column: str, problem: str, hint: str) -> CatalogError:
        return CatalogError(
            f"{where} line {line}, column {column}: {problem}",
            hint=hint,
            file=where,
            row=line,
            field=column,
        )

    cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
    for column in ("provider", "region", "storage_class", "class_name", "source"):
        if not cells.get(column):
            raise fail(column, "is empty.", f"Every row needs its {column}.")
    if cells["tier"] not in TIERS:
        raise fail(
            "tier",
            f'"{cells["tier"]}" is not a tier.{did_you_mean(cells["tier"], TIERS)}',
            f"Use one of: {', '.join(TIERS)}.",
        )
    money: dict[str, Decimal] = {}
    for column in _PRICES:
        try:
            value = Decimal(cells[column])
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value < 0:
            raise fail(
                column,
                f'"{cells[column]}" is not a price.',
                "Write a plain decimal of zero or more in USD (0.0125); 0 where none is charged.",
            )
        money[column] = value
    try:
        days = int(cells["min_storage_days"])
    except ValueError:
        days = -1
    if days < 0:
        raise fail(
            "min_storage_days",
            f'"{cells["min_storage_days"]}" is not a number of days.',
            "Write whole days of zero or more (30, 90, 180).",
        )
    if not _CURRENCY.match(cells["currency"]):
        raise fail(
            "currency", f'"{cells["currency"]}" is not an ISO 4217 code.', "Write USD, EUR, …"
        )
    try:
        as_of = date.fromisoformat(cells["as_of"])
    except ValueError:
        raise fail("as_of", f'"{cells["as_of"]}" is not a date.', "Write YYYY-MM-DD.") from None
    return StoragePrice(
        provider=provider_key(cells["provider"]),
        region=cells["region"],
        storage_class=cells["storage_class"],
        class_name=cells["class_name"],
        tier=cells["tier"],
        min_storage_days=days,
        currency=cells["currency"],
        as_of=as_of,
        source=cells["source"],
        notes=cells.get("notes", ""),
        **money,
    )


def region_prices(
    prices: Sequence[StoragePrice], provider: str, region: str | None
) -> tuple[list[StoragePrice], str | None]:
    """The classes of ``provider`` in ``region``, warmest tier first, and a note when the
    region had no prices and the provider's first region in the table was used instead (or
    no region was given). A CatalogError when the provider has no prices at all."""
    wanted = provider_key(provider)
    mine = [p for p in prices if p.provider == wanted]
    if not mine:
        known = sorted({p.provider for p in prices})
        raise CatalogError(
            f'no storage prices for provider "{provider}".{did_you_mean(wanted, known)}',
            hint=f"Storage prices are known for: {', '.join(known)}; add rows to a copy of "
            "data/storage_prices.csv and pass it as the prices.",
            field="provider",
        )
    regions = list(dict.fromkeys(p.region for p in mine))
    match = next((r for r in regions if region and r.lower() == region.strip().lower()), None)
    note = None
    if match is None:
        match = regions[0]
        said = f'region "{region}" has no' if region else "no region was given, so no"
        note = f"{wanted}: {said} storage prices in the table; {match}'s list prices were used."
    chosen = [p for p in mine if p.region == match]
    return sorted(chosen, key=lambda p: TIERS.index(p.tier)), note


def find_class(prices: Sequence[StoragePrice], name: str) -> StoragePrice | None:
    """The price of the class ``name`` (API or product name, see :func:`class_key`)."""
    key = class_key(name)
    return next((p for p in prices if key in p.names()), None)
