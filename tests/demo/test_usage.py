"""GPU usage samples: cloud instances (plain names) and the on-prem cluster (DCGM names)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from infracast.demo import DemoManifest, generate
from infracast.demo.onprem import SAMPLE_COLUMNS as ONPREM_COLUMNS
from infracast.demo.usage import SAMPLE_COLUMNS as CLOUD_COLUMNS


def _columns(con: duckdb.DuckDBPyConnection, glob: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{glob}'").fetchall()]


def test_cloud_samples_use_plain_names_and_focus_resource_ids(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    for provider in ("aws", "gcp", "azure"):
        glob = f"{out}/usage/{provider}-*.parquet"
        assert _columns(con, glob) == list(CLOUD_COLUMNS)
        missing = con.execute(
            f"SELECT count(DISTINCT resource_id) FROM '{glob}' WHERE resource_id NOT IN "
            f"(SELECT ResourceId FROM '{out}/focus/{provider}/*.parquet')"
        ).fetchone()
        assert missing == (0,)


def test_onprem_samples_use_dcgm_names_and_asset_ids(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    glob = f"{out}/usage/onprem-*.parquet"
    columns = _columns(con, glob)
    assert columns == list(ONPREM_COLUMNS)
    assert {
        "DCGM_FI_DEV_GPU_UTIL",
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
        "DCGM_FI_DEV_FB_USED",
        "DCGM_FI_DEV_POWER_USAGE",
    } <= set(columns)
    import yaml

    assets = yaml.safe_load((out / "assets.yaml").read_text())["assets"]
    hosts = {h for (h,) in con.execute(f"SELECT DISTINCT Hostname FROM '{glob}'").fetchall()}
    assert hosts == {a["resource_id"] for a in assets}


def test_each_gpu_is_sampled_once_per_interval_and_holder(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    dupes = con.execute(
        f"SELECT count(*) FROM (SELECT timestamp, resource_id, gpu_index, team, count(*) n "
        f"FROM '{out}/usage/aws-*.parquet' GROUP BY ALL HAVING n > 1)"
    ).fetchone()
    assert dupes == (0,)
    shares = con.execute(
        "SELECT Hostname LIKE 'dgx-a100%', "
        "sum(share) / count(DISTINCT (timestamp, Hostname, gpu)) "
        f"FROM '{out}/usage/onprem-*.parquet' GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert [(sliced, round(s, 9)) for sliced, s in shares] == [(False, 1.0), (True, 1.0)]


def test_time_sliced_gpus_have_two_holders_at_half_a_share(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    rows = con.execute(
        f"SELECT DISTINCT share, team, workload FROM '{out}/usage/onprem-*.parquet' "
        "WHERE Hostname LIKE 'dgx-a100%' ORDER BY ALL"
    ).fetchall()
    assert rows == [
        (0.5, "applied-ml", "recsys-onprem"),
        (0.5, "inference-platform", "embed-api-onprem"),
    ]


def test_idle_onprem_gpus_have_no_holder_and_low_utilization(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    idle, busy = con.execute(
        f"""SELECT max(DCGM_FI_DEV_GPU_UTIL) FILTER (WHERE team IS NULL),
                   avg(DCGM_FI_DEV_GPU_UTIL) FILTER (WHERE team IS NOT NULL AND share = 1)
            FROM '{out}/usage/onprem-*.parquet'"""
    ).fetchone() or (100, 0)
    assert idle <= 3 and busy > 70


def test_values_are_in_their_ranges(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    cloud = [str(p) for p in sorted((out / "usage").glob("*.parquet")) if "onprem" not in p.name]
    row = con.execute(
        """SELECT min(utilization_pct), max(utilization_pct), min(power_w), min(memory_used_mib)
           FROM read_parquet(?)""",
        [cloud],
    ).fetchone()
    assert row is not None and row[0] >= 0 and row[1] <= 100 and row[2] > 0 and row[3] > 0
    dcgm = con.execute(
        f"""SELECT min(DCGM_FI_PROF_GR_ENGINE_ACTIVE), max(DCGM_FI_PROF_GR_ENGINE_ACTIVE),
                   max(DCGM_FI_DEV_GPU_UTIL) FROM '{out}/usage/onprem-*.parquet'"""
    ).fetchone()
    assert dcgm is not None and dcgm[0] >= 0 and dcgm[1] <= 1 and dcgm[2] <= 100


def test_servers_bought_in_the_period_report_only_after_purchase(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    import yaml

    assets = yaml.safe_load((out / "assets.yaml").read_text())["assets"]
    late = [a for a in assets if str(a["purchase_date"]) > "2025-11-01"]
    assert late
    for asset in late:
        first = con.execute(
            f"SELECT min(timestamp)::DATE FROM '{out}/usage/onprem-*.parquet' WHERE Hostname = ?",
            [asset["resource_id"]],
        ).fetchone()
        assert first == (asset["purchase_date"],)


@pytest.mark.parametrize("interval_s", [900, 7200])
def test_sample_volume_follows_the_interval(tmp_path: Path, interval_s: int) -> None:
    # 5,000 rows in two months are daily rows, so every machine runs whole days:
    # exactly 3600 / interval samples per GPU and hour.
    hourly = generate(tmp_path / "h", rows=5_000, months=2)
    other = generate(tmp_path / "o", rows=5_000, months=2, sample_interval_s=interval_s)
    n_hourly = sum(f.rows for f in hourly.files["usage"])
    n_other = sum(f.rows for f in other.files["usage"])
    assert n_other == n_hourly * 3600 // interval_s


def test_holders_of_a_shared_gpu_report_its_board_power_and_split_its_load(
    demo: tuple[Path, DemoManifest], con: duckdb.DuckDBPyConnection
) -> None:
    out, _ = demo
    row = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE powers > 1), max(gpu_util),
                   avg(CASE WHEN utils > 1 THEN 1 ELSE 0 END), bool_and(n = 2)
            FROM (SELECT Hostname, gpu, timestamp, count(*) AS n,
                         count(DISTINCT DCGM_FI_DEV_POWER_USAGE) AS powers,
                         count(DISTINCT DCGM_FI_DEV_GPU_UTIL) AS utils,
                         sum(DCGM_FI_DEV_GPU_UTIL * share) AS gpu_util
                  FROM '{out}/usage/onprem-2026-0*.parquet' WHERE share < 1 GROUP BY ALL)"""
    ).fetchone()
    assert row is not None
    samples, differing_power, max_gpu_util, uneven, two_holders = row
    assert samples > 1000 and two_holders
    assert differing_power == 0  # one board, one power reading
    assert max_gpu_util <= 100  # Σ utilization × share is the GPU's
    assert uneven > 0.5  # the holders' loads differ
