"""Streams: buffered in Python, flushed to DuckDB in batches, readable and patchable either way."""

from __future__ import annotations

import duckdb

from infracast.demo.streams import TABLE, Streams


def _identity(name: str) -> dict[str, object]:
    return {"resource_id": f"rid-{name}", "tags": {"team": "research"}, "custom": ["a", "b"]}


def test_streams_are_numbered_in_order_across_batches() -> None:
    con = duckdb.connect()
    streams = Streams(con, batch=2)
    sids = [
        streams.add(_identity(str(i)), provider="aws", kind="instance", t0=0, t1=24, grain=1)
        for i in range(5)
    ]
    streams.flush()
    assert sids == [0, 1, 2, 3, 4]
    rows = con.execute(f"SELECT sid, resource_id, span, x1, tags['team'] FROM {TABLE}").fetchall()
    assert rows == [(i, f"rid-{i}", 1, "a", "research") for i in range(5)]


def test_updates_and_copies_reach_flushed_and_buffered_streams() -> None:
    con = duckdb.connect()
    streams = Streams(con, batch=2)
    for i in range(3):  # 0 and 1 are flushed, 2 is still buffered
        streams.add(_identity(str(i)), provider="gcp", kind="shared", t0=0, t1=48, grain=24)
    streams.update([0, 2], freq_bad_from=24, freq_bad_to=48)
    copy = streams.copy(1, kind="refund", t1=1)
    assert streams.get(1)["kind"] == "shared" and streams.get(copy)["resource_id"] == "rid-1"
    streams.flush()
    rows = con.execute(f"SELECT sid, kind, freq_bad_from, t1 FROM {TABLE} ORDER BY sid").fetchall()
    assert rows == [
        (0, "shared", 24, 48),
        (1, "shared", None, 48),
        (2, "shared", 24, 48),
        (3, "refund", None, 1),
    ]
