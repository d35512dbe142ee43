"""Benchmark: an Ibis breakdown by team and day against the hand-written DuckDB SQL.

Both read the same ledger of ``--rows`` ingested demo charges and return the
same rows (checked) as Python dicts: the four cost sums by team, day and
currency, list and contracted cost null where a charge lacks them. Each is run
once to warm up, then ``--repeat`` times alternating. The ratio is of medians. Target: within 1.3x.

    python bench/analytics.py              # 10M rows (makes the ledger once)
"""

from __future__ import annotations

import argparse
import time

from bench._common import WORK, aws_focus_file, median

HAND_SQL = """
SELECT NULLIF(x_team, '') AS team,
       strftime(date_trunc('day', ChargePeriodStart), '%Y-%m-%d') AS day,
       sum(BilledCost) AS billed_cost, sum(EffectiveCost) AS effective_cost,
       CASE WHEN count(ListCost) = count(*) THEN sum(ListCost) END AS list_cost,
       CASE WHEN count(ContractedCost) = count(*) THEN sum(ContractedCost) END
         AS contracted_cost,
       BillingCurrency AS currency
FROM charges GROUP BY ALL ORDER BY effective_cost DESC, currency, team, day
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from infracast import analytics
    from infracast.ledger import ingest_focus
    from infracast.ledger.connection import Ledger

    path = WORK / f"analytics-{args.rows}.duckdb"
    if not path.exists():
        with Ledger.open(path) as ledger:
            ingest_focus(ledger, [aws_focus_file(args.rows)])
    with Ledger.open(path, read_only=True) as ledger:

        def ours() -> int:
            return len(analytics.costs(ledger, by=["team", "day"]))

        def hand() -> int:
            return len(ledger.con.execute(HAND_SQL).to_arrow_table().to_pylist())

        assert analytics.costs(ledger, by=["team", "day"]) == (
            ledger.con.execute(HAND_SQL).to_arrow_table().to_pylist()
        ), "the two paths must return the same rows"
        times: dict[str, list[float]] = {"ibis": [], "sql": []}
        for _ in range(args.repeat):
            for name, fn in (("ibis", ours), ("sql", hand)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    i, s = median(times["ibis"]), median(times["sql"])
    print(
        f"{args.rows:>11,} charges  cost by team and day: hand-written SQL {s:5.3f} s  "
        f"infracast (Ibis) {i:5.3f} s  ratio {i / s:4.2f}x (target <= 1.3)  "
        f"[{args.repeat} runs each, medians]"
    )


if __name__ == "__main__":
    main()
