"""The Optimize page: stored recommendations with savings and status, a status filter, and
accept, dismiss and run-the-rules forms for editors and admins (each with its CSRF token)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from infracast.recommend import recommend
from infracast.server.web import recommendations_page
from tests.server.web.test_auth import form_token, sign_in
from tests.server.web.test_budgets_page import demo_ledger, demo_teams, serve


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with serve(demo_ledger(tmp_path_factory), recommendations_page.router) as c:
        recommend(c.app.state.ledger)  # type: ignore[attr-defined]  # run the rules: store some
        yield c


def open_ids(client: TestClient, team: str | None = None) -> list[str]:
    found = recommend(client.app.state.ledger, team=team, status="open", refresh=False)  # type: ignore[attr-defined]
    return [r.id for r in found]


def test_the_page_lists_the_stored_recommendations_to_an_admin(client: TestClient) -> None:
    sign_in(client, "ada")
    response = client.get("/recommendations")
    assert response.status_code == 200
    for rec_id in open_ids(client):
        assert rec_id in response.text
    assert "Monthly savings by kind (USD)" in response.text
    assert "infracast recommend --stored --status active" in response.text
    assert 'action="/recommendations/refresh"' in response.text
    assert "/accept" in response.text and "/dismiss" in response.text


def test_a_viewer_sees_no_forms_and_a_scoped_one_no_other_team(client: TestClient) -> None:
    others = [t for t in demo_teams(client.app.state.ledger) if t != "research"]  # type: ignore[attr-defined]
    sign_in(client, "rita")
    response = client.get("/recommendations?status=all")
    assert response.status_code == 200
    assert open_ids(client, "research")[0] in response.text
    assert "/accept" not in response.text and "/refresh" not in response.text
    for team in others:
        assert team not in response.text, f"{team} shows on rita's recommendations"


def test_accept_and_dismiss_need_the_csrf_token_and_a_writer(client: TestClient) -> None:
    first, second = open_ids(client, "research")[:2]
    sign_in(client, "ada")
    token = form_token(client.get("/recommendations").text)
    for action in ("accept", "dismiss"):
        response = client.post(f"/recommendations/{first}/{action}", data={"csrf": "forged"})
        assert response.status_code == 403
        response = client.post(f"/recommendations/{first}/{action}", data={})
        assert response.status_code == 403
    sign_in(client, "rita")  # a viewer, with its own valid token
    token = form_token(client.get("/recommendations").text)
    response = client.post(f"/recommendations/{first}/accept", data={"csrf": token})
    assert response.status_code == 403
    assert first in open_ids(client)  # nothing changed
    sign_in(client, "eddie")
    token = form_token(client.get("/recommendations").text)
    response = client.post(f"/recommendations/{first}/accept", data={"csrf": token},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/recommendations?status=active"
    response = client.post(f"/recommendations/{second}/dismiss", data={"csrf": token},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    ledger = client.app.state.ledger  # type: ignore[attr-defined]
    statuses = {r.id: r.status for r in recommend(ledger, status="all", refresh=False)}
    assert statuses[first] == "accepted" and statuses[second] == "dismissed"


def test_a_scoped_editor_changes_its_own_team_s_recommendations_only(client: TestClient) -> None:
    theirs = [i for i in open_ids(client) if i not in open_ids(client, "research")]
    sign_in(client, "remy")
    token = form_token(client.get("/recommendations").text)
    response = client.post(f"/recommendations/{theirs[0]}/dismiss", data={"csrf": token})
    assert response.status_code == 403


def test_running_the_rules_is_a_write_with_its_token(client: TestClient) -> None:
    sign_in(client, "rita")
    token = form_token(client.get("/recommendations").text)
    assert client.post("/recommendations/refresh", data={"csrf": token}).status_code == 403
    sign_in(client, "eddie")
    assert client.post("/recommendations/refresh", data={"csrf": "forged"}).status_code == 403
    token = form_token(client.get("/recommendations").text)
    response = client.post("/recommendations/refresh", data={"csrf": token, "back": "all"},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/recommendations?status=all"
