"""The ledger's tables and their migrations.

Structural changes are numbered migrations applied in order on open; the
charges table additionally gains any FOCUS column that the package's column
table lists and the ledger lacks, so a newer FOCUS version is one data-file
change away.

Tables (DESIGN.md, "Data model"):

- ``charges``: one row per charge, FOCUS columns in their FOCUS names plus the
  ``x_`` extensions below.
- ``usage_samples``: GPU utilization, memory and power per resource, GPU and time.
- ``assets``: owned hardware that generates amortization and energy charges.
- ``ingests``: every file taken in, with its hash, counts and status.
- ``ingest_periods``: what each FOCUS ingest holds per provider, billing period
  and currency (rows and totals); how ``--replace`` finds what to swap.
- ``quarantine``: every row that could not be counted, with its reason and raw values.
"""

from __future__ import annotations

import duckdb

from infracast.ledger import focus_spec

SCHEMA_VERSION = 1

# The x_ extensions of a charge (FOCUS's rule for custom columns).
X_COLUMNS: dict[str, str] = {
    "x_ingest_id": "BIGINT NOT NULL",  # the ingest that wrote the row
    "x_source": "VARCHAR NOT NULL",  # focus | asset | manual
    "x_source_key": "VARCHAR",  # asset id or manual entry id for generated rows
    "x_source_row": "BIGINT",  # 1-based data row in the source file
    "x_team": "VARCHAR",
    "x_project": "VARCHAR",
    "x_cost_category": "VARCHAR NOT NULL",
    "x_gpu_type": "VARCHAR",
    "x_gpu_count": "DOUBLE",
    "x_gpu_hours": "DOUBLE",  # GPU count × instance-hours, for Usage rows of GPU resources
    "x_warnings": "VARCHAR[]",  # FOCUS rules the row breaks (countable, kept)
    # source columns FOCUS does not define, as a JSON object of text values (a JSON object,
    # not a MAP: it is several times cheaper to build and store for every row of a bill)
    "x_custom_columns": "JSON",
}

COST_CATEGORIES = (
    "compute",
    "storage",
    "network",
    "software",
    "people",
    "energy",
    "facilities",
    "support",
    "other",
)


def charges_columns() -> dict[str, str]:
    """Every charges column and its SQL type, FOCUS columns first."""
    cols = {c.column_id: c.sql_type for c in focus_spec.columns().values()}
    cols.update(X_COLUMNS)
    return cols


def _charges_ddl() -> str:
    body = ",\n  ".join(f'"{name}" {sql_type}' for name, sql_type in charges_columns().items())
    return f"CREATE TABLE charges (\n  {body}\n)"


_MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR)",
        "CREATE SEQUENCE ingest_id_seq START 1",
        "CREATE SEQUENCE quarantine_id_seq START 1",
        """CREATE TABLE ingests (
            ingest_id BIGINT NOT NULL,
            batch_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,             -- focus | usage | assets | manual
            source VARCHAR NOT NULL,           -- the file as given
            content_sha256 VARCHAR,
            file_bytes BIGINT,
            file_format VARCHAR,               -- csv | csv.gz | parquet | yaml
            focus_version VARCHAR,
            status VARCHAR NOT NULL,           -- ingested | replaced | rejected
            rows_read BIGINT,
            rows_ingested BIGINT,
            rows_quarantined BIGINT,
            rows_with_warnings BIGINT,
            warnings MAP(VARCHAR, BIGINT),     -- warning code -> rows
            notes VARCHAR[],                   -- file-level notes (renamed columns, assumptions)
            source_columns VARCHAR[],          -- column names as in the file, in order
            replaced_ingest_ids BIGINT[],
            superseded_by BIGINT,              -- a later --replace removed this ingest's rows
            message VARCHAR,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP
        )""",
        """CREATE TABLE ingest_periods (
            ingest_id BIGINT NOT NULL,
            provider VARCHAR,                  -- ServiceProviderName
            billing_period_start TIMESTAMP NOT NULL,
            billing_period_end TIMESTAMP NOT NULL,
            currency VARCHAR NOT NULL,
            rows BIGINT NOT NULL,
            billed_cost DECIMAL(38, 12) NOT NULL,
            effective_cost DECIMAL(38, 12) NOT NULL,
            superseded_by BIGINT               -- the ingest whose --replace removed these rows
        )""",
        "__CHARGES__",
        """CREATE TABLE quarantine (
            quarantine_id BIGINT NOT NULL,
            ingest_id BIGINT NOT NULL,
            source VARCHAR NOT NULL,
            row_number BIGINT,                 -- 1-based data row (header excluded)
            reason VARCHAR NOT NULL,           -- reason code
            detail VARCHAR NOT NULL,           -- what was wrong, as a sentence
            raw MAP(VARCHAR, VARCHAR),         -- the row's values as text, by source column
            billed_cost DECIMAL(38, 12),       -- parsed where it parses, for reconciliation
            effective_cost DECIMAL(38, 12),
            currency VARCHAR,
            resolved_by_ingest_id BIGINT,      -- a later ingest of the fixed row
            resolved_at TIMESTAMP
        )""",
        """CREATE TABLE usage_samples (
            ts TIMESTAMP NOT NULL,             -- UTC start of the sample
            interval_s DOUBLE NOT NULL,        -- seconds the sample stands for
            resource_id VARCHAR NOT NULL,      -- joins charges.ResourceId
            gpu_index INTEGER NOT NULL,
            utilization DOUBLE,                -- 0..1 of the GPU (or of the slice held)
            utilization_metric VARCHAR,        -- which metric filled utilization
            sm_active DOUBLE,                  -- 0..1 where reported
            memory_used_mib DOUBLE,
            power_w DOUBLE,
            share DOUBLE NOT NULL,             -- fraction of the GPU held (MIG, time-slicing)
            team VARCHAR,
            project VARCHAR,
            workload VARCHAR,
            x_ingest_id BIGINT NOT NULL
        )""",
        """CREATE TABLE assets (
            asset_id VARCHAR NOT NULL,
            name VARCHAR,
            site VARCHAR,
            resource_id VARCHAR,               -- joins usage_samples.resource_id
            gpu_type VARCHAR,
            gpu_count INTEGER,
            purchase_date DATE NOT NULL,
            purchase_price DECIMAL(38, 12) NOT NULL,
            currency VARCHAR NOT NULL,
            useful_life_months INTEGER NOT NULL,
            salvage_value DECIMAL(38, 12) NOT NULL,
            power_w DOUBLE,                    -- draw at full load, whole asset
            pue DOUBLE,
            energy_price DECIMAL(38, 12),      -- per kWh, in currency
            default_utilization DOUBLE,        -- used when no usage samples cover a month
            team VARCHAR,
            project VARCHAR,
            region VARCHAR,
            x_ingest_id BIGINT NOT NULL
        )""",
    ],
}


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the ledger to the current schema; return the version it was at."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    current = 0
    if has_meta and has_meta[0]:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        from infracast.errors import LedgerError

        raise LedgerError(
            f"the ledger is at schema version {current}, newer than this infracast "
            f"understands ({SCHEMA_VERSION}).",
            hint="Upgrade infracast (pip install -U infracast) or open another ledger.",
        )
    con.execute("BEGIN TRANSACTION")
    try:
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[version]:
                con.execute(_charges_ddl() if statement == "__CHARGES__" else statement)
        _add_missing_focus_columns(con)
        if current == 0:
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif current < SCHEMA_VERSION:
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return current


def _add_missing_focus_columns(con: duckdb.DuckDBPyConnection) -> None:
    have = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'charges'"
        ).fetchall()
    }
    for name, sql_type in charges_columns().items():
        if name not in have:
            con.execute(
                f'ALTER TABLE charges ADD COLUMN "{name}" {sql_type.replace(" NOT NULL", "")}'
            )
