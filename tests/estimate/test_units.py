from __future__ import annotations

import pytest

from infracast.errors import EstimateError
from infracast.estimate.units import bytes_per_value, parse_count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("70e9", 70e9),
        ("70B", 70e9),
        ("70b", 70e9),
        ("1.5T", 1.5e12),
        ("7000000000", 7e9),
        ("405M", 405e6),
        ("1e12", 1e12),
        ("2T", 2e12),
        ("8k", 8e3),
        (" 13B ", 13e9),
        ("7_000_000_000", 7e9),
        (70e9, 70e9),
        (4096, 4096.0),
    ],
)
def test_counts_parse_with_suffixes_and_exponents(text: object, expected: float) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["70 GB", "seventy", "70BB", "", "1,000", "-5B", "0", "nan"])
def test_bad_counts_say_how_to_write_them(text: str) -> None:
    with pytest.raises(EstimateError) as err:
        parse_count(text, name="params")
    assert "params" in str(err.value)
    assert "70B" in str(err.value)  # the hint shows the accepted forms


def test_booleans_are_not_counts() -> None:
    with pytest.raises(EstimateError):
        parse_count(True)


def test_bytes_per_value_of_each_format() -> None:
    assert bytes_per_value("bf16") == 2
    assert bytes_per_value("fp8") == 1
    assert bytes_per_value("int4") == 0.5
    with pytest.raises(EstimateError, match="unknown number format"):
        bytes_per_value("fp6")
