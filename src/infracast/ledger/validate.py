"""Validation of a FOCUS file as one set-based pass.

:func:`plan_file` reads a file's header and maps its columns onto FOCUS;
:func:`checked_relation` builds the single SELECT that types every value and
computes, per row, the reasons it cannot be counted (quarantine) and the FOCUS
rules it breaks while still countable (warnings). Every rule is a column
expression of that one query, so the cost is flat however many rows fail.

Raw SQL lives here, not in Ibis, because ingest needs what Ibis cannot say:
DuckDB's CSV reader options, ``try_strptime`` with format lists, JSON to MAP
casts and temporary macros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from infracast.errors import IngestError, did_you_mean
from infracast.ledger import focus_spec

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


def file_format_of(path: Path) -> str:
    """csv, csv.gz or parquet from the file name; an IngestError otherwise."""
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv.gz", ".csv.gzip")):
        return "csv.gz"
    if name.endswith(".csv"):
        return "csv"
    raise IngestError(
        f"{path}: cannot tell the file format from its name.",
        hint="FOCUS exports are read from .csv, .csv.gz or .parquet files; rename the file "
        "or convert it.",
    )


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
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()
    except duckdb.Error as exc:
        raise IngestError(
            f"{path}: cannot read it as {file_format}: {str(exc).splitlines()[0]}",
            hint="Check that the file is a complete FOCUS export (not truncated or zipped twice).",
        ) from exc
    names = [(str(r[0]), str(r[1])) for r in described if str(r[0]) != "file_row_number"]
    known = focus_spec.columns()
    by_lower = {c.lower(): c for c in known}
    renames = {old.lower(): new for old, new in focus_spec.renames().items()}
    columns: list[SourceColumn] = []
    notes: list[str] = []
    taken: set[str] = set()
    for raw_name, duck_type in names:
        clean = raw_name.strip().lstrip("\ufeff")
        canonical = by_lower.get(clean.lower())
        if canonical is None and clean.lower() in renames:
            canonical = renames[clean.lower()]
            if canonical in {by_lower.get(n.strip().lower()) for n, _ in names}:
                canonical = None  # the new name is present too; keep the old one as custom
            else:
                notes.append(f"column {raw_name} read as {canonical} (its FOCUS 1.0+ name)")
        if canonical is not None and canonical in taken:
            notes.append(f"column {raw_name} repeats {canonical}; kept as a custom column")
            canonical = None
        if canonical is not None:
            taken.add(canonical)
            if clean != canonical and clean.lower() == canonical.lower():
                notes.append(
                    f"column {raw_name} read as {canonical} (FOCUS column ids are PascalCase)"
                )
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
        raise IngestError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} the ledger needs: "
            f"{', '.join(missing)}. The file has: {', '.join(n for n, _ in names)}.",
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


def _is_null_text(expr: str) -> str:
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


def _decimal(col: SourceColumn) -> str:
    src = q(col.name)
    kind = col.duck_type.upper()
    if col.is_text:
        return f"TRY_CAST({src} AS DECIMAL(38, 12))"  # the cast ignores surrounding spaces
    if kind in _FLOAT_TYPES:
        return f"CASE WHEN isfinite({src}) THEN TRY_CAST({src} AS DECIMAL(38, 12)) END"
    return f"TRY_CAST({src} AS DECIMAL(38, 12))"


def _non_finite(col: SourceColumn) -> str:
    src = q(col.name)
    if col.is_text:
        return (
            f"lower(trim({src})) IN ('nan', '+nan', '-nan', 'inf', '+inf', '-inf', "
            "'infinity', '+infinity', '-infinity')"
        )
    if col.duck_type.upper() in _FLOAT_TYPES:
        return f"NOT isfinite({src})"
    return "false"


def _iso_timestamp(col: SourceColumn) -> str:
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
    iso = _iso_timestamp(col)
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
        return f"infracast_json_map(CASE WHEN {_is_null_text(src)} THEN NULL ELSE trim({src}) END)"
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
            out[canonical] = _decimal(col)
        elif data_type == "Date/Time":
            out[canonical] = _timestamp(col, options.day_first)
        elif data_type == "JSON":
            out[canonical] = _json(col)
        else:
            out[canonical] = _string(col)
    return out


# --- rules ---------------------------------------------------------------------------


def _t(canonical: str) -> str:
    """The typed value of a FOCUS column inside the checked query."""
    return q(f"__t_{canonical}")


@dataclass(frozen=True)
class Rule:
    """A row rule: the condition under which it fires and the value it then yields
    (a struct(code, detail) for quarantine reasons, a code for warnings)."""

    cond: str
    value: str


def _reason(cond: str, code: str, detail_sql: str) -> Rule:
    return Rule(cond, f"{{'code': {lit(code)}, 'detail': {detail_sql}}}")


def _raw_text(col: SourceColumn) -> str:
    return f"CAST({q(col.name)} AS VARCHAR)"


def reason_rules(plan: FilePlan, resolved_check: bool) -> list[Rule]:
    """The quarantine rules: a row for which any fires cannot be counted."""
    cols = plan.by_canonical()
    out: list[Rule] = []
    for name in COST_COLUMNS:
        col = cols[name]
        raw = _raw_text(col)
        missing = _is_null_text(raw) if col.is_text else f"{q(col.name)} IS NULL"
        out.append(
            _reason(missing, "missing_value", lit(f"{name} is empty; the ledger needs every cost"))
        )
        out.append(
            _reason(
                f"NOT {missing} AND {_non_finite(col)}",
                "non_finite_cost",
                f"{lit(name + ' is ')} || {raw} || ' (not a finite number)'",
            )
        )
        out.append(
            _reason(
                f"NOT {missing} AND NOT {_non_finite(col)} AND {_t(name)} IS NULL",
                "invalid_cost",
                f"{lit(name + ' ')} || quoted({raw}) || ' is not a decimal number'",
            )
        )
    for name in PERIOD_COLUMNS:
        col = cols[name]
        raw = _raw_text(col)
        missing = _is_null_text(raw) if col.is_text else f"{q(col.name)} IS NULL"
        out.append(
            _reason(
                missing, "missing_value", lit(f"{name} is empty; the ledger needs every period")
            )
        )
        out.append(
            _reason(
                f"NOT {missing} AND {_t(name)} IS NULL",
                "invalid_timestamp",
                f"{lit(name + ' ')} || quoted({raw}) || ' is not a date and time'",
            )
        )
    out.append(
        _reason(
            f"{_t('ChargePeriodEnd')} <= {_t('ChargePeriodStart')}",
            "charge_period_not_positive",
            "'ChargePeriodEnd ' || CAST(" + _t("ChargePeriodEnd") + " AS VARCHAR) || "
            "' is not after ChargePeriodStart ' || CAST("
            + _t("ChargePeriodStart")
            + " AS VARCHAR)",
        )
    )
    out.append(
        _reason(
            f"{_t('BillingPeriodEnd')} <= {_t('BillingPeriodStart')}",
            "billing_period_not_positive",
            "'BillingPeriodEnd ' || CAST(" + _t("BillingPeriodEnd") + " AS VARCHAR) || "
            "' is not after BillingPeriodStart ' || CAST("
            + _t("BillingPeriodStart")
            + " AS VARCHAR)",
        )
    )
    currency = _t("BillingCurrency")
    codes = ", ".join(lit(c) for c in sorted(focus_spec.currencies()))
    out.append(
        _reason(
            f"{currency} IS NULL",
            "missing_value",
            lit("BillingCurrency is empty; the ledger needs the currency of every cost"),
        )
    )
    out.append(
        _reason(
            f"{currency} IS NOT NULL AND NOT list_contains([{codes}], upper({currency}))",
            "unknown_currency",
            f"'BillingCurrency ' || quoted({currency}) || ' is not an ISO 4217 currency code'",
        )
    )
    if resolved_check:
        ref = "TRY_CAST(" + q("__quarantine_ref") + " AS BIGINT)"
        out.append(
            _reason(
                f"{ref} IN (SELECT quarantine_id FROM quarantine "
                "WHERE resolved_by_ingest_id IS NOT NULL)",
                "already_resolved",
                f"'quarantined row ' || CAST({ref} AS VARCHAR) || "
                "' was already fixed and ingested; ingesting it again would count it twice'",
            )
        )
    return out


def _enum_fix(canonical: str, values: Sequence[str]) -> tuple[str, Rule]:
    """(normalised expression, warning rule) for an enumerated column."""
    t = _t(canonical)
    exact = ", ".join(lit(v) for v in values)
    cases = " ".join(f"WHEN {lit(v.lower())} THEN {lit(v)}" for v in values)
    # list_contains, not IN: DuckDB plans long IN lists as joins, which hides query progress.
    normalised = (
        f"CASE WHEN list_contains([{exact}], {t}) THEN {t} "
        f"ELSE CASE lower({t}) {cases} ELSE {t} END END"
    )
    lowered = ", ".join(lit(v.lower()) for v in values)
    warning = Rule(
        f"NOT list_contains([{exact}], {t})",
        f"CASE WHEN list_contains([{lowered}], lower({t})) THEN {lit('wrong_case:' + canonical)} "
        f"ELSE {lit('unknown_value:' + canonical)} END",
    )
    return normalised, warning


def enum_columns(plan: FilePlan) -> dict[str, tuple[str, Rule]]:
    """Enumerated FOCUS columns present in the file → (normalised, warning rule)."""
    present = plan.by_canonical()
    out = {c: _enum_fix(c, v) for c, v in focus_spec.allowed_values().items() if c in present}
    cur = _t("BillingCurrency")
    out["BillingCurrency"] = (
        f"upper({cur})",
        Rule(f"{cur} <> upper({cur})", "'wrong_case:BillingCurrency'"),
    )
    return out


def warning_rules(plan: FilePlan) -> list[Rule]:
    """The warning rules: FOCUS rules a countable row breaks (it is kept, flagged)."""
    cols = plan.by_canonical()
    spec = focus_spec.columns()
    out = [w for _, w in enum_columns(plan).values()]
    out.append(
        Rule(
            f"({_t('BilledCost')} < 0 OR {_t('EffectiveCost')} < 0)"
            f" AND lower(coalesce({_t('ChargeCategory')}, '')) NOT IN ('credit', 'adjustment')"
            f" AND lower(coalesce({_t('ChargeClass')}, '')) <> 'correction'",
            "'negative_cost'",
        )
    )
    out.append(
        Rule(
            f"{_t('ChargePeriodStart')} < {_t('BillingPeriodStart')} OR "
            f"{_t('ChargePeriodStart')} >= {_t('BillingPeriodEnd')}",
            "'charge_outside_billing_period'",
        )
    )
    iso_checks = [
        f"({_iso_timestamp(cols[name])} IS NULL AND {_t(name)} IS NOT NULL)"
        for name in PERIOD_COLUMNS
        if cols[name].is_text
    ]
    if iso_checks:
        out.append(Rule(" OR ".join(iso_checks), "'non_iso_timestamp'"))
    for canonical, col in cols.items():
        data_type = spec[canonical].data_type
        if canonical in COST_COLUMNS or data_type == "String" or canonical in PERIOD_COLUMNS:
            continue
        if col.is_text:
            out.append(
                Rule(
                    f"NOT {_is_null_text(q(col.name))} AND {_t(canonical)} IS NULL",
                    lit("unparsed_value:" + canonical),
                )
            )
    for canonical in cols:
        c = spec[canonical]
        if (
            c.feature_level == "Mandatory"
            and not c.allows_nulls
            and canonical
            not in (
                *COST_COLUMNS,
                *PERIOD_COLUMNS,
                "BillingCurrency",
            )
        ):
            col = cols[canonical]
            empty = _is_null_text(q(col.name)) if col.is_text else f"{q(col.name)} IS NULL"
            out.append(Rule(empty, lit("missing_mandatory_value:" + canonical)))
    if plan.missing_mandatory:
        out.append(Rule("true", "'missing_mandatory_column'"))
    return out


def unparsed_raw_entries(plan: FilePlan) -> list[str]:
    """Map entries that keep the raw text of values that did not parse (nothing is lost)."""
    spec = focus_spec.columns()
    out = []
    for canonical, col in plan.by_canonical().items():
        if spec[canonical].data_type == "String" or canonical in (*COST_COLUMNS, *PERIOD_COLUMNS):
            continue
        if col.is_text:
            out.append(
                f"CASE WHEN NOT {_is_null_text(q(col.name))} AND {_t(canonical)} IS NULL "
                f"THEN {{'key': {lit('unparsed.' + canonical)}, 'value': {_raw_text(col)}}} END"
            )
    return out


# --- the query -----------------------------------------------------------------------


def row_number_sql(plan: FilePlan) -> str:
    """1-based data row number (header excluded) in file order."""
    if plan.file_format == "parquet":
        return "file_row_number + 1"
    # DuckDB keeps the file order of a CSV scan (preserve_insertion_order, the default).
    return "row_number() OVER ()"


def quarantine_ref(plan: FilePlan) -> SourceColumn | None:
    """The ``x_quarantine_id`` column of a file exported from quarantine and fixed."""
    for col in plan.custom_columns:
        if col.name.strip().lower() == "x_quarantine_id":
            return col
    return None


def _any(rules: Sequence[Rule]) -> str:
    return " OR ".join(f"coalesce({r.cond}, false)" for r in rules) or "false"


def _fired(rules: Sequence[Rule]) -> str:
    listed = ", ".join(f"CASE WHEN coalesce({r.cond}, false) THEN {r.value} END" for r in rules)
    return f"list_filter([{listed}], lambda x: x IS NOT NULL)"


def checked_sql(plan: FilePlan, options: IngestOptions, source_sql: str | None = None) -> str:
    """WITH … giving the CTE ``checked``: every source column, ``__row``, typed
    ``__t_*`` columns (every FOCUS column, NULL where the file lacks it), ``__bad``
    (a quarantine rule fired), ``__reasons`` (their codes and details, for bad rows)
    and ``__warnings`` (codes of the FOCUS rules a countable row breaks).

    The rule lists are only built for rows where a cheap boolean says a rule fired.
    """
    spec = focus_spec.columns()
    typed = typed_columns(plan, options)
    typed_list = []
    for canonical, column in spec.items():
        expr = typed.get(canonical, f"CAST(NULL AS {column.sql_type})")
        typed_list.append(f"{expr} AS {_t(canonical)}")
    ref = quarantine_ref(plan)
    extra = f", {q(ref.name)} AS {q('__quarantine_ref')}" if ref else ""
    reasons = reason_rules(plan, resolved_check=ref is not None)
    warnings = warning_rules(plan)
    return (
        f"WITH src AS (SELECT *, {row_number_sql(plan)} AS __row{extra} "
        f"FROM {source_sql or plan.source_sql}),\n"
        f"typed AS (SELECT src.*, {', '.join(typed_list)} FROM src),\n"
        f"flagged AS (SELECT typed.*, {_any(reasons)} AS __bad, {_any(warnings)} AS __warned "
        "FROM typed),\n"
        "checked AS (SELECT flagged.*, "
        f"CASE WHEN __bad THEN {_fired(reasons)} END AS __reasons, "
        f"CASE WHEN __warned THEN list_distinct({_fired(warnings)}) ELSE [] END AS __warnings "
        "FROM flagged)\n"
    )
