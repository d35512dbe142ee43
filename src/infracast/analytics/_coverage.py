"""What the ledger's charges cover: how many there are and the time they span.

``infracast report`` heads its page with it, and takes its default window (the
last 12 months) from the latest charge's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import ibis.expr.types as ir

from infracast.analytics.scope import to_rows

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


@dataclass(frozen=True)
class Coverage:
    """How many charges the ledger holds and the time they span (UTC, as stored; None when
    it holds none)."""

    charges: int
    first: datetime | None  # the earliest ChargePeriodStart
    last: datetime | None  # the latest ChargePeriodEnd
    latest_start: datetime | None  # the latest ChargePeriodStart: the last month with costs


def coverage_of(charges: ir.Table) -> ir.Table:
    """One row: ``charges`` (count), ``first``, ``last`` and ``latest_start``."""
    return charges.aggregate(
        charges=charges.count(),
        first=charges.ChargePeriodStart.min(),
        last=charges.ChargePeriodEnd.max(),
        latest_start=charges.ChargePeriodStart.max(),
    )


def coverage(ledger: Ledger) -> Coverage:
    """Run :func:`coverage_of` on the ledger's charges."""
    (row,) = to_rows(coverage_of(ledger.ibis().table("charges")))
    return Coverage(**row)
