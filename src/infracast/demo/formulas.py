"""The demo's formulas as DuckDB macros: randomness, demand, storage, egress, utilization.

Every random number is ``hash(key…, seed)`` mapped to [0, 1), so a row's values
depend only on its stream, its hour and the seed, never on thread scheduling or
on how many rows were generated before it. The same macros size the fleet,
write the charges and the usage samples, and measure the anomalies, so the
three always agree.

Raw SQL rather than Ibis: the generator needs DuckDB table functions,
``unnest`` of ranges and COPY, none of which Ibis can say.
"""

from __future__ import annotations

import duckdb

from infracast.demo.period import Period

# Shape of demand (inference) and of traffic (egress).
PEAK_HOUR_UTC = 17  # US working day
DAILY_AMPLITUDE_DEFAULT = 0.35
WEEKEND_FACTOR = 0.7
EGRESS_WEEKEND_FACTOR = 0.75
EGRESS_YEARLY_GROWTH = 0.6


def install(con: duckdb.DuckDBPyConnection, period: Period, seed: int) -> None:
    """Create the macros on ``con`` for ``period`` and ``seed``."""
    year_h = 8760.0
    dow0 = period.start_weekday
    macros = f"""
    CREATE OR REPLACE TEMP MACRO u(a, b, c) AS
        hash(CAST(a AS BIGINT), CAST(b AS BIGINT), CAST(c AS BIGINT), {int(seed)}::BIGINT)
        / 18446744073709551616.0;
    CREATE OR REPLACE TEMP MACRO is_weekend(h) AS ((h // 24) + {dow0}) % 7 >= 5;
    CREATE OR REPLACE TEMP MACRO demand(svc, h, grain, base, growth, amp) AS
        base * pow(1 + growth, h / {year_h})
        * CASE WHEN grain = 1
               THEN 1 + amp * cos(2 * pi() * (((h % 24) - {PEAK_HOUR_UTC}) / 24.0))
               ELSE 1 END
        * CASE WHEN is_weekend(h) THEN {WEEKEND_FACTOR} ELSE 1 END
        * (0.92 + 0.16 * u(svc, h, 1));
    CREATE OR REPLACE TEMP MACRO desired(svc, h, grain, base, growth, amp, rmin, rmax,
                                         afrom, ato) AS
        least(rmax, greatest(
            CASE WHEN h >= afrom AND h < ato THEN 2 * rmin ELSE rmin END,
            CAST(ceil(demand(svc, h, grain, base, growth, amp)) AS BIGINT)));
    CREATE OR REPLACE TEMP MACRO desired_normal(svc, h, grain, base, growth, amp, rmin, rmax) AS
        least(rmax, greatest(rmin, CAST(ceil(demand(svc, h, grain, base, growth, amp)) AS BIGINT)));
    CREATE OR REPLACE TEMP MACRO storage_gb(k, h, size0, mgrowth) AS
        size0 * pow(1 + mgrowth, h / 730.0) * (0.995 + 0.01 * u(k, h // 24, 3));
    CREATE OR REPLACE TEMP MACRO egress_gb(k, h, grain, gb_day, sfrom, sto, smult) AS
        gb_day * grain / 24.0 * pow(1 + {EGRESS_YEARLY_GROWTH}, h / {year_h})
        * CASE WHEN is_weekend(h) THEN {EGRESS_WEEKEND_FACTOR} ELSE 1 END
        * (0.6 + 0.8 * u(k, h, 4))
        * CASE WHEN h >= sfrom AND h < sto THEN smult ELSE 1 END;
    CREATE OR REPLACE TEMP MACRO spot_discount(k, h, lo, hi) AS lo + (hi - lo) * u(k, h // 24, 2);
    CREATE OR REPLACE TEMP MACRO gpu_util(workload, k, hh, t, load) AS
        CASE workload
          WHEN 'training' THEN
            CASE WHEN u(k, hh, 5) < 0.03 THEN 0.05 + 0.25 * u(k, t, 6)
                 ELSE 0.8 + 0.17 * u(k, t, 6) END
          WHEN 'inference' THEN least(1.0, 0.06 + 0.78 * load * (0.9 + 0.2 * u(k, t, 6)))
          ELSE 0.02 * u(k, t, 6)
        END;
    CREATE OR REPLACE TEMP MACRO gpu_memory(workload, k, t, load, mem) AS
        CASE workload
          WHEN 'training' THEN mem * (0.82 + 0.12 * u(k, t, 7))
          WHEN 'inference' THEN mem * (0.4 + 0.3 * least(1.0, load))
          ELSE 380 + 250 * u(k, t, 7)
        END;
    CREATE OR REPLACE TEMP MACRO gpu_power(util, k, t, idle, tdp) AS
        least(tdp, idle + (tdp - idle) * util * (0.95 + 0.1 * u(k, t, 8)));
    """
    for statement in macros.split(";"):
        if statement.strip():
            con.execute(statement)
