"""A lock that serves its waiters in the order they came.

The server answers one request at a time over its ledger. ``threading.Lock`` wakes an
arbitrary waiter, so under load one request can wait while many later ones go first, and
that request is the tail latency every client sees. A ticket lock hands the ledger on in
arrival order: with ``n`` requests waiting, none waits for more than ``n`` others.
"""

from __future__ import annotations

import threading
from types import TracebackType


class FairLock:
    """A first-come, first-served lock (not reentrant), usable as ``with lock:``."""

    def __init__(self) -> None:
        self._turn = threading.Condition(threading.Lock())
        self._issued = 0  # tickets handed out
        self._serving = 0  # the ticket that holds the lock

    def acquire(self) -> None:
        with self._turn:
            ticket = self._issued
            self._issued += 1
            while ticket != self._serving:
                self._turn.wait()

    def release(self) -> None:
        with self._turn:
            self._serving += 1
            self._turn.notify_all()

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
