"""Signing in to the pages: sessions in an HttpOnly cookie, CSRF on every form, redirects
only within the site, revoked users signed out, and errors as pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import plotly
import pytest
from fastapi.testclient import TestClient

from infracast.control.users import add_user, revoke
from infracast.ledger.connection import Ledger
from infracast.server.app import create_app
from infracast.server.web.auth import safe_next

PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "ledger.duckdb"
    with Ledger.open(path) as ledger:
        add_user(ledger, "ada", role="admin", password=PASSWORD)
        add_user(ledger, "rita", role="viewer", team="research", password=PASSWORD)
    with TestClient(create_app(path), base_url="http://127.0.0.1") as c:
        yield c


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, name: str = "ada", password: str = PASSWORD, **extra: str):
    token = form_token(client.get("/login").text)
    data = {"name": name, "password": password, "csrf": token, "next": "/", **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_a_page_without_a_session_redirects_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/?team=research", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/%3Fteam%3Dresearch"


def test_signing_in_sets_an_http_only_same_site_cookie(client: TestClient) -> None:
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(v for v in response.headers.get_list("set-cookie")
                  if v.startswith("infracast_session="))  # fmt: skip
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback; Secure is set over TLS
    assert client.get("/", follow_redirects=False).status_code == 200


def test_the_cookie_is_secure_over_tls(tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"
    with Ledger.open(path) as ledger:
        add_user(ledger, "ada", role="admin", password=PASSWORD)
    with TestClient(create_app(path), base_url="https://127.0.0.1") as c:
        response = sign_in(c)
        cookie = next(v for v in response.headers.get_list("set-cookie")
                      if v.startswith("infracast_session="))  # fmt: skip
        assert "Secure" in cookie


def test_a_wrong_password_and_a_forged_sign_in_form_are_refused(client: TestClient) -> None:
    assert sign_in(client, password="not the password!").status_code == 401
    client.get("/login")
    forged = {"name": "ada", "password": PASSWORD, "csrf": "forged", "next": "/"}
    response = client.post("/login", data=forged, follow_redirects=False)
    assert response.status_code == 400 and "infracast_session" not in response.headers.get(
        "set-cookie", ""
    )


def test_sign_in_goes_back_only_to_a_page_of_this_site() -> None:
    assert safe_next("/gpus?team=x") == "/gpus?team=x"
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "", None):
        assert safe_next(outside) == "/"


def test_logout_needs_the_session_s_csrf_token_and_ends_it(client: TestClient) -> None:
    sign_in(client)
    page = client.get("/").text
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    response = client.post("/logout", data={"csrf": form_token(page)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_revoked_user_is_signed_out_at_the_next_request(
    client: TestClient, tmp_path: Path
) -> None:
    sign_in(client, "rita")
    assert client.get("/", follow_redirects=False).status_code == 200
    revoke(client.app.state.ledger, "rita")  # type: ignore[attr-defined]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_scoped_user_asking_for_another_team_gets_a_403_page(client: TestClient) -> None:
    sign_in(client, "rita")
    response = client.get("/?team=platform")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "sees only team research" in response.text


def test_an_unknown_page_is_a_404_page_and_the_api_keeps_json(client: TestClient) -> None:
    assert client.get("/nowhere").headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404 and api.json()["error"] == "NotFound"


def test_plotly_is_served_once_cached_for_a_year_and_gzipped(client: TestClient) -> None:
    url = f"/static/plotly-{plotly.__version__}.min.js"
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"
    assert b"plotly.js v" in response.content[:2000]  # the client unzipped it
    again = client.get(url, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
