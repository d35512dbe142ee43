"""The Projects page: earned value with S-curves for unscoped users; a team-scoped user is
told that projects are not team-scoped (as the API's 403), and sees no project's data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from infracast.control import project_status
from infracast.server.web import projects_page
from tests.server.web.test_auth import sign_in
from tests.server.web.test_budgets_page import demo_ledger, demo_teams, serve


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with serve(demo_ledger(tmp_path_factory), projects_page.router) as c:
        yield c


def test_the_page_shows_each_project_s_earned_value_to_an_admin(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/projects")
    assert response.status_code == 200
    for project in ("support-copilot", "atlas-evals"):
        assert f"infracast project status {project} --as-of" in response.text
    for heading in (">CPI<", ">SPI<", ">EAC<", ">VAC<"):
        assert heading in response.text


def test_the_s_curves_are_the_status_series(client: TestClient) -> None:
    ledger = client.app.state.ledger  # type: ignore[attr-defined]
    admin = projects_page.Principal("ada", "admin", None)
    data = projects_page.projects_page(ledger, admin)
    assert data.as_of is not None
    status = project_status(ledger, "support-copilot", data.as_of, by="month")
    chart = next(c for c in data.charts if c.id == "ev-support-copilot")
    traces = {t["name"]: t for t in chart.figure["data"]}
    assert traces["AC (actual cost)"]["y"][1:] == [float(p.ac) for p in status.series]
    assert traces["EV (earned value)"]["y"][1:] == [float(p.ev) for p in status.series]
    assert traces["PV (planned value)"]["y"][-1] == float(status.earned.metrics.bac)
    row = next(r for r in data.rows if r["project"] == "support-copilot")
    assert row["cpi"] == status.earned.metrics.cpi and row["eac"] == status.earned.metrics.eac


def test_a_team_scoped_viewer_is_told_projects_are_not_team_scoped(client: TestClient) -> None:
    others = [t for t in demo_teams(client.app.state.ledger) if t != "research"]  # type: ignore[attr-defined]
    sign_in(client, "rita")
    response = client.get("/projects")
    assert response.status_code == 200
    assert "Projects are not team-scoped; ask an unscoped user" in response.text
    assert "support-copilot" not in response.text and 'class="chart"' not in response.text
    for team in others:
        assert team not in response.text
