"""What a FOCUS file holds: its columns mapped onto FOCUS, its version, and the
expressions that type its values for the ledger.

:func:`plan_file` reads a file's header; :func:`typed_columns` gives, per FOCUS
column, the SQL expression turning the file's value into the ledger's type.
Raw SQL lives here, not in Ibis, because ingest needs what Ibis cannot say:
DuckDB's CSV reader options, ``try_strptime`` with format lists, JSON to MAP
casts and temporary macros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from infracast.errors import IngestError, did_you_mean
from infracast.ledger.duckdb_errors import translate
from infracast.ledger.files import file_format_of
from infracast.ledger.headers import (
    check_not_empty,
    check_repeats,
    focus_id,
    has_rows,
    written_names,
)
from infracast.ledger.numbers import (
    DECIMAL_TYPE,
    SCALE,
    exact_list_sql,
    kind_sql,
    rounded_sql,
    value_sql,
)
from infracast.vocabulary import focus_spec

# Ledger-needed columns whose absence in a row means the row cannot be counted.
COST_COLUMNS = ("BilledCost", "EffectiveCost")
PERIOD_COLUMNS = ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd")
NULL_TEXT = ("", "NULL", "null", "Null")
# Two-digit years first: "%Y" would read "4/1/25" as the year 25.
_US_FORMATS = (
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
)
_TEXT_TYPES = ("VARCHAR", "JSON")
_FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
_INTEGER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
)


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class SourceColumn:
    """A column as it appears in the file and what it maps to."""

    name: str
    duck_type: str
    canonical: str | None  # FOCUS column id, or None for a custom column

    @property
    def is_text(self) -> bool:
        return self.duck_type.upper() in _TEXT_TYPES


@dataclass
class FilePlan:
    """Everything known about a file before its rows are read."""

    path: Path
    file_format: str  # csv | csv.gz | parquet
    source_sql: str  # a table function call that reads the file
    columns: list[SourceColumn]
    focus_version: str
    notes: list[str] = field(default_factory=list)
    missing_mandatory: list[str] = field(default_factory=list)

    def by_canonical(self) -> dict[str, SourceColumn]:
        return {c.canonical: c for c in self.columns if c.canonical}

    @property
    def custom_columns(self) -> list[SourceColumn]:
        return [c for c in self.columns if c.canonical is None]


def _source_sql(path: Path, file_format: str) -> str:
    if file_format == "parquet":
        return f"read_parquet({lit(str(path))}, file_row_number = true)"
    nulls = ", ".join(lit(v) for v in NULL_TEXT if v)
    return (
        f"read_csv({lit(str(path))}, all_varchar = true, header = true, "
        f"nullstr = [{nulls}], ignore_errors = true)"
    )


def plan_file(con: duckdb.DuckDBPyConnection, path: Path) -> FilePlan:
    """Map the file's columns onto FOCUS and detect its version.

    Raises :class:`IngestError` when a column the ledger needs is missing.
    """
    file_format = file_format_of(path)
    source_sql = _source_sql(path, file_format)
    if path.stat().st_size == 0:
        check_not_empty(con, path, [])
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()
    except duckdb.Error as exc:
        raise translate(exc, con) or IngestError(
            f"{path}: cannot read it as {file_format}: {str(exc).splitlines()[0]}",
            hint="Check that the file is a complete FOCUS export (not truncated or zipped twice).",
        ) from exc
    names = [(str(r[0]), str(r[1])) for r in described if str(r[0]) != "file_row_number"]
    read = [n for n, _ in names]
    check_not_empty(con, path, read)
    notes = check_repeats(path, written_names(con, path, file_format, read), read)
    known = focus_spec.columns()
    by_lower = {c.lower(): c for c in known}
    columns: list[SourceColumn] = []
    for raw_name, duck_type in names:
        canonical, renamed = focus_id(raw_name)
        clean = raw_name.strip().lstrip("\ufeff")
        if renamed:
            notes.append(f"column {raw_name} read as {canonical} (its FOCUS 1.0+ name)")
        elif canonical is not None and clean != canonical:
            notes.append(f"column {raw_name} read as {canonical} (FOCUS column ids are PascalCase)")
        columns.append(SourceColumn(raw_name, duck_type, canonical))
    raw_ids = [by_lower.get(n.strip().lower(), n.strip()) for n, _ in names]
    version = focus_spec.detect_version(raw_ids)
    present = {c.canonical for c in columns if c.canonical}
    missing = [c for c in focus_spec.LEDGER_REQUIRED if c not in present]
    if not present & set(focus_spec.PROVIDER_COLUMNS):
        missing.insert(0, "ProviderName (or ServiceProviderName)")
    if missing:
        custom = [c.name for c in columns if c.canonical is None]
        hints = [f'"{m}":{did_you_mean(m, custom)}' for m in missing if did_you_mean(m, custom)]
        rows = "" if has_rows(con, source_sql) else " It has a header but no rows."
        raise IngestError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} the ledger needs: "
            f"{', '.join(missing)}. The file has: {', '.join(n for n, _ in names)}.{rows}",
            hint=(" ".join(hints) + " " if hints else "")
            + "A FOCUS export has every Mandatory column; re-export the bill with FOCUS 1.0 or "
            "later, or add the missing columns.",
        )
    check_version = version if version in focus_spec.VERSIONS else "1.0"
    mandatory = [
        c
        for c in focus_spec.mandatory_of(check_version)
        if (deprecated := known[c].deprecated_in) is None or check_version < deprecated
    ]
    missing_mandatory = [
        c for c in mandatory if c not in present and c not in focus_spec.PROVIDER_COLUMNS
    ]
    if missing_mandatory:
        notes.append(
            f"FOCUS {check_version} Mandatory columns missing (rows kept, with a warning): "
            + ", ".join(missing_mandatory)
        )
    return FilePlan(path, file_format, source_sql, columns, version, notes, missing_mandatory)


# --- typing expressions -------------------------------------------------------------


def is_null_text(expr: str) -> str:
    listed = ", ".join(lit(v) for v in NULL_TEXT)
    return f"({expr} IS NULL OR {expr} IN ({listed}) OR trim({expr}) = '')"


def _string(col: SourceColumn) -> str:
    src = q(col.name)
    if col.is_text:
        # Values are kept as written (no trim: identifiers stay byte-exact).
        return (
            f"CASE WHEN {src} IN ({', '.join(lit(v) for v in NULL_TEXT)}) THEN NULL ELSE {src} END"
        )
    return f"CAST({src} AS VARCHAR)"


def decimal_text(col: SourceColumn) -> str | None:
    """The text a Decimal column's values are read from under the numbers rule
    (:mod:`infracast.ledger.numbers`), or None where the file's type is read directly
    (integers, DECIMALs of at most 18 decimals)."""
    src = q(col.name)
    if col.is_text:
        return src
    kind = col.duck_type.upper()
    if kind.startswith("DECIMAL"):
        scale = kind.rstrip(")").rsplit(",", 1)[-1].strip()
        return f"CAST({src} AS VARCHAR)" if scale.isdigit() and int(scale) > SCALE else None
    if kind in _INTEGER_TYPES:
        return None
    # DOUBLE, FLOAT…: the number the value prints as (12345.678), not its binary expansion
    return f"CAST({src} AS VARCHAR)"


def _decimal_texts(plan: FilePlan) -> list[tuple[str, str]]:
    """(FOCUS column, text expression) of the Decimal columns read under the numbers rule."""
    spec = focus_spec.columns()
    out = []
    for canonical, col in plan.by_canonical().items():
        text = decimal_text(col) if spec[canonical].data_type == "Decimal" else None
        if text is not None:
            out.append((canonical, text))
    return out


def decimal_kind(canonical: str) -> str:
    """The column of the checked query holding the numbers-rule path of a Decimal value."""
    return q(f"__k_{canonical}")


def decimal_rounded_flag(canonical: str) -> str:
    """The column of the checked query: True where reading the value dropped digits."""
    return q(f"__r_{canonical}")


def _exact(plan: FilePlan, canonical: str) -> str:
    index = [c for c, _ in _decimal_texts(plan)].index(canonical) + 1
    return f"{q('__exact')}[{index}]"


def decimal_kinds(plan: FilePlan) -> list[str]:
    """``kind AS __k_<Column>`` per Decimal column read from text (the ``src`` step)."""
    return [f"{kind_sql(text)} AS {decimal_kind(c)}" for c, text in _decimal_texts(plan)]


def decimal_exact(plan: FilePlan) -> str:
    """``… AS __exact``: the exact-path values of a row (see numbers.exact_list_sql)."""
    texts = [(text, decimal_kind(c)) for c, text in _decimal_texts(plan)]
    return f"{exact_list_sql(texts)} AS {q('__exact')}"


def decimal_rounded(plan: FilePlan) -> list[str]:
    """``rounded AS __r_<Column>`` per Decimal column read from text (the ``typed`` step)."""
    return [
        f"{rounded_sql(decimal_kind(c), _exact(plan, c))} AS {decimal_rounded_flag(c)}"
        for c, _ in _decimal_texts(plan)
    ]


def _decimal(plan: FilePlan, canonical: str, col: SourceColumn) -> str:
    text = decimal_text(col)
    if text is None:
        return f"TRY_CAST({q(col.name)} AS {DECIMAL_TYPE})"
    return value_sql(text, decimal_kind(canonical), _exact(plan, canonical))


def non_finite(col: SourceColumn) -> str:
    src = q(col.name)
    if col.is_text:
        return (
            f"lower(trim({src})) IN ('nan', '+nan', '-nan', 'inf', '+inf', '-inf', "
            "'infinity', '+infinity', '-infinity')"
        )
    if col.duck_type.upper() in _FLOAT_TYPES:
        return f"NOT isfinite({src})"
    return "false"


def iso_timestamp(col: SourceColumn) -> str:
    src = q(col.name)
    kind = col.duck_type.upper()
    if col.is_text:
        # Only ISO 8601 shapes (YYYY-MM-DD…): DuckDB would read "4/1/25" as the year 4.
        return (
            f"CASE WHEN substr(trim({src}), 5, 1) = '-' AND substr(trim({src}), 8, 1) = '-' "
            f"THEN TRY_CAST(TRY_CAST(trim({src}) AS TIMESTAMPTZ) AS TIMESTAMP) END"
        )
    if kind.startswith("TIMESTAMP WITH TIME ZONE") or kind == "TIMESTAMPTZ":
        return f"CAST({src} AS TIMESTAMP)"
    if kind.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({src} AS TIMESTAMP)"
    return f"TRY_CAST(TRY_CAST(CAST({src} AS VARCHAR) AS TIMESTAMPTZ) AS TIMESTAMP)"


def _timestamp(col: SourceColumn, day_first: bool) -> str:
    iso = iso_timestamp(col)
    if not col.is_text:
        return iso
    formats = [f.replace("%m/%d", "%d/%m") if day_first else f for f in _US_FORMATS]
    listed = ", ".join(lit(f) for f in formats)
    return f"coalesce({iso}, TRY_CAST(try_strptime(trim({q(col.name)}), [{listed}]) AS TIMESTAMP))"


def _json(col: SourceColumn) -> str:
    src = q(col.name)
    if col.is_text:
        return f"CASE WHEN coalesce(json_valid(trim({src})), false) THEN trim({src})::JSON END"
    return f"to_json({src})"


def _map(col: SourceColumn) -> str:
    src = q(col.name)
    kind = col.duck_type.upper()
    if col.is_text:
        return f"infracast_json_map(CASE WHEN {is_null_text(src)} THEN NULL ELSE trim({src}) END)"
    if kind.startswith("MAP"):
        return f"TRY_CAST({src} AS MAP(VARCHAR, VARCHAR))"
    return f"infracast_json_map(CAST(to_json({src}) AS VARCHAR))"


JSON_MAP_MACRO = """
CREATE OR REPLACE TEMP MACRO quoted(x) AS ('"' || coalesce(x, '') || '"');
CREATE OR REPLACE TEMP MACRO infracast_json_map(j) AS (
  CASE WHEN j IS NULL THEN NULL ELSE coalesce(
    -- the common case: a JSON object (nested values kept as JSON text)
    try(j::JSON::MAP(VARCHAR, VARCHAR)),
    -- an object with a repeated key: the first value of each key
    CASE WHEN coalesce(json_valid(j), false) AND json_type(j) = 'OBJECT' THEN
      map_from_entries(list_transform(list_distinct(json_keys(j)),
                                      lambda k: {'key': k, 'value': j::JSON->>k}))
    END,
    -- a list of {"key": …, "value": …} objects (BigQuery-style labels)
    CASE WHEN coalesce(json_valid(j), false) AND json_type(j) = 'ARRAY' THEN
      try(map_from_entries(TRY_CAST(j::JSON AS STRUCT(key VARCHAR, value VARCHAR)[])))
    END)
  END
)
"""


@dataclass(frozen=True)
class IngestOptions:
    """Options that change how values are read."""

    day_first: bool = False  # read slash dates as D/M/Y instead of M/D/Y


def typed_columns(plan: FilePlan, options: IngestOptions) -> dict[str, str]:
    """FOCUS column id → expression typing the file's value for the ledger."""
    spec = focus_spec.columns()
    out: dict[str, str] = {}
    for canonical, col in plan.by_canonical().items():
        data_type = spec[canonical].data_type
        if canonical in focus_spec.MAP_COLUMNS:
            out[canonical] = _map(col)
        elif data_type == "Decimal":
            out[canonical] = _decimal(plan, canonical, col)
        elif data_type == "Date/Time":
            out[canonical] = _timestamp(col, options.day_first)
        elif data_type == "JSON":
            out[canonical] = _json(col)
        else:
            out[canonical] = _string(col)
    return out
