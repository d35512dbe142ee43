"""The Data page: the ingest log and the quarantine, and a FOCUS export uploaded through its
form, ingested as POST /api/v1/ingests ingests it; only editors and admins without a team
scope may upload, with the form's CSRF token, within the upload limit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infracast.control.users import add_user
from infracast.ledger.connection import Ledger
from infracast.server.app import create_app
from infracast.server.web import data_page
from infracast.settings import load_settings
from tests.cli import small_company
from tests.server.web.test_auth import PASSWORD, form_token, sign_in


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A ledger with users of every kind, and the small company's bills beside it (its
    January holds 6 rows, one with BilledCost "oops")."""
    small_company.write_files(tmp_path)
    with Ledger.open(tmp_path / "ledger.duckdb") as ledger:
        add_user(ledger, "ada", role="admin", password=PASSWORD)
        add_user(ledger, "ed", role="editor", password=PASSWORD)
        add_user(ledger, "vi", role="viewer", password=PASSWORD)
        add_user(ledger, "sam", role="editor", team="data", password=PASSWORD)
    return tmp_path


def _client(world: Path, max_mb: float | None = None) -> TestClient:
    app = create_app(world / "ledger.duckdb", settings=load_settings(upload_max_mb=max_mb))
    app.include_router(data_page.router)
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture
def client(world: Path) -> Iterator[TestClient]:
    with _client(world) as c:
        yield c


def _bill(world: Path) -> bytes:
    return (world / "bills" / "2026-01.csv").read_bytes()


def _upload(client: TestClient, data: bytes, csrf: str | None, query: str = ""):
    token = "" if csrf is None else f"csrf={csrf}"
    return client.post(f"/data/upload?{token}{query}", files={"file": ("2026-01.csv", data)},
                       follow_redirects=False)  # fmt: skip


def _charges(client: TestClient) -> int:
    row = client.app.state.ledger.con.execute("SELECT count(*) FROM charges").fetchone()  # type: ignore[attr-defined]
    return int(row[0])


def test_an_uploaded_bill_is_ingested_and_its_quarantined_row_shown(
    client: TestClient, world: Path
) -> None:
    sign_in(client, "ed")
    page = client.get("/data")
    assert page.status_code == 200 and "No file ingested yet." in page.text
    response = _upload(client, _bill(world), form_token(page.text))
    assert response.status_code == 303
    assert response.headers["location"] == "/data?ingest=1&upload=ingested"
    shown = client.get("/data?ingest=1").text
    top = shown.split('id="ingest-result"', 1)[1].split("</section>", 1)[0]
    assert "Ingest 1: 2026-01.csv" in top and "ingested" in top
    assert "6 rows read, 5 ingested, 1 quarantined" in top
    assert "invalid_cost" in top and "BilledCost &#34;oops&#34; is not a valid number" in top
    assert _charges(client) == 5


def test_the_page_lists_what_the_api_lists(client: TestClient, world: Path) -> None:
    sign_in(client, "ada")
    _upload(client, _bill(world), form_token(client.get("/data").text))
    ledger = client.app.state.ledger  # type: ignore[attr-defined]
    from infracast.server.app import ANONYMOUS_ADMIN

    shown = data_page.data(ledger, ANONYMOUS_ADMIN)
    assert [r["ingest_id"] for r in shown.ingests] == [1]
    assert [(r["row_number"], r["reason"]) for r in shown.quarantine] == [(6, "invalid_cost")]
    html = client.get("/data").text
    assert 'id="table-ingests"' in html and 'id="table-quarantine"' in html
    assert "Export CSV" in html and "invalid_cost" in html


def test_the_same_file_twice_is_counted_once(client: TestClient, world: Path) -> None:
    sign_in(client, "ed")
    token = form_token(client.get("/data").text)
    assert _upload(client, _bill(world), token).status_code == 303
    again = _upload(client, _bill(world), token)
    assert again.status_code == 303
    assert "already_ingested" in client.get(again.headers["location"]).text
    assert _charges(client) == 5


def test_an_upload_without_the_csrf_token_is_refused(client: TestClient, world: Path) -> None:
    sign_in(client, "ed")
    for token in (None, "forged"):
        response = _upload(client, _bill(world), token)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert "security token" in response.text
    assert _charges(client) == 0


def test_a_viewer_may_not_upload(client: TestClient, world: Path) -> None:
    sign_in(client, "vi")
    page = client.get("/data")
    assert page.status_code == 200 and "Upload a FOCUS export" not in page.text
    response = _upload(client, _bill(world), form_token(page.text))
    assert response.status_code == 403 and "vi is a viewer" in response.text
    assert _charges(client) == 0


def test_a_scoped_editor_sees_a_403_page_and_may_not_upload(
    client: TestClient, world: Path
) -> None:
    sign_in(client, "sam")
    page = client.get("/data")
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert "Not for this account" in page.text and "every team&#39;s rows" in page.text
    token = form_token(client.get("/").text)
    response = _upload(client, _bill(world), token)
    assert response.status_code == 403 and "every team&#39;s rows" in response.text
    assert _charges(client) == 0


def test_a_file_over_the_limit_is_a_413_page(world: Path) -> None:
    with _client(world, max_mb=1 / 1024) as client:  # 1 KiB; the bill is ~1.6 KiB
        sign_in(client, "ed")
        response = _upload(client, _bill(world), form_token(client.get("/data").text))
        assert response.status_code == 413
        assert "That file is too large" in response.text
        assert "larger than 0.000976562 MB" in response.text
        assert _charges(client) == 0


def test_a_file_that_is_not_a_bill_shows_the_error_not_a_traceback(
    client: TestClient, world: Path
) -> None:
    sign_in(client, "ed")
    token = form_token(client.get("/data").text)
    note = {"file": ("notes.txt", b"hello")}
    response = client.post(f"/data/upload?csrf={token}", files=note, follow_redirects=False)
    assert response.status_code == 422 and "notes.txt" in response.text
    assert "Traceback" not in response.text
    rejected = _upload(client, b"just,some\n1,2\n", token)
    assert rejected.status_code == 303
    shown = client.get(rejected.headers["location"]).text
    assert "rejected" in shown and re.search(r'class="error">[^<]+', shown)


def test_two_replace_widths_at_once_are_refused(client: TestClient, world: Path) -> None:
    sign_in(client, "ed")
    token = form_token(client.get("/data").text)
    response = _upload(client, _bill(world), token, "&replace=true&replace_period=true")
    assert response.status_code == 400 and "cannot be used together" in response.text
