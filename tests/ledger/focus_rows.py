"""Build small FOCUS files for tests: one dict per row, the defaults fill the rest."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

BASE: dict[str, str] = {
    "ProviderName": "AWS",
    "PublisherName": "AWS",
    "InvoiceIssuerName": "AWS",
    "BillingAccountId": "012345678901",
    "BillingAccountName": "acme",
    "SubAccountId": "000111222333",
    "BillingCurrency": "USD",
    "BillingPeriodStart": "2026-01-01T00:00:00Z",
    "BillingPeriodEnd": "2026-02-01T00:00:00Z",
    "ChargePeriodStart": "2026-01-05T00:00:00Z",
    "ChargePeriodEnd": "2026-01-05T01:00:00Z",
    "ChargeCategory": "Usage",
    "ChargeClass": "",
    "ChargeDescription": "m6i.large on-demand instance hour",
    "ChargeFrequency": "Usage-Based",
    "BilledCost": "1.00",
    "EffectiveCost": "1.00",
    "ListCost": "1.20",
    "ContractedCost": "1.10",
    "PricingQuantity": "1",
    "PricingUnit": "Hours",
    "ConsumedQuantity": "1",
    "ConsumedUnit": "Hours",
    "PricingCategory": "Standard",
    "ServiceCategory": "Compute",
    "ServiceName": "Amazon EC2",
    "ResourceId": "i-0001",
    "RegionId": "us-east-1",
    "SkuId": "SKU1",
    "SkuPriceId": "SKU1.P",
    "Tags": '{"team": "research", "project": "atlas"}',
}


def write_focus_csv(
    path: Path, rows: list[dict[str, Any]], *, columns: list[str] | None = None
) -> Path:
    """Write ``rows`` (overrides of BASE) as a FOCUS CSV with ``columns`` (default BASE's)."""
    cols = columns or list(BASE)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            merged = {**BASE, **row}
            writer.writerow(["" if merged.get(c) is None else merged.get(c, "") for c in cols])
    return path


def write_big_focus_parquet(path: Path, rows: int) -> Path:
    """A FOCUS 1.2-shaped Parquet file of ``rows`` synthetic hourly charges (fast, in SQL)."""
    import duckdb

    duckdb.execute(
        f"""COPY (
          SELECT 'AWS' AS ProviderName, 'AWS' AS PublisherName, 'AWS' AS InvoiceIssuerName,
                 '012345678901' AS BillingAccountId, 'acme' AS BillingAccountName,
                 lpad(CAST(i % 50 AS VARCHAR), 12, '0') AS SubAccountId,
                 TIMESTAMP '2026-01-01' AS BillingPeriodStart,
                 TIMESTAMP '2026-02-01' AS BillingPeriodEnd,
                 TIMESTAMP '2026-01-01' + INTERVAL (i % 744) HOUR AS ChargePeriodStart,
                 TIMESTAMP '2026-01-01' + INTERVAL (i % 744 + 1) HOUR AS ChargePeriodEnd,
                 'Usage' AS ChargeCategory, NULL::VARCHAR AS ChargeClass,
                 'm6i.large on-demand' AS ChargeDescription, 'Usage-Based' AS ChargeFrequency,
                 CAST((i % 1000) / 100 AS DECIMAL(18, 6)) AS BilledCost,
                 CAST((i % 1000) / 100 AS DECIMAL(18, 6)) AS EffectiveCost,
                 CAST((i % 1000) / 90 AS DECIMAL(18, 6)) AS ListCost,
                 CAST((i % 1000) / 95 AS DECIMAL(18, 6)) AS ContractedCost,
                 'Standard' AS PricingCategory, 1.0 AS PricingQuantity, 'Hours' AS PricingUnit,
                 'USD' AS BillingCurrency, 'Amazon EC2' AS ServiceName,
                 'Compute' AS ServiceCategory, 'i-' || (i % 5000) AS ResourceId,
                 '{{"team": "t' || (i % 7) || '"}}' AS Tags
          FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT parquet)"""
    )
    return path
