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
- ``ingest_periods``: what each FOCUS ingest holds per scope (provider, billing
  account, invoice, billing period) and currency (rows and totals); how
  ``--replace`` finds what to swap and the overlap rule what is already there.
- ``quarantine``: every row that could not be counted, with its reason and raw values.

The plans side (migration 2, DESIGN.md "Plans"):

- ``budgets``: an amount per period (month, quarter, year or a project's whole
  life) over a scope of the charges, with thresholds on actual and forecast spend.
- ``alerts``: every threshold crossing raised, once per budget, period, kind and threshold.
- ``projects``, ``project_tasks``, ``task_progress``: projects with tasks (planned cost,
  start, end) and progress updates, for earned value; actuals come from ``x_project``.
- ``plans``, ``plan_lines``: estimates and project budgets saved as plans, their
  planned charges by month, project and cost category with the price source and date.

Migration 4 (issue 12): ``forecasts`` (one row per forecast run: scope, model,
settings, training window, horizon, interval levels, backtest errors, time) with
its ``forecast_points``, and ``anomalies`` (each flagged point once per scope,
with its drivers and when it was alerted).

Migration 6 (issue 15): ``users`` (name, role, optional team scope, argon2 password hash)
and ``api_tokens`` (each token stored only as a hash, with its public prefix as id).

Migration 5 (issue 14): ``recommendations`` (each recommendation once per id, a hash
of its kind and scope, with its evidence, savings, status and, once accepted, when the
change took effect and the scope's monthly cost before it) and ``bucket_stats`` (object
storage statistics per bucket or prefix and date, from inventory exports or a CSV).

Migration 7 (issue 15): ``charges_daily``, the daily rollup of charges the overview reads
(rollup.py), built here from the charges a ledger already holds and kept in step by every
write of charges afterwards.

Migration 8 (issue 15): the rollup also sums what GPU efficiency and showback measure per
charge from its samples (rollup_gpu.py), with ``charges_daily_teams`` for showback's team
weights; migration 7's table is dropped and built again in that shape.

Migration 3 (issue 10): money keeps 18 decimals (DECIMAL(38, 18) instead of 12) in
``charges``, ``ingest_periods`` and ``quarantine``; every FOCUS charge gets its row
fingerprint ``x_row_hash`` (fingerprint.py); ``ingest_periods`` gains the billing
account and invoice of each scope, filled from the charges of the ingests that still
hold rows.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from infracast.ledger import rollup
from infracast.ledger.fingerprint import backfill_sql, stamp
from infracast.vocabulary import focus_spec
from infracast.vocabulary.focus_spec import DECIMAL_TYPE

SCHEMA_VERSION = 8

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
    # the charge's fingerprint (fingerprint.py): the same charge in another file has the same
    # one; NULL for charges the ledger generates (assets, manual entries)
    "x_row_hash": "UBIGINT",
}


def charges_columns() -> dict[str, str]:
    """Every charges column and its SQL type, FOCUS columns first."""
    cols = {c.column_id: c.sql_type for c in focus_spec.columns().values()}
    cols.update(X_COLUMNS)
    return cols


def _charges_ddl() -> str:
    body = ",\n  ".join(f'"{name}" {sql_type}' for name, sql_type in charges_columns().items())
    return f"CREATE TABLE charges (\n  {body}\n)"


def _to_18_decimals(con: duckdb.DuckDBPyConnection) -> None:
    """Money to DECIMAL(38, 18): refuse clearly if a stored value is 10^20 or more."""
    have = _column_names(con, "charges")
    money = [
        ("charges", c.column_id)
        for c in focus_spec.columns().values()
        if c.data_type == "Decimal" and c.column_id in have
    ]
    money += [(t, c) for t in ("ingest_periods", "quarantine") for c in _PERIOD_MONEY]
    for table, column in money:
        row = con.execute(f'SELECT count(*) FROM {table} WHERE abs("{column}") >= 1e20').fetchone()
        if row and row[0]:
            from infracast.errors import LedgerError

            raise LedgerError(
                f"the ledger holds {row[0]} value(s) of {table}.{column} of 10^20 or more, "
                "beyond what this infracast stores (DECIMAL(38, 18)).",
                hint="Open the ledger with the infracast that wrote it and remove those rows.",
            )
        con.execute(f'ALTER TABLE {table} ALTER "{column}" TYPE {DECIMAL_TYPE}')


_PERIOD_MONEY = ("billed_cost", "effective_cost")


def _scopes_from_charges(con: duckdb.DuckDBPyConnection) -> None:
    """Split the live ``ingest_periods`` rows by billing account and invoice."""
    con.execute(
        """DELETE FROM ingest_periods WHERE superseded_by IS NULL
           AND ingest_id IN (SELECT DISTINCT x_ingest_id FROM charges WHERE x_source = 'focus')"""
    )
    con.execute(
        """INSERT INTO ingest_periods (ingest_id, provider, billing_account_id, invoice_id,
               billing_period_start, billing_period_end, currency, rows, billed_cost,
               effective_cost, superseded_by)
           SELECT x_ingest_id, ServiceProviderName, BillingAccountId, InvoiceId,
                  BillingPeriodStart, BillingPeriodEnd, BillingCurrency, count(*),
                  sum(BilledCost), sum(EffectiveCost), NULL
           FROM charges WHERE x_source = 'focus' AND BillingPeriodStart IS NOT NULL
             AND BillingPeriodEnd IS NOT NULL AND BillingCurrency IS NOT NULL
           GROUP BY ALL"""
    )


_MIGRATIONS: dict[int, list[str | Callable[[duckdb.DuckDBPyConnection], None]]] = {
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
    2: [
        "CREATE SEQUENCE alert_id_seq START 1",
        """CREATE TABLE budgets (
            name VARCHAR NOT NULL PRIMARY KEY,
            amount DECIMAL(38, 12) NOT NULL,   -- per period
            currency VARCHAR NOT NULL,
            period VARCHAR NOT NULL,           -- month | quarter | year | project
            starts DATE NOT NULL,              -- first day of the first period
            ends DATE,                         -- exclusive; null: recurring without end
            filters VARCHAR[] NOT NULL,        -- scope, in the analytics filter syntax
            metric VARCHAR NOT NULL,           -- effective_cost | billed_cost
            actual_thresholds DOUBLE[] NOT NULL,    -- fractions of the amount: [0.5, 0.8, 1.0]
            forecast_thresholds DOUBLE[] NOT NULL,  -- fractions of the amount: [1.0]
            webhook_url VARCHAR,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE alerts (
            alert_id BIGINT NOT NULL PRIMARY KEY,
            budget VARCHAR NOT NULL,
            period_start DATE NOT NULL,
            period_end DATE NOT NULL,          -- exclusive
            kind VARCHAR NOT NULL,             -- actual | forecast
            threshold DOUBLE NOT NULL,         -- fraction of the budget
            spend DECIMAL(38, 12) NOT NULL,    -- actual or forecast spend when raised
            budget_amount DECIMAL(38, 12) NOT NULL,
            currency VARCHAR NOT NULL,
            message VARCHAR NOT NULL,
            raised_at TIMESTAMP NOT NULL,
            webhook_url VARCHAR,               -- where it is POSTed (the budget's, when raised)
            delivery_status VARCHAR,           -- null (no webhook) | pending | delivered | failed
            delivery_attempts INTEGER,
            delivery_error VARCHAR,            -- why the last attempt failed
            delivered_at TIMESTAMP,
            UNIQUE (budget, period_start, kind, threshold)
        )""",
        """CREATE TABLE projects (
            project VARCHAR NOT NULL PRIMARY KEY,  -- the charges' x_project
            name VARCHAR,
            budget DECIMAL(38, 12),            -- budget at completion (BAC); null: Σ task costs
            currency VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE project_tasks (
            project VARCHAR NOT NULL,
            task VARCHAR NOT NULL,
            planned_cost DECIMAL(38, 12) NOT NULL,
            planned_start DATE NOT NULL,
            planned_end DATE NOT NULL,         -- exclusive
            filters VARCHAR[],                 -- the task's share of the project's actuals, if any
            PRIMARY KEY (project, task)
        )""",
        """CREATE TABLE task_progress (
            project VARCHAR NOT NULL,
            task VARCHAR NOT NULL,
            as_of DATE NOT NULL,
            percent_complete DOUBLE NOT NULL,  -- 0..100
            estimate_to_complete DECIMAL(38, 12),  -- bottom-up ETC, where the team gave one
            note VARCHAR,
            recorded_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE plans (
            plan VARCHAR NOT NULL PRIMARY KEY,
            project VARCHAR NOT NULL,          -- the x_project its actuals carry
            source VARCHAR NOT NULL,           -- training | finetune | inference | project
            description VARCHAR,
            currency VARCHAR NOT NULL,
            total DECIMAL(38, 12) NOT NULL,
            starts DATE NOT NULL,              -- first day of the plan's first month
            features JSON,                     -- the estimate's inputs, for the learned estimator
            spec JSON,                         -- the estimate or project spec as given
            assumptions VARCHAR[],             -- how the plan placed the money in months
            status VARCHAR NOT NULL,           -- active | finished
            created_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP              -- when plan finish marked it finished
        )""",
        """CREATE TABLE plan_lines (
            plan VARCHAR NOT NULL,
            month DATE NOT NULL,               -- first day of the month
            project VARCHAR NOT NULL,
            cost_category VARCHAR NOT NULL,
            phase VARCHAR,
            amount DECIMAL(38, 12) NOT NULL,
            currency VARCHAR NOT NULL,
            price_source VARCHAR,
            price_as_of DATE
        )""",
    ],
    3: [
        _to_18_decimals,
        f"ALTER TABLE charges ADD COLUMN IF NOT EXISTS x_row_hash {X_COLUMNS['x_row_hash']}",
        "ALTER TABLE ingest_periods ADD COLUMN IF NOT EXISTS billing_account_id VARCHAR",
        "ALTER TABLE ingest_periods ADD COLUMN IF NOT EXISTS invoice_id VARCHAR",
    ],
    4: [
        "CREATE SEQUENCE forecast_id_seq START 1",
        """CREATE TABLE forecasts (
            forecast_id BIGINT NOT NULL PRIMARY KEY,
            input_key VARCHAR NOT NULL UNIQUE, -- hash of scope, data, model and settings
            kind VARCHAR NOT NULL,             -- cost | gpu_hours | file
            scope JSON NOT NULL,               -- what was forecast: by, grain, filters, file
            model VARCHAR NOT NULL,            -- as asked: auto, ets, theta, ...
            params JSON NOT NULL,              -- the settings: windows, season length, ...
            freq VARCHAR NOT NULL,
            horizon INTEGER NOT NULL,
            levels DOUBLE[] NOT NULL,          -- interval levels, percent: [80, 95]
            train_start TIMESTAMP,
            train_end TIMESTAMP,               -- last period of the history used
            series INTEGER NOT NULL,
            backtest JSON NOT NULL,            -- per series: chosen model, errors, coverage
            notes JSON NOT NULL,
            created_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE forecast_points (
            forecast_id BIGINT NOT NULL,
            unique_id VARCHAR NOT NULL,
            ds TIMESTAMP NOT NULL,
            model VARCHAR NOT NULL,            -- the model that made the point
            yhat DOUBLE NOT NULL,
            lo DOUBLE[] NOT NULL,              -- one bound per level of the forecast
            hi DOUBLE[] NOT NULL
        )""",
        """CREATE TABLE anomalies (
            scope_key VARCHAR NOT NULL,        -- hash of what was scanned (by, grain, file)
            scope JSON NOT NULL,
            unique_id VARCHAR NOT NULL,
            ds TIMESTAMP NOT NULL,
            y DOUBLE NOT NULL,
            expected DOUBLE,
            lo DOUBLE,
            hi DOUBLE,
            score DOUBLE NOT NULL,
            drivers JSON,                      -- [{dimension, value, change, share}]
            detected_at TIMESTAMP NOT NULL,
            alerted_at TIMESTAMP,              -- set once the anomaly was alerted
            PRIMARY KEY (scope_key, unique_id, ds)
        )""",
    ],
    5: [
        """CREATE TABLE recommendations (
            id VARCHAR NOT NULL PRIMARY KEY,   -- kind and a hash of its scope: stable across runs
            kind VARCHAR NOT NULL,             -- idle_gpu | rightsize_gpu | storage_tier | ...
            scope VARCHAR NOT NULL,            -- resource | team | project
            team VARCHAR,
            project VARCHAR,
            resource_ids JSON NOT NULL,        -- [resource id, ...]
            title VARCHAR NOT NULL,            -- the action, one line
            baseline_monthly_cost DECIMAL(38, 18) NOT NULL,
            expected_monthly_savings DECIMAL(38, 18) NOT NULL,
            savings_low DECIMAL(38, 18) NOT NULL,
            savings_high DECIMAL(38, 18) NOT NULL,
            currency VARCHAR NOT NULL,
            confidence DOUBLE NOT NULL,        -- 0..1
            risk VARCHAR NOT NULL,             -- low | medium | high
            evidence JSON NOT NULL,
            reproduce VARCHAR NOT NULL,        -- the command that shows the evidence again
            status VARCHAR NOT NULL,           -- open | accepted | dismissed | done
            first_seen TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL,      -- the last run that still found it
            status_at TIMESTAMP,               -- when the status last changed
            status_note VARCHAR,
            effective_from DATE,               -- accepted: when the change took effect
            baseline_run_rate DECIMAL(38, 18)  -- accepted: the scope's monthly cost before
        )""",
        """CREATE TABLE bucket_stats (
            bucket VARCHAR NOT NULL,           -- joins charges.ResourceId (or ResourceName)
            provider VARCHAR NOT NULL,         -- aws | gcp | azure
            region VARCHAR,
            storage_class VARCHAR,             -- the class today (provider's name)
            prefix VARCHAR NOT NULL,           -- '' for the whole bucket
            size_gb DOUBLE NOT NULL,
            objects BIGINT,
            age_days DOUBLE,                   -- mean (size-weighted) age of the data
            last_access_days DOUBLE,           -- days since the last read, where known
            reads_per_month DOUBLE,            -- GET requests per month
            read_gb_per_month DOUBLE,          -- data read per month
            team VARCHAR,
            project VARCHAR,
            as_of DATE NOT NULL,
            source VARCHAR NOT NULL,           -- the file it came from
            PRIMARY KEY (bucket, prefix, as_of)
        )""",
    ],
    6: [
        """CREATE TABLE users (
            name VARCHAR NOT NULL PRIMARY KEY,
            role VARCHAR NOT NULL,             -- viewer | editor | admin
            team VARCHAR,                      -- the team whose rows alone it sees (NULL: all)
            password_hash VARCHAR,             -- argon2id, NULL without a password
            created_at TIMESTAMP NOT NULL,
            revoked_at TIMESTAMP               -- set: it can no longer sign in or use tokens
        )""",
        """CREATE TABLE api_tokens (
            token_id VARCHAR NOT NULL PRIMARY KEY,  -- the token's public prefix
            name VARCHAR NOT NULL,             -- the user it acts as
            token_hash VARCHAR NOT NULL,       -- SHA-256 of the whole token; never the token
            created_at TIMESTAMP NOT NULL,
            last_used_at TIMESTAMP,
            revoked_at TIMESTAMP
        )""",
    ],
    7: [],  # charges_daily: created by migration 8 in its later shape
    8: ["DROP TABLE IF EXISTS charges_daily", *rollup.create_statements()],
}
# Steps that read every FOCUS column, run once the charges table has them all.
_AFTER_COLUMNS: dict[int, list[Callable[[duckdb.DuckDBPyConnection], None]]] = {
    3: [_scopes_from_charges],
    8: [rollup.refresh],
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
                if callable(statement):
                    statement(con)
                else:
                    con.execute(_charges_ddl() if statement == "__CHARGES__" else statement)
        _add_missing_focus_columns(con)
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for step in _AFTER_COLUMNS.get(version, []):
                step(con)
        _refresh_fingerprints(con, force=0 < current < 3)
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


def _refresh_fingerprints(con: duckdb.DuckDBPyConnection, *, force: bool) -> None:
    """Compute every charge's fingerprint again if they were made another way (another
    DuckDB ``hash``, other FOCUS columns) or not at all (a ledger before migration 3)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    if row is not None and row[0] == stamp() and not force:
        return
    con.execute(backfill_sql())
    con.execute("DELETE FROM meta WHERE key = 'fingerprint'")
    con.execute("INSERT INTO meta VALUES ('fingerprint', ?)", [stamp()])


def _column_names(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }


def _add_missing_focus_columns(con: duckdb.DuckDBPyConnection) -> None:
    have = _column_names(con, "charges")
    for name, sql_type in charges_columns().items():
        if name not in have:
            con.execute(
                f'ALTER TABLE charges ADD COLUMN "{name}" {sql_type.replace(" NOT NULL", "")}'
            )
