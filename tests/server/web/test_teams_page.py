"""The Teams page: showback per team, as an admin and as a team-scoped viewer sees it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from infracast.control.users import add_user
from infracast.ledger.connection import Ledger
from infracast.server.app import create_app
from infracast.server.web import teams_page
from tests.server.web.test_auth import PASSWORD, sign_in

_DEMO: dict[str, Any] = {}


def demo_ledger(factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A 5,000-row demo ledger with ``ada`` (admin) and ``rita`` (viewer, team research),
    made once per test process (the pages' tests only read it), and the demo's teams."""
    if "path" not in _DEMO:
        from infracast.demo.run import run_demo

        folder = factory.mktemp("demo-pages")
        path = folder / "ledger.duckdb"
        with Ledger.open(path) as ledger:
            run_demo(ledger, folder / "files", rows=5_000, summary=None)
            add_user(ledger, "ada", role="admin", password=PASSWORD)
            add_user(ledger, "rita", role="viewer", team="research", password=PASSWORD)
            found = ledger.con.execute(
                "SELECT DISTINCT x_team FROM charges WHERE coalesce(x_team, '') <> ''"
            ).fetchall()
        _DEMO["path"], _DEMO["teams"] = path, sorted(r[0] for r in found)
    return _DEMO["path"], _DEMO["teams"]


@contextmanager
def page_client(path: Path, router: APIRouter, name: str | None = "ada") -> Iterator[TestClient]:
    """A client of the app at ``path`` with ``router`` included, signed in as ``name``."""
    app = create_app(path)
    app.include_router(router)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        if name is not None:
            assert sign_in(client, name).status_code == 303
        yield client


def empty_ledger(tmp_path: Path) -> Path:
    path = tmp_path / "empty.duckdb"
    with Ledger.open(path) as ledger:
        add_user(ledger, "ada", role="admin", password=PASSWORD)
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return demo_ledger(tmp_path_factory)


@pytest.fixture(scope="module")
def admin(demo: tuple[Path, list[str]]) -> Iterator[TestClient]:
    with page_client(demo[0], teams_page.router) as client:
        yield client


@pytest.fixture(scope="module")
def rita(demo: tuple[Path, list[str]]) -> Iterator[TestClient]:
    with page_client(demo[0], teams_page.router, "rita") as client:
        yield client


def test_an_admin_sees_every_team_and_the_command(
    admin: TestClient, demo: tuple[Path, list[str]]
) -> None:
    html = admin.get("/teams").text
    for team in demo[1]:
        assert team in html
    assert "unallocated idle" in html
    assert 'id="chart-showback"' in html and 'id="table-showback"' in html
    assert "<code>infracast showback --from " in html


def test_a_scoped_viewer_sees_no_other_team(rita: TestClient, demo: tuple[Path, list[str]]) -> None:
    response = rita.get("/teams")
    assert response.status_code == 200
    assert "research" in response.text
    for team in demo[1]:
        if team != "research":
            assert team not in response.text, f"{team} shows on rita's Teams page"
    other = next(t for t in demo[1] if t != "research")
    assert rita.get(f"/teams?team={other}").status_code == 403


def test_a_range_of_months_is_shown_and_named_in_the_command(admin: TestClient) -> None:
    html = admin.get("/teams?from=2026-01&to=2026-03").text
    assert "January 2026 to March 2026" in html
    assert "infracast showback --from 2026-01-01 --to 2026-04-01" in html


def test_a_month_that_is_not_one_is_refused_with_how_to_fix(admin: TestClient) -> None:
    response = admin.get("/teams?from=January")
    assert response.status_code == 400 and "YYYY-MM" in response.text
    assert admin.get("/teams?from=2026-05&to=2026-02").status_code == 400


def test_an_empty_ledger_says_how_to_add_charges(tmp_path: Path) -> None:
    with page_client(empty_ledger(tmp_path), teams_page.router) as client:
        response = client.get("/teams")
    assert response.status_code == 200
    assert "The ledger has no charges yet" in response.text and "infracast ingest" in response.text
