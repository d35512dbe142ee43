"""A charge's fingerprint: the same charge has the same one whatever file it came from.

``x_row_hash`` is DuckDB's 64-bit ``hash()`` of the charge's values *as the ledger
stores them*: every FOCUS column, typed (decimals, UTC timestamps, tag maps,
enumerations in their FOCUS case) and the source's custom columns (a JSON object
with its keys sorted). So the encoding (CRLF, gzip), the format (CSV or Parquet,
text or typed), the order of the columns and the order of the rows do not change
it; the row number, the ingest and the derived ``x_`` columns (team, project,
category, GPU, warnings) are not part of it.

Two files' rows are compared within one scope (provider, billing account, billing
period), as multisets: a charge repeated within a file is still counted. A
collision of two different charges needs two 64-bit hashes to meet within one
scope (n × m / 2^64: about 1 in 18 million when a file of a million charges meets
a million held) and shows as a refused file, never as a lost charge.

The fingerprint is a function of the stored values, so it can be computed again
for the rows already in the ledger (:func:`backfill_sql`). The ledger records what
its fingerprints were made with (:func:`stamp`: the DuckDB version, whose ``hash``
may change between releases, and the columns covered); when that differs on open,
every fingerprint is computed again (schema.py).
"""

from __future__ import annotations

import hashlib

import duckdb

from infracast.vocabulary import focus_spec

CUSTOM = ("x_custom_columns", "JSON")


def fingerprint_columns() -> list[tuple[str, str]]:
    """(column, SQL type) of the values a fingerprint covers, in a fixed order."""
    cols = [(c.column_id, c.sql_type) for c in focus_spec.columns().values()]
    return [*cols, CUSTOM]


def fingerprint_sql() -> str:
    """The fingerprint of a charges row (or a SELECT with the charges' column names)."""
    values = ", ".join(f'CAST("{name}" AS {sql_type})' for name, sql_type in fingerprint_columns())
    return f"hash({values})"


def backfill_sql() -> str:
    """Compute the fingerprint of every FOCUS charge already in the ledger."""
    return f"UPDATE charges SET x_row_hash = {fingerprint_sql()} WHERE x_source = 'focus'"


def stamp() -> str:
    """What the fingerprints are made with: ``duckdb 1.5.6; columns 1a2b3c4d``."""
    listed = ",".join(f"{n} {t}" for n, t in fingerprint_columns())
    return f"duckdb {duckdb.__version__}; columns {hashlib.sha256(listed.encode()).hexdigest()[:8]}"
