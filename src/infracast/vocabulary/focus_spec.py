"""The FOCUS specification as data: columns, allowed values, renames, versions.

Everything here is read from the package data files (see ``data/README.md``);
nothing about FOCUS is hard-coded elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from infracast.vocabulary.data import data_rows

# How the ledger stores every FOCUS Decimal column: 18 decimals, less than 10^20 in size.
DECIMAL_TYPE = "DECIMAL(38, 18)"

VERSIONS = ("1.0", "1.1", "1.2", "1.3")
# Columns the ledger cannot do without: a row is only countable with a
# provider, a billing period, a charge period, both costs and the currency.
PROVIDER_COLUMNS = ("ServiceProviderName", "ProviderName")
LEDGER_REQUIRED = (
    "BillingCurrency",
    "BilledCost",
    "EffectiveCost",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "BillingPeriodStart",
    "BillingPeriodEnd",
)
# Column names of FOCUS 0.5 and 1.0-preview that mark those older versions.
PRE_10_MARKERS = {
    "ChargeType": "0.5",
    "AmortizedCost": "0.5",
    "ChargeSubcategory": "1.0-preview",
    "UsageQuantity": "1.0-preview",
    "UsageUnit": "1.0-preview",
}


@dataclass(frozen=True)
class FocusColumn:
    """One FOCUS column as the specification defines it."""

    column_id: str
    data_type: str  # String, Decimal, Date/Time or JSON
    feature_level: str  # Mandatory, Conditional or Recommended
    allows_nulls: bool
    introduced: str
    versions: tuple[str, ...]
    deprecated_in: str | None

    @property
    def sql_type(self) -> str:
        """The ledger's storage type for this column."""
        if self.data_type == "Decimal":
            return DECIMAL_TYPE
        if self.data_type == "Date/Time":
            return "TIMESTAMP"
        if self.column_id in MAP_COLUMNS:
            return "MAP(VARCHAR, VARCHAR)"
        if self.data_type == "JSON":
            return "JSON"
        return "VARCHAR"


# JSON key-value columns stored as maps so a tag is one lookup, not a JSON parse.
MAP_COLUMNS = frozenset({"Tags", "AllocatedTags"})


def _data_rows(name: str) -> list[dict[str, str]]:
    return data_rows(name)


@cache
def columns() -> dict[str, FocusColumn]:
    """Every FOCUS 1.0–1.3 column by its id."""
    out = {}
    for row in _data_rows("focus_columns.csv"):
        out[row["column_id"]] = FocusColumn(
            column_id=row["column_id"],
            data_type=row["data_type"],
            feature_level=row["feature_level"],
            allows_nulls=row["allows_nulls"] == "True",
            introduced=row["introduced"],
            versions=tuple(row["versions"].split()),
            deprecated_in=row["deprecated_in"] or None,
        )
    return out


@cache
def allowed_values() -> dict[str, tuple[str, ...]]:
    """Allowed values of the enumerated FOCUS columns."""
    out: dict[str, list[str]] = {}
    for row in _data_rows("focus_values.csv"):
        out.setdefault(row["column_id"], []).append(row["value"])
    return {k: tuple(v) for k, v in out.items()}


@cache
def renames() -> dict[str, str]:
    """Old column name (0.5, 1.0-preview) → FOCUS 1.0+ column id."""
    return {row["old_name"]: row["column_id"] for row in _data_rows("focus_renames.csv")}


def columns_of(version: str) -> list[str]:
    """The column ids a dataset of ``version`` has."""
    return [c.column_id for c in columns().values() if version in c.versions]


def mandatory_of(version: str) -> list[str]:
    """The Mandatory column ids of ``version``."""
    return [
        c.column_id
        for c in columns().values()
        if version in c.versions and c.feature_level == "Mandatory"
    ]


def detect_version(names: Iterable[str]) -> str:
    """Detect the FOCUS version from column ids (already mapped to canonical case).

    1.3 if a column introduced in 1.3 is present, else the highest of 1.2, 1.1,
    1.0 whose added columns appear, else 0.5 or 1.0-preview by their old names.
    """
    present = set(names)
    for marker, version in PRE_10_MARKERS.items():
        if marker in present:
            return version
    cols = columns()
    for version in reversed(VERSIONS[1:]):
        added = {c.column_id for c in cols.values() if c.introduced == version}
        if present & added:
            return version
    return "1.0"
