"""POSTing to a webhook: signature, retries with backoff, what is and is not retried.

Every test talks to a real HTTP server on 127.0.0.1 (budget_fixtures.webhook_receiver)
with short timeouts and a fake ``sleep``, so no test waits for a backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from infracast.control.budgets.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    RetryPolicy,
    post_json,
    sign,
    webhook_secret,
)
from infracast.errors import ControlError
from tests.control.budgets.fixtures import webhook_receiver

BODY = json.dumps({"event": "budget.alert", "spend": "2400.00"}).encode()
FAST = RetryPolicy(attempts=3, backoff=0.5, timeout=2.0)


class Sleeps(list[float]):
    """A fake ``time.sleep`` that records the delays asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_signature_is_hmac_sha256_of_the_body() -> None:
    # the HMAC-SHA256 test vector of RFC 4231's style, as published on Wikipedia
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sign("key", body) == f"sha256={expected}"


def test_delivered_first_time_with_body_and_signature() -> None:
    with webhook_receiver() as receiver:
        outcome = post_json(receiver.url, BODY, secret="s3cret", policy=FAST, sleep=Sleeps())
    assert outcome.delivered and outcome.attempts == 1 and outcome.status_code == 200
    assert outcome.delivered_at is not None
    [request] = receiver.requests
    assert request.body == BODY
    assert request.headers["Content-Type"].startswith("application/json")
    digest = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers[SIGNATURE_HEADER] == f"sha256={digest}"
    assert request.headers[TIMESTAMP_HEADER].isdigit()


def test_a_5xx_is_retried_after_a_backoff() -> None:
    sleeps = Sleeps()
    with webhook_receiver([500]) as receiver:
        outcome = post_json(receiver.url, BODY, secret="s", policy=FAST, sleep=sleeps)
    assert outcome.delivered and outcome.attempts == 2
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body == BODY
    assert sleeps == [0.5]


def test_backoff_doubles_and_gives_up_after_the_attempts() -> None:
    sleeps = Sleeps()
    with webhook_receiver([500, 502, 503]) as receiver:
        outcome = post_json(receiver.url, BODY, policy=FAST, sleep=sleeps)
    assert not outcome.delivered and outcome.attempts == 3
    assert outcome.status_code == 503
    assert outcome.error is not None and "gave up after 3 attempts" in outcome.error
    assert len(receiver.requests) == 3
    assert sleeps == [0.5, 1.0]  # 0.5, then 2 × 0.5


def test_a_4xx_is_not_retried() -> None:
    sleeps = Sleeps()
    with webhook_receiver([404]) as receiver:
        outcome = post_json(receiver.url, BODY, policy=FAST, sleep=sleeps)
    assert not outcome.delivered and outcome.attempts == 1 and outcome.status_code == 404
    assert outcome.error is not None and "not retried" in outcome.error
    assert len(receiver.requests) == 1 and sleeps == []


def test_a_redirect_is_not_followed() -> None:
    with webhook_receiver([302]) as receiver:
        outcome = post_json(receiver.url, BODY, policy=FAST, sleep=Sleeps())
    assert not outcome.delivered and outcome.attempts == 1
    assert outcome.error is not None and "redirects are not followed" in outcome.error
    assert len(receiver.requests) == 1


def test_a_refused_connection_is_retried() -> None:
    with socket.socket() as probe:  # a port nothing listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    outcome = post_json(f"http://127.0.0.1:{port}/hook", BODY, policy=FAST, sleep=sleeps)
    assert not outcome.delivered and outcome.attempts == 3
    assert outcome.status_code is None
    assert outcome.error is not None and outcome.error.startswith("connection failed")
    assert sleeps == [0.5, 1.0]


def test_a_timeout_is_retried() -> None:
    policy = RetryPolicy(attempts=2, backoff=0, timeout=0.2)
    with webhook_receiver(delay=0.6) as receiver:
        outcome = post_json(receiver.url, BODY, policy=policy, sleep=Sleeps())
    assert not outcome.delivered and outcome.attempts == 2
    assert len(receiver.requests) == 2


def test_no_secret_no_signature() -> None:
    with webhook_receiver() as receiver:
        post_json(receiver.url, BODY, policy=FAST, sleep=Sleeps())
    assert SIGNATURE_HEADER not in receiver.requests[0].headers


def test_the_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFRACAST_WEBHOOK_SECRET", "from-env")
    assert webhook_secret() == "from-env"
    assert webhook_secret("explicit") == "explicit"


def test_delays_are_capped() -> None:
    policy = RetryPolicy(attempts=6, backoff=1, max_backoff=3)
    assert [policy.delay(n) for n in range(1, 5)] == [1, 2, 3, 3]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "not a url"])
def test_only_http_urls_are_posted_to(url: str) -> None:
    with pytest.raises(ControlError, match="not an http"):
        post_json(url, BODY, policy=FAST, sleep=Sleeps())


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ControlError, match="at least 1"):
        RetryPolicy(attempts=0)


def test_the_documented_verification_accepts_our_signature() -> None:
    """docs/budget.md's verify() snippet agrees with sign(): the docs cannot rot."""
    text = (Path(__file__).resolve().parents[3] / "docs" / "budget.md").read_text("utf-8")
    [snippet] = [
        block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in block
    ]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # our own documentation
    verify = namespace["verify"]
    assert verify("s3cret", BODY, sign("s3cret", BODY))
    assert not verify("s3cret", BODY + b" ", sign("s3cret", BODY))
    assert not verify("other", BODY, sign("s3cret", BODY))
