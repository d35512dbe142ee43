"""The GPU side of the daily rollup: each charge measured by its usage samples, in SQL.

The daily rollup (:mod:`infracast.ledger.rollup`) sums, besides money, what GPU efficiency
and showback read per charge, so the overview's GPU and team views are sums of a small
table too. Per charge, as ``analytics/gpu.py`` and ``analytics/_showback.py`` define it
(docs/analytics.md, "GPU efficiency" and "Showback"):

- a GPU charge has ``x_gpu_hours > 0``; its capacity is x_gpu_hours × 3600 GPU-seconds;
- its samples are those of its resource with ``ts`` in its ``[start, end)``: ``held`` =
  Σ share · interval_s, ``busy`` = Σ share · utilization · interval_s, ``labelled`` = the
  held time of the samples with a team label;
- *measured* when some sample reads a utilization; *oversubscribed* when held > capacity
  (held and busy then scale by capacity / held); utilization u = busy · scale / capacity,
  clipped to [0, 1]; useful GPU-hours = x_gpu_hours · u; idle cost = C − C · u (C · u as
  money rounded to 12 places);
- showback *splits* an untagged GPU charge whose samples carry team labels: team t weighs
  C · held_t · scale / capacity (:data:`TEAMS_TABLE`), and its cost is the split pool.

These are the same expressions, operation for operation, as the Ibis ones, so the rollup
and the charges give the same exact decimals (float sums may differ in their last bits:
they are added in another order); ``tests/analytics/test_rollup_gpu.py`` holds the two
paths to each other. SQL, as the rest of the rollup: the ledger writes inside its own
transactions and does not load Ibis.

A sample joins its charges on the resource and the UTC day (each resource-period listed
once per day it touches), which keeps the join linear in the samples; a resource-only join
compares every sample of a resource with every one of its periods.

Writing samples changes the measures of the charges they fall in: :func:`samples_added`
refreshes the ingests that hold those charges. ``meta`` keeps how many samples the rollup
has seen (``rollup_samples``); :func:`samples_in_step` is the cheap guard GPU readers
check, as :func:`infracast.ledger.rollup.in_step` is for the charges.
"""

from __future__ import annotations

import duckdb

from infracast.vocabulary.focus_spec import DECIMAL_TYPE

TEAMS_TABLE = "charges_daily_teams"
SAMPLES_KEY = "rollup_samples"
# cost basis -> the FOCUS column it reads (analytics.scope's bases).
BASES: dict[str, str] = {"effective": "EffectiveCost", "billed": "BilledCost"}

# Per-charge measure -> (SQL type, the SQL of its value per charge of the measured view).
COUNTS: dict[str, str] = {
    "x_gpu_rows": "gpu",
    "x_measured_rows": "gpu AND measured",
    "x_oversubscribed_rows": "gpu AND over",
    "x_split_rows": "split",
    "x_untagged_rows": "untagged",
}
HOURS: dict[str, str] = {
    "x_gpu_charge_hours": "CASE WHEN gpu THEN x_gpu_hours ELSE 0.0 END",
    "x_measured_gpu_hours": "CASE WHEN gpu AND measured THEN x_gpu_hours ELSE 0.0 END",
    "x_useful_gpu_hours": "CASE WHEN gpu AND measured THEN x_gpu_hours * u ELSE 0.0 END",
    "x_unmeasured_gpu_hours": "CASE WHEN gpu AND measured THEN 0.0 ELSE "
    "CASE WHEN gpu THEN x_gpu_hours ELSE 0.0 END END",
}


def money_measures() -> dict[str, str]:
    """The money columns per basis: GPU cost, measured cost, idle cost and split cost."""
    zero = f"CAST(0 AS {DECIMAL_TYPE})"
    out: dict[str, str] = {}
    for basis, column in BASES.items():
        useful = f'CAST(CAST("{column}" AS DOUBLE) * u AS DECIMAL(38, 12))'
        out[f"x_gpu_{basis}_cost"] = f'CASE WHEN gpu THEN "{column}" ELSE {zero} END'
        out[f"x_measured_{basis}_cost"] = (
            f'CASE WHEN gpu AND measured THEN "{column}" ELSE {zero} END'
        )
        out[f"x_idle_{basis}_cost"] = (
            f'CASE WHEN gpu AND measured THEN "{column}" - {useful} ELSE {zero} END'
        )
        out[f"x_split_{basis}_cost"] = f'CASE WHEN split THEN "{column}" ELSE {zero} END'
    return out


MONEY = money_measures()
WEIGHTS: tuple[str, ...] = tuple(f"x_{basis}_weight" for basis in BASES)


def columns_ddl() -> list[str]:
    """The GPU columns of ``charges_daily``, as lines of its ``CREATE TABLE``."""
    return [
        *(f'"{c}" BIGINT NOT NULL' for c in COUNTS),
        *(f'"{c}" DOUBLE' for c in HOURS),
        *(f'"{c}" {DECIMAL_TYPE}' for c in MONEY),
    ]


def aggregates() -> list[str]:
    """The GPU columns' sums, for the rollup's ``SELECT`` over :func:`measured_sql`."""
    return [
        *(f'count(*) FILTER (WHERE {sql}) AS "{c}"' for c, sql in COUNTS.items()),
        *(f'sum({sql}) AS "{c}"' for c, sql in HOURS.items()),
        *(f'sum({sql}) AS "{c}"' for c, sql in MONEY.items()),
    ]


def teams_create_sql(grouped: tuple[str, ...]) -> str:
    """``CREATE TABLE`` of the showback weights: per day, ``grouped`` columns, ingest and
    sample team, Σ C · held_t · scale / capacity per basis over the split charges."""
    cols = ",\n  ".join(f'"{c}" VARCHAR' for c in grouped)
    weights = ",\n  ".join(f'"{w}" DOUBLE' for w in WEIGHTS)
    return (
        f"CREATE TABLE {TEAMS_TABLE} (\n"
        '  "ChargePeriodStart" TIMESTAMP,  -- the UTC day the charges started on\n'
        f"  {cols},\n"
        '  "x_ingest_id" BIGINT NOT NULL,\n'
        '  "x_sample_team" VARCHAR NOT NULL,  -- the team label of the samples\n'
        f"  {weights}\n"
        ")"
    )


def stage(con: duckdb.DuckDBPyConnection, columns: list[str], where: str) -> None:
    """Measure the charges ``where`` selects into the temporary table ``rollup_measured``
    (their ``columns`` plus ``gpu``, ``measured``, ``over``, ``split``, ``untagged``, ``u``,
    ``scale``, ``cap``) and their resource-periods' team holdings into ``rollup_held``."""
    drop(con)
    read = {*columns, "ResourceId", "ChargePeriodStart", "ChargePeriodEnd", "x_gpu_hours"}
    listed = ", ".join(f'"{c}"' for c in sorted(read))
    con.execute(f"CREATE TEMP TABLE rollup_charges AS SELECT {listed} FROM charges {where}")
    con.execute("""
        CREATE TEMP TABLE rollup_samples AS
        WITH gp AS (
          SELECT DISTINCT ResourceId AS r, ChargePeriodStart AS s, ChargePeriodEnd AS e
          FROM rollup_charges WHERE x_gpu_hours > 0 AND ResourceId IS NOT NULL),
        gd AS (
          SELECT r, s, e, unnest(range(date_trunc('day', s), e, INTERVAL 1 DAY)) AS d FROM gp),
        u AS (
          SELECT resource_id, ts, date_trunc('day', ts) AS d, share * interval_s AS held,
                 utilization, nullif(team, '') AS team
          FROM usage_samples WHERE resource_id IN (SELECT r FROM gp)
            AND ts >= (SELECT min(s) FROM gp) AND ts < (SELECT max(e) FROM gp))
        SELECT gd.r, gd.s, gd.e, u.held, u.utilization, u.team
        FROM gd JOIN u ON u.resource_id = gd.r AND u.d = gd.d AND u.ts >= gd.s AND u.ts < gd.e""")
    con.execute("""
        CREATE TEMP TABLE rollup_measured AS
        WITH tot AS (
          SELECT r, s, e, sum(held) AS held_s, sum(held * utilization) AS busy_s,
                 count(utilization) AS n_util,
                 sum(CASE WHEN team IS NOT NULL THEN held ELSE 0.0 END) AS labelled_s
          FROM rollup_samples GROUP BY r, s, e),
        m AS (
          SELECT c.*, t.held_s, t.busy_s, coalesce(c.x_gpu_hours > 0, false) AS gpu,
                 c.x_gpu_hours * 3600.0 AS cap,
                 coalesce(t.n_util > 0 AND c.x_gpu_hours * 3600.0 > 0, false) AS measured,
                 coalesce(t.held_s > c.x_gpu_hours * 3600.0, false) AS over,
                 coalesce(t.labelled_s > 0 AND c.x_gpu_hours * 3600.0 > 0, false) AS labelled,
                 nullif(c.x_team, '') IS NULL AS untagged
          FROM rollup_charges c LEFT JOIN tot t
            ON c.ResourceId = t.r AND c.ChargePeriodStart = t.s AND c.ChargePeriodEnd = t.e)
        SELECT * EXCLUDE (labelled),
               untagged AND gpu AND labelled AS split,
               CASE WHEN over THEN cap / held_s ELSE 1.0 END AS scale,
               CASE WHEN measured THEN greatest(least(coalesce(busy_s, 0.0)
                 * (CASE WHEN over THEN cap / held_s ELSE 1.0 END) / cap, 1.0), 0.0) END AS u
        FROM m""")
    con.execute("""
        CREATE TEMP TABLE rollup_held AS
        SELECT r, s, e, team, sum(held) AS team_held_s
        FROM rollup_samples WHERE team IS NOT NULL GROUP BY r, s, e, team""")


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables of :func:`stage`."""
    for name in ("rollup_charges", "rollup_samples", "rollup_measured", "rollup_held"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def teams_select(grouped: tuple[str, ...]) -> str:
    """The showback weights of the staged split charges, per day, ``grouped``, ingest and
    sample team (the columns of :func:`teams_create_sql`, in order)."""
    cols = ", ".join(f'm."{c}"' for c in grouped)
    weights = ", ".join(
        f'sum(CAST(m."{column}" AS DOUBLE) * (h.team_held_s * m.scale) / m.cap) '
        f'AS "x_{basis}_weight"'
        for basis, column in BASES.items()
    )
    return (
        f"SELECT date_trunc('day', m.ChargePeriodStart) AS ChargePeriodStart, {cols}, "
        f"m.x_ingest_id, h.team AS x_sample_team, {weights} "
        "FROM rollup_measured m JOIN rollup_held h "
        "ON m.ResourceId = h.r AND m.ChargePeriodStart = h.s AND m.ChargePeriodEnd = h.e "
        "WHERE m.split GROUP BY ALL"
    )


def samples_in_step(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the rollup has seen every usage sample the ledger holds (a sample written
    around infracast's functions leaves the GPU measures to be read from the charges)."""
    row = con.execute(
        f"SELECT (SELECT count(*) FROM usage_samples), "
        f"(SELECT max(value) FROM meta WHERE key = '{SAMPLES_KEY}')"
    ).fetchone()
    return row is not None and row[1] is not None and int(row[0]) == int(row[1])


def note_samples(con: duckdb.DuckDBPyConnection, count: int | None = None) -> None:
    """Record that the rollup has seen ``count`` samples (default: all the ledger holds)."""
    if count is None:
        row = con.execute("SELECT count(*) FROM usage_samples").fetchone()
        count = int(row[0]) if row else 0
    con.execute(f"DELETE FROM meta WHERE key = '{SAMPLES_KEY}'")
    con.execute("INSERT INTO meta VALUES (?, ?)", [SAMPLES_KEY, str(count)])


def ingests_measured_by(con: duckdb.DuckDBPyConnection, sample_ingest_id: int) -> list[int]:
    """The ingests holding GPU charges that the samples of ``sample_ingest_id`` fall in
    (same resource, a period that overlaps the samples' time span)."""
    rows = con.execute(
        """WITH s AS (SELECT DISTINCT resource_id FROM usage_samples WHERE x_ingest_id = ?),
                span AS (SELECT min(ts) AS lo, max(ts) AS hi FROM usage_samples
                         WHERE x_ingest_id = ?)
           SELECT DISTINCT c.x_ingest_id FROM charges c, span
           WHERE c.x_gpu_hours > 0 AND c.ResourceId IN (SELECT resource_id FROM s)
             AND c.ChargePeriodEnd > span.lo AND c.ChargePeriodStart <= span.hi
           ORDER BY 1""",
        [sample_ingest_id, sample_ingest_id],
    ).fetchall()
    return [int(r[0]) for r in rows]
