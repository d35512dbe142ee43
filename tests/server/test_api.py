"""The JSON API answers what the CLI prints, and every error in the one shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infracast.server import create_app
from tests.cli import (
    contracts,  # noqa: F401 (the registry loads before the modules it lists)
    small_company,
)
from tests.cli.conftest import Ran

ERROR_KEYS = {"error", "message", "hint"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api")
    small_company.build(root)
    return root


@pytest.fixture
def client(world: Path) -> Iterator[TestClient]:
    with TestClient(create_app(world / small_company.LEDGER, auth=False)) as c:
        yield c


def _cli_json(cli: Callable[..., Ran], world: Path, *args: str) -> str:
    ran = cli(*args, "--ledger", str(world / small_company.LEDGER), "--format", "json")
    assert ran.code == 0, ran.err
    return ran.out


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("costs?by=team,month", ("costs", "--by", "team,month")),
        ("gpu?by=team", ("gpu", "--by", "team")),
        ("movers?by=team&grain=month&top=3", ("movers", "--by", "team", "--grain", "month",
                                              "--top", "3")),
        ("savings?by=provider", ("savings", "--by", "provider")),
        ("commitments?from=2026-01-01&to=2026-03-01", ("commitments", "--from", "2026-01-01",
                                                        "--to", "2026-03-01")),
        ("recommendations?status=all", ("recommend", "--stored", "--status", "all")),
        ("ingests?limit=5", ("ingests", "--limit", "5")),
        ("showback?from=2026-01-01&to=2026-03-01", ("showback", "--from", "2026-01-01", "--to",
                                                     "2026-03-01")),
        ("quarantine", ("quarantine", "list")),
        ("quarantine?rows=true&limit=3", ("quarantine", "list", "--rows", "--limit", "3")),
        ("costs?by=service&filter=provider=AWS&top=2", ("costs", "--by", "service", "--filter",
                                                        "provider=AWS", "--top", "2")),
        ("costs?by=team&from=2026-01-01&to=2026-02-01&metric=billed",
         ("costs", "--by", "team", "--from", "2026-01-01", "--to", "2026-02-01", "--metric",
          "billed")),
    ],
)  # fmt: skip
def test_a_route_answers_exactly_what_its_command_prints(
    cli: Callable[..., Ran], world: Path, query: str, args: tuple[str, ...]
) -> None:
    expected = _cli_json(cli, world, *args)  # before the server owns the ledger
    with TestClient(create_app(world / small_company.LEDGER, auth=False)) as client:
        answer = client.get(f"/api/v1/{query}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.text == expected


@pytest.mark.parametrize(
    ("route", "body", "args"),
    [
        ("training", {"params": "7B", "tokens": "100B", "accelerator": "H100"},
         ("--params", "7B", "--tokens", "100B", "--accelerator", "H100")),
        ("inference", {"params": "8B", "accelerator": "L4", "requests_per_second": 5,
                       "input_tokens": 1000, "output_tokens": 200},
         ("--params", "8B", "--accelerator", "L4", "--requests-per-second", "5",
          "--input-tokens", "1000", "--output-tokens", "200")),
    ],
)  # fmt: skip
def test_an_estimate_posted_is_the_estimate_the_cli_prints(
    client: TestClient, cli: Callable[..., Ran], route: str, body: dict, args: tuple[str, ...]
) -> None:
    answer = client.post(f"/api/v1/estimates/{route}?provider=aws", json=body)
    assert answer.status_code == 200, answer.text
    ran = cli("estimate", route, *args, "--provider", "aws", "--format", "json")
    assert ran.code == 0, ran.err
    assert answer.text == ran.out


def test_a_spec_with_an_unknown_field_is_422_naming_it(client: TestClient) -> None:
    body = {"params": "7B", "tokens": "1T", "accelerator": "H100", "gpus": 8}
    answer = client.post("/api/v1/estimates/training", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"] == "ValidationError" and answer.json()["field"] == "gpus"


def test_a_library_error_keeps_its_shape_and_status(client: TestClient) -> None:
    answer = client.get("/api/v1/costs?by=teem")
    assert answer.status_code == 400
    body = answer.json()
    assert set(body) >= ERROR_KEYS and body["error"] == "QueryError"
    assert 'Did you mean "team"' in body["message"]


def test_a_refused_parameter_is_422_in_the_same_shape(client: TestClient) -> None:
    answer = client.get("/api/v1/costs?top=0")
    assert answer.status_code == 422
    body = answer.json()
    assert set(body) >= ERROR_KEYS and body["error"] == "ValidationError"
    assert body["field"] == "top" and "top" in body["message"]


def test_an_unknown_route_is_404_in_the_same_shape(client: TestClient) -> None:
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "NotFound",
        "message": "no route GET /api/v1/nothing-here",
        "hint": "see /api/v1/docs",
    }


def test_an_internal_error_reaches_no_client_as_a_trace(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infracast import analytics

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail in /srv/internal/path.py")

    monkeypatch.setattr(analytics, "costs", broken)
    app = create_app(world / small_company.LEDGER, auth=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        answer = c.get("/api/v1/costs")
    assert answer.status_code == 500
    body = answer.json()
    assert body["error"] == "InternalError" and set(body) == ERROR_KEYS
    assert "secret" not in answer.text and "Traceback" not in answer.text


def test_the_openapi_document_lists_the_routes(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/costs", "/api/v1/health", "/api/v1/recommendations"} <= set(spec["paths"])


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A world with an admin and a viewer scoped to research, and a token each."""
    from infracast.control.users import add_user, new_token, revoke
    from infracast.ledger.connection import Ledger

    root = tmp_path_factory.mktemp("api-auth")
    small_company.build(root)
    with Ledger.open(root / small_company.LEDGER) as led:
        add_user(led, "ada", role="admin")
        add_user(led, "rui", role="viewer", team="research")
        add_user(led, "gone", role="viewer")
        found = {name: new_token(led, name) for name in ("ada", "rui", "gone")}
        revoke(led, "gone")
    return root, found


def _as(world: tuple[Path, dict[str, str]], who: str | None, path: str) -> tuple[int, object]:
    root, found = world
    headers = {} if who is None else {"Authorization": f"Bearer {found.get(who, who)}"}
    with TestClient(create_app(root / small_company.LEDGER)) as client:
        answer = client.get(path, headers=headers)
    return answer.status_code, answer.json()


def test_without_a_valid_token_the_answer_is_401_in_the_one_shape(tokens) -> None:
    for who in (None, "ifc_00000000_not-a-real-token", "gone"):
        status, body = _as(tokens, who, "/api/v1/costs")
        assert status == 401, who
        assert isinstance(body, dict) and set(body) >= ERROR_KEYS and body["error"] == "AuthError"


def test_a_scoped_user_sees_only_its_teams_rows(tokens) -> None:
    status, every = _as(tokens, "ada", "/api/v1/costs?by=team")
    assert status == 200 and isinstance(every, list)
    assert len({row["team"] for row in every}) > 1  # the admin sees every team
    status, scoped = _as(tokens, "rui", "/api/v1/costs?by=team")
    assert status == 200 and isinstance(scoped, list)
    assert {row["team"] for row in scoped} == {"research"}
    # asking for another team's rows gives none, not theirs
    status, other = _as(tokens, "rui", "/api/v1/costs?by=team&filter=team=data")
    assert status == 200 and other == []


def test_a_scoped_user_sees_its_own_showback_line(tokens) -> None:
    status, every = _as(tokens, "ada", "/api/v1/showback")
    assert status == 200 and isinstance(every, dict)
    status, mine = _as(tokens, "rui", "/api/v1/showback")
    assert status == 200 and isinstance(mine, dict)
    assert {r["team"] for r in mine["rows"]} == {"research"}
    assert mine["rows"] == [r for r in every["rows"] if r["team"] == "research"]
    assert mine["totals"] == {r["currency"]: r["total"] for r in mine["rows"]}  # one currency
    assert "scoped to team research" in mine["notes"][-1]


def test_a_scoped_user_may_not_read_views_of_every_team(tokens) -> None:
    for path in ("/api/v1/ingests", "/api/v1/quarantine", "/api/v1/projects"):
        status, body = _as(tokens, "rui", path)
        assert status == 403 and isinstance(body, dict) and body["error"] == "ForbiddenError"
        assert _as(tokens, "ada", path)[0] == 200


def test_health_says_who_the_request_acts_as(tokens) -> None:
    status, body = _as(tokens, "rui", "/api/v1/health")
    assert status == 200
    assert body == {"status": "ok", "user": "rui", "role": "viewer", "team": "research"}


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The recommend contracts' world (one storage finding, research's) with a viewer, an
    editor and an editor scoped to the data team."""
    from infracast.control.users import add_user, new_token
    from infracast.ledger.connection import Ledger
    from tests.recommend.contracts import found

    found(tmp_path)
    with Ledger.open(tmp_path / small_company.LEDGER) as led:
        add_user(led, "vi", role="viewer")
        add_user(led, "ed", role="editor")
        add_user(led, "sam", role="editor", team="data")
        return tmp_path, {name: new_token(led, name) for name in ("vi", "ed", "sam")}


def _post(world: tuple[Path, dict[str, str]], who: str, path: str) -> tuple[int, object]:
    root, found = world
    with TestClient(create_app(root / small_company.LEDGER)) as client:
        answer = client.post(path, headers={"Authorization": f"Bearer {found[who]}"})
    return answer.status_code, answer.json()


def test_only_an_editor_of_the_team_may_accept_a_recommendation(desk) -> None:
    from tests.recommend.contracts import FOUND

    path = f"/api/v1/recommendations/{FOUND}/accept?effective=2026-02-10"
    status, body = _post(desk, "vi", path)
    assert status == 403 and isinstance(body, dict) and "viewer" in body["message"]
    status, body = _post(desk, "sam", path)
    assert status == 403 and isinstance(body, dict) and "not data's" in body["message"]
    status, body = _post(desk, "ed", path)
    assert status == 200 and body == {
        "id": FOUND, "kind": "storage_tier", "status": "accepted", "note": None,
        "effective_from": "2026-02-10", "baseline_run_rate": None,
    }  # fmt: skip
    status, listed = _as(desk, "vi", "/api/v1/recommendations?status=accepted")
    assert status == 200 and [r["id"] for r in listed] == [FOUND]  # type: ignore[union-attr]


def test_a_refresh_runs_the_rules_for_an_editor(desk) -> None:
    from tests.recommend.contracts import FOUND

    assert _post(desk, "vi", "/api/v1/recommendations/refresh")[0] == 403
    status, body = _post(desk, "ed", "/api/v1/recommendations/refresh")
    assert status == 200 and [r["id"] for r in body] == [FOUND]  # type: ignore[union-attr]
    status, body = _post(desk, "sam", "/api/v1/recommendations/refresh")
    assert status == 200 and body == []  # the data team has no finding
