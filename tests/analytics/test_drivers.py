"""The drill-down of a period's cost change: which team, service, SKU, region or
resource moved it, by how much and what share of the whole change."""

from __future__ import annotations

import pytest

from infracast.analytics.drivers import change_drivers
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges


def day(d: int, cost: float, **row: object) -> dict[str, object]:
    return {
        "ChargePeriodStart": f"2026-01-{d:02d}T00:00",
        "ChargePeriodEnd": f"2026-01-{d + 1:02d}T00:00",
        "cost": cost,
        **row,
    }


@pytest.fixture
def jump(ledger: Ledger) -> Ledger:
    """Jan 1-4: research 10 and infra 6 a day. Jan 5: research 40 (a forgotten VM,
    service VM), infra 4."""
    rows = []
    for d in range(1, 5):
        rows += [day(d, 10, x_team="research", ServiceName="S3"), day(d, 6, x_team="infra")]
    rows += [
        day(5, 10, x_team="research", ServiceName="S3"),
        day(5, 30, x_team="research", ServiceName="VM", ResourceId="vm-1"),
        day(5, 4, x_team="infra"),
    ]
    add_charges(ledger, rows)
    return ledger


def test_the_change_is_split_by_the_values_that_moved_it(jump: Ledger) -> None:
    found = change_drivers(jump, "2026-01-05", by=["team", "service"], baseline=4)
    # expected = mean of Jan 1-4 = 16; current = 44; change = 28
    assert (found.expected, found.current, found.change) == (16.0, 44.0, 28.0)
    by = {(d["dimension"], d["value"]): d for d in found.drivers}
    research = by[("team", "research")]
    assert research["change"] == 30.0 and research["share"] == pytest.approx(30 / 28)
    assert by[("team", "infra")]["change"] == -2.0  # against the total: a negative share
    assert by[("service", "VM")]["change"] == 30.0
    assert found.drivers[0]["change"] == 30.0  # the largest change first


def test_top_keeps_the_largest_values_of_each_dimension(jump: Ledger) -> None:
    found = change_drivers(jump, "2026-01-05", by=["team", "resource"], baseline=4, top=1)
    assert [(d["dimension"], d["value"]) for d in found.drivers] == [
        ("resource", "vm-1"),
        ("team", "research"),
    ]


def test_an_unchanged_value_is_not_a_driver(jump: Ledger) -> None:
    found = change_drivers(jump, "2026-01-04", by=["team"], baseline=3)
    assert found.change == 0.0 and found.drivers == []


def test_a_baseline_below_one_period_is_refused(jump: Ledger) -> None:
    with pytest.raises(QueryError, match="baseline must be at least 1"):
        change_drivers(jump, "2026-01-05", baseline=0)
