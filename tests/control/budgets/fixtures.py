"""Shared by the budget and alert tests: a small ledger and a local webhook receiver.

The receiver is an ``http.server`` on 127.0.0.1 with an ephemeral port, in a
daemon thread. It answers each POST with the next status of its script (then
200), records the method, path, headers and exact body of every request, and
refuses to serve more than ``limit`` requests so a runaway retry loop fails the
test instead of hanging it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infracast.control.budgets.spec import Budget
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges


@dataclass
class Received:
    """One request the receiver saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the local webhook answered and saw."""

    url: str
    script: list[int]
    limit: int
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            if len(self.requests) > self.limit:
                return 503
            return self.script.pop(0) if self.script else 200


@contextmanager
def webhook_receiver(
    script: list[int] | None = None, *, limit: int = 10, delay: float = 0.0
) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1:<ephemeral port>, answering ``script`` then 200."""
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # seconds a client may take to send its request

        def do_POST(self) -> None:
            receiver = state["receiver"]
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.requests.append(
                    Received("POST", self.path, {k: v for k, v in self.headers.items()}, body)
                )
            if receiver.delay:
                threading.Event().wait(receiver.delay)
            status = receiver.next_status()
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and left (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    receiver = Receiver(f"http://{host!s}:{port}/hook", list(script or []), limit, delay)
    state["receiver"] = receiver
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def research_budget(**changes: Any) -> Budget:
    """3,000 USD a month for research's compute from January 2026 (thresholds 50/80/100, 100)."""
    fields: dict[str, Any] = {
        "name": "research-compute",
        "amount": Decimal(3000),
        "currency": "USD",
        "period": "month",
        "start": "2026-01",
        "filters": ["team=research", "cost_category=compute"],
    }
    fields.update(changes)
    return Budget.model_validate(fields)


def _charge(day: str, cost: str, **extra: Any) -> dict[str, Any]:
    return {
        "x_team": "research",
        "x_cost_category": "compute",
        "ChargePeriodStart": f"{day}T00:00",
        "ChargePeriodEnd": f"{day}T01:00",
        "cost": cost,
        **extra,
    }


# Research's compute in January 2026 (USD, effective = billed unless said):
#   Jan 2   500   in scope
#   Jan 9   500   in scope (billed 600, effective 500)
#   Jan 15  500   in scope                           -> 1,500 before Jan 16
#   Jan 16  300   in scope, but at or after as_of 2026-01-16: not counted then
#   Jan 5   100   research storage: out of scope (category)
#   Jan 5   900   applied compute: out of scope (team)
#   Jan 7    40   research compute in EUR: reported, not counted
#   Feb 3  2,700  in scope, February
JANUARY: list[dict[str, Any]] = [
    _charge("2026-01-02", "500"),
    _charge("2026-01-09", "500", BilledCost="600"),
    _charge("2026-01-15", "500"),
    _charge("2026-01-16", "300"),
    _charge("2026-01-05", "100", x_cost_category="storage"),
    _charge("2026-01-05", "900", x_team="applied"),
    _charge("2026-01-07", "40", BillingCurrency="EUR"),
    _charge("2026-02-03", "2700"),
]


def add_january(ledger: Ledger) -> None:
    """Insert :data:`JANUARY`."""
    add_charges(ledger, JANUARY)


# The flat scope of the forecast-method tests: research spends 100 USD of usage a day and
# a 1,000 USD monthly fee on each 1st (charge period: the month).
def usage_charge(day: date, cost: str = "100", **extra: Any) -> dict[str, Any]:
    """A day of research's usage (100 USD unless said)."""
    return {
        "x_team": "research",
        "ChargePeriodStart": f"{day}T00:00",
        "ChargePeriodEnd": f"{day + timedelta(days=1)}T00:00",
        "cost": cost,
        **extra,
    }


def _fee(month: int, year: int = 2026) -> dict[str, Any]:
    """Research's 1,000 USD monthly fee, charged on the 1st for the month."""
    end = date(year + month // 12, month % 12 + 1, 1)
    return {
        "x_team": "research",
        "ChargeCategory": "Purchase",
        "ChargeFrequency": "Recurring",
        "ChargePeriodStart": f"{date(year, month, 1)}T00:00",
        "ChargePeriodEnd": f"{end}T00:00",
        "cost": "1000",
    }


def add_flat(
    ledger: Ledger, first: date = date(2025, 12, 1), last: date = date(2026, 2, 28)
) -> None:
    """100 a day from ``first`` to ``last`` and the monthly fee of each month from ``first``."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    fees = [_fee(d.month, d.year) for d in days if d.day == 1]
    add_charges(ledger, [*(usage_charge(d) for d in days), *fees])
