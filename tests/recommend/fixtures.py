"""A hand-made finding and a ledger with one resource whose cost drops on 1 March 2026."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from infracast.recommend.record import Recommendation


def finding(
    kind: str = "idle_gpu",
    resource: str = "r1",
    saves: str = "200",
    team: str | None = "research",
    **changes: Any,
) -> Recommendation:
    """A finding on one resource saving ``saves`` a month (range ±25%)."""
    expected = Decimal(saves)
    fields: dict[str, Any] = {
        "kind": kind,
        "scope": "resource",
        "resource_ids": (resource,),
        "title": f"stop {resource}",
        "baseline_monthly_cost": Decimal("300"),
        "expected_monthly_savings": expected,
        "savings_low": expected * Decimal("0.75"),
        "savings_high": expected * Decimal("1.25"),
        "currency": "USD",
        "confidence": 0.8,
        "risk": "low",
        "evidence": {"rule": "test"},
        "reproduce": f"infracast gpu --by resource --filter resource={resource}",
        "team": team,
        "project": None,
        **changes,
    }
    return Recommendation(**fields)


def daily_charges(resource: str, start: date, days: int, per_day: str) -> list[dict[str, Any]]:
    """One charge a day of ``per_day`` USD on ``resource``."""
    rows = []
    for i in range(days):
        day = start + timedelta(days=i)
        rows.append({
            "ResourceId": resource,
            "x_team": "research",
            "ChargePeriodStart": f"{day.isoformat()}T00:00",
            "ChargePeriodEnd": f"{(day + timedelta(days=1)).isoformat()}T00:00",
            "cost": per_day,
        })  # fmt: skip
    return rows


# r1 costs 10 a day from 1 January to 28 February 2026 (59 days), then 4 a day for the 31
# days of March: the change (a downsize) took effect on 1 March.
CHANGED = daily_charges("r1", date(2026, 1, 1), 59, "10") + daily_charges(
    "r1", date(2026, 3, 1), 31, "4"
)
