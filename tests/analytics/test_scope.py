import re
from decimal import Decimal

import pytest

from infracast.analytics.scope import check_basis, cost_column, in_scope, to_rows
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger


def test_unknown_basis_suggests_the_closest() -> None:
    message = 'unknown cost basis "biled". Did you mean "billed"'
    with pytest.raises(QueryError, match=re.escape(message)):
        check_basis("biled")


def test_cost_column_reads_the_basis(company: Ledger) -> None:
    charges = company.ibis().table("charges")
    # Effective: USD 175 + EUR 40 = 215; billed: 200 + 40 = 240 (mixed only to test the column).
    assert cost_column(charges, "effective").sum().to_pyarrow().as_py() == Decimal(215)
    assert cost_column(charges, "billed").sum().to_pyarrow().as_py() == Decimal(240)


def test_scope_bounds_are_utc_and_half_open(company: Ledger) -> None:
    charges = company.ibis().table("charges")
    # 2026-01-10T02:00+02:00 is Jan 10 00:00 UTC, r1's start: included as start, excluded as end.
    kept = in_scope(charges, start="2026-01-10T02:00:00+02:00", end="2026-01-15")
    assert [r["ServiceName"] for r in to_rows(kept.select("ServiceName"))] == ["AmazonEC2"]
    assert to_rows(in_scope(charges, end="2026-01-10T02:00:00+02:00").select("ServiceName")) == [
        {"ServiceName": "AWS Data Transfer"}
    ]
