"""GPU usage sample files: their columns mapped by name or alias, and the SQL that
types every value and checks every row (see docs/sources.md, "GPU usage samples").

:func:`plan_usage_file` reads a file's header; :func:`staging_sql` is the one
set-based pass that types the values, computes each row's quarantine reason, the
duplicate check and the sampling interval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from infracast.errors import IngestError
from infracast.ledger.duckdb_errors import translate
from infracast.ledger.files import (
    file_format_of,
)
from infracast.ledger.focus_read import lit, q

# Canonical column -> accepted names (matched case-insensitively), most preferred first.
ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "ts", "time"),
    "resource_id": ("resource_id", "resourceid", "hostname", "instance_id", "instance", "node"),
    "gpu_index": ("gpu_index", "gpu", "gpu_id"),
    "gr_engine_active": ("gr_engine_active", "dcgm_fi_prof_gr_engine_active"),
    "utilization_pct": ("utilization_pct", "gpu_utilization", "dcgm_fi_dev_gpu_util"),
    "sm_active": ("sm_active", "dcgm_fi_prof_sm_active"),
    "memory_used_mib": ("memory_used_mib", "dcgm_fi_dev_fb_used"),
    "power_w": ("power_w", "dcgm_fi_dev_power_usage"),
    "share": ("share", "gpu_share", "fraction"),
    "interval_s": ("interval_s", "interval"),
    "team": ("team",),
    "project": ("project",),
    "workload": ("workload",),
}
REQUIRED = ("timestamp", "resource_id", "gpu_index")
UTILIZATION = ("gr_engine_active", "utilization_pct", "sm_active")  # order of preference
DEFAULT_INTERVAL_S = 60.0
_LONG_SHAPE = ({"metric_name", "__name__", "metric"}, {"value"})
_NUMERIC = re.compile(r"U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DOUBLE|FLOAT|REAL|DECIMAL.*")
_RATIO = (
    "', outside 0–1 (a ratio)' || CASE WHEN {v} <= 100 "
    "THEN '; if the file holds percents, divide the column by 100' ELSE '' END"
)
# Measured columns: (SQL condition that is out of range, reason code, SQL sentence end).
_RANGES = {
    "gr_engine_active": ("{v} < 0 OR {v} > 1", "utilization_out_of_range", _RATIO),
    "utilization_pct": (
        "{v} < 0 OR {v} > 100",
        "utilization_out_of_range",
        "', outside 0–100 (a percent)'",
    ),
    "sm_active": ("{v} < 0 OR {v} > 1", "utilization_out_of_range", _RATIO),
    "memory_used_mib": ("{v} < 0", "negative_value", "', below 0'"),
    "power_w": ("{v} < 0", "negative_value", "', below 0'"),
    "share": (
        "{v} <= 0 OR {v} > 1",
        "share_out_of_range",
        "', outside (0, 1] (the fraction of the GPU held)'",
    ),
    "interval_s": (
        "{v} <= 0",
        "invalid_interval",
        "'; a sample stands for a positive number of seconds'",
    ),
}


@dataclass
class UsagePlan:
    """A usage file's columns and what they map to, before its rows are read."""

    path: Path
    file_format: str  # csv | csv.gz | parquet
    columns: list[tuple[str, str]]  # (name as in the file, DuckDB type)
    mapping: dict[str, tuple[str, str]]  # canonical -> (source name, DuckDB type)
    notes: list[str] = field(default_factory=list)

    def source_sql(self, rejects: str | None = None) -> str:
        path = lit(str(self.path))
        if self.file_format == "parquet":
            return f"read_parquet({path}, file_row_number = true)"
        errors = (
            f"store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan'"
            if rejects
            else "ignore_errors = true"
        )
        return f"read_csv({path}, all_varchar = true, header = true, {errors})"

    @property
    def row_number_sql(self) -> str:
        # DuckDB keeps a CSV scan in file order (preserve_insertion_order, the default).
        return "file_row_number + 1" if self.file_format == "parquet" else "row_number() OVER ()"


def _accepted() -> str:
    return "; ".join(f"{c}: {', '.join(a)}" for c, a in ALIASES.items())


def plan_usage_file(con: duckdb.DuckDBPyConnection, path: Path) -> UsagePlan:
    """Map the file's columns onto the usage columns; an IngestError if the file cannot be used."""
    plan = UsagePlan(path, file_format_of(path, "Usage samples"), [], {})
    if path.stat().st_size == 0:
        raise IngestError(f"{path} is empty.", hint="Export the samples again.")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {plan.source_sql()}").fetchall()
    except duckdb.Error as exc:
        raise translate(exc, con) or IngestError(
            f"{path}: cannot read it as {plan.file_format}: {str(exc).splitlines()[0]}",
            hint="Check that the file is complete (not truncated, not compressed twice).",
        ) from exc
    plan.columns = [(str(r[0]), str(r[1])) for r in described if str(r[0]) != "file_row_number"]
    by_name = {n.strip().lstrip("\ufeff").lower(): (n, t) for n, t in reversed(plan.columns)}
    found = ", ".join(n for n, _ in plan.columns)
    used = set()
    for canonical, aliases in ALIASES.items():
        hits = [by_name[a] for a in aliases if a in by_name]
        if hits:
            plan.mapping[canonical] = hits[0]
            used.add(hits[0][0])
            if hits[0][0].strip().lower() != canonical:
                plan.notes.append(f"column {hits[0][0]} read as {canonical}")
            for other, _ in hits[1:]:
                plan.notes.append(f"column {other} not used: {hits[0][0]} gives {canonical}")
                used.add(other)
    names = set(by_name)
    if (
        names & _LONG_SHAPE[0]
        and names & _LONG_SHAPE[1]
        and not set(UTILIZATION) & set(plan.mapping)
    ):
        metric = next(n for n, _ in plan.columns if n.strip().lower() in _LONG_SHAPE[0])
        value = next(n for n, _ in plan.columns if n.strip().lower() == "value")
        raise IngestError(
            f"{path} is in the long shape (one row per metric: {metric}, {value}); usage "
            "samples need one column per metric. The file has: " + found + ".",
            hint="Pivot it first, e.g. in DuckDB: COPY (PIVOT read_csv('long.csv') ON "
            f"{metric} USING first({value}) GROUP BY timestamp, Hostname, gpu) TO 'wide.csv'; "
            "then ingest wide.csv.",
        )
    missing = [c for c in REQUIRED if c not in plan.mapping]
    if not set(UTILIZATION) & set(plan.mapping):
        missing.append("a utilization column (" + " or ".join(UTILIZATION) + ")")
    if missing:
        raise IngestError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. The file has: {found}.",
            hint="Rename the columns; accepted names (any case) are " + _accepted() + ".",
        )
    unused = [n for n, _ in plan.columns if n not in used]
    if unused:
        plan.notes.append(
            f"columns not used (usage samples have no place for them): {', '.join(unused)}"
        )
    return plan


# --- typing and checking, as SQL over the source columns ------------------------------


def _is_text(kind: str) -> bool:
    return kind.upper() == "VARCHAR"


def _text(col: tuple[str, str]) -> str:
    name, kind = col
    if _is_text(kind):
        return (
            f"(CASE WHEN lower(trim({q(name)})) IN ('', 'null') THEN NULL ELSE trim({q(name)}) END)"
        )
    return f"CAST({q(name)} AS VARCHAR)"


def _number(col: tuple[str, str]) -> str:
    name, kind = col
    if _NUMERIC.fullmatch(kind.upper()):
        return f"CAST({q(name)} AS DOUBLE)"
    return f"TRY_CAST({_text(col)} AS DOUBLE)"


def _timestamp(col: tuple[str, str]) -> str:
    name, kind = col
    upper = kind.upper()
    if upper.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({q(name)} AS TIMESTAMP)"  # WITH TIME ZONE: the session is UTC
    if _NUMERIC.fullmatch(upper):
        return f"make_timestamp(CAST(round(CAST({q(name)} AS DOUBLE) * 1e6) AS BIGINT))"
    t = _text(col)
    # ISO 8601 only: DuckDB would read "4/1/25" as the year 4. Digits alone are Unix seconds.
    return (
        f"(CASE WHEN regexp_matches({t}, '^\\d{{4}}-\\d{{2}}-\\d{{2}}') "
        f"THEN TRY_CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP) "
        f"WHEN regexp_full_match({t}, '\\d{{9,11}}(\\.\\d*)?') "
        f"THEN make_timestamp(CAST(round(CAST({t} AS DOUBLE) * 1e6) AS BIGINT)) END)"
    )


def _gpu_index(col: tuple[str, str]) -> str:
    name, kind = col
    if _NUMERIC.fullmatch(kind.upper()):
        v = f"CAST({q(name)} AS DOUBLE)"
        return (
            f"(CASE WHEN {v} >= 0 AND {v} = floor({v}) AND {v} < 1e9 THEN CAST({v} AS INTEGER) END)"
        )
    t = _text(col)
    return (
        f"(CASE WHEN regexp_full_match({t}, '[0-9]{{1,9}}(\\.0*)?') "
        f"THEN CAST(CAST({t} AS DOUBLE) AS INTEGER) END)"
    )


@dataclass
class _Check:
    condition: str
    code: str
    detail: str  # SQL expression of a sentence


def _checks(plan: UsagePlan) -> tuple[dict[str, str], list[_Check]]:
    """(typed expression per canonical column, quarantine checks in order)."""
    m = plan.mapping
    typed: dict[str, str] = {}
    checks: list[_Check] = []

    def raw(canonical: str) -> str:
        return f"quoted(CAST({q(m[canonical][0])} AS VARCHAR))"

    def label(canonical: str) -> str:
        name = m[canonical][0]
        return lit(name if name.strip().lower() == canonical else f"{name} ({canonical})")

    typed["timestamp"] = _timestamp(m["timestamp"])
    typed["resource_id"] = _text(m["resource_id"])
    typed["gpu_index"] = _gpu_index(m["gpu_index"])
    for canonical in ("timestamp", "resource_id", "gpu_index"):
        checks.append(
            _Check(
                f"{_text(m[canonical])} IS NULL",
                "missing_value",
                f"{label(canonical)} || ' is empty; every sample needs it'",
            )
        )
    checks.append(
        _Check(
            f"{_text(m['timestamp'])} IS NOT NULL AND __ts IS NULL",
            "invalid_timestamp",
            f"{label('timestamp')} || ' ' || {raw('timestamp')} || ' is not an ISO 8601 date and "
            "time (2025-03-01T10:00:00Z) or Unix seconds'",
        )
    )
    checks.append(
        _Check(
            f"{_text(m['gpu_index'])} IS NOT NULL AND __gpu IS NULL",
            "invalid_gpu_index",
            f"{label('gpu_index')} || ' ' || {raw('gpu_index')} || ' is not a GPU index "
            "(a whole number from 0)'",
        )
    )
    for canonical, (bad, code, why) in _RANGES.items():
        if canonical not in m:
            typed[canonical] = "CAST(NULL AS DOUBLE)"
            continue
        typed[canonical] = _number(m[canonical])
        v = f"__{canonical}"
        checks.append(
            _Check(
                f"{_text(m[canonical])} IS NOT NULL AND ({v} IS NULL OR NOT isfinite({v}))",
                "invalid_number",
                f"{label(canonical)} || ' ' || {raw(canonical)} || ' is not a number'",
            )
        )
        checks.append(
            _Check(
                f"{v} IS NOT NULL AND isfinite({v}) AND ({bad.format(v=v)})",
                code,
                f"{label(canonical)} || ' is ' || {raw(canonical)} || {why.format(v=v)}",
            )
        )
    measured = [c for c in (*UTILIZATION, "power_w") if c in m]
    checks.append(
        _Check(
            " AND ".join(f"{_text(m[c])} IS NULL" for c in measured),
            "no_measurement",
            lit(
                f"the row has no value in {', '.join(m[c][0] for c in measured)}; "
                "a sample needs a utilization or a power reading"
            ),
        )
    )
    for canonical in ("team", "project", "workload"):
        typed[canonical] = _text(m[canonical]) if canonical in m else "CAST(NULL AS VARCHAR)"
    return typed, checks


QUOTED_MACRO = "CREATE OR REPLACE TEMP MACRO quoted(x) AS ('\"' || coalesce(x, '') || '\"')"
_SHORT = {"timestamp": "__ts", "resource_id": "__resource", "gpu_index": "__gpu"}


def _raw_map(plan: UsagePlan) -> str:
    return (
        "MAP(["
        + ", ".join(lit(n) for n, _ in plan.columns)
        + "], ["
        + ", ".join(f"CAST({q(n)} AS VARCHAR)" for n, _ in plan.columns)
        + "])"
    )


def staging_sql(plan: UsagePlan, table: str, source: str) -> str:
    """CREATE TEMP TABLE ``table``: one row per file row, typed, checked, with its interval.

    The source columns are dropped before the window functions (they would be
    sorted with every row); rows that fail a row-level check keep their raw
    values as a map, rows flagged later get theirs from a second scan (:func:`late_raw_sql`).
    """
    typed, checks = _checks(plan)
    typed_list = ", ".join(f"{expr} AS {_SHORT.get(c, '__' + c)}" for c, expr in typed.items())
    slim = ", ".join(_SHORT.get(c, "__" + c) for c in typed)
    code = (
        "coalesce("
        + ", ".join(f"CASE WHEN {k.condition} THEN {lit(k.code)} END" for k in checks)
        + ")"
    )
    detail = (
        "NULLIF(concat_ws('; ', "
        + ", ".join(f"CASE WHEN {k.condition} THEN {k.detail} END" for k in checks)
        + "), '')"
    )
    same = "__code IS NULL, __resource, __gpu, __ts, __team, __project, __workload"
    return f"""
CREATE TEMP TABLE {table} AS
WITH src AS (SELECT *, {plan.row_number_sql} AS __row FROM {source}),
typed AS (SELECT src.*, {typed_list} FROM src),
checked AS (SELECT typed.*, {code} AS __code, {detail} AS __detail FROM typed),
slim AS (SELECT __row, {slim}, __code, __detail,
                CASE WHEN __code IS NOT NULL THEN {_raw_map(plan)} END AS __raw
         FROM checked),
ranked AS (
  SELECT slim.*,
    row_number() OVER (PARTITION BY {same} ORDER BY __row) AS __rank,
    min(__row) OVER (PARTITION BY {same}) AS __first,
    epoch(__ts) - epoch(lag(__ts) OVER (
      PARTITION BY __code IS NULL, __resource, __gpu ORDER BY __ts, __row)) AS __gap
  FROM slim),
final AS (
  SELECT ranked.*,
    coalesce(__code, CASE WHEN __rank > 1 THEN 'duplicate_sample' END) AS __final_code,
    CASE WHEN __code IS NULL AND __rank > 1 THEN 'the same sample (resource, GPU, time and '
      || 'labels) as row ' || __first || '; it would be counted twice' ELSE __detail END
      AS __final_detail,
    median(CASE WHEN __gap > 0 THEN __gap END) OVER (
      PARTITION BY __code IS NULL, __resource, __gpu) AS __median_gap
  FROM ranked)
SELECT __row, __ts, __resource, __gpu,
  coalesce(__gr_engine_active, __utilization_pct / 100.0, __sm_active) AS __utilization,
  CASE WHEN __gr_engine_active IS NOT NULL THEN 'gr_engine_active'
       WHEN __utilization_pct IS NOT NULL THEN 'utilization_pct'
       WHEN __sm_active IS NOT NULL THEN 'sm_active' END AS __metric,
  __sm_active, __memory_used_mib, __power_w, coalesce(__share, 1.0) AS __share,
  coalesce(__interval_s, __median_gap, {DEFAULT_INTERVAL_S}) AS __interval,
  CASE WHEN __interval_s IS NOT NULL THEN 'file' WHEN __median_gap IS NOT NULL THEN 'inferred'
       ELSE 'default' END AS __interval_basis,
  __team, __project, __workload,
  __final_code AS __code, __final_detail AS __detail, __raw
FROM final"""


def held_sql(table: str, held: str) -> str:
    """CREATE TEMP TABLE ``held``: rows whose sample another ingest already holds."""
    return f"""
CREATE TEMP TABLE {held} AS
SELECT t.__row, min(u.x_ingest_id) AS held_by
FROM {table} t JOIN usage_samples u
  ON u.resource_id = t.__resource AND u.gpu_index = t.__gpu AND u.ts = t.__ts
 AND u.team IS NOT DISTINCT FROM t.__team AND u.project IS NOT DISTINCT FROM t.__project
 AND u.workload IS NOT DISTINCT FROM t.__workload
WHERE t.__code IS NULL AND u.ts BETWEEN ? AND ?
GROUP BY t.__row"""


def late_raw_sql(plan: UsagePlan, table: str, held: str, late: str) -> str:
    """CREATE TEMP TABLE ``late``: raw values of rows quarantined after the first pass
    (duplicates, already held), by a second scan of the file."""
    return f"""
CREATE TEMP TABLE {late} AS
SELECT __row, raw FROM (
  SELECT {plan.row_number_sql} AS __row, {_raw_map(plan)} AS raw FROM {plan.source_sql()})
WHERE __row IN (SELECT __row FROM {table} WHERE __code IS NOT NULL AND __raw IS NULL
                UNION ALL SELECT __row FROM {held})"""
