"""Numbers in bills: one rule (FOCUS Numeric Format plus E-notation), 18 decimals kept,
rounding said, values out of the ledger's range quarantined."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from infracast.ledger.numbers import DECIMAL_MACROS, text_decimal_sql
from tests.ledger.focus_rows import write_focus_csv

ULP = Decimal("1e-18")


def ingest_costs(ledger: Ledger, tmp_path: Path, *costs: str) -> None:
    # negative values as credits, so the only warnings are those of the numbers
    rows = [
        {"BilledCost": c, "EffectiveCost": c, "ChargeCategory": "Credit" if "-" in c else "Usage"}
        for c in costs
    ]
    ingest_focus(ledger, [write_focus_csv(tmp_path / "bill.csv", rows)])


def stored(ledger: Ledger) -> list[tuple[Decimal, list[str]]]:
    return [
        (Decimal(v), list(w))
        for v, w in ledger.con.execute(
            "SELECT BilledCost, x_warnings FROM charges ORDER BY x_source_row"
        ).fetchall()
    ]


def quarantined(ledger: Ledger) -> list[tuple[str, str]]:
    return [
        (str(r), str(d))
        for r, d in ledger.con.execute(
            "SELECT reason, detail FROM quarantine ORDER BY row_number"
        ).fetchall()
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-100.2", "-100.2"),
        ("4", "4"),
        ("1.234", "1.234"),
        ("1.2E-05", "0.000012"),
        ("1e2", "100"),
        ("2.5e+3", "2500"),
        (" 2.5 ", "2.5"),
        ("0.12345678901234", "0.12345678901234"),
        ("99999999999999999999.999999999999999999", "99999999999999999999.999999999999999999"),
    ],
)
def test_numbers_in_the_focus_format_or_e_notation_are_read_exactly(
    ledger: Ledger, tmp_path: Path, text: str, value: str
) -> None:
    ingest_costs(ledger, tmp_path, text)
    assert stored(ledger) == [(Decimal(value), [])]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("1_000", "digit separator"),
        ("1,234.50", "thousands separator"),
        ("1,5", "thousands separator"),
        ("+5", "plus sign"),
        ("$3.00", "currency symbol or unit"),
        ("3 USD", "currency symbol or unit"),
        ("1 1/2", "not a number"),
        ("2.3^3", "not a number"),
    ],
)
def test_other_number_shapes_are_quarantined_naming_the_rule(
    ledger: Ledger, tmp_path: Path, text: str, rule: str
) -> None:
    ingest_costs(ledger, tmp_path, text)
    ((reason, detail),) = quarantined(ledger)
    assert reason == "invalid_cost"
    assert rule in detail and repr(text).strip("'") in detail


def test_more_than_18_decimals_are_rounded_half_even_with_a_warning(
    ledger: Ledger, tmp_path: Path
) -> None:
    ingest_costs(
        ledger,
        tmp_path,
        "1e-20",
        "0.1234567890123456785",  # a tie: the 18th digit 8 is even, stays
        "0.1234567890123456775",  # a tie: 7 is odd, rounds up to 8
        "2.5e-18",
        "0.12345678901234567851",
    )
    warning = ["rounded_value:BilledCost", "rounded_value:EffectiveCost"]
    assert [(v, sorted(w)) for v, w in stored(ledger)] == [
        (Decimal(0), warning),
        (Decimal("0.123456789012345678"), warning),
        (Decimal("0.123456789012345678"), warning),
        (Decimal("2e-18"), warning),
        (Decimal("0.123456789012345679"), warning),
    ]


@pytest.mark.parametrize("text", ["1e20", "-100000000000000000000", "1E+25", "1e999999999999"])
def test_values_beyond_the_ledger_range_are_quarantined(
    ledger: Ledger, tmp_path: Path, text: str
) -> None:
    ingest_costs(ledger, tmp_path, text)
    ((reason, detail),) = quarantined(ledger)
    assert reason == "cost_out_of_range" and "10^20" in detail


def test_other_decimal_columns_follow_the_same_rule(ledger: Ledger, tmp_path: Path) -> None:
    path = write_focus_csv(
        tmp_path / "bill.csv", [{"ListCost": "1_000", "ConsumedQuantity": "3.5E-7"}]
    )
    result = ingest_focus(ledger, [path])[0]
    assert result.warnings == {"unparsed_value:ListCost": 1}
    row = ledger.con.execute("SELECT ListCost, ConsumedQuantity FROM charges").fetchone()
    assert row == (None, Decimal("0.00000035"))


def test_typed_parquet_numbers_keep_their_decimal_value(ledger: Ledger, tmp_path: Path) -> None:
    """A DOUBLE is read as the number it prints as (12345.678, not 12345.678000000000327680);
    DECIMALs with more than 18 decimals are rounded with a warning."""
    path = tmp_path / "typed.parquet"
    duckdb.execute(
        f"""COPY (
          SELECT 'AWS' AS ProviderName, 'USD' AS BillingCurrency, b AS BilledCost,
                 e AS EffectiveCost,
                 TIMESTAMP '2026-01-05 10:00' AS ChargePeriodStart,
                 TIMESTAMP '2026-01-05 11:00' AS ChargePeriodEnd,
                 DATE '2026-01-01' AS BillingPeriodStart, DATE '2026-02-01' AS BillingPeriodEnd
          FROM (VALUES (12345.678::DOUBLE, 0.1234567890123456789::DECIMAL(38, 19), 1),
                       (1e20::DOUBLE, 1::DECIMAL(38, 19), 2)) t(b, e, n) ORDER BY n
        ) TO '{path}' (FORMAT parquet)"""
    )
    (result,) = ingest_focus(ledger, [path])
    assert (result.rows_ingested, result.rows_quarantined) == (1, 1)
    row = ledger.con.execute("SELECT BilledCost, EffectiveCost, x_warnings FROM charges").fetchone()
    assert row is not None
    assert (row[0], row[1]) == (Decimal("12345.678"), Decimal("0.123456789012345679"))
    assert [w for w in row[2] if w.startswith("rounded")] == ["rounded_value:EffectiveCost"]
    assert quarantined(ledger)[0][0] == "cost_out_of_range"


def test_ledger_keeps_18_decimals(ledger: Ledger) -> None:
    types = dict(
        ledger.con.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE column_name IN ('BilledCost', 'EffectiveCost', 'billed_cost', 'effective_cost')"
        ).fetchall()
    )
    assert types == {
        "charges.BilledCost": "DECIMAL(38,18)",
        "charges.EffectiveCost": "DECIMAL(38,18)",
        "charges_daily.BilledCost": "DECIMAL(38,18)",  # the daily rollup's sums
        "charges_daily.EffectiveCost": "DECIMAL(38,18)",
        "ingest_periods.billed_cost": "DECIMAL(38,18)",
        "ingest_periods.effective_cost": "DECIMAL(38,18)",
        "quarantine.billed_cost": "DECIMAL(38,18)",
        "quarantine.effective_cost": "DECIMAL(38,18)",
    }


# --- the parser against Python's decimal arithmetic ---------------------------------------


def python_value(text: str) -> Decimal | None:
    """The rule in Python: the value rounded half-even to 18 decimals, None beyond 10^20."""
    with localcontext() as ctx:
        ctx.prec = 100
        exact = Decimal(text.strip())
        rounded = exact.quantize(ULP, rounding=ROUND_HALF_EVEN)
    return None if abs(rounded) >= Decimal("1e20") else rounded


DIGITS = "0123456789"
NUMBER_TEXT = st.builds(
    lambda sign, whole, frac, exp: f"{sign}{whole}{'.' + frac if frac else ''}{exp}",
    st.sampled_from(["", "-"]),
    st.text(DIGITS, min_size=1, max_size=24),
    st.text(DIGITS, max_size=26),
    st.one_of(st.just(""), st.builds(lambda e: f"e{e}", st.integers(-45, 25))),
)
_CON = duckdb.connect()
_CON.execute(DECIMAL_MACROS)
_VALUE, _ROUNDED = text_decimal_sql("t")


@settings(max_examples=400, deadline=None)
@given(text=NUMBER_TEXT)
def test_the_sql_parser_agrees_with_python_decimal(text: str) -> None:
    value, rounded = _CON.execute(
        f"SELECT {_VALUE}, {_ROUNDED} FROM (SELECT ? AS t)", [text]
    ).fetchone() or (None, None)
    expected = python_value(text)
    assert value == expected
    if expected is not None:
        with localcontext() as ctx:
            ctx.prec = 100
            assert bool(rounded) == (expected != Decimal(text))
