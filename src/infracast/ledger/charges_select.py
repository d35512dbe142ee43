"""The SELECT that maps a checked FOCUS file onto the charges table.

One expression per charges column: the typed FOCUS values (enumerations in their
FOCUS case), the provider from either provider column, and the derived ``x_``
columns (team, project, cost category, GPU type, count and hours, warnings, the
custom columns as one JSON object). ``x_row_hash`` is computed over the result
(fingerprint.py).
"""

from __future__ import annotations

from infracast.ledger.enrich import gpu_hours_sql, gpu_sql, owner_and_category_sql
from infracast.ledger.focus_read import FilePlan, lit, q
from infracast.ledger.schema import X_COLUMNS
from infracast.ledger.validate import enum_columns, typed, unparsed_raw_entries
from infracast.settings import Settings
from infracast.vocabulary import focus_spec


def charges_select(settings: Settings, plan: FilePlan, ingest_id: int) -> tuple[list[str], str]:
    """(column names, SELECT list) mapping the checked query onto the charges table."""
    spec = focus_spec.columns()
    enums = enum_columns(plan)
    exprs: dict[str, str] = {}
    for canonical in spec:
        exprs[canonical] = enums[canonical][0] if canonical in enums else typed(canonical)
    exprs["ServiceProviderName"] = (
        f"coalesce({typed('ServiceProviderName')}, {typed('ProviderName')})"
    )
    exprs["ProviderName"] = f"coalesce({typed('ProviderName')}, {typed('ServiceProviderName')})"
    custom_exprs = {
        c.name.strip().lower(): f"CAST({q(c.name)} AS VARCHAR)" for c in plan.custom_columns
    }
    exprs["x_ingest_id"] = str(ingest_id)
    exprs["x_source"] = "'focus'"
    exprs["x_source_key"] = "NULL"
    exprs["x_source_row"] = "__row"
    exprs.update(
        owner_and_category_sql(
            settings,
            tags=typed("Tags"),
            custom=custom_exprs,
            charge_category=typed("ChargeCategory"),
            service_category=typed("ServiceCategory"),
            service_name=typed("ServiceName"),
            sku_columns=[typed("SkuId"), typed("SkuMeter"), typed("ChargeDescription")],
        )
    )
    gpu_type, gpu_count = gpu_sql(
        search_columns=[
            f"CAST({typed('SkuPriceDetails')} AS VARCHAR)",
            typed("ChargeDescription"),
            typed("SkuMeter"),
            typed("ResourceType"),
        ],
        service_category=typed("ServiceCategory"),
    )
    exprs["x_gpu_type"] = gpu_type
    exprs["x_gpu_count"] = f"CAST({gpu_count} AS DOUBLE)"
    exprs["x_gpu_hours"] = gpu_hours_sql(
        gpu_count=gpu_count,
        charge_category=typed("ChargeCategory"),
        quantity=typed("ConsumedQuantity"),
        unit=typed("ConsumedUnit"),
        start=typed("ChargePeriodStart"),
        end=typed("ChargePeriodEnd"),
    )
    exprs["x_warnings"] = "__warnings"
    entries = [(c.name, f"CAST({q(c.name)} AS VARCHAR)") for c in plan.custom_columns]
    entries += unparsed_raw_entries(plan)
    entries.sort(key=lambda e: e[0])  # the fingerprint must not depend on the column order
    if entries:
        # json_merge_patch onto {} drops the keys whose value is NULL (RFC 7386).
        pairs = ", ".join(f"{lit(key)}, {value}" for key, value in entries)
        exprs["x_custom_columns"] = (
            f"NULLIF(json_merge_patch('{{}}', json_object({pairs})), '{{}}'::JSON)"
        )
    else:
        exprs["x_custom_columns"] = "NULL"
    assert set(exprs) | {"x_row_hash"} == set(spec) | set(X_COLUMNS)
    names = list(exprs)
    return names, ", ".join(f"{exprs[n]} AS {q(n)}" for n in names)
