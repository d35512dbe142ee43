"""FOCUS ingest: bills in, validated, into the ledger, atomically and once.

Per file, in one transaction: rows that can be counted go to ``charges`` (with
the FOCUS rules they break as warnings, and their fingerprint), rows that cannot
go to ``quarantine`` with their reason and raw values, and the ``ingests`` record
is written. A crash or Ctrl-C leaves the ledger as it was. The same content again
(the same bytes, or the same charges in other bytes) is a no-op; ``replace`` swaps
exactly the scopes (provider, billing period, billing account, invoice) a restated
bill covers (scopes.py).

The invariant, tested: for every file, ledger rows + quarantined rows = the
file's rows, and their costs add up to the file's costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from infracast.errors import IngestError, did_you_mean
from infracast.ledger import duplicates, rollup
from infracast.ledger.charges_select import charges_select
from infracast.ledger.connection import Ledger
from infracast.ledger.duckdb_errors import translated
from infracast.ledger.duplicates import Overlap
from infracast.ledger.files import (
    ProgressCallback,
    find_files,
    progress_poller,
    quarantine_malformed_lines,
)
from infracast.ledger.fingerprint import fingerprint_sql
from infracast.ledger.focus_read import JSON_MAP_MACRO, FilePlan, IngestOptions, lit, plan_file, q
from infracast.ledger.numbers import DECIMAL_MACROS
from infracast.ledger.records import (
    IngestResult,
    ReplacedScope,
    already_ingested,
    file_sha256,
    new_batch_id,
    next_ingest_id,
    retag_hint,
    utcnow,
    write_ingest_record,
)
from infracast.ledger.scopes import (
    WIDTHS,
    Width,
    covered,
    describe,
    other_invoices,
    record,
    remove,
)
from infracast.ledger.validate import (
    checked_sql,
    quarantine_ref,
    typed,
)


@dataclass
class _Overlap(Exception):
    """The file covers scopes other ingests already hold."""

    scopes: list[ReplacedScope]


@dataclass
class _Duplicate(Exception):
    """Some or all of the file's charges are charges the ledger already holds."""

    overlap: Overlap
    result: IngestResult


@dataclass
class _DryRun(Exception):
    """Roll back a dry run once its result is known."""

    result: IngestResult


def ingest_focus(
    ledger: Ledger,
    paths: Sequence[str | Path],
    *,
    replace: bool | Width = False,
    append: bool = False,
    dry_run: bool = False,
    day_first: bool = False,
    progress: ProgressCallback | None = None,
    batch_id: str | None = None,
) -> list[IngestResult]:
    """Ingest FOCUS exports (CSV, CSV.gz, Parquet; files, folders, globs).

    Returns one :class:`IngestResult` per file. A file that cannot be taken as a
    whole (a missing column the ledger needs, scopes the ledger already holds from
    another ingest, charges the ledger already holds) comes back with status
    ``rejected`` and a message; the other files are still ingested. A file whose
    charges are all in the ledger already is ``already_ingested``.

    ``replace``: the file restates a bill: the charges other commands wrote for the
    scopes it covers (provider, billing period, billing account, invoice) are swapped
    for the file's and listed in ``result.replaced``. ``"account"`` also swaps the
    other invoices of its accounts, ``"period"`` every account of its providers'
    billing periods (e.g. an account that left the bill).
    ``append``: the file is another part of an export whose other parts were
    ingested earlier; add its rows even though its scopes overlap.
    ``dry_run``: do everything, report it, change nothing (each file is checked
    against the ledger as it is, not against the other files of the command).
    """
    width = _width(replace)
    if width is not None and append:
        raise IngestError(
            "replace and append cannot be used together.",
            hint="--replace swaps a restated bill; --append adds another part of the same bill.",
        )
    found = find_files(paths)
    batch = batch_id or new_batch_id()
    options = IngestOptions(day_first=day_first)
    with translated(ledger.con, path=ledger.path):
        results = [
            _ingest_file(
                ledger,
                path,
                batch,
                options,
                width=width,
                append=append,
                dry_run=dry_run,
                progress=progress,
            )
            for path in found.files
        ]
    if results and (note := found.skipped_note()):
        results[0].notes.append(note)
    return results


def _width(replace: bool | str) -> Width | None:
    if replace is False:
        return None
    if replace is True:
        return "scope"
    if replace in WIDTHS:
        return replace
    raise IngestError(
        f"replace={replace!r} is not a replacement width.{did_you_mean(str(replace), WIDTHS)}",
        hint="Use True (the scopes the file covers), 'account' or 'period'.",
    )


def _ingest_file(
    ledger: Ledger,
    path: Path,
    batch_id: str,
    options: IngestOptions,
    *,
    width: Width | None,
    append: bool,
    dry_run: bool,
    progress: ProgressCallback | None,
) -> IngestResult:
    con = ledger.con
    started = utcnow()
    source = str(path)
    sha = file_sha256(path)
    done = already_ingested(con, "focus", source, sha)
    if done is not None:
        done.dry_run = dry_run
        return done

    def reject(plan: FilePlan | None, message: str) -> IngestResult:
        version = plan.focus_version if plan else None
        return _reject(ledger, path, batch_id, sha, plan, version, message, started, dry_run)

    try:
        plan = plan_file(con, path)
    except IngestError as exc:
        return reject(None, exc.message.removeprefix(f"{path}: ") + _hint(exc))
    try:
        with ledger.transaction(), progress_poller(con, source, progress) as stage:
            ingest_id = next_ingest_id(con)
            result = _write_rows(ledger, plan, ingest_id, options, stage)
            # Rows fixed from quarantine belong to periods already ingested, by design.
            fixes = quarantine_ref(plan) is not None
            _settle(con, ingest_id, batch_id, result, width=width, append=append or fixes)
            rollup.refresh(con, [ingest_id, *result.replaced_ingest_ids])
            write_ingest_record(
                con,
                ingest_id=ingest_id,
                batch_id=batch_id,
                kind="focus",
                source=source,
                sha256=sha,
                file_bytes=path.stat().st_size,
                file_format=plan.file_format,
                result=result,
                source_columns=[c.name for c in plan.columns],
                started_at=started,
            )
            if dry_run:
                raise _DryRun(result)
    except _DryRun as run:
        run.result.dry_run = True
        run.result.ingest_id = None  # nothing holds its rows
        run.result.message = "dry run: nothing was changed. " + run.result.message
        return run.result
    except _Overlap as overlap:
        message = (
            "the ledger already holds charges of the scopes this file covers: "
            f"{describe(overlap.scopes)}. Nothing was ingested from this file. If it restates "
            "that bill, run again with --replace; if it is another part of the same export, "
            "run again with --append."
        )
        return reject(plan, message)
    except _Duplicate as dup:
        return _duplicate(dup, dry_run) or reject(plan, _partial_message(dup))
    except IngestError as exc:
        return reject(plan, exc.message + _hint(exc))
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        first = str(exc).splitlines()[0]
        return reject(plan, f"could not read the rows: {first}. Nothing was ingested.")
    return result


def _hint(exc: IngestError) -> str:
    return f" {exc.hint}" if exc.hint else ""


def _duplicate(dup: _Duplicate, dry_run: bool) -> IngestResult | None:
    """The no-op result when every charge of the file is already held, else None."""
    result, overlap = dup.result, dup.overlap
    if overlap.rows < result.rows_ingested:
        return None
    n = result.rows_ingested
    return IngestResult(
        file=result.file,
        ingest_id=overlap.holders[0][0],
        status="already_ingested",
        focus_version=result.focus_version,
        rows_read=result.rows_read,
        rows_ingested=0,
        rows_quarantined=0,
        message=f"the same charges as {overlap.holders_text()}: all {n} of its "
        f"charge{'s' if n != 1 else ''} are in the ledger already; nothing changed."
        + retag_hint("focus"),
        dry_run=dry_run,
    )


def _partial_message(dup: _Duplicate) -> str:
    n = dup.result.rows_ingested
    return (
        f"{dup.overlap.rows} of its {n} rows are the same charges as rows of "
        f"{dup.overlap.holders_text()} (same provider, billing account, billing period and "
        "values). Nothing was ingested from this file. If it restates that bill, run again "
        "with --replace; if it is another part of the bill, remove the rows it repeats."
    )


def _reject(
    ledger: Ledger,
    path: Path,
    batch_id: str,
    sha: str,
    plan: FilePlan | None,
    version: str | None,
    message: str,
    started: object,
    dry_run: bool = False,
) -> IngestResult:
    result = IngestResult(
        file=str(path),
        ingest_id=None,
        status="rejected",
        focus_version=version,
        rows_read=0,
        rows_ingested=0,
        rows_quarantined=0,
        message=message,
        dry_run=dry_run,
    )
    if dry_run:
        return result
    with ledger.transaction() as con:
        result.ingest_id = next_ingest_id(con)
        write_ingest_record(
            con,
            ingest_id=result.ingest_id,
            batch_id=batch_id,
            kind="focus",
            source=str(path),
            sha256=sha,
            file_bytes=path.stat().st_size,
            file_format=plan.file_format if plan else None,
            result=result,
            source_columns=[c.name for c in plan.columns] if plan else None,
            started_at=started,  # type: ignore[arg-type]
        )
    return result


def _write_rows(
    ledger: Ledger,
    plan: FilePlan,
    ingest_id: int,
    options: IngestOptions,
    stage: Callable[[int, int], None],
) -> IngestResult:
    con = ledger.con
    con.execute(JSON_MAP_MACRO)
    con.execute(DECIMAL_MACROS)
    names, select = charges_select(ledger.settings, plan, ingest_id)
    columns = ", ".join(q(n) for n in names)
    stage(0, 2)
    inserted = con.execute(
        f"{checked_sql(plan, options)} INSERT INTO charges ({columns}, x_row_hash) "
        f"SELECT *, {fingerprint_sql()} FROM (SELECT {select} FROM checked WHERE NOT __bad)"
    ).fetchone()
    rows_ingested = int(inserted[0]) if inserted else 0
    stage(1, 2)
    raw_map = (
        "MAP(["
        + ", ".join(lit(c.name) for c in plan.columns)
        + "], ["
        + ", ".join(f"CAST({q(c.name)} AS VARCHAR)" for c in plan.columns)
        + "])"
    )
    rejects = ""
    if plan.file_format != "parquet":
        rejects = f"infracast_rejects_{ingest_id}"
        source = plan.source_sql.replace(
            "ignore_errors = true",
            f"store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan'",
        )
    else:
        source = plan.source_sql
    quarantined = con.execute(
        f"{checked_sql(plan, options, source)} INSERT INTO quarantine "
        "SELECT nextval('quarantine_id_seq'), ?, ?, __row, __reasons[1].code, "
        "array_to_string(list_transform(__reasons, lambda r: r.detail), '; '), "
        f"{raw_map}, {typed('BilledCost')}, {typed('EffectiveCost')}, {typed('BillingCurrency')}, "
        "NULL, NULL "
        "FROM checked WHERE __bad",
        [ingest_id, str(plan.path)],
    ).fetchone()
    rows_quarantined = int(quarantined[0]) if quarantined else 0
    malformed = 0
    notes = list(plan.notes)
    if rows_ingested + rows_quarantined == 0:
        notes.append("the file has a header but no rows")
    if rejects:
        malformed = quarantine_malformed_lines(con, rejects, ingest_id, str(plan.path))
        if malformed:
            notes.append(
                f"{malformed} malformed CSV line(s) quarantined with their line number; row "
                "numbers of other rows count well-formed records"
            )
    warnings = dict(
        (str(code), int(n))
        for code, n in con.execute(
            "SELECT w, count(*) FROM (SELECT unnest(x_warnings) AS w FROM charges "
            "WHERE x_ingest_id = ?) GROUP BY w ORDER BY count(*) DESC, w",
            [ingest_id],
        ).fetchall()
    )
    row = con.execute(
        "SELECT count(*) FROM charges WHERE x_ingest_id = ? AND len(x_warnings) > 0", [ingest_id]
    ).fetchone()
    with_warnings = int(row[0]) if row else 0
    if (ref := quarantine_ref(plan)) is not None:
        con.execute(
            """UPDATE quarantine SET resolved_by_ingest_id = ?, resolved_at = ?
               WHERE resolved_by_ingest_id IS NULL AND quarantine_id IN (
                 SELECT TRY_CAST(x_custom_columns->>? AS BIGINT)
                 FROM charges WHERE x_ingest_id = ?)""",
            [ingest_id, utcnow(), ref.name, ingest_id],
        )
    return IngestResult(
        file=str(plan.path),
        ingest_id=ingest_id,
        status="ingested",
        focus_version=plan.focus_version,
        rows_read=rows_ingested + rows_quarantined + malformed,
        rows_ingested=rows_ingested,
        rows_quarantined=rows_quarantined + malformed,
        rows_with_warnings=with_warnings,
        warnings=warnings,
        notes=notes,
    )


def _settle(
    con: duckdb.DuckDBPyConnection,
    ingest_id: int,
    batch_id: str,
    result: IngestResult,
    *,
    width: Width | None,
    append: bool,
) -> None:
    """Record the file's scopes; replace what it restates; refuse what is already there."""
    record(con, ingest_id)
    held = covered(con, ingest_id, batch_id, width or "scope")
    if held and width is not None:
        result.replaced_ingest_ids = remove(con, ingest_id, batch_id, width, held)
        result.replaced = held
        result.status = "replaced"
        result.message = f"replaced {describe(held)}"
        if width == "scope" and (note := other_invoices(con, ingest_id)):
            result.notes.append(note)
    overlap = duplicates.find(con, ingest_id)
    if overlap is not None:
        raise _Duplicate(overlap, result)
    if held and width is None and not append:
        raise _Overlap(held)
