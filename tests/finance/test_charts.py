"""Charts: PNG by matplotlib, self-contained HTML by plotly, chosen by the file suffix."""

from __future__ import annotations

import numpy as np
import pytest

from infracast.errors import FinanceError
from infracast.finance import (
    cashflows,
    chart_format,
    distribution_chart,
    sensitivity,
    simulate,
    simulation_chart,
    tornado_chart,
)

PNG = b"\x89PNG\r\n\x1a\n"


def _tornado():  # type: ignore[no-untyped-def]
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 150}])
    return sensitivity(flows, rate="0.1")


def test_the_suffix_picks_the_format() -> None:
    assert chart_format("out/tornado.PNG") == "png"
    assert chart_format("risk.html") == "html"
    with pytest.raises(FinanceError, match=r"\.png .* or \.html"):
        chart_format("chart.svg")


def test_a_tornado_is_a_png_or_a_page_without_a_cdn() -> None:
    assert tornado_chart(_tornado(), "png").startswith(PNG)
    page = tornado_chart(_tornado(), "html", metric="total_cost").decode()
    assert "<html>" in page and "revenue_direct" in page
    assert '<script src="http' not in page  # plotly.js is inline


@pytest.mark.parametrize("kind", ["histogram", "cdf"])
def test_histogram_and_cdf_draw_both_formats(kind: str) -> None:
    values = np.random.default_rng(0).normal(100, 10, 500)
    marks = [("P50", 100.0), ("budget", 115.0)]
    png = distribution_chart(values, kind, "png", label="total cost (USD)", marks=marks)  # type: ignore[arg-type]
    assert png.startswith(PNG)
    page = distribution_chart(values, kind, "html", label="total cost", marks=marks).decode()  # type: ignore[arg-type]
    assert "budget" in page and '<script src="http' not in page


def _simulation(budget: int | None = 120):  # type: ignore[no-untyped-def]
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 150}], currency="USD")
    return simulate(flows, rate="0.1", vary={"cost": "uniform:0.9,1.3"}, samples=200, budget=budget)


def test_a_simulation_chart_marks_the_percentiles_and_the_budget() -> None:
    page = simulation_chart(_simulation(), "histogram", "html").decode()
    assert all(mark in page for mark in ("P10", "P50", "P90", "budget"))
    assert "total cost (USD)" in page


def test_a_budget_is_marked_on_total_cost_only() -> None:
    page = simulation_chart(_simulation(), "cdf", "html", of="npv").decode()
    assert "NPV (USD)" in page and "budget" not in page


def test_an_unknown_quantity_is_refused() -> None:
    with pytest.raises(FinanceError, match=r"cannot chart 'npvv'\. Did you mean \"npv\""):
        simulation_chart(_simulation(), "cdf", "png", of="npvv")  # type: ignore[arg-type]


def test_a_tornado_charts_what_the_result_is_sorted_by() -> None:
    flows = cashflows([{"period": 0, "cost": 100}, {"period": 1, "revenue": 150}])
    by_cost = sensitivity(flows, rate="0.1", sort_by="total_cost")
    assert "Sensitivity of total cost" in tornado_chart(by_cost, "html").decode()
