from __future__ import annotations

from decimal import Decimal

import pytest

from infracast.errors import EstimateError
from infracast.estimate.pricing import cost_lines, price_assumptions, serving_cost_lines
from tests.estimate.conftest import ON_DEMAND, SPOT


def test_one_cost_line_per_option_with_its_source() -> None:
    # 98.32 / 8 = 12.29 per accelerator-hour × 1000 h = 12,290.00; 20 / 8 = 2.50 × 1000 = 2,500.00
    lines = cost_lines([ON_DEMAND, SPOT], 1000.0, "TEST-GPU")
    assert [line.total for line in lines] == [Decimal("12290.00"), Decimal("2500.00")]
    first = lines[0].to_json()
    assert first["price_per_accelerator_hour"] == Decimal("12.29")
    assert (first["provider"], first["region"], first["instance_type"]) == (
        "TestCloud",
        "us-test-1",
        "t8.big",
    )
    assert first["pricing_model"] == "on_demand"
    assert first["source"] == "TestCloud price list"
    assert first["as_of"].isoformat() == "2026-01-15"


def test_totals_are_rounded_to_the_cent() -> None:
    # 12.29 × 0.3333 h = 4.096257 → 4.10
    assert cost_lines([ON_DEMAND], 0.3333, "TEST-GPU")[0].total == Decimal("4.10")


def test_a_price_for_another_accelerator_is_refused() -> None:
    with pytest.raises(EstimateError, match="is for TEST-GPU, not H100-SXM"):
        cost_lines([ON_DEMAND], 10.0, "H100-SXM")


def test_serving_cost_per_million_tokens() -> None:
    # 730 accelerator-hours × 2.50 = 1,825.00 a month; 1e9 tokens → 1.825 per million,
    # 2.5e8 output tokens → 7.30 per million output tokens
    line = serving_cost_lines([SPOT], 730.0, 1e9, 2.5e8, "TEST-GPU")[0]
    assert line.monthly_cost == Decimal("1825.00")
    assert line.per_million_tokens == Decimal("1.825000")
    assert line.per_million_output_tokens == Decimal("7.300000")


def test_every_price_is_an_assumption_with_source_and_date() -> None:
    assumed = price_assumptions([ON_DEMAND], "TEST-GPU")
    assert assumed[0].value == "12.2900 USD/accelerator-hour"
    assert "TestCloud price list, as of 2026-01-15" in assumed[0].source


def test_no_price_says_so() -> None:
    assumed = price_assumptions([], "TEST-GPU")
    assert assumed[0].value is None
    assert "no price option for TEST-GPU" in assumed[0].source
