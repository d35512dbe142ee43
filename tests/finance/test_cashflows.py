"""A cash-flow series: built from amounts by period, and written out as JSON and CSV rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from infracast.finance import CashFlows, cashflows, parse_cashflows_csv


def test_from_amounts_sorts_and_fills_missing_periods_and_columns() -> None:
    flows = CashFlows.from_amounts(
        {"2026-03": {"cost_direct": Decimal(30)}, "2026-01": {"revenue_direct": Decimal(5)}},
        currency="USD",
        source="test",
        assumptions=("given.",),
    )
    assert flows.periods == ["2026-01", "2026-02", "2026-03"]
    assert flows.column("benefit") == [5, 0, -30]
    assert flows.unit == "month" and flows.currency == "USD"
    assert flows.assumptions[0] == "given."
    assert "2026-02" in flows.assumptions[1]  # the filled month is said


def test_csv_rows_read_back_as_the_same_series() -> None:
    flows = cashflows(
        [{"period": 0, "revenue": 0, "cost_direct": 80, "cost_indirect": 20}, {"period": 1}],
        currency="EUR",
    )
    rows = flows.to_csv_rows()
    assert list(rows[0]) == [
        "period",
        "revenue_direct",
        "revenue_indirect",
        "cost_direct",
        "cost_indirect",
        "currency",
    ]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    again = parse_cashflows_csv(text.getvalue())
    assert again.to_rows() == flows.to_rows() and again.currency == "EUR"


def test_csv_rows_have_no_currency_column_without_a_currency() -> None:
    assert "currency" not in cashflows([{"period": 0, "cost": 1}]).to_csv_rows()[0]


def test_json_is_the_series_with_its_source_and_assumptions() -> None:
    flows = cashflows([{"period": 2026, "cost": 1}], source="mine")
    assert flows.to_json() == {
        "source": "mine",
        "currency": None,
        "period_unit": "year",
        "cashflows": flows.to_rows(),
        "assumptions": list(flows.assumptions),
    }
