"""Lifecycle cost: capex as cash and as depreciation, opex streams and one-offs, by year."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.cli.render import to_json
from infracast.errors import EstimateError
from infracast.estimate._tco import CapexItem, OneOff, OpexStream, tco

D = Decimal


def test_capex_depreciates_straight_line_and_is_paid_then_sold_in_the_cash_view() -> None:
    # 100,000 server, 4-year life, 20,000 salvage:
    # depreciation (100,000 − 20,000) / 48 months = 1,666.67 a month → 20,000.00 a year;
    # cash: 100,000 in year 1, −20,000 (the sale) in month 48 = year 4.
    server = CapexItem(name="server", amount=D(100_000), life_months=48, salvage=D(20_000))
    result = tco(currency="USD", years=4, capex=[server])
    assert [y.depreciation for y in result.by_year] == [D("20000.00")] * 4
    assert [y.cash for y in result.by_year] == [D("100000.00"), D(0), D(0), D("-20000.00")]
    assert result.total_cash == result.total_depreciation == D("80000.00")
    assert result.residual_book_value == 0
    assert result.by_year[0].cash_by_category["compute"] == D("100000.00")


def test_yearly_opex_escalates_each_year_of_the_stream() -> None:
    # 12,000 a year growing 10%: 12,000; 13,200; 14,520 → 39,720 over 3 years.
    power = OpexStream(name="power", category="energy", per_year=D(12_000), escalation_pct=D(10))
    result = tco(currency="USD", years=3, opex=[power])
    assert [y.cash for y in result.by_year] == [D("12000.00"), D("13200.00"), D("14520.00")]
    assert result.depreciation_by_category["energy"] == D("39720.00")


def test_monthly_stream_runs_from_its_start_month_for_its_months() -> None:
    # 1,000 a month from month 7 for 10 months: months 7–12 (6,000) in year 1, 13–16 (4,000).
    staff = OpexStream(
        name="staff", category="people", per_month=D(1_000), start_month=7, months=10
    )
    result = tco(currency="USD", years=2, opex=[staff])
    assert [y.cash for y in result.by_year] == [D("6000.00"), D("4000.00")]


def test_one_off_lands_in_its_year_and_category() -> None:
    # month 14 is in year 2.
    install = OneOff(name="install", amount=D("2500.50"), month=14, category="facilities")
    result = tco(currency="EUR", years=2, one_offs=[install])
    assert result.by_year[1].cash_by_category["facilities"] == D("2500.50")
    assert result.by_year[0].cash == 0
    assert result.currency == "EUR"


def test_capex_outliving_the_horizon_leaves_its_book_value_out_of_the_depreciation_view() -> None:
    # 100,000, 5-year life, 10,000 salvage, over 3 years:
    # depreciation 90,000 × 36/60 = 54,000; cash 100,000 (no sale yet);
    # book value at the end 100,000 − 54,000 = 46,000 = cash − depreciation.
    server = CapexItem(name="server", amount=D(100_000), life_months=60, salvage=D(10_000))
    result = tco(currency="USD", years=3, capex=[server])
    assert result.total_depreciation == D("54000.00")
    assert result.total_cash == D("100000.00")
    assert result.residual_book_value == D("46000.00")
    assert any("book value of 46000.00" in a for a in result.assumptions)


def test_horizon_in_months_cuts_the_last_year_short() -> None:
    # 14 months of 100 a month: year 1 = 12 months (1,200), year 2 = 2 months (200).
    rent = OpexStream(name="rent", category="facilities", per_month=D(100))
    result = tco(currency="USD", years=2, months=14, opex=[rent])
    assert [(y.months, y.cash) for y in result.by_year] == [(12, D("1200.00")), (2, D("200.00"))]
    assert result.months == 14


def test_a_stream_running_past_the_horizon_is_cut_and_says_so() -> None:
    rent = OpexStream(name="rent", category="facilities", per_month=D(100), months=30)
    result = tco(currency="USD", years=2, opex=[rent])
    assert result.total_cash == D("2400.00")
    assert any("rent: runs to month 30" in a for a in result.assumptions)


def test_to_dict_has_stable_snake_case_keys_and_exact_amounts() -> None:
    result = tco(
        currency="USD", years=1, one_offs=[OneOff(name="x", amount=D(1), month=1, category="other")]
    )
    data = result.to_dict()
    assert list(data) == [
        "currency",
        "years",
        "months",
        "total_cash",
        "total_depreciation",
        "residual_book_value",
        "cash_by_category",
        "depreciation_by_category",
        "by_year",
        "assumptions",
    ]
    assert data["total_cash"] == D("1.00")
    assert list(data["cash_by_category"]) == list(result.cash_by_category)
    assert next(iter(data["cash_by_category"])) == "compute"
    assert json.loads(to_json(data), parse_float=D) == data  # as the CLI writes it


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: tco(currency="USD", years=0), "at least 1 year"),
        (lambda: tco(currency="USD", years=101), r"at most 100 \(got 101\)"),
        (
            lambda: tco(
                currency="USD",
                years=1,
                one_offs=[OneOff(name="late", amount=D(1), month=13, category="other")],
            ),
            "late starts in month 13, after the 12-month horizon",
        ),
        (lambda: tco(currency="USD", years=2, months=30), "does not end in year 2"),
    ],
)
def test_impossible_horizons_are_refused(make: object, message: str) -> None:
    with pytest.raises(EstimateError, match=message):
        make()  # type: ignore[operator]


def test_item_models_refuse_what_cannot_be_costed() -> None:
    with pytest.raises(ValueError, match="salvage 2 is more than the price 1"):
        CapexItem(name="x", amount=D(1), life_months=12, salvage=D(2))
    with pytest.raises(ValueError, match="give per_month or per_year"):
        OpexStream(name="x", category="people")
    with pytest.raises(ValueError, match=r'not a cost category.*Did you mean "energy"'):
        OneOff(name="x", amount=D(1), month=1, category="enrgy")


_money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def _lifecycles(draw: st.DrawFn) -> dict[str, Any]:
    years = draw(st.integers(1, 6))
    horizon = years * 12
    capex = [
        CapexItem(
            name=f"c{i}",
            amount=amount,
            life_months=draw(st.integers(1, 96)),
            salvage=draw(st.decimals(min_value=0, max_value=amount, places=2)),
            month=draw(st.integers(1, horizon)),
            category=draw(st.sampled_from(["compute", "network", "storage"])),
        )
        for i, amount in enumerate(draw(st.lists(_money, max_size=3)))
    ]
    opex = [
        OpexStream(
            name=f"o{i}",
            category=draw(st.sampled_from(["energy", "people", "facilities"])),
            per_year=amount,
            start_month=draw(st.integers(1, horizon)),
            escalation_pct=draw(st.decimals(min_value=-10, max_value=20, places=1)),
        )
        for i, amount in enumerate(draw(st.lists(_money, max_size=3)))
    ]
    return {"years": years, "capex": capex, "opex": opex}


@settings(max_examples=60, deadline=None)
@given(_lifecycles())
def test_views_differ_by_exactly_the_residual_book_value(case: dict[str, Any]) -> None:
    result = tco(currency="USD", **case)
    assert result.total_cash - result.total_depreciation == result.residual_book_value
    assert sum(y.cash for y in result.by_year) == result.total_cash
    assert sum(y.depreciation for y in result.by_year) == result.total_depreciation
    assert sum(result.cash_by_category.values()) == result.total_cash
    for year in result.by_year:
        assert sum(year.depreciation_by_category.values()) == year.depreciation
    capex: list[CapexItem] = case["capex"]
    if all(c.last_month <= result.months for c in capex):
        assert result.total_cash == result.total_depreciation
