"""The demo job's result (src/infracast/demo/run.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from infracast.demo.manifest import DemoManifest
from infracast.demo.run import DemoRun
from infracast.ledger.records import IngestResult


def _result(kind: Any, status: Any, read: int, ingested: int, held: int) -> IngestResult:
    return IngestResult(f"{kind}.csv", 1, status, None, read, ingested, held, kind=kind)


def test_the_overview_counts_files_by_status_and_rows_per_kind() -> None:
    run = DemoRun(
        manifest=cast(DemoManifest, None),
        out_dir=Path("demo"),
        results=[
            _result("focus", "ingested", 10, 9, 1),
            _result("focus", "already_ingested", 5, 0, 0),
            _result("usage", "rejected", 0, 0, 0),
        ],
    )
    assert run.ingested() == [
        {
            "kind": "focus",
            "files": 2,
            "ingested": 1,
            "already_ingested": 1,
            "rejected": 0,
            "rows_read": 15,
            "rows_ingested": 9,
            "rows_quarantined": 1,
            "rows_with_warnings": 0,
        },
        {
            "kind": "usage",
            "files": 1,
            "ingested": 0,
            "already_ingested": 0,
            "rejected": 1,
            "rows_read": 0,
            "rows_ingested": 0,
            "rows_quarantined": 0,
            "rows_with_warnings": 0,
        },
    ]
