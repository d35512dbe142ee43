"""The optimize routes answer what `infracast optimize …` prints: the resource LP and the
allocation of a file's rows POSTed as JSON, and allocation, placement and commitments over
the ledger; those read every team's workloads and demand, so a scoped user gets 403.

The ledger world is the small company with three weeks of GPU usage samples
(``tests/forecast/contracts.py``: research holds i-gpu2 12 GPU-hours a day, applied i-gpu3
6 on weekdays) and, on an account of its own, a savings plan ``sp-1`` covering i-gpu2 (a
g5.xlarge, so an A10G) 12 hours a day from 2026-01-12 for 20 days.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from infracast.control.users import add_user, new_token
from infracast.ledger import ingest
from infracast.ledger.connection import Ledger
from infracast.server import create_app
from tests.cli import contracts  # noqa: F401 (the registry loads before the modules it lists)
from tests.cli.conftest import Ran
from tests.cli.contracts import scrub
from tests.cli.small_company import LEDGER
from tests.forecast.contracts import build_with_usage
from tests.ledger.focus_rows import BASE, write_focus_csv
from tests.optimize.contracts import TEAMS, WORKED_EXAMPLE

ERROR_KEYS = {"error", "message", "hint"}
PORTFOLIO = """\
resources:
  - {name: gpu, unit: GPU-hour, unit_cost: 2, capacity: 100, unmet_penalty: 10}
  - {name: storage, unit: TB, unit_cost: 20, capacity: 10}
projects:
  - {name: research, demand: {gpu: 60, storage: 2}, unmet_penalty: 5}
  - {name: serving, demand: {gpu: 60}}
budget: 200
"""
SAVINGS_PLAN = {
    "CommitmentDiscountId": "sp-1",
    "CommitmentDiscountName": "Compute Savings Plan",
    "CommitmentDiscountType": "Savings Plan",
    "CommitmentDiscountCategory": "Spend",
    "CommitmentDiscountUnit": "USD",
}


def _savings_plan_rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(20):
        day = date(2026, 1, 12) + timedelta(days=i)
        rows.append({
            **SAVINGS_PLAN,
            "BillingAccountId": "999999999999",  # its own scope beside the January bill
            "ChargePeriodStart": f"{day}T00:00:00Z",
            "ChargePeriodEnd": f"{day}T12:00:00Z",
            "BilledCost": "0", "EffectiveCost": "9.00", "ListCost": "12.00",
            "ContractedCost": "12.00", "PricingQuantity": "12", "ConsumedQuantity": "12",
            "CommitmentDiscountStatus": "Used", "CommitmentDiscountQuantity": "9",
            "PricingCategory": "Committed",
            "ChargeDescription": "g5.xlarge savings plan instance hour",
            "ResourceId": "i-gpu2", "Tags": '{"team": "research"}',
        })  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ledger world (see the module) with an admin and a viewer scoped to research, and
    the input files of the POSTed commands."""
    root = tmp_path_factory.mktemp("api-optimize")
    build_with_usage(root)
    (root / "plan").mkdir()
    columns = [*BASE, *SAVINGS_PLAN, "CommitmentDiscountStatus", "CommitmentDiscountQuantity"]
    write_focus_csv(root / "plan" / "2026-01.csv", _savings_plan_rows(), columns=columns)
    with contextlib.chdir(root), Ledger.open(LEDGER) as led:
        ingest(led, ["plan"])
        add_user(led, "ada", role="admin")
        add_user(led, "rui", role="viewer", team="research")
    (root / "resources.csv").write_text(WORKED_EXAMPLE, encoding="utf-8")
    (root / "portfolio.yaml").write_text(PORTFOLIO, encoding="utf-8")
    (root / "teams.csv").write_text(TEAMS, encoding="utf-8")
    return root


def _cli(cli: Callable[..., Ran], *args: str) -> str:
    ran = cli(*args, "--format", "json")
    assert ran.code == 0, ran.err
    return ran.out


def _token(root: Path, who: str) -> dict[str, str]:
    with Ledger.open(root / LEDGER) as led:
        return {"Authorization": f"Bearer {new_token(led, who)}"}


def _rows(text: str) -> list[dict[str, str]]:
    """A CSV's rows as JSON objects: the same cells the file holds."""
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("route", "body", "args"),
    [
        ("resources", {"resources": _rows(WORKED_EXAMPLE)}, ("resources", "resources.csv")),
        ("resources?budget=180", yaml.safe_load(PORTFOLIO),
         ("resources", "portfolio.yaml", "--budget", "180")),
        ("resources", yaml.safe_load(PORTFOLIO), ("resources", "portfolio.yaml")),
        ("allocate?capacity=48", {"teams": _rows(TEAMS)},
         ("allocate", "teams.csv", "--capacity", "48")),
        ("allocate?capacity=48&policy=priority", {"teams": _rows(TEAMS)},
         ("allocate", "teams.csv", "--capacity", "48", "--policy", "priority")),
    ],
)  # fmt: skip
def test_a_files_rows_posted_give_what_the_command_prints_for_the_file(
    cli: Callable[..., Ran],
    world: Path,
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    body: dict[str, Any],
    args: tuple[str, ...],
) -> None:
    monkeypatch.chdir(world)
    expected = _cli(cli, "optimize", *args)
    with TestClient(create_app(world / LEDGER, auth=False)) as client:
        answer = client.post(f"/api/v1/optimize/{route}", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.text == expected


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("allocate?capacity=10&freq=D", ("allocate", "--capacity", "10", "--freq", "D")),
        ("placement?month=2026-01", ("placement", "--month", "2026-01")),
        ("placement?month=2026-01&move_to=any&pricing=on_demand",
         ("placement", "--month", "2026-01", "--move-to", "any", "--pricing", "on_demand")),
        ("commitments?accelerator=A10G&horizon=3&freq=W&on_demand_price=4&price_1y=2.8"
         "&price_3y=2.4",
         ("commitments", "-a", "A10G", "--horizon", "3", "--freq", "W", "--on-demand-price",
          "4", "--price-1y", "2.8", "--price-3y", "2.4")),
    ],
)  # fmt: skip
def test_a_ledger_route_answers_what_its_command_prints(
    cli: Callable[..., Ran], world: Path, query: str, args: tuple[str, ...]
) -> None:
    expected = _cli(cli, "optimize", *args, "--ledger", str(world / LEDGER))  # reads only
    with TestClient(create_app(world / LEDGER, auth=False)) as client:
        answer = client.get(f"/api/v1/optimize/{query}")
    assert answer.status_code == 200, answer.text
    volatile = ("solve_seconds",)  # how long the solver took
    assert scrub(answer.text, "json", volatile) == scrub(expected, "json", volatile)


LEDGER_QUERIES = (
    "allocate?capacity=10&freq=D",
    "placement?month=2026-01",
    "commitments?accelerator=A10G&horizon=3&freq=W&on_demand_price=4",
)


def test_the_ledgers_optimizations_are_every_teams_so_a_scoped_user_gets_403(
    world: Path,
) -> None:
    scoped, admin = _token(world, "rui"), _token(world, "ada")
    with TestClient(create_app(world / LEDGER)) as client:
        for query in LEDGER_QUERIES:
            answer = client.get(f"/api/v1/optimize/{query}", headers=scoped)
            assert answer.status_code == 403, (query, answer.text)
            assert answer.json()["error"] == "ForbiddenError"
        allowed = client.get("/api/v1/optimize/allocate?capacity=10&freq=D", headers=admin)
        # a file's rows hold no ledger data: any user may solve them
        posted = client.post(
            "/api/v1/optimize/allocate?capacity=48", json={"teams": _rows(TEAMS)}, headers=scoped
        )
    assert allowed.status_code == 200 and posted.status_code == 200


def test_bad_inputs_are_4xx_in_the_one_shape(world: Path) -> None:
    resources = _rows(WORKED_EXAMPLE)
    with TestClient(create_app(world / LEDGER, auth=False)) as client:
        unknown = client.post(
            "/api/v1/optimize/resources", json={"resources": resources, "budjet": 5}
        )
        twice = client.post(
            "/api/v1/optimize/resources", json={"resources": [resources[0], resources[0]]}
        )
        policy = client.post(
            "/api/v1/optimize/allocate?capacity=48&policy=fare", json={"teams": _rows(TEAMS)}
        )
        slow = client.get("/api/v1/optimize/placement?time_limit=3600")
    assert unknown.status_code == 422 and unknown.json()["field"] == "budjet"
    assert twice.status_code == 422, twice.text  # an OptimizeError's status
    assert set(twice.json()) >= ERROR_KEYS and twice.json()["error"] == "OptimizeError"
    assert 'two resources are named "servers"' in twice.json()["message"]
    assert policy.status_code == 422 and policy.json()["field"] == "policy"
    assert slow.status_code == 422 and slow.json()["field"] == "time_limit"
