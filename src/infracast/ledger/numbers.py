"""Numbers in bills: one rule for every decimal value, read exactly into DECIMAL(38, 18).

The rule is FOCUS's Numeric Format (plain integers and decimals: ``-100.2``, ``4``,
``1.234``; no thousands separators, no ``+`` sign, no currency symbols or units)
plus E-notation (``1.2E-05``), which real exporters write. Spaces around a value
are ignored. Values are kept to 18 decimals: more are rounded half-even (the row
gets a ``rounded_value:<Column>`` warning); values of 10^20 or more do not fit the
ledger (costs are quarantined as ``cost_out_of_range``).

Everything here is SQL evaluated inside the ingest's one set-based query. Two paths:

- the fast path, for a plain number of at most 18 integer and 18 fractional digits
  (nearly every value of a real bill): the integer part as BIGINT plus ``0.<fraction>``
  as DECIMAL(18, 18), both cheap casts. DuckDB's own text → DECIMAL(38, …) cast is
  about 25 times slower, accepts ``1_000`` and ``+5``, rounds half away from zero
  and rounds ``5e-20`` up to ``1e-18``;
- the exact path, for everything else the rule accepts (E-notation, more digits):
  the digits and the exponent are taken apart as text, rounded half-even on the
  digit string and put back together, so no binary floating point is involved.
"""

from __future__ import annotations

from infracast.vocabulary.focus_spec import DECIMAL_TYPE

# A plain number the fast path reads exactly.
FAST_PATTERN = r"-?[0-9]{1,18}(\.[0-9]{1,18})?"
# Every number the rule accepts.
NUMBER_PATTERN = r"\s*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*"
SCALE = 18
LIMIT_TEXT = "10^20"

# Temporary macros of the exact path (created on the connection before the ingest query).
DECIMAL_MACROS = r"""
-- list_transform([v], lambda x: …)[1] binds v once (a let), so the macros stay small.
-- digits: the sign, the significant digits d (no leading zeros) and where the point
-- sits in d (point = 2: dd.ddd; point = -1: 0.0ddd)
CREATE OR REPLACE TEMP MACRO infracast_num_digits(t) AS (
  list_transform(
    [regexp_extract(t, '^\s*(-?)([0-9]*)\.?([0-9]*)(?:[eE]([-+]?[0-9]+))?\s*$',
                    ['neg', 'i', 'f', 'e'])],
    lambda p: {'neg': p.neg, 'd': ltrim(p.i || p.f, '0'),
               'point': length(ltrim(p.i || p.f, '0')) - length(p.f) + CASE
                 WHEN p.e = '' THEN 0
                 WHEN length(ltrim(p.e, '-+0')) > 9 THEN
                   CASE WHEN starts_with(p.e, '-') THEN -1000000000 ELSE 1000000000 END
                 ELSE CAST(p.e AS BIGINT) END})[1]
);
-- the value rounded half-even to 18 decimals; NULL at 10^20 or more. k: the 20 integer
-- and 18 decimal digits kept, as text; rest: the digits after them
CREATE OR REPLACE TEMP MACRO infracast_num_exact(t) AS (
  list_transform([infracast_num_digits(t)], lambda x: CASE
    WHEN x.d = '' OR x.point + 18 < 0 THEN CAST(0 AS DECIMAL(38, 18))
    WHEN x.point > 20 THEN NULL
    ELSE list_transform(
      [{'k': lpad(rpad(substr(x.d, 1, x.point + 18), CAST(x.point + 18 AS INTEGER), '0'),
                  38, '0'),
        'rest': substr(x.d, x.point + 19)}],
      lambda k: list_transform(
        [substr(k.rest, 1, 1) > '5' OR (substr(k.rest, 1, 1) = '5' AND (
           regexp_matches(substr(k.rest, 2), '[1-9]') OR strpos('13579', right(k.k, 1)) > 0))],
        lambda up: CASE WHEN up AND k.k = repeat('9', 38) THEN NULL ELSE
          (CASE WHEN x.neg = '-' THEN -1 ELSE 1 END) * (
            CASE WHEN starts_with(k.k, '00')
                 THEN CAST(CAST(substr(k.k, 3, 18) AS BIGINT) AS DECIMAL(38, 18))
                 ELSE CAST(CAST(substr(k.k, 1, 20) AS HUGEINT) AS DECIMAL(38, 18)) END
            + CAST('0.' || substr(k.k, 21, 18) AS DECIMAL(18, 18))
            + CASE WHEN up THEN CAST('0.000000000000000001' AS DECIMAL(18, 18))
                   ELSE CAST(0 AS DECIMAL(18, 18)) END) END)[1])[1]
    END)[1]
);
-- true where digits beyond the 18th decimal were dropped
CREATE OR REPLACE TEMP MACRO infracast_num_rounded(t) AS (
  list_transform([infracast_num_digits(t)], lambda x: x.d <> '' AND (
    x.point + 18 < 0 OR regexp_matches(substr(x.d, x.point + 19), '[1-9]')))[1]
);
"""

# Which path a text value takes: 1 fast, 2 exact, 0 not a number under the rule.
FAST, EXACT, INVALID = 1, 2, 0


def kind_sql(text: str) -> str:
    """The path (1 fast, 2 exact, 0 invalid) of the text expression ``text``."""
    return (
        f"CASE WHEN regexp_full_match({text}, '{FAST_PATTERN}') THEN {FAST} "
        f"WHEN regexp_full_match({text}, '{NUMBER_PATTERN}') THEN {EXACT} ELSE {INVALID} END"
    )


def fast_sql(text: str) -> str:
    """DECIMAL(38, 18) of a text that matches :data:`FAST_PATTERN`."""
    whole = f"CAST(TRY_CAST(split_part({{t}}, '.', 1) AS BIGINT) AS {DECIMAL_TYPE})"
    frac = f"TRY_CAST('0.' || split_part({text}, '.', 2) AS DECIMAL(18, 18))"
    return (
        f"CAST(CASE WHEN starts_with({text}, '-') "
        f"THEN -({whole.format(t=f'substr({text}, 2)')} + {frac}) "
        f"ELSE {whole.format(t=text)} + {frac} END AS {DECIMAL_TYPE})"
    )


def exact_list_sql(values: list[tuple[str, str]]) -> str:
    """One list holding ``{'v': value, 'r': rounded}`` of the exact path for each
    (text, kind) of a row, built only for rows with such a value. One lambda serves
    every column, so the query binds the exact path once, not once per column."""
    any_exact = " OR ".join(f"{kind} = {EXACT}" for _, kind in values) or "false"
    texts = ", ".join(f"CASE WHEN {kind} = {EXACT} THEN {text} END" for text, kind in values)
    return (
        f"CASE WHEN {any_exact} THEN list_transform([{texts}], lambda t: CASE WHEN t IS NOT NULL "
        "THEN {'v': infracast_num_exact(t), 'r': infracast_num_rounded(t)} END) END"
    )


def value_sql(text: str, kind: str, exact: str) -> str:
    """DECIMAL(38, 18) of ``text`` given its ``kind`` and its element of the exact list
    (NULL: invalid or out of range)."""
    return (
        f"CASE {kind} WHEN {FAST} THEN {fast_sql(text)} "
        f"WHEN {EXACT} THEN CAST({exact}.v AS {DECIMAL_TYPE}) END"
    )


def rounded_sql(kind: str, exact: str) -> str:
    """True where reading the value dropped digits beyond the 18th decimal."""
    return f"({kind} = {EXACT} AND coalesce({exact}.r, false))"


def text_decimal_sql(text: str) -> tuple[str, str]:
    """(value, rounded) expressions for one text expression, all computed inline."""
    kind = kind_sql(text)
    exact = f"({exact_list_sql([(text, kind)])})[1]"
    return value_sql(text, kind, exact), rounded_sql(kind, exact)


def invalid_detail_sql(name: str, raw: str) -> str:
    """A sentence (SQL) saying which part of the rule the text ``raw`` of ``name`` broke."""
    quoted = f"'\"' || {raw} || '\"'"
    why = (
        f"CASE WHEN strpos({raw}, ',') > 0 THEN 'it has a thousands separator or a decimal "
        "comma (FOCUS numbers have neither: write 1234.50)' "
        f"WHEN strpos({raw}, '_') > 0 THEN 'it has a digit separator ''_'' (write 1000)' "
        f"WHEN starts_with(ltrim({raw}), '+') THEN 'it has a plus sign (write 5, not +5)' "
        f"WHEN regexp_matches({raw}, '[0-9]') "
        f"AND regexp_matches({raw}, '[$€£¥₹¢%]|[A-Za-z]{{2,}}|^[^0-9.-]') "
        "THEN 'it has a currency symbol or unit (the currency is BillingCurrency)' "
        "ELSE 'it is not a number in the FOCUS numeric format (digits with one ''.'', a "
        "leading ''-'' where negative, an optional E exponent)' END"
    )
    return f"'{name} ' || {quoted} || ' is not a valid number: ' || {why}"


def out_of_range_detail_sql(name: str, raw: str) -> str:
    """A sentence (SQL) saying that ``raw`` of ``name`` is beyond what the ledger holds."""
    return (
        f"'{name} ' || {raw} || ' is beyond the ledger''s range: a value must be less than "
        f"{LIMIT_TEXT} in absolute value (DECIMAL(38, 18))'"
    )
