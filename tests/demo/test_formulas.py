"""The demand formulas, seen in the generated data: daily and weekly seasonality, growth."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb

from infracast.demo import DemoManifest

from .conftest import focus_glob

# Inference replicas: hourly rows of GPU instances named after their service.
_INFERENCE = (
    "SELECT ChargePeriodStart AS ts, ListCost FROM '{glob}' "
    "WHERE ChargeCategory = 'Usage' AND regexp_full_match(ResourceName, '{service}-[0-9]+')"
)


def _hourly(out: Path, provider: str, service: str) -> str:
    return (
        "SELECT ts, sum(ListCost) AS cost FROM ("
        + _INFERENCE.format(glob=focus_glob(out, provider), service=service)
        + ") GROUP BY ts"
    )


def test_inference_costs_more_on_weekdays_than_at_weekends(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    weekday, weekend = con.execute(
        f"""SELECT avg(cost) FILTER (WHERE isodow(ts) <= 5), avg(cost) FILTER (WHERE isodow(ts) > 5)
            FROM ({_hourly(out, "aws", "chat-api")})"""
    ).fetchone() or (0, 0)
    assert weekday > 1.1 * weekend


def test_inference_costs_more_at_peak_hours_than_at_night(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    peak, night = con.execute(
        f"""SELECT avg(cost) FILTER (WHERE hour(ts) BETWEEN 15 AND 19),
                   avg(cost) FILTER (WHERE hour(ts) BETWEEN 3 AND 7)
            FROM ({_hourly(out, "aws", "chat-api")}) WHERE isodow(ts) <= 5"""
    ).fetchone() or (0, 0)
    assert peak > 1.2 * night


def test_inference_grows_over_the_year(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    first, last = con.execute(
        f"""SELECT avg(cost) FILTER (WHERE ts < TIMESTAMP '2026-01-01'),
                   avg(cost) FILTER (WHERE ts >= TIMESTAMP '2026-09-01')
            FROM ({_hourly(out, "gcp", "chat-api-gcp")})"""
    ).fetchone() or (0, 0)
    assert last > 1.2 * first


def test_storage_grows_month_over_month(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    monthly = [
        cost
        for _, cost in con.execute(
            # GB-months of a month = the mean GB stored in it
            f"SELECT BillingPeriodStart, sum(ConsumedQuantity) "
            f"FROM '{focus_glob(out, 'aws')}' WHERE ServiceCategory = 'Storage' "
            "GROUP BY ALL ORDER BY 1"
        ).fetchall()
    ]
    assert len(monthly) == 12
    assert all(b > a for a, b in itertools.pairwise(monthly))
