"""The forecast, backtest and anomaly routes answer what their commands print, and a user
scoped to a team forecasts and scans its team's cost only.

A forecast or a scan stores what it found in the ledger (a forecast asked again is
``reused``, an anomaly seen again is not ``new``), so the command and the route each run
on a copy of the same world.
"""

from __future__ import annotations

import shutil
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
from tests.forecast.anomaly_contracts import spike_company
from tests.forecast.contracts import build_with_usage
from tests.server.calls import api_get, cli_json

ERROR_KEYS = {"error", "message", "hint"}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small company, with three weeks of GPU usage, and the spike company, built once;
    each has an admin ``ada`` and a viewer ``rui`` scoped to research."""
    built = {}
    for name, build in (("usage", build_with_usage), ("spike", spike_company)):
        root = tmp_path_factory.mktemp(name)
        build(root)
        with Ledger.open(root / LEDGER) as led:
            add_user(led, "ada", role="admin")
            add_user(led, "rui", role="viewer", team="research")
        built[name] = root
    return built


def _copy(worlds: dict[str, Path], name: str, to: Path) -> Path:
    shutil.copytree(worlds[name], to)
    return to


@pytest.mark.parametrize(
    ("world", "query", "args"),
    [
        ("usage", "forecast?by=team&horizon=3", ("forecast", "--by", "team", "--horizon", "3")),
        ("usage", "forecast?demand=gpu_hours&by=team&horizon=3&model=naive&level=90",
         ("forecast", "--demand", "gpu_hours", "--by", "team", "--horizon", "3", "--model",
          "naive", "--level", "90")),
        ("spike", "anomalies", ("anomalies",)),
        ("spike", "anomalies?by=team&direction=both&min_share=0.05",
         ("anomalies", "--by", "team", "--direction", "both", "--min-share", "0.05")),
    ],
)  # fmt: skip
def test_a_route_that_stores_answers_what_its_command_prints_on_the_same_world(
    cli: Callable[..., Ran],
    worlds: dict[str, Path],
    tmp_path: Path,
    world: str,
    query: str,
    args: tuple[str, ...],
) -> None:
    expected = cli_json(cli, _copy(worlds, world, tmp_path / "cli"), *args)
    status, text = api_get(_copy(worlds, world, tmp_path / "api"), query)
    assert status == 200, text
    assert text == expected


def test_the_backtest_route_answers_what_its_command_prints(
    cli: Callable[..., Ran], worlds: dict[str, Path]
) -> None:
    args = ("forecast", "backtest", "--by", "team", "--horizon", "3", "--windows", "2")
    args += ("--model", "naive", "--model", "ets")
    expected = cli_json(cli, worlds["usage"], *args)  # reads only: one world for both
    status, text = api_get(
        worlds["usage"], "forecast/backtest?by=team&horizon=3&windows=2&model=naive&model=ets"
    )
    assert status == 200, text
    assert text == expected


def test_a_scoped_user_forecasts_its_teams_cost_as_the_team_filter_does(
    cli: Callable[..., Ran], worlds: dict[str, Path], tmp_path: Path
) -> None:
    expected = cli_json(
        cli, _copy(worlds, "spike", tmp_path / "cli"),
        "forecast", "--by", "team", "--horizon", "3", "--model", "naive", "--filter",
        "team=research",
    )  # fmt: skip
    root = _copy(worlds, "spike", tmp_path / "api")
    status, text = api_get(root, "forecast?by=team&horizon=3&model=naive", "rui")
    assert status == 200, text
    assert text == expected
    assert '"research"' in text and '"data"' not in text
    status, every = api_get(root, "forecast?by=team&horizon=3&model=naive", "ada")
    assert status == 200 and '"data"' in every  # the admin forecasts every team


def test_a_scoped_user_sees_its_teams_anomalies_only(
    cli: Callable[..., Ran], worlds: dict[str, Path], tmp_path: Path
) -> None:
    root = _copy(worlds, "spike", tmp_path / "api")
    status, text = api_get(root, "anomalies", "rui")
    assert status == 200, text
    expected = cli_json(
        cli, _copy(worlds, "spike", tmp_path / "cli"), "anomalies", "--filter", "team=research"
    )
    assert text == expected and "i-forgot" in text  # research's forgotten instance
    # another team's rows are none of its own: data's scan through rui's scope is empty
    status, text = api_get(root, "anomalies?filter=team=data", "rui")
    assert status == 400 and '"QueryError"' in text  # no charges in scope


def test_gpu_demand_is_every_teams_so_a_scoped_user_gets_403(worlds: dict[str, Path]) -> None:
    for path in ("forecast?demand=gpu_hours", "forecast/backtest?demand=gpu_hours"):
        status, text = api_get(worlds["usage"], path, "rui")
        assert status == 403, (path, text)
        assert '"ForbiddenError"' in text


def test_an_unknown_model_is_a_400_in_the_one_shape(worlds: dict[str, Path]) -> None:
    with TestClient(create_app(worlds["usage"] / LEDGER, auth=False)) as client:
        answer = client.get("/api/v1/forecast/backtest?model=arimma&horizon=3")
        too_long = client.get("/api/v1/forecast?horizon=100000")
        direction = client.get("/api/v1/anomalies?direction=sideways")
    assert answer.status_code == 400
    body = answer.json()
    assert set(body) >= ERROR_KEYS and body["error"] == "ConfigError"
    assert 'Did you mean "arima"' in body["message"]
    assert too_long.status_code == 422 and too_long.json()["field"] == "horizon"
    assert direction.status_code == 400 and direction.json()["field"] == "direction"


def test_the_small_company_has_too_little_gpu_usage_to_forecast(tmp_path: Path) -> None:
    # two hours of samples in one day: the day is incomplete, so there is no series
    small_company.build(tmp_path)
    with TestClient(create_app(tmp_path / LEDGER, auth=False)) as client:
        answer = client.get("/api/v1/forecast?demand=gpu_hours&freq=D")
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "QueryError"
    assert "no GPU usage samples" in answer.json()["message"]
