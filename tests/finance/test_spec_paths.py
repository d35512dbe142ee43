"""Dotted paths into a spec: read, set (a copy), list the numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from infracast.errors import FinanceError
from infracast.finance.spec_paths import get_number, numeric_paths, set_path


def test_get_and_set_by_path(tiny: dict[str, Any]) -> None:
    assert get_number(tiny, "phases.0.people.0.fte") == 1
    changed = set_path(tiny, "phases.0.people.0.fte", 2)
    assert changed["phases"][0]["people"][0]["fte"] == 2
    assert tiny["phases"][0]["people"][0]["fte"] == 1  # the original is untouched
    assert get_number(tiny, "phases.0.workloads.0.params.price_per_hour") == Decimal("3.0")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("poeple.0.fte", 'Did you mean "people"'),
        ("people.3.fte", "is a list of 1"),
        ("people.0.fte.x", "is a value"),
        ("name", "not a number"),
    ],
)
def test_bad_paths_say_where_they_left_the_spec(
    tiny: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(FinanceError, match=message):
        get_number(tiny, path)


def test_numeric_paths_skip_months_and_shares(tiny: dict[str, Any]) -> None:
    assert numeric_paths(tiny) == [
        "phases.0.people.0.fte",
        "phases.0.people.0.monthly_rate",
        "phases.0.workloads.0.params.accelerator_hours",
        "phases.0.workloads.0.params.price_per_hour",
        "people.0.fte",
        "people.0.monthly_rate",
    ]
