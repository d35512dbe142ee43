"""POST /api/v1/login: a password for a new token, rate limited per name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient

from infracast.control import users
from infracast.control.users import LoginLimiter, add_user
from infracast.ledger.connection import Ledger
from infracast.server import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # argon2id at its cheapest and a fresh limiter: the test is about the route
    monkeypatch.setattr(users, "_HASHER", PasswordHasher(1, 8, 1, 16, 16, type=Type.ID))
    monkeypatch.setattr(users, "LIMITER", LoginLimiter())
    users._dummy_hash.cache_clear()
    path = tmp_path / "ledger.duckdb"
    with Ledger.open(path) as ledger:
        add_user(ledger, "ana", role="viewer", team="research", password=PASSWORD)
    with TestClient(create_app(path)) as c:
        yield c
    users._dummy_hash.cache_clear()


def test_login_gives_a_token_that_opens_the_api(client: TestClient) -> None:
    answer = client.post("/api/v1/login", json={"name": "ana", "password": PASSWORD})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["role"], body["team"]) == ("ana", "viewer", "research")
    health = client.get("/api/v1/health", headers={"Authorization": f"Bearer {body['token']}"})
    assert health.json()["user"] == "ana"


def test_a_wrong_password_is_401_and_the_sixth_try_is_429(client: TestClient) -> None:
    for _ in range(5):
        wrong = client.post("/api/v1/login", json={"name": "ana", "password": "nope nope"})
        assert wrong.status_code == 401
        assert wrong.json()["error"] == "AuthError"
    limited = client.post("/api/v1/login", json={"name": "ana", "password": PASSWORD})
    assert limited.status_code == 429
    body = limited.json()
    assert body["error"] == "TooManySignInsError"
    assert 0 < body["retry_after"] <= 60
    assert "Wait" in body["hint"]


def test_an_unknown_field_or_missing_password_is_422(client: TestClient) -> None:
    missing = client.post("/api/v1/login", json={"name": "ana"})
    assert missing.status_code == 422
    assert missing.json()["field"] == "password"
    extra = client.post("/api/v1/login", json={"name": "ana", "password": "x", "otp": 1})
    assert extra.status_code == 422
