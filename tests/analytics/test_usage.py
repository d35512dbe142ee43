from collections.abc import Callable

from infracast.analytics.scope import to_rows
from infracast.analytics.usage import gpu_charges, sample_totals, with_totals
from infracast.ledger.connection import Ledger

HOUR = {"ChargePeriodStart": "2026-01-05T10:00", "ChargePeriodEnd": "2026-01-05T11:00"}


def test_gpu_charges_are_those_with_gpu_hours(make_ledger: Callable[..., Ledger]) -> None:
    ledger = make_ledger(
        charges=[
            {"ResourceId": "g", "x_gpu_hours": 8.0, "cost": 1},
            {"ResourceId": "zero", "x_gpu_hours": 0.0, "cost": 1},
            {"ResourceId": "cpu", "cost": 1},
        ]
    )
    rows = to_rows(gpu_charges(ledger.ibis().table("charges")).select("ResourceId"))
    assert rows == [{"ResourceId": "g"}]


def test_capacity_is_gpu_count_times_period_else_gpu_hours(
    make_ledger: Callable[..., Ledger],
) -> None:
    # 2 GPUs x 3600 s = 7200; no count: 3 GPU-hours x 3600 = 10800.
    ledger = make_ledger(
        charges=[
            {**HOUR, "ResourceId": "a", "x_gpu_count": 2.0, "x_gpu_hours": 2.0},
            {**HOUR, "ResourceId": "b", "x_gpu_hours": 3.0},
        ]
    )
    charges = ledger.ibis().table("charges")
    rows = to_rows(
        with_totals(charges, ledger.ibis().table("usage_samples")).order_by("ResourceId")
    )
    assert [r["capacity_s"] for r in rows] == [7200.0, 10800.0]


def test_samples_count_in_the_period_their_start_falls_in(
    make_ledger: Callable[..., Ledger],
) -> None:
    # Period [10:00, 11:00): the 10:00 and 10:59 samples count, 09:59 and 11:00 do not.
    # held = 1 x 600 + 0.5 x 600 = 900; busy = 600 x 0.5 + 300 x 1.0 = 600;
    # the team-labelled sample holds 300.
    ledger = make_ledger(
        charges=[{**HOUR, "ResourceId": "g", "x_gpu_count": 1.0, "x_gpu_hours": 1.0}],
        samples=[
            {"ts": "2026-01-05T09:59", "resource_id": "g", "interval_s": 600, "utilization": 1},
            {"ts": "2026-01-05T10:00", "resource_id": "g", "interval_s": 600, "utilization": 0.5},
            {
                "ts": "2026-01-05T10:59",
                "resource_id": "g",
                "interval_s": 600,
                "share": 0.5,
                "utilization": 1.0,
                "team": "a",
            },
            {"ts": "2026-01-05T11:00", "resource_id": "g", "interval_s": 600, "utilization": 1},
            {"ts": "2026-01-05T10:30", "resource_id": "other", "utilization": 1},
        ],
    )
    backend = ledger.ibis()
    (row,) = to_rows(sample_totals(backend.table("charges"), backend.table("usage_samples")))
    assert (row["held_s"], row["busy_s"], row["utilization_samples"], row["labelled_s"]) == (
        900.0,
        600.0,
        2,
        300.0,
    )


def test_charges_of_one_resource_period_are_not_repeated(
    make_ledger: Callable[..., Ledger],
) -> None:
    # Two charges of the same resource and hour (say on-demand and covered parts) both
    # see the same samples, and the join keeps exactly two rows.
    ledger = make_ledger(
        charges=[
            {**HOUR, "ResourceId": "g", "x_gpu_count": 1.0, "x_gpu_hours": 1.0, "cost": 1},
            {**HOUR, "ResourceId": "g", "x_gpu_count": 1.0, "x_gpu_hours": 1.0, "cost": 2},
        ],
        samples=[{"ts": "2026-01-05T10:00", "resource_id": "g", "utilization": 1.0}] * 3,
    )
    backend = ledger.ibis()
    rows = to_rows(with_totals(backend.table("charges"), backend.table("usage_samples")))
    assert [r["held_s"] for r in rows] == [10800.0, 10800.0]
