"""A seeded synthetic table of an AI company's past projects, for the learned-estimator tests.

Each project rents ``gpus`` accelerators of ``gpu_type`` for ``duration_days``
from ``provider`` and has ``team_size`` people on it. Its actual cost is

    gpus × duration_days × 24 × price[gpu_type] × markup[provider]
    + team_size × 15,000 × duration_days / 30

times a log-normal error (σ = 0.12, about ±12%). ``fixtures/past_projects.csv``
is ``rows(60, seed=7)``; regenerate it with
``python -m tests.estimate.past_projects > tests/estimate/fixtures/past_projects.csv``.
"""

from __future__ import annotations

import csv
import sys
from typing import Any

import numpy as np

PRICE = {"A100-80GB": 2.2, "H100-SXM": 4.0, "L40S": 1.1}  # per GPU-hour
MARKUP = {"aws": 1.15, "gcp": 1.05, "onprem": 0.7}
KINDS = ("training", "fine_tuning", "inference")
COLUMNS = ("project", "kind", "gpu_type", "provider", "gpus", "duration_days", "team_size")


def cost(gpu_type: str, provider: str, gpus: int, days: float, team: int) -> float:
    """The noiseless cost of the generator's formula."""
    compute = gpus * days * 24 * PRICE[gpu_type] * MARKUP[provider]
    return compute + team * 15_000 * days / 30


def rows(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` projects; the same ``seed`` gives the same table."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        gpu_type = str(rng.choice(list(PRICE)))
        provider = str(rng.choice(list(MARKUP)))
        kind = str(rng.choice(KINDS))
        gpus = int(2 ** rng.integers(3, 10))  # 8 … 512
        days = float(np.round(rng.uniform(3, 120), 1))
        team = int(rng.integers(1, 13))
        noise = float(np.exp(rng.normal(0, 0.12)))
        out.append(
            {
                "project": f"p{i + 1:03d}",
                "kind": kind,
                "gpu_type": gpu_type,
                "provider": provider,
                "gpus": gpus,
                "duration_days": days,
                "team_size": team,
                "actual_cost": round(cost(gpu_type, provider, gpus, days, team) * noise, 2),
            }
        )
    return out


if __name__ == "__main__":
    table = rows(60, seed=7)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
