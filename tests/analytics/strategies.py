"""Hypothesis strategies: random small ledgers of charges and usage samples.

Everything happens on 5 January 2026 between 00:00 and 08:00 UTC, on two
resources, in two currencies, for teams a, b and c (or none, or an empty
label), so charges, samples and periods overlap often.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

BASE = datetime(2026, 1, 5)
TEAMS = (None, "", "a", "b", "c")
RESOURCES = ("r1", "r2")


def money(min_value: int = 0, max_value: int = 1000) -> st.SearchStrategy[Decimal]:
    """Amounts with up to 12 decimal places, as the ledger stores them."""
    return st.decimals(
        min_value=min_value, max_value=max_value, places=12, allow_nan=False, allow_infinity=False
    )


@st.composite
def charges(draw: st.DrawFn, costs: st.SearchStrategy[Decimal] | None = None) -> dict[str, Any]:
    """One charge of 1 or 2 hours; two in three are GPU charges, about half untagged."""
    cost = costs if costs is not None else money()
    start = BASE + timedelta(hours=draw(st.integers(0, 5)))
    hours = draw(st.sampled_from([1, 2]))
    gpu = draw(st.sampled_from([True, True, False]))
    count = draw(st.sampled_from([None, 1, 2])) if gpu else None
    return {
        "BillingCurrency": draw(st.sampled_from(["USD", "EUR"])),
        "ServiceName": draw(st.sampled_from([None, "EC2", "S3"])),
        "x_team": draw(st.sampled_from((None, *TEAMS))),
        "x_project": draw(st.sampled_from([None, "p1", "p2"])),
        "ResourceId": draw(st.sampled_from((None, *RESOURCES))),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": start + timedelta(hours=hours),
        "BilledCost": draw(cost),
        "EffectiveCost": draw(cost),
        "x_gpu_count": count,
        "x_gpu_hours": float((count or 1) * hours) if gpu else None,
    }


@st.composite
def samples(draw: st.DrawFn) -> dict[str, Any]:
    """One usage sample somewhere in the eight hours."""
    return {
        "ts": BASE
        + timedelta(hours=draw(st.integers(0, 7)), minutes=draw(st.sampled_from([0, 15, 59]))),
        "resource_id": draw(st.sampled_from(RESOURCES)),
        "gpu_index": draw(st.integers(0, 1)),
        "interval_s": draw(st.sampled_from([60.0, 900.0, 3600.0])),
        "share": draw(st.sampled_from([0.25, 0.5, 1.0])),
        "utilization": draw(st.sampled_from([None, 0.0, 0.3, 1.0])),
        "team": draw(st.sampled_from(TEAMS)),
    }


def ledgers(
    costs: st.SearchStrategy[Decimal] | None = None,
) -> st.SearchStrategy[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """(charges, samples) of a small random ledger."""
    return st.tuples(st.lists(charges(costs), max_size=12), st.lists(samples(), max_size=16))
