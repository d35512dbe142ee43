"""Small, seeded series for the forecast tests (hand-checkable where a formula is checked)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest

WEEK = np.array([10.0, 12.0, 14.0, 13.0, 11.0, 4.0, 3.0])  # a weekday/weekend cost pattern


def long_frame(
    values: Sequence[float] | np.ndarray,
    *,
    uid: str = "a",
    start: str = "2026-01-01",
    freq: str = "D",
) -> pd.DataFrame:
    """One series in the long format: ``unique_id, ds, y``."""
    ds = pd.date_range(start, periods=len(values), freq=freq)
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": np.asarray(values, dtype=float)})


@pytest.fixture
def make_frame() -> Callable[..., pd.DataFrame]:
    """``make_frame(values, uid=..., start=..., freq=...)``: one series, long format."""
    return long_frame


@pytest.fixture
def seasonal() -> pd.DataFrame:
    """Eight weeks repeating one weekly pattern exactly (Mondays to Sundays)."""
    return long_frame(np.tile(WEEK, 8), start="2026-01-05")


@pytest.fixture
def trended() -> pd.DataFrame:
    """A straight line, 10 + 2t, with a little seeded noise: 60 days."""
    rng = np.random.default_rng(7)
    t = np.arange(60)
    return long_frame(10 + 2 * t + rng.normal(0, 0.5, 60))


@pytest.fixture
def random_walks() -> pd.DataFrame:
    """30 seeded Gaussian random walks (unit steps) of 80 days each."""
    rng = np.random.default_rng(12)
    frames = [long_frame(100 + np.cumsum(rng.normal(0, 1, 80)), uid=f"s{i:02d}") for i in range(30)]
    return pd.concat(frames, ignore_index=True)
