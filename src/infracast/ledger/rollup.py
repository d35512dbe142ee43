"""The daily rollup of charges, ``charges_daily``: kept in step with ``charges`` at every write.

One row per UTC day of ``ChargePeriodStart``, ingest and combination of the columns the
overview groups and filters by (:data:`GROUPED`), with the money summed. It keeps the
charges' own column names, so an analytics expression that only reads those columns and
only adds money runs on it unchanged (:mod:`infracast.analytics.rollup` decides when):

- ``ChargePeriodStart``: the day (midnight UTC) the charges started on;
- ``ChargePeriodEnd``: the latest end of those charges (what "latest complete period" reads);
- ``BilledCost``, ``EffectiveCost``, ``ListCost``, ``ContractedCost``: Σ, exact decimals
  (null-skipping, as SQL sums are), with ``x_list_cost_rows`` and ``x_contracted_cost_rows``
  counting the charges that had a value, so a partial sum can be told from a whole one;
- ``x_gpu_hours``: Σ GPU-hours; ``x_rows``: how many charges.

Every path that writes or deletes charges refreshes the rollup rows of the ingests it
touched, in its own transaction (:func:`refresh`): FOCUS ingest (and the ingests its
``--replace`` removes rows of), asset and manual ingests (and those they replace), and
``ledger retag`` (which can move any charge: the whole rollup is rebuilt). Migration 7
builds it for a ledger written before it. :func:`in_step` is the cheap check analytics
make before reading it: the rollup counts as many charges as the table holds.

This is SQL, not Ibis: the ledger layer writes in SQL inside its transactions and does not
load Ibis at ingest; reads of the rollup are Ibis expressions (analytics).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from infracast.ledger import rollup_gpu
from infracast.vocabulary.focus_spec import DECIMAL_TYPE

TABLE = "charges_daily"

# The charges columns kept as they are, grouped by: every column an analytics dimension or
# filter reads except the per-resource ones (ResourceId, SkuId, Tags, x_custom_columns),
# plus BillingCurrency (results are split by it) and ChargeFrequency (recurring fees).
GROUPED: tuple[str, ...] = (
    "BillingCurrency",
    "ServiceProviderName",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "RegionId",
    "RegionName",
    "BillingAccountId",
    "SubAccountId",
    "ChargeCategory",
    "ChargeFrequency",
    "PricingCategory",
    "x_team",
    "x_project",
    "x_cost_category",
    "x_gpu_type",
    "x_source",
)
# Money summed under its own name; x_<name>_rows counts the charges that had a value.
MONEY: tuple[str, ...] = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
COUNTED: dict[str, str] = {
    "ListCost": "x_list_cost_rows",
    "ContractedCost": "x_contracted_cost_rows",
}
# Every column of the rollup, for readers deciding whether it can answer.
COLUMNS: tuple[str, ...] = (
    "ChargePeriodStart",
    "ChargePeriodEnd",
    *GROUPED,
    "x_ingest_id",
    *MONEY,
    *COUNTED.values(),
    "x_gpu_hours",
    "x_rows",
    *rollup_gpu.COUNTS,
    *rollup_gpu.HOURS,
    *rollup_gpu.MONEY,
)
# The columns of the showback weights table (rollup_gpu.TEAMS_TABLE).
TEAMS_COLUMNS: tuple[str, ...] = (
    "ChargePeriodStart",
    *GROUPED,
    "x_ingest_id",
    "x_sample_team",
    *rollup_gpu.WEIGHTS,
)


def create_sql() -> str:
    """The ``CREATE TABLE`` statement of the rollup (migration 7)."""
    grouped = ",\n  ".join(f'"{c}" VARCHAR' for c in GROUPED)
    money = ",\n  ".join(f'"{c}" {DECIMAL_TYPE}' for c in MONEY)
    counted = ",\n  ".join(f'"{c}" BIGINT NOT NULL' for c in COUNTED.values())
    gpu = ",\n  ".join(rollup_gpu.columns_ddl())
    return (
        f"CREATE TABLE {TABLE} (\n"
        '  "ChargePeriodStart" TIMESTAMP,  -- the UTC day the charges started on\n'
        '  "ChargePeriodEnd" TIMESTAMP,    -- the latest end among them\n'
        f"  {grouped},\n"
        '  "x_ingest_id" BIGINT NOT NULL,\n'
        f"  {money},\n"
        f"  {counted},\n"
        '  "x_gpu_hours" DOUBLE,\n'
        '  "x_rows" BIGINT NOT NULL,\n'
        f"  {gpu}\n"
        ")"
    )


def create_statements() -> list[str]:
    """The statements that create the rollup's tables (migration 8)."""
    return [create_sql(), rollup_gpu.teams_create_sql(GROUPED)]


def _select() -> str:
    """The rollup rows of the charges staged by :func:`rollup_gpu.stage`."""
    grouped = ", ".join(f'"{c}"' for c in GROUPED)
    sums = ", ".join(f'sum("{c}") AS "{c}"' for c in MONEY)
    counts = ", ".join(f'count("{c}") AS "{n}"' for c, n in COUNTED.items())
    gpu = ", ".join(rollup_gpu.aggregates())
    return (
        f"SELECT date_trunc('day', ChargePeriodStart) AS ChargePeriodStart, "
        f"max(ChargePeriodEnd) AS ChargePeriodEnd, {grouped}, x_ingest_id, {sums}, {counts}, "
        f"sum(x_gpu_hours) AS x_gpu_hours, count(*) AS x_rows, {gpu} "
        f"FROM rollup_measured GROUP BY ALL"
    )


def _write(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """Stage the charges ``where`` selects and insert their rows into both tables."""
    rollup_gpu.stage(con, [*GROUPED, "x_ingest_id", *MONEY, "x_team"], where)
    try:
        con.execute(f"INSERT INTO {TABLE} ({_columns()}) {_select()}")
        teams = ", ".join(f'"{c}"' for c in TEAMS_COLUMNS)
        con.execute(
            f"INSERT INTO {rollup_gpu.TEAMS_TABLE} ({teams}) {rollup_gpu.teams_select(GROUPED)}"
        )
    finally:
        rollup_gpu.drop(con)


def _columns() -> str:
    return ", ".join(f'"{c}"' for c in COLUMNS)


def refresh(con: duckdb.DuckDBPyConnection, ingest_ids: Iterable[int] | None = None) -> None:
    """Make the rollup rows of ``ingest_ids`` (every ingest when None) match the charges.

    Call it inside the transaction that changed those ingests' charges: their rollup rows
    are deleted and summed again from what the charges table now holds (an ingest whose
    charges were all removed keeps no rollup row).
    """
    if ingest_ids is None:
        for table in (TABLE, rollup_gpu.TEAMS_TABLE):
            con.execute(f"DELETE FROM {table}")
        _write(con, "")
        rollup_gpu.note_samples(con)
        return
    ids = sorted({int(i) for i in ingest_ids})
    if not ids:
        return
    listed = ", ".join(str(i) for i in ids)  # literal ids: DuckDB prunes by zone maps
    for table in (TABLE, rollup_gpu.TEAMS_TABLE):
        con.execute(f"DELETE FROM {table} WHERE x_ingest_id IN ({listed})")
    _write(con, f"WHERE x_ingest_id IN ({listed})")


def samples_added(con: duckdb.DuckDBPyConnection, sample_ingest_id: int, seen: bool) -> None:
    """Refresh the rollup rows that the samples of ``sample_ingest_id`` measure; inside the
    transaction that wrote them. ``seen``: whether the rollup had seen every sample before
    (:func:`rollup_gpu.samples_in_step`, asked before the write); only then does it count as
    having seen them all now."""
    refresh(con, rollup_gpu.ingests_measured_by(con, sample_ingest_id))
    if seen:
        rollup_gpu.note_samples(con)


def in_step(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the rollup counts as many charges as the charges table holds.

    A cheap guard (two counts) against charges written around infracast's ledger functions
    (SQL typed into the file by hand): such a ledger is read from the charges, which are
    always right, until ``refresh(con)`` or ``infracast ledger retag`` rebuilds the rollup.
    """
    row = con.execute(
        f"SELECT (SELECT count(*) FROM charges), (SELECT coalesce(sum(x_rows), 0) FROM {TABLE})"
    ).fetchone()
    return row is not None and int(row[0]) == int(row[1])


def drift(con: duckdb.DuckDBPyConnection) -> int:
    """How many rows the rollup's tables and ones summed again from the charges and samples
    do not share (0: the rollup is exactly what they add up to, row for row)."""
    floats = ("x_gpu_hours", *rollup_gpu.HOURS, *rollup_gpu.WEIGHTS)

    def rounded(columns: tuple[str, ...]) -> str:
        # Floats summed in another order may differ in their last bits.
        return ", ".join(f'round("{c}", 6)' if c in floats else f'"{c}"' for c in columns)

    rollup_gpu.stage(con, [*GROUPED, "x_ingest_id", *MONEY, "x_team"], "")
    try:
        pairs = [
            (
                f"SELECT {rounded(COLUMNS)} FROM {TABLE}",
                f"SELECT {rounded(COLUMNS)} FROM ({_select()})",
            ),
            (
                f"SELECT {rounded(TEAMS_COLUMNS)} FROM {rollup_gpu.TEAMS_TABLE}",
                f"SELECT {rounded(TEAMS_COLUMNS)} FROM ({rollup_gpu.teams_select(GROUPED)})",
            ),
        ]
        total = 0
        for stored, fresh in pairs:
            row = con.execute(
                f"SELECT (SELECT count(*) FROM ({stored} EXCEPT ALL {fresh})) + "
                f"(SELECT count(*) FROM ({fresh} EXCEPT ALL {stored}))"
            ).fetchone()
            total += int(row[0]) if row else 0
        return total
    finally:
        rollup_gpu.drop(con)
