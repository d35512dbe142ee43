"""FOCUS charge rows in SQL: quantities, prices and costs, then each provider's columns.

One query per provider, month and part: the streams are expanded to steps
(:func:`infracast.demo.streams.steps_sql`), priced, and projected onto exactly
the FOCUS columns of the provider's version (``data/focus_columns.csv``) plus
its ``x_`` columns. Parquet is typed (timestamps, DECIMAL(38, 10) costs, Tags as
a map for AWS the way its exports are); CSV writes text the way real exports
do, including the rows whose cost does not parse.
"""

from __future__ import annotations

from datetime import date

from infracast.demo.billing import WRONG_CASE
from infracast.demo.company import Provider
from infracast.demo.identities import hex_id
from infracast.demo.period import Month, Period
from infracast.demo.streams import steps_sql
from infracast.vocabulary import focus_spec

DECIMAL = "DECIMAL(38, 10)"
_COMMITTED = "pricing_category = 'Committed'"


def _lit(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _ts(d: date) -> str:
    return f"TIMESTAMP '{d.isoformat()} 00:00:00'"


def priced_sql(provider: str, month: Month, lo: int, hi: int) -> str:
    """Stream rows with quantity, unit prices and the four costs (as DOUBLE)."""
    return f"""
    WITH st AS ({steps_sql(provider, lo, hi)}),
    q AS (
      SELECT st.*,
        CASE kind
          WHEN 'storage' THEN storage_gb(sid, h, size0, mgrowth) * grain / {month.hours}.0
          WHEN 'egress' THEN egress_gb(sid, h, grain, gb_day, spike_from, spike_to, spike_mult)
          WHEN 'refund' THEN amount
          WHEN 'purchase' THEN span
          WHEN 'unused' THEN span
          WHEN 'support' THEN 1
          WHEN 'credit' THEN NULL
          ELSE grain END AS qty,
        CASE WHEN pricing_category = 'Dynamic'
               THEN list_price * (1 - spot_discount(sid, h, spot_lo, spot_hi))
             WHEN kind IN ('purchase', 'support') THEN list_price
             ELSE list_price * (1 - coalesce(discount, 0)) END AS unit_contracted
      FROM st),
    c AS (
      SELECT q.*,
        CASE kind WHEN 'credit' THEN amount WHEN 'unused' THEN 0 ELSE qty * list_price END
          AS list_cost,
        CASE kind WHEN 'credit' THEN amount WHEN 'unused' THEN 0 ELSE qty * unit_contracted END
          AS contracted_cost
      FROM q)
    SELECT c.*,
      CASE WHEN kind = 'unused' OR ({_COMMITTED} AND kind <> 'purchase') THEN 0
           ELSE contracted_cost END AS billed,
      CASE WHEN kind = 'purchase' THEN 0
           WHEN kind = 'unused' THEN amount * span
           WHEN {_COMMITTED} THEN qty * list_price * commit_rate
           WHEN kind = 'credit' THEN amount
           ELSE contracted_cost END AS effective
    FROM c"""


def invoice_id(provider: str, month: Month, seed: int) -> str:
    """A 10-digit invoice number per provider and month."""
    return str(
        int(hex_id(seed, "invoice", provider, month.label, length=12), 16) % 9_000_000_000 + 10**9
    )


def focus_columns(
    provider: str,
    p: Provider,
    period: Period,
    month: Month,
    seed: int,
    currency: str,
    csv: bool,
) -> list[tuple[str, str]]:
    """(column, expression) for every output column of ``provider``, in order."""
    start = period.sql_start()
    billing_start = _ts(period.timestamp(month.start_h).date())
    billing_end = _ts(period.timestamp(month.end_h).date())
    dec = f"CAST(%s AS {DECIMAL})"
    billed = dec % "billed"
    if csv:
        garbled = (
            "CASE bad_style "
            "WHEN 'decimal_comma' THEN replace(CAST(round(billed, 4) AS VARCHAR), '.', ',') "
            "ELSE '$' || CAST(round(billed, 2) AS VARCHAR) END"
        )
        billed = (
            f"CASE WHEN h >= bad_from AND h < bad_to THEN {garbled} "
            f"ELSE CAST({dec % 'billed'} AS VARCHAR) END"
        )
    usage_row = "charge_category = 'Usage' AND kind <> 'unused'"
    priced = "kind NOT IN ('credit', 'unused')"  # rows with unit prices
    spend_qty = dec % "CASE WHEN kind = 'purchase' THEN billed ELSE effective END"
    commit_qty = (
        f"CASE WHEN commitment_id IS NULL THEN NULL "
        f"WHEN commitment_category = 'Spend' "
        f"THEN {spend_qty} "
        f"ELSE {dec % 'qty'} END"
    )
    wrong = WRONG_CASE.get(provider, ("", "Usage-Based", 0))[1]
    exprs: dict[str, str] = {
        "AllocatedMethodDetails": "CAST(NULL AS VARCHAR)",
        "AllocatedMethodId": "CAST(NULL AS VARCHAR)",
        "AllocatedResourceId": "CAST(NULL AS VARCHAR)",
        "AllocatedResourceName": "CAST(NULL AS VARCHAR)",
        "AllocatedTags": "CAST(NULL AS VARCHAR)",
        "AvailabilityZone": "availability_zone",
        "BilledCost": billed,
        "BillingAccountId": _lit(p.billing_account.id),
        "BillingAccountName": _lit(p.billing_account.name),
        "BillingAccountType": _lit(p.billing_account.type),
        "BillingCurrency": _lit(currency),
        "BillingPeriodEnd": billing_end,
        "BillingPeriodStart": billing_start,
        "CapacityReservationId": "CAST(NULL AS VARCHAR)",
        "CapacityReservationStatus": "CAST(NULL AS VARCHAR)",
        "ChargeCategory": "charge_category",
        "ChargeClass": "charge_class",
        "ChargeDescription": "charge_description",
        "ChargeFrequency": f"CASE WHEN h >= freq_bad_from AND h < freq_bad_to THEN {_lit(wrong)} "
        "ELSE charge_frequency END",
        "ChargePeriodEnd": f"{start} + (h + span) * INTERVAL 1 HOUR",
        "ChargePeriodStart": f"{start} + h * INTERVAL 1 HOUR",
        "CommitmentDiscountCategory": "commitment_category",
        "CommitmentDiscountId": "commitment_id",
        "CommitmentDiscountName": "commitment_name",
        "CommitmentDiscountQuantity": commit_qty,
        "CommitmentDiscountStatus": "commitment_status",
        "CommitmentDiscountType": "commitment_type",
        "CommitmentDiscountUnit": "commitment_unit",
        "ConsumedQuantity": f"CASE WHEN {usage_row} THEN {dec % 'qty'} END",
        "ConsumedUnit": f"CASE WHEN {usage_row} THEN consumed_unit END",
        "ContractApplied": "CAST(NULL AS VARCHAR)",
        "ContractedCost": dec % "contracted_cost",
        "ContractedUnitPrice": f"CASE WHEN {priced} THEN {dec % 'unit_contracted'} END",
        "EffectiveCost": dec % "effective",
        "HostProviderName": _lit(p.host_provider_name or p.provider_name),
        "InvoiceId": _lit(invoice_id(provider, month, seed)),
        "InvoiceIssuerName": _lit(p.invoice_issuer_name),
        "ListCost": dec % "list_cost",
        "ListUnitPrice": f"CASE WHEN {priced} THEN {dec % 'list_price'} END",
        "PricingCategory": "pricing_category",
        "PricingCurrency": _lit(currency),
        "PricingCurrencyContractedUnitPrice": f"CASE WHEN {priced} "
        f"THEN {dec % 'unit_contracted'} END",
        "PricingCurrencyEffectiveCost": dec % "effective",
        "PricingCurrencyListUnitPrice": f"CASE WHEN {priced} THEN {dec % 'list_price'} END",
        "PricingQuantity": dec % "qty",
        "PricingUnit": "CASE WHEN kind <> 'credit' THEN pricing_unit END",
        "ProviderName": _lit(p.provider_name),
        "PublisherName": _lit(p.publisher_name),
        "RegionId": "region_id",
        "RegionName": "region_name",
        "ResourceId": "resource_id",
        "ResourceName": "resource_name",
        "ResourceType": "resource_type",
        "ServiceCategory": "service_category",
        "ServiceName": "service_name",
        "ServiceProviderName": _lit(p.provider_name),
        "ServiceSubcategory": "service_subcategory",
        "SkuId": "sku_id",
        "SkuMeter": "sku_meter",
        "SkuPriceDetails": "sku_price_details",
        "SkuPriceId": "sku_price_id",
        "SubAccountId": "sub_account_id",
        "SubAccountName": "sub_account_name",
        "SubAccountType": (
            f"CASE WHEN sub_account_id IS NOT NULL THEN {_lit(p.sub_account_type)} END"
        ),
        "Tags": "tags_json" if (csv or provider != "aws") else "tags",
    }
    out = [(name, exprs[name]) for name in focus_spec.columns_of(p.focus_version)]
    out += [(name, f"x{i + 1}") for i, name in enumerate(p.custom_columns)]
    return out


def charges_select(
    provider: str,
    p: Provider,
    period: Period,
    month: Month,
    lo: int,
    hi: int,
    seed: int,
    currency: str,
    csv: bool,
) -> str:
    """The SELECT writing one file (or part) of ``provider`` for ``month``, hours [lo, hi)."""
    cols = focus_columns(provider, p, period, month, seed, currency, csv)
    listed = ",\n      ".join(f'{expr} AS "{name}"' for name, expr in cols)
    return f"SELECT\n      {listed}\n    FROM ({priced_sql(provider, month, lo, hi)})"
