"""Rendering results as JSON and CSV: exact numbers, one cell per value."""

from __future__ import annotations

import io
from decimal import Decimal

from rich.console import Console

from infracast.cli.render import OutputFormat, render, to_json


def _csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    render(rows, OutputFormat.csv, console=Console(file=buffer, width=200))
    return buffer.getvalue().strip()


def test_json_keeps_every_digit_of_a_large_amount() -> None:
    # 18 integer digits and 12 decimals: 30 significant digits, more than the
    # default decimal context's 28, which rounded this to 1000000000000000000.
    value = Decimal("999999999999999999.999999999999")
    assert to_json(value) == "999999999999999999.999999999999"


def test_json_writes_exponent_free_numbers() -> None:
    assert to_json(Decimal("1E+6")) == "1000000"
    assert to_json(Decimal("1.50E+3")) == "1500"


def test_csv_writes_a_list_as_one_readable_cell() -> None:
    text = _csv([{"name": "m1", "thresholds": [Decimal("50"), Decimal("80.0")], "tags": ("a",)}])
    assert text.splitlines() == ["name,thresholds,tags", 'm1,"50, 80",a']


def test_csv_writes_a_mapping_as_key_value_pairs() -> None:
    assert _csv([{"warnings": {"negative_cost": 2}}]).splitlines()[1] == "negative_cost=2"
