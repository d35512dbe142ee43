"""What a FOCUS file covers, and what a replacement swaps.

A file's charges fall in *scopes*: provider (ServiceProviderName), billing period
(BillingPeriodStart), billing account (BillingAccountId) and invoice (InvoiceId).
``ingest_periods`` holds one row per ingest, scope and currency, with its rows and
totals. A scope of a new file *covers* a scope the ledger holds when the provider
and the billing period are the same and

- the billing accounts are the same (sub-accounts belong to their billing account),
- and the invoices are the same.

An empty account or invoice (a row without BillingAccountId or InvoiceId) covers
every account or invoice: a bill without invoice ids restates the whole account's
period. ``width="account"`` ignores invoices; ``width="period"`` ignores accounts
and invoices (the whole provider-period, e.g. when an account left the bill).

Covered scopes from an earlier command are an overlap (the file is rejected unless
``--append`` or ``--replace``); with ``--replace`` exactly their charges are deleted.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

import duckdb

from infracast.errors import IngestError
from infracast.ledger.records import ReplacedScope

Width = Literal["scope", "account", "period"]
WIDTHS: tuple[Width, ...] = ("scope", "account", "period")

_SCOPE_COLUMNS = (
    "provider, billing_account_id, invoice_id, billing_period_start, billing_period_end, currency"
)


def record(con: duckdb.DuckDBPyConnection, ingest_id: int) -> None:
    """Write the ``ingest_periods`` rows of the charges ``ingest_id`` wrote."""
    con.execute(
        f"""INSERT INTO ingest_periods (ingest_id, {_SCOPE_COLUMNS}, rows, billed_cost,
               effective_cost, superseded_by)
           SELECT ?, ServiceProviderName, BillingAccountId, InvoiceId, BillingPeriodStart,
                  BillingPeriodEnd, BillingCurrency, count(*), sum(BilledCost),
                  sum(EffectiveCost), NULL
           FROM charges WHERE x_ingest_id = ? GROUP BY ALL""",
        [ingest_id, ingest_id],
    )


def _covers(width: Width) -> str:
    """SQL: scope ``n`` (the new file's) covers scope ``o`` (held by the ledger)."""
    same = (
        "n.provider IS NOT DISTINCT FROM o.provider "
        "AND n.billing_period_start = o.billing_period_start"
    )
    if width in ("scope", "account"):
        same += (
            " AND (n.billing_account_id IS NULL OR o.billing_account_id IS NULL "
            "OR n.billing_account_id = o.billing_account_id)"
        )
    if width == "scope":
        same += " AND (n.invoice_id IS NULL OR o.invoice_id IS NULL OR n.invoice_id = o.invoice_id)"
    return same


def _covered_where(width: Width) -> str:
    """SQL condition on ``o`` (an ``ingest_periods`` row): live, FOCUS, of another
    command, and covered by a scope of the new ingest (parameters: new id, batch id)."""
    return f"""o.superseded_by IS NULL AND o.ingest_id <> $new
        AND o.ingest_id IN (SELECT ingest_id FROM ingests WHERE kind = 'focus'
                            AND batch_id <> $batch)
        AND EXISTS (SELECT 1 FROM ingest_periods n WHERE n.ingest_id = $new AND {_covers(width)})"""


def covered(
    con: duckdb.DuckDBPyConnection, ingest_id: int, batch_id: str, width: Width
) -> list[ReplacedScope]:
    """The ledger's scopes, from earlier commands, that the new ingest covers."""
    rows = con.execute(
        f"""SELECT provider, billing_period_start, billing_account_id, invoice_id, currency,
                   sum(rows), sum(billed_cost), sum(effective_cost),
                   list_sort(list(DISTINCT ingest_id))
            FROM ingest_periods o WHERE {_covered_where(width)}
            GROUP BY provider, billing_period_start, billing_account_id, invoice_id, currency
            ORDER BY provider NULLS FIRST, billing_period_start, billing_account_id NULLS FIRST,
                     invoice_id NULLS FIRST, currency""",
        {"new": ingest_id, "batch": batch_id},
    ).fetchall()
    return [
        ReplacedScope(
            provider=r[0],
            billing_period_start=r[1],
            billing_account_id=r[2],
            invoice_id=r[3],
            currency=r[4],
            rows=int(r[5]),
            billed_cost=r[6],
            effective_cost=r[7],
            ingest_ids=[int(i) for i in r[8]],
        )
        for r in rows
    ]


def remove(
    con: duckdb.DuckDBPyConnection,
    ingest_id: int,
    batch_id: str,
    width: Width,
    scopes: list[ReplacedScope],
) -> list[int]:
    """Delete the charges of the covered scopes; return the ingests they came from."""
    con.execute(
        f"UPDATE ingest_periods o SET superseded_by = $new WHERE {_covered_where(width)}",
        {"new": ingest_id, "batch": batch_id},
    )
    old_ids = sorted({i for s in scopes for i in s.ingest_ids})
    listed = ", ".join(str(i) for i in old_ids)  # literal ids: DuckDB prunes by zone maps
    deleted = con.execute(
        f"""DELETE FROM charges c USING ingest_periods o
            WHERE c.x_ingest_id IN ({listed}) AND o.superseded_by = ?
              AND c.x_ingest_id = o.ingest_id
              AND c.ServiceProviderName IS NOT DISTINCT FROM o.provider
              AND c.BillingAccountId IS NOT DISTINCT FROM o.billing_account_id
              AND c.InvoiceId IS NOT DISTINCT FROM o.invoice_id
              AND c.BillingPeriodStart = o.billing_period_start
              AND c.BillingPeriodEnd = o.billing_period_end
              AND c.BillingCurrency = o.currency""",
        [ingest_id],
    ).fetchone()
    expected = sum(s.rows for s in scopes)
    if deleted is None or int(deleted[0]) != expected:
        # ingest_periods disagrees with charges: refuse rather than delete the wrong rows
        raise IngestError(
            f"the ledger's record of ingests {listed} says {expected} charges should be "
            f"replaced, but {deleted[0] if deleted else 0} match; nothing was changed.",
            hint="The ledger was changed outside infracast; restore it from a backup or "
            "ingest into a new ledger.",
        )
    con.execute(
        """UPDATE ingests SET superseded_by = ? WHERE list_contains(?, ingest_id)
           AND NOT EXISTS (SELECT 1 FROM ingest_periods p
                           WHERE p.ingest_id = ingests.ingest_id AND p.superseded_by IS NULL)""",
        [ingest_id, old_ids],
    )
    return old_ids


def other_invoices(con: duckdb.DuckDBPyConnection, ingest_id: int) -> str | None:
    """After a replacement by invoice: a note naming the invoices of the same accounts and
    periods the ledger still holds (a reissued invoice would otherwise count twice)."""
    rows = con.execute(
        """SELECT DISTINCT o.provider, o.billing_period_start, o.billing_account_id,
                  o.invoice_id, o.ingest_id
           FROM ingest_periods o JOIN ingest_periods n ON n.ingest_id = $new
            AND n.provider IS NOT DISTINCT FROM o.provider
            AND n.billing_period_start = o.billing_period_start
            AND n.billing_account_id = o.billing_account_id AND n.invoice_id IS NOT NULL
           WHERE o.superseded_by IS NULL AND o.ingest_id <> $new AND o.invoice_id IS NOT NULL
             AND o.invoice_id NOT IN (SELECT invoice_id FROM ingest_periods
                                      WHERE ingest_id = $new AND invoice_id IS NOT NULL)
           ORDER BY 1, 2, 3, 4, 5""",
        {"new": ingest_id},
    ).fetchall()
    if not rows:
        return None
    listed = "; ".join(
        f"{p or '(no provider)'} {s:%Y-%m-%d} account {a} invoice {i} (ingest {n})"
        for p, s, a, i, n in rows
    )
    return (
        f"the ledger still holds other invoices of the same accounts and periods: {listed}. "
        "If this file restates the whole account's bill (e.g. an invoice was reissued under "
        "a new id), ingest it with --replace-account."
    )


def describe(scopes: list[ReplacedScope]) -> str:
    """``AWS 2026-05 account 1 (2 rows, billed 15.00 USD, ingest 3); …``."""
    by_ingest: dict[str, list[str]] = defaultdict(list)
    for s in scopes:
        ids = ", ".join(str(i) for i in s.ingest_ids)
        by_ingest[s.label()].append(
            f"{s.rows} row{'s' if s.rows != 1 else ''}, billed {s.billed_cost.normalize():f} "
            f"{s.currency}, ingest{'s' if len(s.ingest_ids) > 1 else ''} {ids}"
        )
    return "; ".join(f"{label} ({', '.join(parts)})" for label, parts in by_ingest.items())
