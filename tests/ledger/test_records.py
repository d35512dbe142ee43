"""The ledger's record helpers: the limit every listing takes."""

from __future__ import annotations

import pytest

from infracast.errors import QueryError
from infracast.ledger.records import MAX_LIMIT, check_limit


def test_a_limit_from_one_to_the_largest_row_count_is_taken() -> None:
    assert check_limit(None) is None
    assert check_limit(1) == 1
    assert check_limit(MAX_LIMIT) == MAX_LIMIT


@pytest.mark.parametrize("limit", [0, -3])
def test_a_limit_below_one_is_a_query_error(limit: int) -> None:
    with pytest.raises(QueryError, match="at least 1"):
        check_limit(limit)


def test_a_limit_past_a_64_bit_integer_is_a_query_error_not_a_duckdb_one() -> None:
    # the API passes any integer a client sends; DuckDB cannot read 2**63 as a LIMIT
    with pytest.raises(QueryError, match=f"at most {MAX_LIMIT}") as raised:
        check_limit(MAX_LIMIT + 1, name="top")
    assert raised.value.message.startswith("top must be at most")
