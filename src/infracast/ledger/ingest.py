"""FOCUS ingest: bills in, validated, into the ledger, atomically and once.

Per file, in one transaction: rows that can be counted go to ``charges`` (with
the FOCUS rules they break as warnings), rows that cannot go to ``quarantine``
with their reason and raw values, and the ``ingests`` record is written. A
crash or Ctrl-C leaves the ledger as it was. The same content again is a no-op;
``replace`` swaps a provider's billing period for a restated bill.

The invariant, tested: for every file, ledger rows + quarantined rows = the
file's rows, and their costs add up to the file's costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from infracast.errors import IngestError
from infracast.ledger import focus_spec
from infracast.ledger.categories import category_sql, load_rules
from infracast.ledger.connection import Ledger
from infracast.ledger.enrich import gpu_hours_sql, gpu_sql, tag_lookup_sql
from infracast.ledger.files import (
    ProgressCallback,
    discover_files,
    progress_poller,
    quarantine_malformed_lines,
)
from infracast.ledger.focus_read import JSON_MAP_MACRO, FilePlan, IngestOptions, lit, plan_file, q
from infracast.ledger.records import (
    IngestResult,
    already_ingested,
    file_sha256,
    new_batch_id,
    next_ingest_id,
    utcnow,
    write_ingest_record,
)
from infracast.ledger.schema import X_COLUMNS
from infracast.ledger.validate import (
    checked_sql,
    enum_columns,
    quarantine_ref,
    typed,
    unparsed_raw_entries,
)


@dataclass
class _Overlap(Exception):
    """The file holds billing periods another ingest already holds."""

    periods: list[tuple[int, str | None, str]]


class _Rejected(Exception):
    """A row-level condition that rejects the whole file after the rows were read."""


def ingest_focus(
    ledger: Ledger,
    paths: Sequence[str | Path],
    *,
    replace: bool = False,
    append: bool = False,
    day_first: bool = False,
    progress: ProgressCallback | None = None,
    batch_id: str | None = None,
) -> list[IngestResult]:
    """Ingest FOCUS exports (CSV, CSV.gz, Parquet; files, folders, globs).

    Returns one :class:`IngestResult` per file. A file that cannot be taken as a
    whole (a missing column the ledger needs, a billing period the ledger
    already holds from another ingest) comes back with status ``rejected`` and
    a message; the other files are still ingested.

    ``replace``: the file restates a bill; the charges other ingests hold for
    the same provider and billing period are swapped for the file's.
    ``append``: the file is another part of an export whose other parts were
    ingested earlier; add its rows even though its billing periods overlap.
    """
    if replace and append:
        raise IngestError(
            "replace and append cannot be used together.",
            hint="--replace swaps a restated bill; --append adds another part of the same bill.",
        )
    files = discover_files(paths)
    batch = batch_id or new_batch_id()
    options = IngestOptions(day_first=day_first)
    return [
        _ingest_file(
            ledger, path, batch, options, replace=replace, append=append, progress=progress
        )
        for path in files
    ]


def _ingest_file(
    ledger: Ledger,
    path: Path,
    batch_id: str,
    options: IngestOptions,
    *,
    replace: bool,
    append: bool,
    progress: ProgressCallback | None,
) -> IngestResult:
    con = ledger.con
    started = utcnow()
    source = str(path)
    sha = file_sha256(path)
    done = already_ingested(con, "focus", source, sha)
    if done is not None:
        return done
    try:
        plan = plan_file(con, path)
    except IngestError as exc:
        message = exc.message.removeprefix(f"{path}: ") + (f" {exc.hint}" if exc.hint else "")
        return _reject(ledger, path, batch_id, sha, None, None, message, started)
    try:
        with ledger.transaction(), progress_poller(con, source, progress) as stage:
            ingest_id = next_ingest_id(con)
            result = _write_rows(ledger, plan, ingest_id, options, stage)
            # Rows fixed from quarantine belong to periods already ingested, by design.
            fixes = quarantine_ref(plan) is not None
            _bookkeep_periods(
                con, ingest_id, batch_id, result, replace=replace, append=append or fixes
            )
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
    except _Overlap as overlap:
        listed = "; ".join(
            f"{prov or '(no provider)'} {start} (ingest {iid})"
            for iid, prov, start in overlap.periods
        )
        message = (
            f"the ledger already holds charges for the same provider and billing period: {listed}. "
            "Nothing was ingested from this file. If it restates that bill, run again with "
            "--replace; if it is another part of the same export, run again with --append."
        )
        return _reject(ledger, path, batch_id, sha, plan, plan.focus_version, message, started)
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        message = f"could not read the rows: {str(exc).splitlines()[0]}. Nothing was ingested."
        return _reject(ledger, path, batch_id, sha, plan, plan.focus_version, message, started)
    return result


def _reject(
    ledger: Ledger,
    path: Path,
    batch_id: str,
    sha: str,
    plan: FilePlan | None,
    version: str | None,
    message: str,
    started: object,
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
    )
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


def _charges_select(ledger: Ledger, plan: FilePlan, ingest_id: int) -> tuple[list[str], str]:
    """(column names, SELECT list) mapping the checked query onto the charges table."""
    spec = focus_spec.columns()
    enums = enum_columns(plan)
    exprs: dict[str, str] = {}
    for canonical in spec:
        exprs[canonical] = enums[canonical][0] if canonical in enums else typed(canonical)
    exprs["ServiceProviderName"] = (
        f"coalesce({typed('ServiceProviderName')}, {typed('ProviderName')})"
    )
    exprs["ProviderName"] = f"coalesce({typed('ProviderName')}, {typed('ServiceProviderName')})"
    custom_exprs = {
        c.name.strip().lower(): f"CAST({q(c.name)} AS VARCHAR)" for c in plan.custom_columns
    }
    settings = ledger.settings
    exprs["x_ingest_id"] = str(ingest_id)
    exprs["x_source"] = "'focus'"
    exprs["x_source_key"] = "NULL"
    exprs["x_source_row"] = "__row"
    exprs["x_team"] = tag_lookup_sql(typed("Tags"), settings.team_tags, custom_exprs)
    exprs["x_project"] = tag_lookup_sql(typed("Tags"), settings.project_tags, custom_exprs)
    exprs["x_cost_category"] = category_sql(
        load_rules(settings.category_rules),
        charge_category=typed("ChargeCategory"),
        service_category=typed("ServiceCategory"),
        service_name=typed("ServiceName"),
        sku_columns=[typed("SkuId"), typed("SkuMeter"), typed("ChargeDescription")],
    )
    gpu_type, gpu_count = gpu_sql(
        search_columns=[
            f"CAST({typed('SkuPriceDetails')} AS VARCHAR)",
            typed("ChargeDescription"),
            typed("SkuMeter"),
            typed("ResourceType"),
        ],
        service_category=typed("ServiceCategory"),
    )
    exprs["x_gpu_type"] = gpu_type
    exprs["x_gpu_count"] = f"CAST({gpu_count} AS DOUBLE)"
    exprs["x_gpu_hours"] = gpu_hours_sql(
        gpu_count=gpu_count,
        charge_category=typed("ChargeCategory"),
        quantity=typed("ConsumedQuantity"),
        unit=typed("ConsumedUnit"),
        start=typed("ChargePeriodStart"),
        end=typed("ChargePeriodEnd"),
    )
    exprs["x_warnings"] = "__warnings"
    entries = [(c.name, f"CAST({q(c.name)} AS VARCHAR)") for c in plan.custom_columns]
    entries += unparsed_raw_entries(plan)
    if entries:
        # json_merge_patch onto {} drops the keys whose value is NULL (RFC 7386).
        pairs = ", ".join(f"{lit(key)}, {value}" for key, value in entries)
        exprs["x_custom_columns"] = (
            f"NULLIF(json_merge_patch('{{}}', json_object({pairs})), '{{}}'::JSON)"
        )
    else:
        exprs["x_custom_columns"] = "NULL"
    assert set(exprs) == set(spec) | set(X_COLUMNS)
    names = list(exprs)
    return names, ", ".join(f"{exprs[n]} AS {q(n)}" for n in names)


def _write_rows(
    ledger: Ledger,
    plan: FilePlan,
    ingest_id: int,
    options: IngestOptions,
    stage: Callable[[int, int], None],
) -> IngestResult:
    con = ledger.con
    con.execute(JSON_MAP_MACRO)
    names, select = _charges_select(ledger, plan, ingest_id)
    columns = ", ".join(q(n) for n in names)
    stage(0, 2)
    inserted = con.execute(
        f"{checked_sql(plan, options)} INSERT INTO charges ({columns}) "
        f"SELECT {select} FROM checked WHERE NOT __bad"
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


def _bookkeep_periods(
    con: duckdb.DuckDBPyConnection,
    ingest_id: int,
    batch_id: str,
    result: IngestResult,
    *,
    replace: bool,
    append: bool,
) -> None:
    """Record what the file holds per provider and billing period; enforce once-only."""
    con.execute(
        """INSERT INTO ingest_periods
           SELECT ?, ServiceProviderName, BillingPeriodStart, BillingPeriodEnd, BillingCurrency,
                  count(*), sum(BilledCost), sum(EffectiveCost), NULL
           FROM charges WHERE x_ingest_id = ? GROUP BY ALL""",
        [ingest_id, ingest_id],
    )
    overlaps = con.execute(
        """SELECT DISTINCT p.ingest_id, p.provider, p.billing_period_start
           FROM ingest_periods p JOIN ingests i ON i.ingest_id = p.ingest_id
           WHERE p.superseded_by IS NULL AND i.kind = 'focus' AND i.batch_id <> ?
             AND EXISTS (SELECT 1 FROM ingest_periods n
                         WHERE n.ingest_id = ? AND n.provider IS NOT DISTINCT FROM p.provider
                           AND n.billing_period_start = p.billing_period_start)
           ORDER BY 3, 2, 1""",
        [batch_id, ingest_id],
    ).fetchall()
    if not overlaps or append:
        return
    if not replace:
        raise _Overlap([(int(i), p, f"{s:%Y-%m-%d}") for i, p, s in overlaps])
    for old_id, provider, start in overlaps:
        con.execute(
            """DELETE FROM charges WHERE x_ingest_id = ?
               AND ServiceProviderName IS NOT DISTINCT FROM ? AND BillingPeriodStart = ?""",
            [old_id, provider, start],
        )
        con.execute(
            """UPDATE ingest_periods SET superseded_by = ? WHERE ingest_id = ?
               AND provider IS NOT DISTINCT FROM ? AND billing_period_start = ?""",
            [ingest_id, old_id, provider, start],
        )
    old_ids = sorted({int(i) for i, _, _ in overlaps})
    con.execute(
        """UPDATE ingests SET superseded_by = ? WHERE list_contains(?, ingest_id)
           AND NOT EXISTS (SELECT 1 FROM ingest_periods p
                           WHERE p.ingest_id = ingests.ingest_id AND p.superseded_by IS NULL)""",
        [ingest_id, old_ids],
    )
    result.status = "replaced"
    result.replaced_ingest_ids = old_ids
