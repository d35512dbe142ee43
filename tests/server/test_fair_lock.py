"""The server's ledger lock serves waiters in the order they came."""

from __future__ import annotations

import threading
import time

from infracast.server.fair_lock import FairLock


def test_waiters_get_the_lock_in_the_order_they_asked() -> None:
    lock = FairLock()
    order: list[int] = []
    lock.acquire()  # held while the waiters line up, one by one
    threads = []
    for i in range(6):
        thread = threading.Thread(target=lambda i=i: _take(lock, order, i))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while lock._issued < i + 2 and time.monotonic() < deadline:  # it holds a ticket
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4, 5]


def _take(lock: FairLock, order: list[int], i: int) -> None:
    with lock:
        order.append(i)


def test_an_exception_inside_releases_the_lock() -> None:
    lock = FairLock()
    try:
        with lock:
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    taken = threading.Event()
    thread = threading.Thread(target=lambda: (lock.acquire(), taken.set()))
    thread.start()
    assert taken.wait(5)
