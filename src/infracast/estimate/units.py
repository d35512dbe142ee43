"""Counts and sizes as people write them: ``70e9``, ``70B``, ``1.5T``, ``405M``.

Parameters and tokens are given as plain numbers, scientific notation or a
number with a case-insensitive suffix: K (10^3), M (10^6), B (10^9), T (10^12).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema

from infracast.errors import EstimateError

SUFFIXES: dict[str, float] = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}

# Bytes one value takes in each number format (int4 packs two values per byte).
BYTES_PER_VALUE: dict[str, float] = {
    "fp32": 4.0,
    "tf32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
}

GB = 1e9  # results are in GB (10^9 bytes); accelerator memory is in GiB
GIB = float(2**30)

_NUMBER = re.compile(r"^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)([kmbt]?)$", re.IGNORECASE)


def parse_count(value: object, *, name: str | None = None) -> float:
    """A positive count from ``70e9``, ``70B``, ``1.5T``, ``7000000000`` or a number.

    >>> parse_count("70B")
    70000000000.0
    """
    what = f"{name} " if name else ""
    if isinstance(value, bool):
        raise EstimateError(f"{what}must be a number, not {value!r}.", hint=_HINT)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        match = _NUMBER.match(text)
        if match is None:
            raise EstimateError(f"{what}{value!r} is not a count.", hint=_HINT)
        number = float(match.group(1)) * SUFFIXES.get(match.group(2).lower(), 1.0)
    else:
        raise EstimateError(f"{what}must be a number, not {type(value).__name__}.", hint=_HINT)
    if not math.isfinite(number) or number <= 0:
        raise EstimateError(f"{what}must be a positive number, got {value!r}.", hint=_HINT)
    return number


_HINT = "Write it as 70e9, 70B, 1.5T, 405M or 7000000000 (suffixes K, M, B, T)."


def _count(value: object) -> object:
    return parse_count(value) if isinstance(value, str) else value


# A pydantic field type that accepts "70B", "2T" and "70e9" as well as numbers.
Count = Annotated[float, BeforeValidator(_count)]
# The same, above zero. The bound comes before the validator so that the JSON schema (the
# API's OpenAPI document) carries it as exclusiveMinimum even inside `PositiveCount | None`;
# `Count | None = Field(gt=0)` would leave a bare "gt" there, which no client reads.
PositiveCount = Annotated[float, Field(gt=0), BeforeValidator(_count)]
# A price per unit (per kWh), at least zero. JSON numbers only in the schema: pydantic's
# own schema for Decimal adds a string of any form, and a client that sends "" is refused.
UnitPrice = Annotated[Decimal, Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]


def bytes_per_value(precision: str) -> float:
    """Bytes per stored value in ``precision``; an EstimateError for unknown formats."""
    try:
        return BYTES_PER_VALUE[precision]
    except KeyError:
        known = ", ".join(BYTES_PER_VALUE)
        raise EstimateError(f"unknown number format {precision!r}.", hint=f"Use {known}.") from None
