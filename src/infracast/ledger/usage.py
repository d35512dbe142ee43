"""GPU usage samples in: DCGM-style exports into ``usage_samples``, once and atomically.

Per file, one transaction: a single set-based pass reads the file (every
column as text for CSV), maps its columns by name or alias (any case), types
every value and computes each row's quarantine reason, the duplicate check and
the sampling interval (window functions) into a temporary table; good rows go
to ``usage_samples``, bad rows to ``quarantine`` with their reason, detail and
raw values, and the ``ingests`` record is written. Nothing runs in Python per
row. For every file, rows ingested + rows quarantined = rows in the file.

The format is specified in docs/sources.md ("GPU usage samples").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import duckdb

from infracast.errors import IngestError
from infracast.ledger import rollup, rollup_gpu
from infracast.ledger.connection import Ledger
from infracast.ledger.duckdb_errors import translated
from infracast.ledger.files import (
    ProgressCallback,
    find_files,
    progress_poller,
    quarantine_malformed_lines,
)
from infracast.ledger.records import (
    IngestResult,
    already_ingested,
    file_sha256,
    new_batch_id,
    next_ingest_id,
    utcnow,
    write_ingest_record,
)
from infracast.ledger.usage_read import (
    DEFAULT_INTERVAL_S,
    QUOTED_MACRO,
    UsagePlan,
    held_sql,
    late_raw_sql,
    plan_usage_file,
    staging_sql,
)


def _write(
    con: duckdb.DuckDBPyConnection,
    plan: UsagePlan,
    ingest_id: int,
    stage: Callable[[int, int], None],
) -> IngestResult:
    table, held, late = (f"infracast_usage_{n}_{ingest_id}" for n in ("rows", "held", "raw"))
    rejects = None if plan.file_format == "parquet" else f"infracast_usage_rejects_{ingest_id}"
    con.execute(QUOTED_MACRO)
    stage(0, 3)
    con.execute(staging_sql(plan, table, plan.source_sql(rejects)))
    stage(1, 3)
    span = con.execute(f"SELECT min(__ts), max(__ts) FROM {table} WHERE __code IS NULL").fetchone()
    con.execute(held_sql(table, held), list(span) if span else [None, None])
    late_rows = con.execute(
        f"SELECT (SELECT count(*) FROM {held}) + "
        f"(SELECT count(*) FROM {table} WHERE __code IS NOT NULL AND __raw IS NULL)"
    ).fetchone()
    if late_rows and late_rows[0]:
        con.execute(late_raw_sql(plan, table, held, late))
    else:
        con.execute(f"CREATE TEMP TABLE {late} (__row BIGINT, raw MAP(VARCHAR, VARCHAR))")
    stage(2, 3)
    seen = rollup_gpu.samples_in_step(con)
    con.execute(
        f"""INSERT INTO usage_samples (ts, interval_s, resource_id, gpu_index, utilization,
              utilization_metric, sm_active, memory_used_mib, power_w, share, team, project,
              workload, x_ingest_id)
            SELECT __ts, __interval, __resource, __gpu, __utilization, __metric, __sm_active,
                   __memory_used_mib, __power_w, __share, __team, __project, __workload, ?
            FROM {table} t WHERE __code IS NULL
              AND NOT EXISTS (SELECT 1 FROM {held} h WHERE h.__row = t.__row)
            ORDER BY __row""",
        [ingest_id],
    )
    rollup.samples_added(con, ingest_id, seen)
    con.execute(
        f"""INSERT INTO quarantine (quarantine_id, ingest_id, source, row_number, reason, detail,
              raw)
            SELECT nextval('quarantine_id_seq'), ?, ?, __row, code, detail, raw FROM (
              SELECT t.__row, coalesce(t.__code, 'already_in_ledger') AS code,
                     coalesce(t.__detail, 'ingest ' || h.held_by || ' already holds this sample '
                       || '(resource, GPU, time and labels); it would be counted twice') AS detail,
                     coalesce(t.__raw, r.raw) AS raw
              FROM {table} t LEFT JOIN {held} h USING (__row) LEFT JOIN {late} r USING (__row)
              WHERE t.__code IS NOT NULL OR h.__row IS NOT NULL
              ORDER BY t.__row)""",
        [ingest_id, str(plan.path)],
    )
    counts = con.execute(
        f"""SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok),
                   count(*) FILTER (WHERE ok AND __interval_basis = 'file'),
                   count(*) FILTER (WHERE ok AND __interval_basis = 'inferred'),
                   count(*) FILTER (WHERE ok AND __interval_basis = 'default')
            FROM (SELECT __interval_basis, __code IS NULL AND h.__row IS NULL AS ok
                  FROM {table} t LEFT JOIN {held} h USING (__row))"""
    ).fetchone()
    assert counts is not None
    good, bad, from_file, inferred, assumed = (int(c) for c in counts)
    for name in (table, held, late):
        con.execute(f"DROP TABLE {name}")
    malformed = (
        quarantine_malformed_lines(con, rejects, ingest_id, str(plan.path)) if rejects else 0
    )
    notes = list(plan.notes)
    if inferred:
        notes.append(
            f"interval_s inferred for {inferred} samples: the median gap between "
            "samples of the same resource and GPU in the file"
        )
    if assumed:
        notes.append(
            f"interval_s assumed {DEFAULT_INTERVAL_S:g} s for {assumed} samples "
            "(the only sample of their resource and GPU in the file)"
        )
    if from_file and (inferred or assumed):
        notes.append(f"interval_s taken from the file for {from_file} samples")
    if malformed:
        notes.append(
            f"{malformed} malformed CSV line(s) quarantined with their line number; "
            "row numbers of other rows count well-formed records"
        )
    return IngestResult(
        file=str(plan.path),
        ingest_id=ingest_id,
        status="ingested",
        focus_version=None,
        rows_read=good + bad + malformed,
        rows_ingested=good,
        rows_quarantined=bad + malformed,
        rows_with_warnings=assumed,
        warnings={"interval_assumed": assumed} if assumed else {},
        notes=notes,
        kind="usage",
    )


def ingest_usage(
    ledger: Ledger,
    paths: Sequence[str | Path],
    *,
    batch_id: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[IngestResult]:
    """Ingest GPU usage samples (CSV, CSV.gz, Parquet; files, folders, globs).

    One :class:`IngestResult` per file. A file that cannot be used as a whole
    (a required column missing, the long one-row-per-metric shape, unreadable)
    comes back ``rejected`` with the reason in ``message``; the other files are
    still ingested. The same content again is ``already_ingested``.
    """
    batch = batch_id or new_batch_id()
    found = find_files(paths)
    with translated(ledger.con, path=ledger.path):
        results = [_ingest_file(ledger, path, batch, progress) for path in found.files]
    if results and (note := found.skipped_note()):
        results[0].notes.append(note)
    return results


def _ingest_file(
    ledger: Ledger, path: Path, batch_id: str, progress: ProgressCallback | None
) -> IngestResult:
    con = ledger.con
    started = utcnow()
    sha = file_sha256(path)
    done = already_ingested(con, "usage", str(path), sha)
    if done is not None:
        return done
    plan: UsagePlan | None = None
    try:
        plan = plan_usage_file(con, path)
        with ledger.transaction(), progress_poller(con, str(path), progress) as stage:
            ingest_id = next_ingest_id(con)
            result = _write(con, plan, ingest_id, stage)
            _record(con, ingest_id, batch_id, path, sha, plan, result, started)
    except IngestError as exc:
        return _reject(ledger, path, batch_id, sha, plan, str(exc), started)
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        message = (
            f"{path}: could not read the rows: {str(exc).splitlines()[0]}. Nothing was ingested."
        )
        return _reject(ledger, path, batch_id, sha, plan, message, started)
    return result


def _record(
    con: duckdb.DuckDBPyConnection,
    ingest_id: int,
    batch_id: str,
    path: Path,
    sha: str,
    plan: UsagePlan | None,
    result: IngestResult,
    started: datetime,
) -> None:
    write_ingest_record(
        con,
        ingest_id=ingest_id,
        batch_id=batch_id,
        kind="usage",
        source=str(path),
        sha256=sha,
        file_bytes=path.stat().st_size,
        file_format=plan.file_format if plan else None,
        result=result,
        source_columns=[n for n, _ in plan.columns] if plan else None,
        started_at=started,
    )


def _reject(
    ledger: Ledger,
    path: Path,
    batch_id: str,
    sha: str,
    plan: UsagePlan | None,
    message: str,
    started: datetime,
) -> IngestResult:
    result = IngestResult(
        file=str(path),
        ingest_id=None,
        status="rejected",
        focus_version=None,
        rows_read=0,
        rows_ingested=0,
        rows_quarantined=0,
        message=message,
        kind="usage",
    )
    with ledger.transaction() as con:
        result.ingest_id = next_ingest_id(con)
        _record(con, result.ingest_id, batch_id, path, sha, plan, result, started)
    return result
