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


def _bare_constraints(schema: object) -> list[str]:
    """Pydantic's constraint names left in a JSON schema as keys no client reads."""
    if isinstance(schema, dict):
        found = [key for key in ("gt", "ge", "lt", "le") if key in schema]
        return found + [k for value in schema.values() for k in _bare_constraints(value)]
    if isinstance(schema, list):
        return [k for value in schema for k in _bare_constraints(value)]
    return []


def test_the_specs_json_schemas_state_their_bounds_in_json_schema_words() -> None:
    # the API's OpenAPI document is made of these; a bare "gt" let schemathesis send
    # active_params=0, tokens_per_day=0 or input_tokens=0 as valid data
    from infracast.estimate import FinetuneSpec, InferenceSpec, TrainingSpec

    for spec in (TrainingSpec, FinetuneSpec, InferenceSpec):
        assert _bare_constraints(spec.model_json_schema()) == [], spec.__name__
    inference = InferenceSpec.model_json_schema()["properties"]
    assert inference["input_tokens"]["minimum"] == 1
    assert inference["tokens_per_day"]["anyOf"][0]["exclusiveMinimum"] == 0
    assert TrainingSpec.model_json_schema()["properties"]["zero_stage"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 3,
    }


def test_a_positive_count_still_reads_suffixes_and_refuses_zero() -> None:
    from pydantic import TypeAdapter, ValidationError

    from infracast.estimate.units import PositiveCount

    adapter = TypeAdapter(PositiveCount | None)
    assert adapter.validate_python("70B") == 70e9
    assert adapter.validate_python(None) is None
    for zero in (0, "0"):
        with pytest.raises(ValidationError):
            adapter.validate_python(zero)


def test_a_unit_price_is_a_number_at_least_zero_in_the_schema() -> None:
    # pydantic's schema for Decimal adds {"type": "string"} of any form, so "" looked valid
    from decimal import Decimal

    from pydantic import TypeAdapter, ValidationError

    from infracast.estimate.units import UnitPrice

    adapter = TypeAdapter(UnitPrice)
    assert adapter.json_schema() == {"type": "number", "minimum": 0}
    assert adapter.validate_python("0.12") == Decimal("0.12")
    with pytest.raises(ValidationError):
        adapter.validate_python(-1)
