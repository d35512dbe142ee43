"""Months of the period as hour offsets (hand-checked)."""

from __future__ import annotations

from datetime import date

import pytest

from infracast.demo.period import Period


def test_months_are_hour_ranges_from_the_start() -> None:
    period = Period.of(date(2025, 11, 1), 3)
    # November 30 days = 720 h, December 31 days = 744 h, January 31 days = 744 h
    assert [(m.label, m.start_h, m.end_h) for m in period.months] == [
        ("2025-11", 0, 720),
        ("2025-12", 720, 1464),
        ("2026-01", 1464, 2208),
    ]
    assert period.end == date(2026, 2, 1)
    assert period.days == 92


def test_month_offsets_cross_years() -> None:
    period = Period.of(date(2025, 11, 1), 1)
    assert period.month_offset(-40) == date(2022, 7, 1)
    assert period.month_offset(2) == date(2026, 1, 1)


def test_hours_map_back_to_months_and_timestamps() -> None:
    period = Period.of(date(2026, 2, 1), 2)  # February 2026: 28 days
    assert period.month_of(671).label == "2026-02"
    assert period.month_of(672).label == "2026-03"
    assert period.timestamp(672).isoformat() == "2026-03-01T00:00:00"
    with pytest.raises(ValueError):
        period.month_of(period.hours)
