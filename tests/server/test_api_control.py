"""Budgets, their status and alerts, projects and plans over HTTP: an unscoped user sees what
the commands print; a user scoped to a team sees its team's budgets and their alerts, does
not learn that another team's budget exists (404, as for a name nobody uses), and is refused
projects and plans, which have no team (403)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infracast import control
from infracast.control.users import add_user, new_token
from infracast.ledger.connection import Ledger
from infracast.server import create_app
from tests.cli import contracts  # noqa: F401 (the registry loads before the modules it lists)
from tests.cli.conftest import Ran
from tests.cli.small_company import LEDGER
from tests.control.contracts import AS_OF, build

ERROR_KEYS = {"error", "message", "hint"}
# Beside the contracts' budgets (research: team research; atlas: project atlas, every team's):
EXTRA = """\
budgets:
  - {name: data, amount: 1, currency: USD, start: 2026-01, filters: [team=data]}
  - {name: shared, amount: 30, currency: USD, start: 2026-01, filters: ["team=research,data"]}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The control contracts' world, two more budgets and their alerts, an admin and a
    viewer scoped to research."""
    root = tmp_path_factory.mktemp("api-control")
    build(root)
    (root / "control" / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    with contextlib.chdir(root), Ledger.open(LEDGER) as led:
        control.load_budget_file(led, "control/extra.yaml")
        control.budget_status(led, as_of=AS_OF, notify=False)  # their alerts, raised once
        add_user(led, "ada", role="admin")
        add_user(led, "rui", role="viewer", team="research")
        return root, {name: new_token(led, name) for name in ("ada", "rui")}


def _get(world: tuple[Path, dict[str, str]], who: str, path: str) -> tuple[int, Any, str]:
    root, tokens = world
    with TestClient(create_app(root / LEDGER)) as client:
        answer = client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
    assert answer.headers["content-type"] == "application/json"
    return answer.status_code, answer.json(), answer.text


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("budgets", ("budget", "list")),
        (f"budgets/status?as_of={AS_OF}", ("budget", "status", "--as-of", AS_OF, "--no-notify")),
        ("budgets/alerts", ("budget", "alerts")),
        ("budgets/alerts?budget=data", ("budget", "alerts", "--budget", "data")),
        ("projects", ("project", "list")),
        (f"projects/atlas/status?as_of={AS_OF}", ("project", "status", "atlas", "--as-of", AS_OF)),
        ("plans", ("plan", "list")),
        (f"plans/compare?name=atlas-run&by=month&as_of={AS_OF}",
         ("plan", "compare", "atlas-run", "--by", "month", "--as-of", AS_OF)),
    ],
)  # fmt: skip
def test_an_unscoped_user_gets_what_the_command_prints(
    world: tuple[Path, dict[str, str]],
    cli: Callable[..., Ran],
    query: str,
    args: tuple[str, ...],
) -> None:
    root = world[0]
    ran = cli(*args, "--ledger", str(root / LEDGER), "--format", "json")
    assert ran.code == 0, ran.err
    status, _, text = _get(world, "ada", f"/api/v1/{query}")
    assert status == 200
    assert text == ran.out


def test_a_scoped_user_sees_only_its_teams_budgets(world: tuple[Path, dict[str, str]]) -> None:
    _, every, _ = _get(world, "ada", "/api/v1/budgets")
    assert [b["name"] for b in every] == ["atlas", "data", "research", "shared"]
    status, mine, _ = _get(world, "rui", "/api/v1/budgets")
    assert status == 200
    # research's alone: not atlas (every team's charges of a project), not shared (two teams)
    assert mine == [b for b in every if b["name"] == "research"]


def test_a_scoped_users_status_is_its_teams_budgets(world: tuple[Path, dict[str, str]]) -> None:
    query = f"/api/v1/budgets/status?as_of={AS_OF}"
    _, every, _ = _get(world, "ada", query)
    status, mine, _ = _get(world, "rui", query)
    assert status == 200
    assert [s["budget"] for s in mine] == ["research"]
    assert mine == [s for s in every if s["budget"] == "research"]
    status, one, _ = _get(world, "rui", f"{query}&name=research")
    assert status == 200 and one == mine


def test_a_scoped_users_alerts_are_those_of_its_teams_budgets(
    world: tuple[Path, dict[str, str]],
) -> None:
    _, every, _ = _get(world, "ada", "/api/v1/budgets/alerts")
    assert {"research", "data"} <= {a["budget"] for a in every}
    status, mine, _ = _get(world, "rui", "/api/v1/budgets/alerts")
    assert status == 200 and mine
    assert mine == [a for a in every if a["budget"] == "research"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/budgets/status?name={}",
        "/api/v1/budgets/alerts?budget={}",
    ],
)
def test_another_teams_budget_is_not_found_as_if_nobody_used_the_name(
    world: tuple[Path, dict[str, str]], path: str
) -> None:
    status, hidden, _ = _get(world, "rui", path.format("data"))
    assert status == 404 and set(hidden) >= ERROR_KEYS and hidden["error"] == "UnknownNameError"
    status, absent, _ = _get(world, "rui", path.format("nothing"))
    assert status == 404
    # the same answer, but for the name asked about
    assert hidden["message"].replace('"data"', "NAME") == absent["message"].replace(
        '"nothing"', "NAME"
    )
    assert hidden["hint"] == absent["hint"]
    # and no other team's name is offered
    _, close, _ = _get(world, "rui", path.format("dat"))
    assert "Did you mean" not in close["message"]
    assert _get(world, "ada", path.format("data"))[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects",
        f"/api/v1/projects/atlas/status?as_of={AS_OF}",
        "/api/v1/plans",
        "/api/v1/plans/compare?name=atlas-run",
    ],
)
def test_projects_and_plans_have_no_team_so_a_scoped_user_is_refused(
    world: tuple[Path, dict[str, str]], path: str
) -> None:
    status, body, _ = _get(world, "rui", path)
    assert status == 403 and set(body) >= ERROR_KEYS and body["error"] == "ForbiddenError"
    assert "projects and plans have no team" in body["message"]
    assert "research's rows" in body["message"] and "/api/v1/costs?by=project" in body["hint"]
    assert _get(world, "ada", path)[0] == 200
