"""Mean utilization per resource and day, on a hand-written ledger (arithmetic in comments)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest

from infracast.analytics.gpu_heatmap import utilization_heatmap
from infracast.analytics.utilization import resource_utilization
from infracast.ledger.connection import Ledger

from .ledgers import add_charges, add_samples

# The last sample is 2026-01-02 18:00, so the last 2 days are [2026-01-01, 2026-01-03).
#   i-1 1 GPU, team research on its charge (the samples say "other": the charge wins):
#       Jan 1: 0.2 and 0.4 -> mean 0.3; Jan 2: 1.5 (clipped to 1.0) and 0.5 -> mean 0.75.
#       A 0.9 on Dec 31 falls outside the window.
#   i-2 2 GPUs, no charges, team "applied" on its samples: Jan 2: 0.1 (GPU 0) and 0.3
#       (GPU 1) -> mean 0.2, each GPU's sample counted once; a sample without a reading
#       counts in no mean.
CHARGES: list[dict[str, Any]] = [
    {"ChargePeriodStart": "2026-01-01T00:00", "ChargePeriodEnd": "2026-01-03T00:00",
     "ResourceId": "i-1", "cost": 48, "x_gpu_count": 1, "x_gpu_hours": 48,
     "x_team": "research"},
]  # fmt: skip
SAMPLES: list[dict[str, Any]] = [
    {"ts": "2025-12-31T10:00", "resource_id": "i-1", "utilization": 0.9, "team": "other"},
    {"ts": "2026-01-01T10:00", "resource_id": "i-1", "utilization": 0.2, "team": "other"},
    {"ts": "2026-01-01T11:00", "resource_id": "i-1", "utilization": 0.4, "team": "other"},
    {"ts": "2026-01-02T10:00", "resource_id": "i-1", "utilization": 1.5, "team": "other"},
    {"ts": "2026-01-02T11:00", "resource_id": "i-1", "utilization": 0.5, "team": "other"},
    {"ts": "2026-01-02T12:00", "resource_id": "i-2", "utilization": 0.1, "team": "applied"},
    {"ts": "2026-01-02T12:00", "resource_id": "i-2", "gpu_index": 1, "utilization": 0.3,
     "team": "applied"},
    {"ts": "2026-01-02T18:00", "resource_id": "i-2", "utilization": None, "team": "applied"},
]  # fmt: skip
JAN1, JAN2 = date(2026, 1, 1), date(2026, 1, 2)


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:") as opened:
        add_charges(opened, CHARGES)
        add_samples(opened, SAMPLES)
        yield opened


def cells(rows: list[dict[str, Any]]) -> dict[tuple[str, date], float]:
    return {(r["resource_id"], r["day"]): round(r["mean"], 9) for r in rows}


def test_each_cell_is_the_mean_of_that_days_clipped_samples(ledger: Ledger) -> None:
    found = utilization_heatmap(ledger, days=2)
    assert (found.start, found.end) == (datetime(2026, 1, 1), datetime(2026, 1, 3))
    assert cells(found.rows) == {("i-1", JAN1): 0.3, ("i-1", JAN2): 0.75, ("i-2", JAN2): 0.2}
    counts = {(r["resource_id"], r["day"]): r["samples"] for r in found.rows}
    assert counts == {("i-1", JAN1): 2, ("i-1", JAN2): 2, ("i-2", JAN2): 2}
    # i-2's two samples are one GPU-hour each: 2 GPU-hours
    assert [r["gpu_hours"] for r in found.rows if r["resource_id"] == "i-2"] == [2.0]


def test_the_matrix_has_a_column_per_day_and_none_where_no_sample(ledger: Ledger) -> None:
    found = utilization_heatmap(ledger, days=2)
    assert found.days == [JAN1, JAN2]
    matrix = found.matrix(["i-2", "i-1"])
    assert matrix[0] == [None, pytest.approx(0.2)]
    assert matrix[1] == [pytest.approx(0.3), pytest.approx(0.75)]


def test_a_team_keeps_its_resources_the_charges_team_winning(ledger: Ledger) -> None:
    by_team = {
        team: {r["resource_id"] for r in utilization_heatmap(ledger, days=2, team=team).rows}
        for team in ("research", "applied", "other")
    }
    assert by_team == {"research": {"i-1"}, "applied": {"i-2"}, "other": set()}


def test_naming_resources_keeps_only_theirs(ledger: Ledger) -> None:
    found = utilization_heatmap(ledger, days=2, resources=["i-2"])
    assert {r["resource_id"] for r in found.rows} == {"i-2"}


def test_a_given_window_bounds_the_days(ledger: Ledger) -> None:
    found = utilization_heatmap(ledger, start="2025-12-31", end="2026-01-02")
    # Dec 31: 0.9 alone; Jan 1 as before; Jan 2 is outside [Dec 31, Jan 2)
    assert cells(found.rows) == {("i-1", date(2025, 12, 31)): 0.9, ("i-1", JAN1): 0.3}
    assert found.days == [date(2025, 12, 31), JAN1]


def test_the_days_weighted_by_samples_give_the_utilization_mean(ledger: Ledger) -> None:
    found = utilization_heatmap(ledger, days=2)
    means = {r["resource_id"]: r["mean"] for r in resource_utilization(ledger, days=2).rows}
    for resource, mean in means.items():
        days = [r for r in found.rows if r["resource_id"] == resource]
        weighted = sum(r["mean"] * r["samples"] for r in days) / sum(r["samples"] for r in days)
        assert weighted == pytest.approx(mean)


def test_a_ledger_without_samples_has_no_rows(make_ledger: Callable[..., Ledger]) -> None:
    found = utilization_heatmap(make_ledger())
    assert found.rows == [] and found.days == []
