"""What the ledger covers: the charge count and the time the charges span."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from infracast.analytics import Coverage, coverage
from infracast.ledger.connection import Ledger


def test_coverage_counts_charges_and_spans_their_periods(
    make_ledger: Callable[..., Ledger],
) -> None:
    ledger = make_ledger(
        charges=[
            {"ChargePeriodStart": "2026-01-05T00:00", "ChargePeriodEnd": "2026-01-06T00:00"},
            # a yearly licence: starts before the last usage, ends long after it
            {"ChargePeriodStart": "2026-02-01T00:00", "ChargePeriodEnd": "2027-02-01T00:00"},
            {"ChargePeriodStart": "2026-03-31T23:00", "ChargePeriodEnd": "2026-04-01T00:00"},
        ]
    )
    assert coverage(ledger) == Coverage(
        charges=3,
        first=datetime(2026, 1, 5),
        last=datetime(2027, 2, 1),
        latest_start=datetime(2026, 3, 31, 23),
    )


def test_an_empty_ledger_covers_nothing(ledger: Ledger) -> None:
    assert coverage(ledger) == Coverage(charges=0, first=None, last=None, latest_start=None)
