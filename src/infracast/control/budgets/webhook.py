"""POSTing an alert as JSON to a webhook: signed, retried with exponential backoff.

The body is the alert's JSON, UTF-8. With a secret (``--webhook-secret`` or
``INFRACAST_WEBHOOK_SECRET``) the request carries

    X-Infracast-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>

and always ``X-Infracast-Timestamp`` (the send time, Unix seconds) and
``X-Infracast-Event``. A 2xx answer is a delivery. A 5xx answer, a timeout or a
connection error is retried, after ``backoff``, ``2 × backoff``, ``4 × backoff``
… seconds (each capped at ``max_backoff``), up to ``attempts`` tries in all.
Any other answer (4xx, or a redirect, which is not followed) fails at once:
asking again would get the same answer. Only the standard library is used.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import IO, Any
from urllib.parse import urlsplit

from infracast.errors import ControlError

SIGNATURE_HEADER = "X-Infracast-Signature"
TIMESTAMP_HEADER = "X-Infracast-Timestamp"
EVENT_HEADER = "X-Infracast-Event"
SECRET_ENV = "INFRACAST_WEBHOOK_SECRET"
USER_AGENT = "infracast-webhook/1"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``attempts`` tries in all, exponential backoff, per-request timeout."""

    attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ControlError(
                f"webhook attempts must be at least 1, got {self.attempts}.",
                hint="Pass --webhook-attempts 1 to try once without retrying.",
            )
        if self.backoff < 0 or self.max_backoff < 0:
            raise ControlError(
                f"webhook backoff must not be negative, got {self.backoff}.",
                hint="Pass --webhook-backoff 0 to retry at once.",
            )
        if self.timeout <= 0:
            raise ControlError(
                f"webhook timeout must be positive, got {self.timeout}.",
                hint="Pass --webhook-timeout in seconds, e.g. 10.",
            )

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the second try)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (retry - 1)))


@dataclass(frozen=True)
class Delivery:
    """The outcome of POSTing one body: delivered or not, after how many tries, and why."""

    delivered: bool
    attempts: int
    status_code: int | None = None
    error: str | None = None
    delivered_at: datetime | None = None


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_secret(explicit: str | None = None) -> str | None:
    """The signing secret: ``explicit`` if given, else ``INFRACAST_WEBHOOK_SECRET`` (or None)."""
    value = explicit if explicit is not None else os.environ.get(SECRET_ENV)
    return value or None


def check_webhook_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; else raise ControlError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ControlError(
            f"webhook {url!r} is not an http(s) URL.",
            hint="Give the full URL the alerts are POSTed to, e.g. https://hooks.example.com/x.",
        )
    return url.strip()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers, not detours: a signed POST is not re-sent elsewhere."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
Send = Callable[[urllib.request.Request, float], int]


def _send(request: urllib.request.Request, timeout: float) -> int:
    """POST ``request``; return the HTTP status (HTTPError for non-2xx, as urllib does)."""
    with _OPENER.open(request, timeout=timeout) as response:
        response.read()
        return int(response.status)


def post_json(
    url: str,
    body: bytes,
    *,
    secret: str | None = None,
    event: str = "budget.alert",
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], Any] = time.sleep,
    send: Send = _send,
) -> Delivery:
    """POST ``body`` (JSON bytes) to ``url``, signed when ``secret`` is given, with retries."""
    policy = policy or RetryPolicy()
    check_webhook_url(url)
    error: str | None = None
    status: int | None = None
    for attempt in range(1, policy.attempts + 1):
        if attempt > 1:
            sleep(policy.delay(attempt - 1))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: event,
            TIMESTAMP_HEADER: str(int(time.time())),
        }
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, body)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            status = send(request, policy.timeout)
        except urllib.error.HTTPError as exc:
            status = exc.code
            error = f"HTTP {exc.code} {exc.reason}".strip()
            exc.close()
            if exc.code < 500:
                return Delivery(False, attempt, status, _final(error, exc.code))
            continue
        except (urllib.error.URLError, OSError) as exc:  # refused, reset, DNS, timeout
            status = None
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            error = f"connection failed: {reason}"
            continue
        if 200 <= status < 300:
            return Delivery(True, attempt, status, None, datetime.now(UTC).replace(tzinfo=None))
        error = f"HTTP {status}"
        return Delivery(False, attempt, status, _final(error, status))
    tries = f" (gave up after {policy.attempts} attempts)" if policy.attempts > 1 else ""
    return Delivery(False, policy.attempts, status, f"{error}{tries}")


def _final(error: str, status: int) -> str:
    if 300 <= status < 400:
        return f"{error}: redirects are not followed; configure the final URL"
    return f"{error}: not retried (a {status} answer would repeat)"
