"""Period labels of a cash-flow series: months (``2026-03``), years (``2026``) or numbers (``0``).

A series is one kind of label. Each label has an ordinal (months since year 0,
the year, or the number), so a series can be sorted, checked for gaps and
extended. ``YYYY-MM-01`` (a month's first day, as ledger breakdowns print it)
reads as the month. A whole number from 1900 to 2999 is a year; any other
whole number is a plain period number.
"""

from __future__ import annotations

import re
from typing import Literal

from infracast.errors import FinanceError

Unit = Literal["month", "year", "period"]
UNITS: tuple[str, ...] = ("month", "year", "period")
PERIODS_PER_YEAR: dict[str, int] = {"month": 12, "year": 1, "period": 1}

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")
_NUMBER = re.compile(r"^-?\d+$")
_LABEL_HINT = (
    "Write periods as months (2026-03), years (2026) or numbers (0, 1, 2 …), "
    "one kind per file; the first period is t = 0."
)


def parse_label(text: object, *, where: str) -> tuple[Unit, int]:
    """The unit and ordinal of one period label, or a FinanceError naming ``where``."""
    label = str(text).strip()
    if isinstance(text, float) and text.is_integer():
        label = str(int(text))
    month = _MONTH.match(label)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if 1 <= number <= 12:
            return "month", year * 12 + number - 1
    elif _NUMBER.match(label):
        value = int(label)
        return ("year", value) if 1900 <= value <= 2999 else ("period", value)
    raise FinanceError(
        f"{where}: period {label!r} is not a month, year or number.", hint=_LABEL_HINT
    )


def label(unit: Unit, ordinal: int) -> str:
    """The label of ``ordinal`` in ``unit`` (the inverse of :func:`parse_label`)."""
    if unit == "month":
        return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"
    return str(ordinal)


def check_unit(units: set[Unit], where: str) -> Unit:
    """The one unit of a series, or a FinanceError when labels mix months, years and numbers."""
    if len(units) > 1:
        raise FinanceError(
            f"{where} mixes period kinds ({', '.join(sorted(units))}).", hint=_LABEL_HINT
        )
    return next(iter(units)) if units else "period"


def check_periods_per_year(value: int | None, unit: Unit) -> int:
    """``value`` if given (a positive whole number), else the unit's: 12 for months, 1 otherwise."""
    if value is None:
        return PERIODS_PER_YEAR[unit]
    if value < 1:
        raise FinanceError(
            f"periods per year must be at least 1 (got {value}).",
            hint="Use 12 for monthly flows, 4 for quarterly, 1 for yearly.",
        )
    if unit == "month" and value != 12:
        raise FinanceError(
            f"the periods are months but periods per year is {value}.",
            hint="Drop --periods-per-year (months are 12 a year) or number the periods 0, 1, 2 ….",
        )
    if unit == "year" and value != 1:
        raise FinanceError(
            f"the periods are years but periods per year is {value}.",
            hint="Drop --periods-per-year (years are 1 a year) or number the periods 0, 1, 2 ….",
        )
    return value
