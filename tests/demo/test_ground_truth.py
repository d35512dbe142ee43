"""The manifest's ground truth against the files: totals and anomalies."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from infracast.demo import Anomaly, DemoManifest

from .conftest import focus_glob


def test_totals_equal_a_direct_sum_over_the_files(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, manifest = demo
    for total in manifest.totals:
        row = con.execute(
            f"SELECT count(*), sum(BilledCost), sum(EffectiveCost), any_value(BillingCurrency) "
            f"FROM '{focus_glob(out, total.provider)}'"
        ).fetchone()
        assert row == (total.rows, total.billed_cost, total.effective_cost, total.currency)
    assert sum(t.rows for t in manifest.totals) == manifest.focus_rows


def test_csv_totals_leave_out_only_the_unparseable_costs(
    demo_csv: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, manifest = demo_csv
    for total in manifest.totals:
        row = con.execute(
            "SELECT count(*), sum(TRY_CAST(BilledCost AS DECIMAL(38, 10))), "
            "sum(CAST(EffectiveCost AS DECIMAL(38, 10))) FROM read_csv(?, all_varchar = true, "
            "nullstr = ['NULL', ''])",
            [focus_glob(out, total.provider, "csv")],
        ).fetchone()
        assert row == (total.rows, total.billed_cost, total.effective_cost)


def _anomaly(manifest: DemoManifest, kind: str) -> Anomaly:
    return next(a for a in manifest.anomalies if a.kind == kind)


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))


def test_three_anomalies_are_recorded_inside_the_period(demo: tuple[Path, DemoManifest]) -> None:
    _, manifest = demo
    assert {a.kind for a in manifest.anomalies} == {
        "forgotten_dev_cluster",
        "egress_spike",
        "autoscaler_min_replicas",
    }
    for a in manifest.anomalies:
        assert manifest.period_start <= a.start < a.end <= manifest.period_end + "T00:00:00Z"
        assert a.extra_effective_cost > 0 and a.resource_ids


def test_forgotten_cluster_bills_only_in_its_window_and_idles(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, manifest = demo
    a = _anomaly(manifest, "forgotten_dev_cluster")
    (rid,) = a.resource_ids
    row = con.execute(
        f"SELECT min(ChargePeriodStart), max(ChargePeriodEnd), sum(EffectiveCost) "
        f"FROM '{focus_glob(out, a.provider)}' WHERE ResourceId = ?",
        [rid],
    ).fetchone()
    assert row is not None
    assert (row[0], row[1]) == (_ts(a.start), _ts(a.end))
    assert abs(float(row[2]) - float(a.extra_effective_cost)) < 1
    util = con.execute(
        f"SELECT max(utilization_pct), count(*) FROM '{out}/usage/{a.provider}-*.parquet' "
        "WHERE resource_id = ?",
        [rid],
    ).fetchone()
    assert util is not None and util[0] <= 2.0 and util[1] == 8 * 24 * 10


def test_egress_spike_dwarfs_the_days_around_it(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, manifest = demo
    a = _anomaly(manifest, "egress_spike")
    (rid,) = a.resource_ids
    last = _ts(a.end) - timedelta(days=1)  # daily rows: the last day in the window
    inside, outside = con.execute(
        f"""SELECT avg(ConsumedQuantity) FILTER (WHERE ChargePeriodStart BETWEEN ? AND ?),
                   avg(ConsumedQuantity) FILTER (WHERE ChargePeriodStart NOT BETWEEN ? AND ?)
            FROM '{focus_glob(out, a.provider)}' WHERE ResourceId = ?""",
        [_ts(a.start), last, _ts(a.start), last, rid],
    ).fetchone() or (0, 1)
    assert inside > 10 * outside
    extra = con.execute(
        f"SELECT sum(ConsumedQuantity) - 5 * ? FROM '{focus_glob(out, a.provider)}' "
        "WHERE ResourceId = ? AND ChargePeriodStart >= ? AND ChargePeriodStart < ?",
        [outside, rid, _ts(a.start), _ts(a.end)],
    ).fetchone()
    assert extra is not None
    assert float(extra[0]) == pytest.approx(a.extra_quantity, rel=0.15)


def test_autoscaler_anomaly_raises_the_services_cost_that_week(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, manifest = demo
    a = _anomaly(manifest, "autoscaler_min_replicas")
    weekly = con.execute(
        f"""SELECT floor((epoch(ChargePeriodStart) - epoch(?::TIMESTAMP)) / (7 * 86400)) AS week,
                   sum(ListCost) AS cost
            FROM '{focus_glob(out, a.provider)}'
            WHERE Tags['project'] = ? AND regexp_full_match(ResourceName, ?)
              AND ChargeCategory = 'Usage'
            GROUP BY ALL ORDER BY week""",
        [_ts(a.start), a.project, f"{a.workload}-[0-9]+"],
    ).fetchall()
    by_week = {week: float(cost) for week, cost in weekly}
    before = (by_week[-2] + by_week[-1]) / 2
    assert by_week[0] > 1.1 * before  # the anomaly week
    rows_extra = con.execute(
        f"SELECT count(*) FROM '{focus_glob(out, a.provider)}' WHERE list_contains(?, ResourceId) "
        "AND ChargePeriodStart >= ? AND ChargePeriodStart < ?",
        [a.resource_ids, _ts(a.start), _ts(a.end)],
    ).fetchone()
    assert rows_extra is not None and rows_extra[0] >= a.extra_quantity
