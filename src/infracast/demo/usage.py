"""GPU usage samples of the cloud GPU instances, in SQL, in the format of docs/sources.md.

One sample per GPU per ``interval_s`` while the instance runs (the same steps
as its charges), with plain column names: ``timestamp``, ``resource_id`` (the
FOCUS ResourceId), ``gpu_index``, ``utilization_pct``, ``memory_used_mib``,
``power_w``, ``interval_s`` and the labels ``team``, ``project``, ``workload``.
Training runs busy (80–97%, with rare checkpoint dips), inference follows its
demand per replica, the forgotten development cluster idles at 0–2%. The planted
opportunities (``opportunities.py``) hold each GPU in a fixed band from ``util_from``
on: the idle instances at 0–2%, the oversized pool at 6–10%.
"""

from __future__ import annotations

from infracast.demo.period import Period
from infracast.demo.streams import steps_sql

SAMPLE_COLUMNS = (
    "timestamp",
    "resource_id",
    "gpu_index",
    "utilization_pct",
    "memory_used_mib",
    "power_w",
    "interval_s",
    "team",
    "project",
    "workload",
)


def sample_offsets(interval_s: int) -> tuple[int, int]:
    """(hours between sampled hours, samples per sampled hour) for an interval.

    Intervals divide an hour (60, 300, 3600) or are whole hours dividing a day.
    """
    if interval_s <= 3600:
        return 1, 3600 // interval_s
    return interval_s // 3600, 1


def cloud_samples_select(provider: str, period: Period, lo: int, hi: int, interval_s: int) -> str:
    """The SELECT of the samples of ``provider``'s GPU instances whose step starts in [lo, hi)."""
    every_h, per_hour = sample_offsets(interval_s)
    step_s = 3600 // per_hour
    steps = steps_sql(
        provider, lo, hi, where="gpus IS NOT NULL AND kind IN ('replica', 'instance')"
    )
    load = (
        "CASE WHEN workload = 'inference' THEN "
        "demand(svc, hh, 1, base, growth, amp) / desired_n ELSE 0 END"
    )
    return f"""
    WITH st AS ({steps}),
    hrs AS (SELECT * FROM (SELECT st.*, unnest(range(h, h + grain)) AS hh FROM st)
            WHERE hh % {every_h} = 0),
    smp AS (SELECT hrs.*, unnest(range(0, 3600, {step_s})) AS off, {load} AS load FROM hrs),
    gp AS (SELECT smp.*, unnest(range(gpus)) AS gpu, (hh * 3600 + off) * 8 AS tk FROM smp),
    ut AS (SELECT gp.*, hh >= coalesce(util_from, t1) AS banded,
                  CASE WHEN hh >= coalesce(util_from, t1)
                       THEN util_lo + (util_hi - util_lo) * u(sid, tk + gpu, 6)
                       ELSE gpu_util(workload, sid, hh, tk + gpu, load) END AS util FROM gp)
    SELECT
      {period.sql_start()} + hh * INTERVAL 1 HOUR + off * INTERVAL 1 SECOND AS "timestamp",
      resource_id,
      CAST(gpu AS INTEGER) AS gpu_index,
      round(100 * util, 1) AS utilization_pct,
      round(CASE WHEN NOT banded THEN gpu_memory(workload, sid, tk + gpu, load, gpu_mem)
                 WHEN util_hi <= 0.05 THEN gpu_memory('dev', sid, tk + gpu, 0, gpu_mem)
                 ELSE gpu_memory('inference', sid, tk + gpu, util, gpu_mem) END)
        AS memory_used_mib,
      round(gpu_power(util, sid, tk + gpu, gpu_idle, gpu_tdp), 1) AS power_w,
      CAST({interval_s} AS INTEGER) AS interval_s,
      team,
      project,
      workload_name AS workload
    FROM ut"""
