"""The finance routes answer what `infracast finance … --from-ledger --project P` prints,
and a user scoped to a team counts its team's charges of the project only.

The small company's project atlas is research's: 9.25 in January and 11.00 in February
(effective cost), so its cash flows are -9.25 and -11.00 and it never pays back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infracast.control.users import add_user
from infracast.ledger.connection import Ledger
from infracast.server import create_app
from tests.cli import (
    contracts,  # noqa: F401 (the registry loads before the modules it lists)
    small_company,
)
from tests.cli.conftest import Ran
from tests.cli.small_company import LEDGER
from tests.server.calls import api_get, cli_json

ERROR_KEYS = {"error", "message", "hint"}
SOURCE = ("--from-ledger", "--project", "atlas")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small company with an admin, a viewer of research and a viewer of data."""
    root = tmp_path_factory.mktemp("api-finance")
    small_company.build(root)
    with Ledger.open(root / LEDGER) as led:
        add_user(led, "ada", role="admin")
        add_user(led, "rui", role="viewer", team="research")
        add_user(led, "dee", role="viewer", team="data")
    return root


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("metrics?project=atlas&rate=0.1", ("metrics", *SOURCE, "--rate", "0.1")),
        ("metrics?project=atlas&rate=8%25&convention=end_of_period&from=2026-01-01&to=2026-03-01",
         ("metrics", *SOURCE, "--rate", "8%", "--convention", "end_of_period", "--from",
          "2026-01-01", "--to", "2026-03-01")),
        ("cashflows?project=atlas&indirect_categories=support,facilities",
         ("cashflows", *SOURCE, "--indirect-categories", "support,facilities")),
        ("sensitivity?project=atlas&rate=0.1&pct=10&top=2&sort_by=total_cost",
         ("sensitivity", *SOURCE, "--rate", "0.1", "--pct", "10", "--top", "2", "--sort-by",
          "total_cost")),
        ("simulate?project=atlas&rate=0.1&vary=cost=triangular:0.9,1,1.4&samples=500&seed=3"
         "&budget=21",
         ("simulate", *SOURCE, "--rate", "0.1", "--vary", "cost=triangular:0.9,1,1.4",
          "--samples", "500", "--seed", "3", "--budget", "21")),
    ],
)  # fmt: skip
def test_a_route_answers_exactly_what_its_command_prints(
    cli: Callable[..., Ran], world: Path, query: str, args: tuple[str, ...]
) -> None:
    expected = cli_json(cli, world, "finance", *args)  # reads only
    status, text = api_get(world, f"finance/{query}")
    assert status == 200, text
    assert text == expected


def test_a_scoped_user_counts_its_teams_charges_of_the_project(
    cli: Callable[..., Ran], world: Path
) -> None:
    args = ("finance", "metrics", *SOURCE, "--rate", "0.1", "--filter", "team=research")
    expected = cli_json(cli, world, *args)
    status, text = api_get(world, "finance/metrics?project=atlas&rate=0.1", "rui")
    assert status == 200, text
    assert text == expected
    assert '"total_cost": 20.25' in text  # 9.25 + 11.00: atlas is research's
    # data has no charges of atlas: nothing of research's reaches its viewer
    status, text = api_get(world, "finance/cashflows?project=atlas", "dee")
    assert status == 422, text  # a FinanceError's status
    assert '"FinanceError"' in text and "9.25" not in text


def test_a_bad_rate_or_a_missing_project_is_a_422_in_the_one_shape(world: Path) -> None:
    with TestClient(create_app(world / LEDGER, auth=False)) as client:
        rate = client.get("/api/v1/finance/metrics?project=atlas&rate=ten")
        missing = client.get("/api/v1/finance/metrics?rate=0.1")
        samples = client.get("/api/v1/finance/simulate?project=atlas&rate=0.1&samples=0")
    assert rate.status_code == 422, rate.text
    body = rate.json()
    assert set(body) >= ERROR_KEYS and body["error"] == "FinanceError" and "ten" in body["message"]
    assert missing.status_code == 422 and missing.json()["field"] == "project"
    assert samples.status_code == 422 and samples.json()["field"] == "samples"


def test_an_unknown_project_names_no_other_teams_projects_to_a_scoped_user(world: Path) -> None:
    status, text = api_get(world, "finance/cashflows?project=nope", "dee")
    assert status == 422, text
    assert "atlas" not in text  # research's project, not data's
