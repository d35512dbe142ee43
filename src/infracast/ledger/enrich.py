"""The ``x_`` columns derived at ingest: team, project, GPU type, count and hours.

Team and project come from the tag keys the settings name (``team_tags``,
``project_tags``; the key as written, lower-case, Title-case and upper-case are
tried), then from custom columns of the same names. GPU type and count come
from the instance type named in SkuPriceDetails, ChargeDescription, SkuMeter
or ResourceType, looked up in ``data/gpu_instances.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from infracast.ledger.categories import category_sql, load_rules
from infracast.vocabulary.instances import gpu_instances

if TYPE_CHECKING:
    from infracast.settings import Settings

HOUR_UNITS = ("hour", "hours", "hr", "hrs", "h", "instance-hours", "instance hours")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def key_variants(keys: Sequence[str]) -> list[str]:
    """The spellings of each tag key to try, in order, without repeats."""
    out: list[str] = []
    for key in keys:
        for variant in (key, key.lower(), key.title(), key.upper()):
            if variant not in out:
                out.append(variant)
    return out


def tag_lookup_sql(tags: str, keys: Sequence[str], custom: dict[str, str]) -> str:
    """coalesce() over the tag keys, then custom columns named like them.

    ``custom`` maps a lower-cased custom column name to its SQL expression.
    """
    parts = [f"element_at({tags}, {_lit(k)})[1]" for k in key_variants(keys)]
    for key in keys:
        for name in (key.lower(), f"x_{key.lower()}"):
            if name in custom:
                parts.append(custom[name])
    if not parts:  # no key names the team (team_tags = []): nobody is named
        return "CAST(NULL AS VARCHAR)"
    parts = [f"NULLIF(trim({p}), '')" for p in parts]
    return f"coalesce({', '.join(parts)})" if len(parts) > 1 else parts[0]


def gpu_sql(*, search_columns: list[str], service_category: str) -> tuple[str, str]:
    """(gpu_type, gpu_count) expressions over columns that may name an instance type.

    The first column that names a known instance type wins. Columns are searched one
    by one, not concatenated, so dictionary-encoded columns are matched per value.
    """
    instances = sorted(gpu_instances(), key=lambda g: -len(g.key))
    pattern = "|".join("(?:standard_)?" + re.escape(g.key).replace("_", "[ _]") for g in instances)
    found = ", ".join(
        f"NULLIF(regexp_extract({c}, {_lit(pattern)}, 0, 'i'), '')" for c in search_columns
    )
    token = f"replace(replace(lower(coalesce({found})), ' ', '_'), 'standard_', '')"
    types = ", ".join(f"{_lit(g.key)}: {_lit(g.gpu_type)}" for g in instances)
    counts = ", ".join(f"{_lit(g.key)}: {g.gpu_count}" for g in instances)
    applies = (
        f"({service_category} IS NULL OR lower({service_category}) IN "
        "('compute', 'ai and machine learning'))"
    )
    gpu_type = f"CASE WHEN {applies} THEN element_at(MAP {{{types}}}, {token})[1] END"
    gpu_count = f"CASE WHEN {applies} THEN element_at(MAP {{{counts}}}, {token})[1] END"
    return gpu_type, gpu_count


def gpu_hours_sql(
    *, gpu_count: str, charge_category: str, quantity: str, unit: str, start: str, end: str
) -> str:
    """GPU-hours of a Usage row: GPU count × instance-hours (quantity in hours, else the period)."""
    units = ", ".join(_lit(u) for u in HOUR_UNITS)
    hours = (
        f"CASE WHEN {quantity} IS NOT NULL AND list_contains([{units}], lower(trim({unit}))) "
        f"THEN CAST({quantity} AS DOUBLE) "
        f"ELSE date_diff('second', {start}, {end}) / 3600.0 END"
    )
    return (
        f"CASE WHEN {gpu_count} IS NOT NULL AND lower({charge_category}) = 'usage' "
        f"THEN {gpu_count} * {hours} END"
    )


def owner_and_category_sql(
    settings: Settings,
    *,
    tags: str,
    custom: dict[str, str],
    charge_category: str,
    service_category: str,
    service_name: str,
    sku_columns: Sequence[str],
) -> dict[str, str]:
    """SQL for ``x_team``, ``x_project`` and ``x_cost_category`` over the given column
    expressions; ``custom`` maps a lower-cased custom column name to its expression.

    Ingest and :func:`retag` both build the three columns here, so they cannot disagree.
    """
    return {
        "x_team": tag_lookup_sql(tags, settings.team_tags, custom),
        "x_project": tag_lookup_sql(tags, settings.project_tags, custom),
        "x_cost_category": category_sql(
            load_rules(settings.category_rules),
            charge_category=charge_category,
            service_category=service_category,
            service_name=service_name,
            sku_columns=list(sku_columns),
        ),
    }
