"""A small project spec whose budget is checked by hand (no estimator, no price book)."""

from __future__ import annotations

from typing import Any

import pytest

# Month 1 and 2: engineer 1 FTE × 1000 (direct, phase build);
# month 2: a compute workload of 10 h × 3.00 = 30 (direct);
# both months: manager 0.5 FTE × 400 = 200 (indirect, project-wide).
# Budget: 2026-01 1000 + 200 = 1200; 2026-02 1000 + 30 + 200 = 1230; total 2430.
TINY: dict[str, Any] = {
    "name": "tiny",
    "currency": "USD",
    "start": "2026-01",
    "phases": [
        {
            "name": "build",
            "start_month": 1,
            "duration_months": 2,
            "people": [{"role": "engineer", "fte": 1, "monthly_rate": 1000}],
            "workloads": [
                {
                    "name": "eval",
                    "kind": "compute",
                    "start_month": 2,
                    "params": {"accelerator_hours": 10, "price_per_hour": 3.0},
                }
            ],
        }
    ],
    "people": [{"role": "manager", "fte": 0.5, "monthly_rate": 400}],
}


@pytest.fixture
def tiny() -> dict[str, Any]:
    import copy

    return copy.deepcopy(TINY)
