"""The same charges twice: a file's rows compared with what the ledger already holds.

After a file's charges are written (in its transaction), their fingerprints
(fingerprint.py) are compared, as multisets, with the live FOCUS charges of the
same scopes (provider, billing account, billing period) from any other ingest,
including earlier files of the same command. Only the ingests that hold rows in
those scopes are read, so a file of new scopes costs one small lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Overlap:
    """How many of a file's charges the ledger already holds, and where."""

    rows: int  # the file's charges (with multiplicity) that match charges already held
    holders: list[tuple[int, str, int]]  # (ingest id, its file, rows of it matched)

    def holders_text(self) -> str:
        """``ingest 3 (file a.csv)`` or ``ingests 3 (file a.csv, 2 rows) and 5 (…)``."""
        if len(self.holders) == 1:
            ingest, source, _ = self.holders[0]
            return f"ingest {ingest} (file {source})"
        parts = [f"{i} (file {s}, {n} row{'s' if n != 1 else ''})" for i, s, n in self.holders]
        return "ingests " + ", ".join(parts[:-1]) + " and " + parts[-1]


_KEY = "ServiceProviderName, BillingAccountId, BillingPeriodStart, x_row_hash"
_MATCH = (
    "n.ServiceProviderName IS NOT DISTINCT FROM o.ServiceProviderName "
    "AND n.BillingAccountId IS NOT DISTINCT FROM o.BillingAccountId "
    "AND n.BillingPeriodStart = o.BillingPeriodStart AND n.x_row_hash = o.x_row_hash"
)


def find(con: duckdb.DuckDBPyConnection, ingest_id: int) -> Overlap | None:
    """How the charges ``ingest_id`` wrote overlap charges other ingests hold (None: not)."""
    candidates = [
        int(r[0])
        for r in con.execute(
            """SELECT DISTINCT o.ingest_id FROM ingest_periods o
               JOIN ingest_periods n ON n.ingest_id = ?
                AND n.provider IS NOT DISTINCT FROM o.provider
                AND n.billing_account_id IS NOT DISTINCT FROM o.billing_account_id
                AND n.billing_period_start = o.billing_period_start
               WHERE o.superseded_by IS NULL AND o.ingest_id <> ?
                 AND o.ingest_id IN (SELECT ingest_id FROM ingests WHERE kind = 'focus')
               ORDER BY 1""",
            [ingest_id, ingest_id],
        ).fetchall()
    ]
    if not candidates:
        return None
    listed = ", ".join(str(i) for i in candidates)  # literal ids: DuckDB prunes by zone maps
    rows = con.execute(
        f"""WITH n AS (SELECT {_KEY}, count(*) AS k FROM charges
                       WHERE x_ingest_id = ? GROUP BY ALL),
                 o AS (SELECT x_ingest_id, {_KEY}, count(*) AS k FROM charges
                       WHERE x_ingest_id IN ({listed}) GROUP BY ALL),
                 matched AS (SELECT o.x_ingest_id, n.x_row_hash, n.ServiceProviderName,
                                    n.BillingAccountId, n.BillingPeriodStart,
                                    n.k AS file_k, o.k AS held_k
                             FROM n JOIN o ON {_MATCH})
            SELECT NULL, (SELECT coalesce(sum(least(file_k, held)), 0) FROM (
                     SELECT any_value(file_k) AS file_k, sum(held_k) AS held FROM matched
                     GROUP BY x_row_hash, ServiceProviderName, BillingAccountId,
                              BillingPeriodStart))
            UNION ALL
            SELECT x_ingest_id, sum(least(file_k, held_k)) FROM matched GROUP BY 1
            ORDER BY 1 NULLS FIRST""",
        [ingest_id],
    ).fetchall()
    total = int(rows[0][1])
    if total == 0:
        return None
    sources = dict(
        con.execute(
            f"SELECT ingest_id, source FROM ingests WHERE ingest_id IN ({listed})"
        ).fetchall()
    )
    holders = sorted(
        ((int(i), str(sources[i]), int(n)) for i, n in rows[1:]), key=lambda h: (-h[2], h[0])
    )
    return Overlap(total, holders)
