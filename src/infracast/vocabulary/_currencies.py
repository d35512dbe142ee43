"""Currencies: the ISO 4217 codes infracast accepts (``data/iso4217.csv``)."""

from __future__ import annotations

from functools import cache

from infracast.errors import did_you_mean
from infracast.vocabulary.data import data_rows


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes accepted as a BillingCurrency."""
    return frozenset(row["code"] for row in data_rows("iso4217.csv"))


def iso_currency(value: str) -> str:
    """``value`` as an upper-case ISO 4217 code; a ValueError (for Pydantic) naming it if not."""
    code = value.upper()
    known = currencies()
    if code not in known:
        raise ValueError(f"currency {value!r} is not an ISO 4217 code.{did_you_mean(code, known)}")
    return code
