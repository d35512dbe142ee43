"""Benchmark: validated FOCUS ingest against a plain DuckDB copy of the same Parquet file.

Baseline: ``CREATE TABLE t AS SELECT * FROM read_parquet(file)`` into a fresh
DuckDB file. Measured: ``infracast.ingest_focus`` of the same file into a fresh
ledger (typing, every quarantine and warning rule, enrichment, quarantine pass,
bookkeeping). Both run in a fresh process and include closing the database
(the checkpoint), alternating, ``--repeat`` times; the ratio is of medians.
Targets: ingest within 2x the plain copy; peak memory under 4 GiB at 10M rows.

    python bench/ingest.py                 # 1M and 10M rows (makes the data once)
    python bench/ingest.py --rows 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import platform

import duckdb

from bench._common import WORK, Measured, aws_focus_file, fresh, median, run_child

PLAIN = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET enable_progress_bar_print = false")
con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{sys.argv[2]}')")
con.close()
"""
OURS = """
import sys
from infracast.ledger.connection import Ledger
from infracast.ledger import ingest_focus
ledger = Ledger.open(sys.argv[1])
(result,) = ingest_focus(ledger, [sys.argv[2]])
assert result.status == "ingested", result
ledger.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"duckdb {duckdb.__version__}, {platform.python_version()}, {platform.machine()}")
    for rows in args.rows:
        source = aws_focus_file(rows)
        plain: list[Measured] = []
        ours: list[Measured] = []
        for _ in range(args.repeat):
            plain.append(run_child(PLAIN, str(fresh(WORK / "plain.duckdb")), str(source)))
            ours.append(run_child(OURS, str(fresh(WORK / "ledger.duckdb")), str(source)))
        p = median([m.seconds for m in plain])
        o = median([m.seconds for m in ours])
        rss = max(m.max_rss_mib for m in ours)
        print(
            f"{rows:>11,} rows  plain copy {p:6.2f} s  validated ingest {o:6.2f} s  "
            f"ratio {o / p:4.2f}x (target <= 2.0)  ingest peak RSS {rss:,.0f} MiB "
            f"(target < 4096)  [{args.repeat} runs each, medians]"
        )


if __name__ == "__main__":
    main()
