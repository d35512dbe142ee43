"""Cash-flow CSV: the columns, the split, and errors that name the line and the column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.errors import FinanceError
from infracast.finance import cashflows, parse_cashflows_csv


def test_revenue_and_cost_count_as_direct() -> None:
    flows = parse_cashflows_csv("period,revenue,cost\n0,500,700\n1,0,0\n2,400,0\n")
    assert flows.periods == ["0", "1", "2"]
    assert flows.column("revenue_direct") == [Decimal(500), 0, Decimal(400)]
    assert flows.column("cost_direct") == [Decimal(700), 0, 0]
    # benefit: 500 − 700 = −200, 0, 400
    assert flows.column("benefit") == [Decimal(-200), 0, Decimal(400)]
    assert flows.unit == "period"


def test_split_columns_add_up() -> None:
    text = (
        "Period,Revenue Direct,revenue-indirect,cost_direct,cost_indirect\n"
        "2026-01,100,20,50,5\n2026-02,0,0,10,1\n"
    )
    flows = parse_cashflows_csv(text)
    first = flows.flows[0]
    assert (first.revenue, first.cost, first.benefit) == (120, 55, 65)  # 120 − 55 = 65
    assert flows.total_revenue == 120
    assert flows.total_cost == 66  # 55 + 11
    assert flows.unit == "month"


def test_rows_are_sorted_and_a_missing_period_is_zero_and_said() -> None:
    flows = parse_cashflows_csv("period,cost\n2026-03,30\n2026-01,10\n")
    assert flows.periods == ["2026-01", "2026-02", "2026-03"]
    assert flows.column("cost") == [10, 0, 30]
    assert any("2026-02" in note for note in flows.assumptions)
    assert "cash flows has no revenue column: its revenue is zero in every period." in (
        flows.assumptions
    )


def test_blank_cells_are_zero_and_counted() -> None:
    flows = parse_cashflows_csv("period,revenue,cost\n0,,5\n1,3,\n")
    assert flows.column("benefit") == [-5, 3]
    assert "cash flows: 2 blank amount(s) read as zero." in flows.assumptions


def test_the_currency_column_gives_the_currency() -> None:
    flows = parse_cashflows_csv("period,revenue,cost,currency\n0,1,2,usd\n1,1,2,USD\n")
    assert flows.currency == "USD"


def test_a_bad_amount_names_the_line_and_column() -> None:
    with pytest.raises(FinanceError, match=r"f.csv, line 3, column cost: '1,2' is not a number"):
        parse_cashflows_csv('period,revenue,cost\n0,1,2\n1,0,"1,2"\n', source="f.csv")


@pytest.mark.parametrize("cost", ["1e6", '"1,000,000"', "1_000_000", "1000000.00"])
def test_an_amount_in_any_accepted_form_is_read_as_written(cost: str) -> None:
    flows = parse_cashflows_csv(f"period,revenue,cost\n0,0,{cost}\n")
    assert flows.column("benefit") == [-1_000_000]


def test_a_negative_amount_says_to_write_it_positive() -> None:
    with pytest.raises(FinanceError, match="line 2, column cost: -700 is negative") as info:
        parse_cashflows_csv("period,revenue,cost\n0,0,-700\n")
    assert "positive" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period,revenue,cost\n0,1,2\n0,3,4\n", r"line 3, column period: 0 appears again"),
        ("period,revenue,cost\n,1,2\n", r"line 2, column period: the period is blank"),
        ("period,revenue,cost\nQ1,1,2\n", r"line 2, column period: period 'Q1'"),
        ("period,revenue,cost\n2026-01,1,2\n2027,1,2\n", "mixes period kinds"),
        ("period,revenue,cost\n0,1,2,3\n", "line 2: more cells than the header"),
        ("period,revenue,cost,currency\n0,1,2,USD\n1,1,2,EUR\n", "line 3, column currency"),
        ("month,revenue,cost\n0,1,2\n", "no period column"),
        ("period,notes\n0,x\n", "no revenue or cost column"),
        ("period,revenue,revenue_direct\n0,1,2\n", "both 'revenue' and revenue_direct"),
        ("period,reveneu,cost\n0,1,2\n", 'unknown column "reveneu". Did you mean "revenue"'),
        ("period,cash_flow\n0,-5\n", "signed flows"),
        ("period;revenue;cost\n0;1;2\n", "semicolons"),
        ("", "is empty"),
        ("period,revenue,cost\n", "holds no periods"),
        ("period,cost\n0,NaN\n", "line 2, column cost: 'NaN' is not a number: write it as"),
        ("period,cost\n0,1e400\n", "line 2, column cost: 1e400 is beyond what the ledger stores"),
        ("period,cost\n0,$5\n", "line 2, column cost: '\\$5' is not a number"),
    ],
)
def test_bad_files_are_errors_that_say_where(text: str, message: str) -> None:
    with pytest.raises(FinanceError, match=message):
        parse_cashflows_csv(text)


def test_a_currency_asked_for_must_match_the_file() -> None:
    with pytest.raises(FinanceError, match="in USD but EUR was asked for"):
        parse_cashflows_csv("period,cost,currency\n0,1,USD\n", currency="EUR")
    assert parse_cashflows_csv("period,cost\n0,1\n", currency="eur").currency == "EUR"


def test_other_columns_are_ignored_and_listed() -> None:
    flows = parse_cashflows_csv("period,revenue,cost,comment\n0,1,2,first\n")
    assert "cash flows: columns ignored: comment." in flows.assumptions


def test_plain_rows_follow_the_csv_rules() -> None:
    flows = cashflows(
        [{"period": 0, "cost": 700000, "revenue": 500000}, {"period": 2, "revenue": 4e5}]
    )
    assert flows.column("benefit") == [-200000, 0, 400000]
    with pytest.raises(FinanceError, match="row 2, column cost"):
        cashflows([{"period": 0, "cost": 1}, {"period": 1, "cost": "x"}])
