"""GPU efficiency and showback read from the daily rollup give what the charges give.

The rollup holds each charge's GPU measures summed (``ledger/rollup_gpu.py``, SQL); the
charges path measures them in Ibis (``analytics/gpu.py``, ``analytics/_showback.py``).
Over the demo company, ingested through the library (so the rollup is in step), every
query below must agree: money and counts exactly, float sums and what is derived from them
(utilization, cost per hour, idle cost — C · u with u a ratio of float sums — and shares
split by float weights, and the shared cost split in proportion to them) to 1e-9
relative. Per currency, the lines still add up to the cost in scope exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.analytics import _showback, gpu, gpu_efficiency, showback
from infracast.analytics.gpu import gpu_efficiency_by
from infracast.analytics.rollup import gpu_sources
from infracast.analytics.scope import to_rows
from infracast.demo.run import run_demo
from infracast.ledger import ingest_usage, rollup_gpu
from infracast.ledger.connection import Ledger

EXACT = {"cost", "measured_cost", "unmeasured_cost", "charges",
         "unmeasured_charges", "oversubscribed_charges", "direct"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    folder = tmp_path_factory.mktemp("demo")
    with Ledger.open(folder / "ledger.duckdb") as ledger:
        run_demo(ledger, folder / "files", rows=5_000, summary=None)
        yield ledger


def same(rollup_rows: list[dict[str, Any]], charge_rows: list[dict[str, Any]]) -> None:
    assert len(rollup_rows) == len(charge_rows)
    for a, b in zip(rollup_rows, charge_rows, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            x, y = a[key], b[key]
            if key in EXACT or not isinstance(x, (float, Decimal)) or x is None:
                assert x == y, (key, a, b)
            else:
                assert math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-9), (key, a, b)


QUERIES: list[dict[str, Any]] = [
    {},
    {"by": ()},
    {"by": ("team", "month")},
    {"by": ("provider", "gpu_type"), "basis": "billed"},
    {"by": ("gpu_type",), "start": "2026-05-01", "end": "2026-08-01"},
    {"by": ("cost_category",), "filters": ["team=research"]},
]


@pytest.mark.parametrize("query", QUERIES, ids=[str(q) for q in QUERIES])
def test_gpu_efficiency_from_the_rollup_is_what_the_charges_give(
    demo: Ledger, query: dict[str, Any]
) -> None:
    args = {"by": ("gpu_type",), **query}
    assert gpu_sources(demo, args["by"], args.get("start"), args.get("end"),
                       args.get("filters", ())) is not None  # fmt: skip
    backend = demo.ibis()
    charges = to_rows(
        gpu_efficiency_by(backend.table("charges"), backend.table("usage_samples"), **args)
    )
    assert charges, "the demo has GPU charges"
    same(gpu_efficiency(demo, **args), charges)


def test_the_demo_has_measured_unmeasured_and_split_charges(demo: Ledger) -> None:
    row = demo.con.execute(
        "SELECT sum(x_measured_rows), sum(x_gpu_rows - x_measured_rows), sum(x_split_rows) "
        "FROM charges_daily"
    ).fetchone()
    assert row is not None and all(int(v) > 0 for v in row), row


SHOWBACKS: list[dict[str, Any]] = [
    {},
    {"split": "even", "basis": "billed"},
    {"start": "2026-06-01", "end": "2026-07-01"},
    {"filters": ["provider=On-premises (sjc-colo-1)"]},
]


@pytest.mark.parametrize("query", SHOWBACKS, ids=[str(q) for q in SHOWBACKS])
def test_showback_from_the_rollup_is_what_the_charges_give(
    demo: Ledger, query: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from_rollup = showback(demo, **query)
    monkeypatch.setattr(_showback, "gpu_sources", lambda *a, **k: None)
    from_charges = showback(demo, **query)
    assert from_rollup.totals == from_charges.totals
    assert {r["line"] for r in from_charges.rows} >= {"team", "unallocated_idle"}
    same(from_rollup.rows, from_charges.rows)


def test_samples_written_around_the_library_send_readers_back_to_the_charges(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rollup_gpu.samples_in_step(demo.con)
    demo.con.execute("BEGIN TRANSACTION")
    try:
        demo.con.execute(
            "INSERT INTO usage_samples (ts, interval_s, resource_id, gpu_index, utilization, "
            "share, x_ingest_id) SELECT ts, interval_s, resource_id, 9, 1.0, 1, 0 "
            "FROM usage_samples LIMIT 1"
        )
        assert not rollup_gpu.samples_in_step(demo.con)
        assert gpu_sources(demo) is None
        called: list[bool] = []
        monkeypatch.setattr(gpu, "gpu_efficiency_rollup", lambda *a, **k: called.append(True))
        gpu_efficiency(demo)
        assert not called
    finally:
        demo.con.execute("ROLLBACK")
    assert rollup_gpu.samples_in_step(demo.con)


def test_samples_ingested_after_their_charges_measure_them(tmp_path: Path) -> None:
    """More samples than a charge's GPUs in its hour: ingested later, they oversubscribe it,
    and the rollup's measures follow (and still agree with the charges)."""
    with Ledger.open(tmp_path / "l.duckdb") as ledger:
        run_demo(ledger, tmp_path / "files", rows=5_000, summary=None)
        before = gpu_efficiency(ledger, by=())
        usage = tmp_path / "more.csv"
        resource, ts, gpus = ledger.con.execute(
            "SELECT ResourceId, max(ChargePeriodStart), max(x_gpu_count) FROM charges "
            "WHERE x_gpu_hours > 0 AND ResourceId IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        lines = [
            f"{ts.isoformat()},{resource},{100 + i},1.0,3600" for i in range(2 * int(gpus) + 1)
        ]
        usage.write_text("timestamp,resource_id,gpu_index,gr_engine_active,interval_s\n"
                         + "\n".join(lines) + "\n")  # fmt: skip
        assert ingest_usage(ledger, [usage])[0].rows_ingested == len(lines)
        after = gpu_efficiency(ledger, by=())
        assert gpu_sources(ledger) is not None
        assert after[0]["oversubscribed_charges"] == before[0]["oversubscribed_charges"] + 1
        backend = ledger.ibis()
        expr = gpu_efficiency_by(backend.table("charges"), backend.table("usage_samples"), by=())
        same(after, to_rows(expr))
