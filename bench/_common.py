"""Shared by the benchmarks: demo data at a given size, timing a child process."""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "out"


@dataclass
class Measured:
    seconds: float
    max_rss_mib: float


def run_child(code: str, *args: str) -> Measured:
    """Run ``code`` in a fresh Python process; its wall time and peak resident memory."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args])
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child failed: {code[:80]}…")
    return Measured(elapsed, usage.ru_maxrss / 1024)


def aws_focus_file(rows: int) -> Path:
    """A single Parquet file of ``rows`` demo AWS FOCUS 1.2 rows (made once, kept in bench/out)."""
    target = WORK / f"aws-focus-{rows}.parquet"
    if target.exists():
        return target
    demo = demo_dir(math.ceil(rows / 0.55))
    WORK.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    have = con.execute(
        f"SELECT count(*) FROM read_parquet('{demo}/focus/aws/*.parquet')"
    ).fetchone()
    assert have is not None and have[0] >= rows, f"the demo has only {have} AWS rows"
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{demo}/focus/aws/*.parquet') LIMIT {rows}) "
        f"TO '{target}' (FORMAT parquet)"
    )
    return target


def demo_dir(rows: int) -> Path:
    """The demo company generated at ``rows`` FOCUS rows (made once, kept in bench/out)."""
    from infracast.demo import generate

    out = WORK / f"demo-{rows}"
    manifest = out / "manifest.json"
    if not manifest.exists() or json.loads(manifest.read_text())["rows_requested"] != rows:
        print(f"generating the demo company at {rows:,} rows in {out} …", flush=True)
        generate(out, rows=rows)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def fresh(path: Path) -> Path:
    for suffix in ("", ".wal"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()
    return path
