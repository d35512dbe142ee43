"""Period labels: months, years and plain numbers, one kind per series."""

from __future__ import annotations

import pytest

from infracast.errors import FinanceError
from infracast.finance.periods import check_periods_per_year, check_unit, label, parse_label


@pytest.mark.parametrize(
    ("text", "unit", "ordinal"),
    [
        ("2026-03", "month", 2026 * 12 + 2),
        ("2026-3", "month", 2026 * 12 + 2),
        ("2026-03-01", "month", 2026 * 12 + 2),  # a ledger month's first day
        ("2026", "year", 2026),
        ("0", "period", 0),
        ("12", "period", 12),
        (3.0, "period", 3),
    ],
)
def test_labels_are_read_as_months_years_or_numbers(text: str, unit: str, ordinal: int) -> None:
    assert parse_label(text, where="x") == (unit, ordinal)


@pytest.mark.parametrize("text", ["2026-13", "Q1", "2026-03-15", "1.5", ""])
def test_other_labels_are_errors_naming_where(text: str) -> None:
    with pytest.raises(FinanceError, match=r"flows\.csv, line 4"):
        parse_label(text, where="flows.csv, line 4")


def test_label_is_the_inverse_of_parse() -> None:
    assert label("month", 2026 * 12 + 11) == "2026-12"
    assert label("month", 2027 * 12) == "2027-01"
    assert label("year", 2030) == "2030"
    assert label("period", 7) == "7"


def test_a_series_may_not_mix_kinds() -> None:
    with pytest.raises(FinanceError, match="mixes period kinds"):
        check_unit({"month", "year"}, "flows.csv")


def test_periods_per_year_default_by_unit_and_refuses_contradictions() -> None:
    assert check_periods_per_year(None, "month") == 12
    assert check_periods_per_year(None, "year") == 1
    assert check_periods_per_year(4, "period") == 4
    with pytest.raises(FinanceError, match="months but periods per year is 4"):
        check_periods_per_year(4, "month")
    with pytest.raises(FinanceError, match="at least 1"):
        check_periods_per_year(0, "period")
