"""The Forecasts page: fan charts of cost by team and the models' backtests."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.server.web import forecasts_page
from tests.server.web.test_teams_page import demo_ledger, empty_ledger, page_client


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return demo_ledger(tmp_path_factory)


def test_an_admin_sees_a_fan_per_team_and_the_models(demo: tuple[Path, list[str]]) -> None:
    with page_client(demo[0], forecasts_page.router) as client:
        html = client.get("/forecasts").text
    assert "All teams: the next 3 months" in html
    for team in demo[1]:
        assert f"<figcaption>{team}</figcaption>" in html
    assert 'id="table-forecast-models"' in html and "MASE" in html
    assert "<code>infracast forecast --by team --freq MS --horizon 3</code>" in html


def test_a_scoped_viewer_forecasts_its_team_only(demo: tuple[Path, list[str]]) -> None:
    with page_client(demo[0], forecasts_page.router, "rita") as client:
        response = client.get("/forecasts")
        assert response.status_code == 200
        for team in demo[1]:
            if team != "research":
                assert team not in response.text, f"{team} shows on rita's Forecasts page"
        assert "--filter team=research" in response.text
        other = next(t for t in demo[1] if t != "research")
        assert client.get(f"/forecasts?team={other}").status_code == 403


def test_an_empty_ledger_says_there_is_no_forecast(tmp_path: Path) -> None:
    with page_client(empty_ledger(tmp_path), forecasts_page.router) as client:
        response = client.get("/forecasts")
    assert response.status_code == 200 and "No forecast:" in response.text
