"""The GPUs page: efficiency by GPU type and team, and the utilization heatmap."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.server.web import gpus_page
from tests.server.web.test_teams_page import demo_ledger, empty_ledger, page_client


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return demo_ledger(tmp_path_factory)


def test_an_admin_sees_efficiency_and_the_heatmap_with_their_commands(
    demo: tuple[Path, list[str]],
) -> None:
    with page_client(demo[0], gpus_page.router) as client:
        html = client.get("/gpus").text
    for chart in ("heatmap", "gpu-by-gpu_type", "gpu-by-team"):
        assert f'id="chart-{chart}"' in html
    assert "<code>infracast utilization --days 30</code>" in html
    assert "<code>infracast gpu --by gpu_type --from " in html
    assert "H100-SXM" in html and '"type": "heatmap"' in html


def test_a_scoped_viewer_sees_no_other_team(demo: tuple[Path, list[str]]) -> None:
    with page_client(demo[0], gpus_page.router, "rita") as client:
        response = client.get("/gpus")
        assert response.status_code == 200
        for team in demo[1]:
            if team != "research":
                assert team not in response.text, f"{team} shows on rita's GPUs page"
        assert "--filter team=research" in response.text
        other = next(t for t in demo[1] if t != "research")
        assert client.get(f"/gpus?team={other}").status_code == 403


def test_a_ledger_without_samples_says_so_and_how_to_ingest_them(tmp_path: Path) -> None:
    with page_client(empty_ledger(tmp_path), gpus_page.router) as client:
        html = client.get("/gpus").text
    assert "No GPU usage samples yet" in html
    assert "<code>infracast ingest FILE --kind usage</code>" in html
