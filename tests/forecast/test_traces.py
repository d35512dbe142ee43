"""Forecast accuracy on a real cluster trace (``../shared/data/traces``; skipped without it).

The series is the hourly busy GPUs of Alibaba's GPU-disaggregated DLRM serving trace
(``alibaba_dlrm_v2025``, 743 hours), built and scored by ``bench/traces.py``: a
rolling-origin backtest of seven daily windows (the last week), each forecast made by
``forecast(model="auto")`` from the hours before its cutoff only.
"""

from __future__ import annotations

import pytest

from tests.conftest import shared_path

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def test_auto_beats_the_weekly_seasonal_naive_with_calibrated_intervals() -> None:
    from bench.traces import alibaba_dlrm_hourly, evaluate

    busy = alibaba_dlrm_hourly(shared_path("traces", "alibaba_dlrm_v2025"))
    assert len(busy) == 743  # 31 days of whole hours

    scores = evaluate(busy, "h", windows=7, with_autoets=False)

    assert scores["auto"].mase < scores["seasonal_naive"].mase
    assert 0.90 <= scores["auto"].cover95 <= 0.99
