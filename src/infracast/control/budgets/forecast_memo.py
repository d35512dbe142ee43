"""Usage forecasts already made in this process, by the exact input that made them.

Why it exists: a budget's usage forecast (:func:`infracast.forecast.forecast` with
``model="auto"``: a backtest of each candidate, then a fit) costs about half a second,
and the server's overview asks for every budget's status every few seconds, with the
same ledger data each time. The forecast is a deterministic function of its input, so
the same input can be answered from what it gave before.

Why it cannot go stale: an entry's key is a SHA-256 of everything the forecast reads:
the series' first day, its daily values (their exact float bits), the horizon and the
settings (frequency, model, levels, series id). There is no invalidation to forget: a
changed, added or removed charge changes a value or the first day, and a new day
changes the horizon or the series, so the key is new and the forecast is made again;
an entry that is no longer asked for falls off the end of the LRU. Nothing is stored on
disk, and the code that fits cannot change within a process.

It is bounded (:data:`SIZE` entries, least recently used dropped first) and
thread-safe: the server runs requests in threads. Two threads asking for the same new
key at once may both fit it; they store the same result.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

SIZE = 64
"""Entries kept: a few budgets, each asked of a few as_of days and ledger states."""


@dataclass(frozen=True)
class UsageForecast:
    """What a budget reads from a usage forecast: per future day ``(yhat, lo80, hi80)``,
    the model chosen and its season length."""

    rows: tuple[tuple[float, float, float], ...]
    model: str
    season_length: int


Outcome = UsageForecast | str  # a str: the reason the series cannot be forecast


def forecast_key(first: date, values: Sequence[float], horizon: int, **settings: Any) -> str:
    """The key of a forecast of the daily ``values`` from ``first`` over ``horizon`` days
    with ``settings``: equal exactly when every input is equal (values to the bit)."""
    digest = hashlib.sha256()
    described = ";".join(f"{name}={settings[name]!r}" for name in sorted(settings))
    digest.update(f"{first.isoformat()};{len(values)};{horizon};{described}\n".encode())
    digest.update(struct.pack(f"<{len(values)}d", *values))
    return digest.hexdigest()


class ForecastMemo:
    """A bounded, thread-safe LRU of forecast outcomes by :func:`forecast_key`."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[str, Outcome] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: str, make: Callable[[], Outcome]) -> Outcome:
        """The outcome stored under ``key``, or ``make()``'s, stored (outside the lock:
        a fit does not hold up other requests)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._entries[key] = made
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return made

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


USAGE_FORECASTS = ForecastMemo()
"""The process's memo of budget usage forecasts (:mod:`infracast.control.budgets.forecast`)."""
