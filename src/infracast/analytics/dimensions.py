"""Dimensions: the names a breakdown (``--by``) or a filter can use.

Each name is an Ibis expression over the ``charges`` table, so a breakdown is
``charges.group_by(dimension(charges, "team"))`` on any Ibis backend. Empty
strings count as missing: a missing value is null in the data (the CLI shows
it as "(none)").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ibis
import ibis.expr.types as ir

from infracast.errors import QueryError, did_you_mean

# name -> the charges columns it reads, first non-empty wins.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "provider": ("ServiceProviderName", "ProviderName"),
    "service": ("ServiceName",),
    "service_category": ("ServiceCategory",),
    "region": ("RegionId", "RegionName"),
    "account": ("BillingAccountId",),
    "sub_account": ("SubAccountId",),
    "team": ("x_team",),
    "project": ("x_project",),
    "cost_category": ("x_cost_category",),
    "gpu_type": ("x_gpu_type",),
    "charge_category": ("ChargeCategory",),
    "pricing_category": ("PricingCategory",),
    "resource": ("ResourceId",),
    "sku": ("SkuId",),
    "source": ("x_source",),  # focus (a cloud bill), asset (owned hardware) or manual
}
# name -> truncation unit of ChargePeriodStart (weeks start on Monday, ISO 8601).
_TIME: dict[str, str] = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
# prefix -> map (Tags) or JSON object (x_custom_columns) looked up with the exact key
# after the dot. Ibis addresses a JSON key as a path: keys with a dot are not reachable.
_MAPS: dict[str, str] = {"tag": "Tags", "custom": "x_custom_columns"}

DIMENSIONS: tuple[str, ...] = (*_COLUMNS, *_TIME)
KEYED_DIMENSIONS: tuple[str, ...] = tuple(f"{prefix}.KEY" for prefix in _MAPS)


def dimension_names() -> tuple[str, ...]:
    """Every dimension name, with ``tag.KEY`` and ``custom.KEY`` for the keyed ones."""
    return DIMENSIONS + KEYED_DIMENSIONS


def check_dimension(name: str) -> str:
    """Return ``name`` if it is a dimension; else raise QueryError with the valid names."""
    if name in _COLUMNS or name in _TIME:
        return name
    prefix, dot, key = name.partition(".")
    if dot and prefix in _MAPS:
        if key:
            return name
        raise QueryError(
            f'dimension "{name}" names no key.',
            hint=f"Write the key after the dot, as in {prefix}.env.",
        )
    if name == "currency":
        raise QueryError(
            'results are always split by currency, so "currency" is not a dimension.',
            hint="Drop currency from --by; every result row carries its currency.",
        )
    choices = [f"{p}.{key}" for p in _MAPS] if dot else list(DIMENSIONS)
    raise QueryError(
        f'unknown dimension "{name}".{did_you_mean(name, choices)}',
        hint=f"Use one of: {', '.join(dimension_names())} "
        "(KEY is a tag key or a custom column name, matched exactly).",
    )


def check_dimensions(names: Sequence[str] | str) -> list[str]:
    """Validate dimension names (a list, or one comma-separated string), without repeats."""
    items = names.split(",") if isinstance(names, str) else list(names)
    out: list[str] = []
    for raw in items:
        name = raw.strip()
        if not name and isinstance(names, str):
            continue
        checked = check_dimension(name)
        if checked not in out:
            out.append(checked)
    return out


def columns_read(name: str) -> tuple[str, ...]:
    """The charges columns dimension ``name`` reads (``ChargePeriodStart`` for a time grain)."""
    check_dimension(name)
    if name in _TIME:
        return ("ChargePeriodStart",)
    if name in _COLUMNS:
        return _COLUMNS[name]
    return (_MAPS[name.partition(".")[0]],)


def dimension(charges: ir.Table, name: str) -> ir.Value:
    """The expression of dimension ``name`` over ``charges``, named ``name``."""
    check_dimension(name)
    if name in _TIME:
        start = charges.ChargePeriodStart
        return start.truncate(_TIME[name]).strftime("%Y-%m-%d").name(name)
    if name in _COLUMNS:
        parts = [charges[column].nullif("") for column in _COLUMNS[name]]
        value = parts[0] if len(parts) == 1 else ibis.coalesce(*parts)
        return value.name(name)
    prefix, _, key = name.partition(".")
    column = charges[_MAPS[prefix]]
    if column.type().is_json():
        # x_custom_columns is a JSON object of text values.
        return column[key].unwrap_as("string").nullif("").name(name)
    return column.get(key).nullif("").name(name)


def dimensions(charges: ir.Table, names: Iterable[str]) -> dict[str, ir.Value]:
    """``{name: expression}`` for each dimension, in order (for ``group_by(**...)``)."""
    return {name: dimension(charges, name) for name in names}
