"""Utilization per resource over a window, on a hand-written ledger (arithmetic in comments)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from infracast.analytics.utilization import ResourceUtilization, resource_utilization
from infracast.errors import QueryError
from infracast.ledger.connection import Ledger

from .ledgers import add_charges, add_samples

D = Decimal


def _day(d: int) -> dict[str, str]:
    nxt = f"2026-01-{d + 1:02d}T00:00" if d < 31 else "2026-02-01T00:00"
    return {"ChargePeriodStart": f"2026-01-{d:02d}T00:00", "ChargePeriodEnd": nxt}


# Window: the last sample is 2026-01-14 23:00, so by default [2026-01-01, 2026-01-15).
#   i-1 1 GPU, hourly at 1 % for 14 days (336 samples, 500 MiB), team "other" on the samples;
#       charges 100 a day Jan 1-14, team research, 24 GPU-h a day -> cost 1,400 over
#       14 days: 1,400 × 30 / 14 = 3,000 a month, 720 GPU-h a month. A 90 % sample and a
#       charge on Dec 31 fall outside the window.
#   i-2 1 GPU, ten samples Jan 14 00:00-09:00 at 0.0, 0.1 … 0.9; one charge of 48 on Jan 14
#       (1 day): 48 × 30 = 1,440 a month. Quantiles interpolate over the ten values:
#       p50 = 0.45, p90 = 0.8 + 0.1 × 0.1 = 0.81, p95 = 0.855, p99 = 0.891.
#   i-3 2 GPUs sampled once on Jan 14 12:00 (50 %, 70 %; 1,000 and 3,000 MiB); no charges.
CHARGES: list[dict[str, Any]] = [
    *(
        {**_day(d), "ResourceId": "i-1", "cost": 100, "x_gpu_count": 1, "x_gpu_hours": 24,
         "x_gpu_type": "H100-SXM", "x_team": "research", "ServiceProviderName": "AWS"}
        for d in range(1, 15)
    ),
    {"ChargePeriodStart": "2025-12-31T00:00", "ChargePeriodEnd": "2026-01-01T00:00",
     "ResourceId": "i-1", "cost": 999},
    {**_day(14), "ResourceId": "i-2", "cost": 48, "x_gpu_count": 1, "x_gpu_hours": 24,
     "x_gpu_type": "L4"},
]  # fmt: skip
SAMPLES: list[dict[str, Any]] = [
    *(
        {"ts": f"2026-01-{d:02d}T{h:02d}:00", "resource_id": "i-1", "utilization": 0.01,
         "memory_used_mib": 500.0, "team": "other"}
        for d in range(1, 15)
        for h in range(24)
    ),
    {"ts": "2025-12-31T23:00", "resource_id": "i-1", "utilization": 0.9},
    *(
        {"ts": f"2026-01-14T{i:02d}:00", "resource_id": "i-2", "utilization": i / 10,
         "team": "applied", "workload": "embed"}
        for i in range(10)
    ),
    {"ts": "2026-01-14T12:00", "resource_id": "i-3", "utilization": 0.5,
     "memory_used_mib": 1000.0},
    {"ts": "2026-01-14T12:00", "resource_id": "i-3", "gpu_index": 1, "utilization": 0.7,
     "memory_used_mib": 3000.0},
]  # fmt: skip


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    """One ledger for the module (the tests only read it)."""
    with Ledger.open(":memory:") as opened:
        add_charges(opened, CHARGES)
        add_samples(opened, SAMPLES)
        yield opened


@pytest.fixture(scope="module")
def rows(ledger: Ledger) -> dict[str, dict[str, Any]]:
    return {r["resource_id"]: r for r in resource_utilization(ledger).rows}


def test_the_default_window_is_the_last_14_days_of_samples(ledger: Ledger) -> None:
    out = resource_utilization(ledger)
    assert (out.start, out.end) == (datetime(2026, 1, 1), datetime(2026, 1, 15))
    # Most monthly cost first; i-3 has no charges.
    assert [r["resource_id"] for r in out.rows] == ["i-1", "i-2", "i-3"]


def test_an_idle_gpu_for_two_weeks(rows: dict[str, dict[str, Any]]) -> None:
    i1 = rows["i-1"]
    assert (i1["samples"], i1["hours_sampled"], i1["recent_hours"]) == (336, 336.0, 168.0)
    assert i1["idle_share"] == i1["recent_idle_share"] == 1.0
    assert i1["max"] == pytest.approx(0.01)
    assert i1["histogram"] == [336, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert i1["monthly_cost"] == D(3000)
    assert i1["monthly_gpu_hours"] == pytest.approx(720.0)
    assert (i1["charged_days"], i1["cost"]) == (14.0, D(1400))
    assert (i1["team"], i1["gpu_type"], i1["provider"], i1["currency"]) == (
        "research",
        "H100-SXM",
        "AWS",
        "USD",
    )


def test_the_distribution_is_exact_quantiles_and_a_ten_bin_histogram(
    rows: dict[str, dict[str, Any]],
) -> None:
    i2 = rows["i-2"]
    got = [i2[k] for k in ("mean", "p50", "p90", "p95", "p99", "max")]
    assert got == pytest.approx([0.45, 0.45, 0.81, 0.855, 0.891, 0.9])
    assert i2["histogram"] == [1] * 10
    assert i2["idle_share"] == pytest.approx(0.1)  # only the 0.0 sample is below 5 %
    assert i2["monthly_cost"] == D(1440)
    assert (i2["team"], i2["workload"]) == ("applied", "embed")


def test_gpus_peak_memory_and_a_resource_without_charges(
    rows: dict[str, dict[str, Any]],
) -> None:
    # Two GPUs, one hourly sample each: 2 × 3600 s ÷ 2 GPUs = 1 instance-hour.
    i3 = rows["i-3"]
    assert (i3["gpus"], i3["hours_sampled"], i3["peak_memory_mib"]) == (2, 1.0, 3000.0)
    assert (i3["monthly_cost"], i3["currency"]) == (None, None)


def test_a_window_given_bounds_samples_and_charges(ledger: Ledger) -> None:
    # Jan 14 only: i-1 has 24 samples and one charge of 100 over 1 day -> 3,000 a month.
    out = resource_utilization(ledger, start="2026-01-14", end="2026-01-15")
    i1 = next(r for r in out.rows if r["resource_id"] == "i-1")
    assert (i1["samples"], i1["monthly_cost"]) == (24, D(3000))


def test_only_a_start_takes_the_window_length_from_it(ledger: Ledger) -> None:
    out = resource_utilization(ledger, start="2026-01-08", days=7)
    assert (out.start, out.end) == (datetime(2026, 1, 8), datetime(2026, 1, 15))
    i1 = next(r for r in out.rows if r["resource_id"] == "i-1")
    assert i1["samples"] == 7 * 24


def test_a_ledger_without_samples_has_no_rows(make_ledger: Callable[..., Ledger]) -> None:
    out = resource_utilization(make_ledger(charges=CHARGES[:1]))
    assert out == ResourceUtilization(None, None, 0.05, 7)


def test_an_empty_window_is_refused_with_the_flags_named(ledger: Ledger) -> None:
    with pytest.raises(QueryError, match="--from"):
        resource_utilization(ledger, start="2026-01-15", end="2026-01-01")


def test_a_monthly_charge_counts_by_its_share_inside_the_window(
    make_ledger: Callable[..., Ledger],
) -> None:
    # An owned server: amortization 3,100 and energy 310 for January (31 days), one sample
    # a day Jan 1-14. Window [Jan 1, Jan 15): 14/31 of each -> 1,400 and 140 over 14 days;
    # a month: (1,400 + 140) × 30 / 14 = 3,300, of which 1,400 × 30 / 14 = 3,000 is sunk
    # (the amortization, paid whether the GPUs work or not).
    month = {"ChargePeriodStart": "2026-01-01T00:00", "ChargePeriodEnd": "2026-02-01T00:00"}
    ledger = make_ledger(
        charges=[
            {**month, "ResourceId": "srv-1", "cost": 3100, "x_source": "asset"},
            {
                **month,
                "ResourceId": "srv-1",
                "cost": 310,
                "x_source": "asset",
                "x_cost_category": "energy",
            },
        ],
        samples=[
            {"ts": f"2026-01-{d:02d}T00:00", "resource_id": "srv-1", "utilization": 0.5}
            for d in range(1, 15)
        ],
    )
    [row] = resource_utilization(ledger, start="2026-01-01", end="2026-01-15").rows
    assert row["owned"] is True
    assert row["charged_days"] == 14.0
    assert row["monthly_cost"] == pytest.approx(D(3300))
    assert row["monthly_sunk_cost"] == pytest.approx(D(3000))


def test_naming_resources_keeps_only_theirs() -> None:
    from infracast.analytics.utilization import resource_utilization
    from tests.recommend.test_gpu import _fill

    with Ledger.open(":memory:") as led:
        _fill(led)
        every = resource_utilization(led)
        some = resource_utilization(led, resources=["dev-1", "job-1"])
    assert len(every.rows) == 8  # dev-1, rep-0..3, job-1, lite-1, busy-1
    assert sorted(r["resource_id"] for r in some.rows) == ["dev-1", "job-1"]
    assert some.rows == [r for r in every.rows if r["resource_id"] in ("dev-1", "job-1")]
