"""Validation of a FOCUS file as one set-based pass.

:func:`checked_sql` builds the single query that types every value (see
:mod:`infracast.ledger.focus_read`) and computes, per row, the reasons it
cannot be counted (quarantine) and the FOCUS rules it breaks while still
countable (warnings). Every rule is a column expression of that one query, so
the cost is flat however many rows fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infracast.ledger.focus_read import (
    COST_COLUMNS,
    PERIOD_COLUMNS,
    FilePlan,
    IngestOptions,
    SourceColumn,
    decimal_exact,
    decimal_kind,
    decimal_kinds,
    decimal_rounded,
    decimal_rounded_flag,
    decimal_text,
    is_null_text,
    iso_timestamp,
    lit,
    non_finite,
    q,
    typed_columns,
)
from infracast.ledger.numbers import (
    INVALID,
    invalid_detail_sql,
    out_of_range_detail_sql,
)
from infracast.vocabulary import currencies, focus_spec

# --- rules ---------------------------------------------------------------------------


def typed(canonical: str) -> str:
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
        missing = is_null_text(raw) if col.is_text else f"{q(col.name)} IS NULL"
        out.append(
            _reason(missing, "missing_value", lit(f"{name} is empty; the ledger needs every cost"))
        )
        # every other reason needs a value that did not parse: test the cheap condition first
        unparsed = f"{typed(name)} IS NULL AND NOT {missing}"
        out.append(
            _reason(
                f"{unparsed} AND {non_finite(col)}",
                "non_finite_cost",
                f"{lit(name + ' is ')} || {raw} || ' (not a finite number)'",
            )
        )
        kind = decimal_kind(name) if decimal_text(col) is not None else None
        if kind is not None:
            out.append(
                _reason(
                    f"{unparsed} AND NOT {non_finite(col)} AND {kind} = {INVALID}",
                    "invalid_cost",
                    invalid_detail_sql(name, raw),
                )
            )
        out.append(
            _reason(
                f"{unparsed} AND NOT {non_finite(col)}"
                + (f" AND {kind} <> {INVALID}" if kind is not None else ""),
                "cost_out_of_range",
                out_of_range_detail_sql(name, raw),
            )
        )
    for name in PERIOD_COLUMNS:
        col = cols[name]
        raw = _raw_text(col)
        missing = is_null_text(raw) if col.is_text else f"{q(col.name)} IS NULL"
        out.append(
            _reason(
                missing, "missing_value", lit(f"{name} is empty; the ledger needs every period")
            )
        )
        out.append(
            _reason(
                f"NOT {missing} AND {typed(name)} IS NULL",
                "invalid_timestamp",
                f"{lit(name + ' ')} || quoted({raw}) || ' is not a date and time'",
            )
        )
    out.append(
        _reason(
            f"{typed('ChargePeriodEnd')} <= {typed('ChargePeriodStart')}",
            "charge_period_not_positive",
            "'ChargePeriodEnd ' || CAST(" + typed("ChargePeriodEnd") + " AS VARCHAR) || "
            "' is not after ChargePeriodStart ' || CAST("
            + typed("ChargePeriodStart")
            + " AS VARCHAR)",
        )
    )
    out.append(
        _reason(
            f"{typed('BillingPeriodEnd')} <= {typed('BillingPeriodStart')}",
            "billing_period_not_positive",
            "'BillingPeriodEnd ' || CAST(" + typed("BillingPeriodEnd") + " AS VARCHAR) || "
            "' is not after BillingPeriodStart ' || CAST("
            + typed("BillingPeriodStart")
            + " AS VARCHAR)",
        )
    )
    currency = typed("BillingCurrency")
    codes = ", ".join(lit(c) for c in sorted(currencies()))
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
    t = typed(canonical)
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
    cur = typed("BillingCurrency")
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
            f"({typed('BilledCost')} < 0 OR {typed('EffectiveCost')} < 0)"
            f" AND lower(coalesce({typed('ChargeCategory')}, '')) NOT IN ('credit', 'adjustment')"
            f" AND lower(coalesce({typed('ChargeClass')}, '')) <> 'correction'",
            "'negative_cost'",
        )
    )
    out.append(
        Rule(
            f"{typed('ChargePeriodStart')} < {typed('BillingPeriodStart')} OR "
            f"{typed('ChargePeriodStart')} >= {typed('BillingPeriodEnd')}",
            "'charge_outside_billing_period'",
        )
    )
    iso_checks = [
        f"({iso_timestamp(cols[name])} IS NULL AND {typed(name)} IS NOT NULL)"
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
                    f"NOT {is_null_text(q(col.name))} AND {typed(canonical)} IS NULL",
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
            empty = is_null_text(q(col.name)) if col.is_text else f"{q(col.name)} IS NULL"
            out.append(Rule(empty, lit("missing_mandatory_value:" + canonical)))
    for canonical, col in cols.items():
        text = decimal_text(col) if spec[canonical].data_type == "Decimal" else None
        if text is not None:
            out.append(Rule(decimal_rounded_flag(canonical), lit("rounded_value:" + canonical)))
    if plan.missing_mandatory:
        out.append(Rule("true", "'missing_mandatory_column'"))
    return out


def unparsed_raw_entries(plan: FilePlan) -> list[tuple[str, str]]:
    """(key, value) of the custom-column entries that keep the raw text of values that
    did not parse (nothing is lost); the value is NULL where the value parsed."""
    spec = focus_spec.columns()
    out = []
    for canonical, col in plan.by_canonical().items():
        if spec[canonical].data_type == "String" or canonical in (*COST_COLUMNS, *PERIOD_COLUMNS):
            continue
        if col.is_text:
            out.append(
                (
                    "unparsed_" + canonical,
                    f"CASE WHEN NOT {is_null_text(q(col.name))} AND {typed(canonical)} IS NULL "
                    f"THEN {_raw_text(col)} END",
                )
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
    exprs = typed_columns(plan, options)
    typed_list = []
    for canonical, column in spec.items():
        expr = exprs.get(canonical, f"CAST(NULL AS {column.sql_type})")
        typed_list.append(f"{expr} AS {typed(canonical)}")
    typed_list += decimal_rounded(plan)
    ref = quarantine_ref(plan)
    extra = f", {q(ref.name)} AS {q('__quarantine_ref')}" if ref else ""
    extra += "".join(f", {k}" for k in decimal_kinds(plan))
    reasons = reason_rules(plan, resolved_check=ref is not None)
    warnings = warning_rules(plan)
    return (
        f"WITH src AS (SELECT *, {row_number_sql(plan)} AS __row{extra} "
        f"FROM {source_sql or plan.source_sql}),\n"
        f"num AS (SELECT src.*, {decimal_exact(plan)} FROM src),\n"
        f"typed AS (SELECT num.*, {', '.join(typed_list)} FROM num),\n"
        f"flagged AS (SELECT typed.*, {_any(reasons)} AS __bad, {_any(warnings)} AS __warned "
        "FROM typed),\n"
        "checked AS (SELECT flagged.*, "
        f"CASE WHEN __bad THEN {_fired(reasons)} END AS __reasons, "
        f"CASE WHEN __warned THEN list_distinct({_fired(warnings)}) ELSE [] END AS __warnings "
        "FROM flagged)\n"
    )
