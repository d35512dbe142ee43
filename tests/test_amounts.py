"""The one number parser: every accepted and refused form, the range and the plain result."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from infracast.amounts import (
    LIMIT,
    Amount,
    AmountError,
    PositiveAmount,
    TextNumberLoader,
    parse_amount,
    parse_number,
)

ACCEPTED: list[tuple[Any, str]] = [
    # the reproductions: each was stored as something else
    ("1e6", "1000000"),
    ("2.5e6", "2500000"),
    ("1e17", "100000000000000000"),
    ("1.5e3", "1500"),
    ("1e4", "10000"),
    ("2e3", "2000"),
    ("1E+6", "1000000"),
    ("1.25e-2", "0.0125"),
    # plain, grouped, underscored
    ("1000000", "1000000"),
    ("1234.56", "1234.56"),
    ("1234.50", "1234.50"),
    (".5", "0.5"),
    ("0", "0"),
    ("-0", "0"),
    ("0e5", "0"),
    ("  42  ", "42"),
    ("1,000,000", "1000000"),
    ("1,234.5", "1234.5"),
    ("999,999.999", "999999.999"),
    ("1_000", "1000"),
    ("1_000_000.000_1", "1000000.0001"),
    ("0.000000000001", "0.000000000001"),
    ("1.500000000000000", "1.500000000000"),  # trailing zeros are not decimals that count
    ("999999999999999999.999999999999", "999999999999999999.999999999999"),
    # Python and YAML numbers
    (1000000, "1000000"),
    (0.1, "0.1"),
    (1e6, "1000000.0"),
    (2.5e16, "25000000000000000"),
    (Decimal("1E+6"), "1000000"),
    (Decimal("12.30"), "12.30"),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED)
def test_accepted_forms_give_the_number_written(value: Any, expected: str) -> None:
    got = parse_amount(value)
    assert got == Decimal(expected)
    assert got.as_tuple().exponent <= 0  # plain: no positive exponent for the ledger to drop
    assert f"{got:f}" == expected  # the digits as written


REFUSED: list[Any] = [
    "1.000.000",
    "1,00",
    "1,0000",
    "12,34,567",
    "1,000_000",
    "$5",
    "5 USD",
    "5USD",
    "1 000",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "",
    "   ",
    "5.",
    "1e",
    "e5",
    "1__000",
    "_1000",
    "1000_",
    "+5",
    "--5",
    "0x10",
    "1/2",
    "١٢",  # Arabic-Indic digits: not the ASCII ones
    True,
    False,
    None,
    [1],
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("Infinity"),
]


@pytest.mark.parametrize("value", REFUSED)
def test_other_forms_are_refused_with_the_accepted_ones_listed(value: Any) -> None:
    with pytest.raises(AmountError, match="1e6, 1_000_000 or 1,000,000"):
        parse_amount(value, allow_negative=True)


@pytest.mark.parametrize(
    "value",
    ["1e18", "1e19", "1e20", "1e400", "123456789012345678901234567890", 1e18, -(10**18), "-1e18"],
)
def test_amounts_beyond_the_ledger_get_one_sentence(value: Any) -> None:
    with pytest.raises(AmountError, match="beyond what the ledger stores"):
        parse_amount(value, allow_negative=True)


def test_the_largest_amount_below_the_limit_is_kept_exactly() -> None:
    top = Decimal("999999999999999999.999999999999")
    assert parse_amount(str(top)) == top


@pytest.mark.parametrize(
    "value", ["0.0000000000001", "1e-13", "1.0000000000001", "1e-999999999999"]
)
def test_more_than_twelve_decimal_places_are_refused_not_rounded(value: str) -> None:
    with pytest.raises(AmountError, match="decimal places; the ledger keeps 12"):
        parse_amount(value)


def test_a_number_that_is_not_money_has_no_decimal_limit() -> None:
    assert parse_number("0.3333333333333333") == Decimal("0.3333333333333333")


def test_negative_amounts_are_refused_unless_allowed() -> None:
    with pytest.raises(AmountError, match="-5 is negative; it must be 0 or more"):
        parse_amount("-5")
    assert parse_amount("-1,000.5", allow_negative=True) == Decimal("-1000.5")


def test_zero_is_refused_where_an_amount_must_be_more_than_zero() -> None:
    with pytest.raises(AmountError, match="0 is zero; it must be more than 0"):
        parse_amount("0", allow_zero=False)


def test_the_message_names_the_field_and_where_it_was_written() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("5 USD", name="purchase_price", where="assets.csv, row 3")
    assert caught.value.message.startswith("assets.csv, row 3: purchase_price '5 USD' is not")


class _Priced(BaseModel):
    price: PositiveAmount
    fee: Amount | None = None


def test_a_pydantic_field_reads_through_the_parser() -> None:
    assert _Priced(price="1e6").price == Decimal(1000000)
    assert _Priced(price=1.5e3, fee=None).fee is None


def test_a_pydantic_field_reports_the_parser_message_under_its_name() -> None:
    with pytest.raises(ValidationError) as caught:
        _Priced(price="1.000.000")
    (error,) = caught.value.errors()
    assert error["loc"] == ("price",)
    assert "price '1.000.000' is not a number: write it as 1000000" in error["msg"]


def test_yaml_numbers_stay_text_so_the_parser_reads_the_digits_written() -> None:
    data = yaml.load(
        "a: [0100, 1e6, 1.5e+3, 1_000, 12345678901234.567, true, 2026-01-01]",
        Loader=TextNumberLoader,
    )
    assert data["a"][:5] == ["0100", "1e6", "1.5e+3", "1_000", "12345678901234.567"]
    assert data["a"][5] is True
    assert [parse_amount(v) for v in data["a"][:5]] == [
        Decimal(100),
        Decimal(1000000),
        Decimal(1500),
        Decimal(1000),
        Decimal("12345678901234.567"),
    ]


def _stored(value: Decimal) -> Decimal:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (amount DECIMAL(38, 12))")
    con.execute("INSERT INTO t VALUES (?)", [value])
    row = con.execute("SELECT amount FROM t").fetchone()
    assert row is not None
    return Decimal(row[0])


def test_duckdb_drops_the_exponent_of_a_decimal_which_is_why_results_are_plain() -> None:
    assert _stored(Decimal("1E+6")) == 1  # the defect of issue 10 item 3, at its root
    assert _stored(parse_amount("1e6")) == 1_000_000


_text = st.decimals(
    min_value=-LIMIT + 1, max_value=LIMIT - 1, places=4, allow_nan=False, allow_infinity=False
)


@given(_text, st.sampled_from(["plain", "exponent", "grouped", "underscored"]))
def test_any_written_form_of_an_amount_reaches_the_ledger_unchanged(
    value: Decimal, form: str
) -> None:
    text = {
        "plain": f"{value:f}",
        "exponent": f"{value:e}",
        "grouped": f"{value:,f}",
        "underscored": f"{value:,f}".replace(",", "_"),
    }[form]
    parsed = parse_amount(text, allow_negative=True)
    assert parsed == value
    assert _stored(parsed) == value


def test_a_refused_amount_says_where_the_forms_are_documented() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("$5", name="amount")
    assert caught.value.hint and "docs/numbers.md" in caught.value.hint
    assert caught.value.to_dict()["field"] == "amount"
