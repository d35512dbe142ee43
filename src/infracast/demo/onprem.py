"""The on-premises GPU cluster: its asset register and its DCGM samples.

``assets.yaml`` follows docs/sources.md ("Asset register"): shared servers (no
team), some bought before the period and some during it. The samples use the
DCGM exporter's names (``Hostname``, ``gpu``, ``DCGM_FI_DEV_GPU_UTIL``,
``DCGM_FI_PROF_GR_ENGINE_ACTIVE``, ``DCGM_FI_DEV_FB_USED``,
``DCGM_FI_DEV_POWER_USAGE``) plus the labels of the job holding the GPU. H100
servers hold a training job for a week at a time or sit idle (no holder, 0–3%
utilization); every A100 GPU is time-sliced between two inference services:
two samples per GPU and interval, ``share`` 0.5 each, each with the utilization
of its slice (Σ utilization × share is the GPU's) and the GPU board's memory
and power (the same on both rows, as DCGM reports them per GPU).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from infracast.demo.company import Company
from infracast.demo.period import Period
from infracast.demo.usage import sample_offsets

NODES_TABLE = "demo_nodes"
SAMPLE_COLUMNS = (
    "timestamp",
    "Hostname",
    "gpu",
    "DCGM_FI_DEV_GPU_UTIL",
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_DEV_POWER_USAGE",
    "share",
    "interval_s",
    "team",
    "project",
    "workload",
)


@dataclass(frozen=True)
class Server:
    """One owned GPU server."""

    id: str
    name: str
    gpu_type: str
    gpus: int
    purchase_date: date
    price: float
    power_kw: float
    time_sliced: bool
    from_h: int  # first hour of the period it runs


def server_count(low: int, high: int, rows: int) -> int:
    """Servers of a group: ``low`` at the default size, growing with log2 of rows to ``high``."""
    grown = low + round(2 * math.log2(max(rows, 1) / 200_000)) if rows > 200_000 else low
    return max(low, min(high, grown))


def servers(company: Company, period: Period, rows: int) -> list[Server]:
    out = []
    for group in company.onprem.servers:
        n = server_count(group.count[0], group.count[1], rows)
        for i in range(n):
            months = group.bought_months[
                min(len(group.bought_months) - 1, i * len(group.bought_months) // n)
            ]
            bought = period.month_offset(months)
            from_h = max(0, (bought - period.start).days * 24)
            out.append(
                Server(
                    id=f"{group.prefix}-{i + 1:02d}",
                    name=f"{group.name} {i + 1:02d}",
                    gpu_type=group.gpu_type,
                    gpus=group.gpus,
                    purchase_date=bought,
                    price=group.price,
                    power_kw=group.power_kw,
                    time_sliced=group.time_sliced,
                    from_h=from_h,
                )
            )
    return out


def assets_document(company: Company, fleet: list[Server]) -> dict[str, Any]:
    """The asset register as docs/sources.md describes it."""
    site = company.onprem.site
    return {
        "defaults": dict(company.onprem.defaults),
        "assets": [
            {
                "id": s.id,
                "name": s.name,
                "site": site,
                "resource_id": s.id,
                "gpu_type": s.gpu_type,
                "gpu_count": s.gpus,
                "purchase_date": s.purchase_date,
                "purchase_price": s.price,
                "power_kw": s.power_kw,
                "region": company.onprem.region,
            }
            for s in fleet
        ],
    }


def nodes_table(company: Company, fleet: list[Server]) -> pa.Table:
    specs = company.gpus
    return pa.table(
        {
            "node": pa.array([s.id for s in fleet], pa.string()),
            "node_key": pa.array([9_000_000 + i for i in range(len(fleet))], pa.int64()),
            "node_offset": pa.array([(i * 37) % 168 for i in range(len(fleet))], pa.int64()),
            "gpus": pa.array([s.gpus for s in fleet], pa.int64()),
            "from_h": pa.array([s.from_h for s in fleet], pa.int64()),
            "time_sliced": pa.array([s.time_sliced for s in fleet], pa.bool_()),
            "gpu_mem": pa.array([specs[s.gpu_type].memory_mib for s in fleet], pa.float64()),
            "gpu_tdp": pa.array([specs[s.gpu_type].tdp_w for s in fleet], pa.float64()),
            "gpu_idle": pa.array([specs[s.gpu_type].idle_w for s in fleet], pa.float64()),
        }
    )


def _list(values: list[str | None]) -> str:
    return (
        "["
        + ", ".join("NULL" if v is None else "'" + v.replace("'", "''") + "'" for v in values)
        + "]"
    )


def onprem_samples_select(
    company: Company, period: Period, lo: int, hi: int, interval_s: int
) -> str:
    """The SELECT of the cluster's samples with timestamps in hours [lo, hi)."""
    every_h, per_hour = sample_offsets(interval_s)
    step_s = 3600 // per_hour
    jobs = [j for j in company.onprem.jobs for _ in range(j.weight)]
    job_teams = _list([j.team for j in jobs])
    job_projects = _list([j.project for j in jobs])
    job_names = _list([j.workload or f"{j.project}-train" for j in jobs])
    sliced = company.onprem.time_sliced
    sl_teams = _list([j.team for j in sliced])
    sl_projects = _list([j.project for j in sliced])
    sl_names = _list([j.workload or j.project for j in sliced])
    holders = "[" + ", ".join(str(i) for i in range(len(sliced))) + "]"
    share = 1.0 / len(sliced)
    return f"""
    WITH hrs AS (
      SELECT * FROM (SELECT n.*, unnest(range(greatest(from_h, {lo}), {hi})) AS hh
                     FROM {NODES_TABLE} n WHERE from_h < {hi})
      WHERE hh % {every_h} = 0),
    smp AS (SELECT hrs.*, unnest(range(0, 3600, {step_s})) AS off FROM hrs),
    gp AS (SELECT smp.*, unnest(range(gpus)) AS gpu FROM smp),
    hd AS (SELECT gp.*, unnest(CASE WHEN time_sliced THEN {holders} ELSE [-1] END) AS holder,
                  (hh + node_offset) // 168 AS block FROM gp),
    ky AS (SELECT hd.*, (hh * 3600 + off) * 64 + gpu * 4 AS tk,
                  (hh * 3600 + off) * 64 + gpu * 4 + holder + 1 AS k FROM hd),
    lab AS (
      SELECT ky.*,
        CASE WHEN holder >= 0 THEN 'inference'
             WHEN u(node_key, block, 9) < {company.onprem.busy_share} THEN 'training'
             ELSE 'idle' END AS state,
        CAST(floor(u(node_key, block, 10) * {len(jobs)}) AS BIGINT) + 1 AS job,
        CASE WHEN holder >= 0 THEN {share} ELSE 1.0 END AS share,
        0.45 + 0.3 * cos(2 * pi() * (((hh % 24) - 17) / 24.0)) AS diurnal
      FROM ky),
    board AS (
      SELECT lab.*,
        CASE state WHEN 'training' THEN gpu_util('training', node_key, hh, tk, 0)
                   WHEN 'inference' THEN gpu_util('inference', node_key, hh, tk, diurnal)
                   ELSE 0.03 * u(node_key, tk, 11) END AS board_util,
        -- holders of a time-sliced GPU split its load unevenly; their shares add back up
        CASE WHEN holder < 0 OR (holder = {len(sliced) - 1} AND {len(sliced) % 2} = 1) THEN 0
             WHEN holder % 2 = 0 THEN 1 ELSE -1 END * 0.15 * (2 * u(node_key, tk, 13) - 1) AS skew
      FROM lab),
    ut AS (SELECT board.*, board_util * (1 + skew) AS util FROM board)
    SELECT
      {period.sql_start()} + hh * INTERVAL 1 HOUR + off * INTERVAL 1 SECOND AS "timestamp",
      node AS "Hostname",
      CAST(gpu AS INTEGER) AS gpu,
      CAST(round(100 * util) AS INTEGER) AS "DCGM_FI_DEV_GPU_UTIL",
      round(util * (0.78 + 0.15 * u(node_key, k, 12)), 4) AS "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
      round(gpu_memory(CASE state WHEN 'idle' THEN 'dev' ELSE state END,
                       node_key, tk, diurnal, gpu_mem)) AS "DCGM_FI_DEV_FB_USED",
      round(gpu_power(board_util, node_key, tk, gpu_idle, gpu_tdp), 1) AS "DCGM_FI_DEV_POWER_USAGE",
      share,
      CAST({interval_s} AS INTEGER) AS interval_s,
      CASE state WHEN 'training' THEN list_extract({job_teams}, job)
                 WHEN 'inference' THEN list_extract({sl_teams}, holder + 1) END AS team,
      CASE state WHEN 'training' THEN list_extract({job_projects}, job)
                 WHEN 'inference' THEN list_extract({sl_projects}, holder + 1)
      END AS project,
      CASE state WHEN 'training' THEN list_extract({job_names}, job) || '-w' || block::VARCHAR
                 WHEN 'inference' THEN list_extract({sl_names}, holder + 1) END AS workload
    FROM ut"""
