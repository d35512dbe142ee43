"""The Teams, GPUs and Forecasts pages in a real browser, as an admin and as rita (team
research), who sees no other team's name. Skips until the served app includes them."""

from __future__ import annotations

from typing import Any
from urllib.request import urlopen

import pytest

from tests.e2e.browser import charts_drawn, screenshot, sign_in

PAGES = (("/teams", "teams", 1), ("/gpus", "gpus", 3), ("/forecasts", "forecasts", 2))


@pytest.fixture(scope="module")
def served_pages(site: dict[str, Any]) -> dict[str, Any]:
    """The site, when it serves these pages (404 until their routers are included)."""
    from urllib.error import HTTPError

    try:
        with urlopen(f"{site['url']}/teams") as response:  # redirected to sign in
            response.read()
    except HTTPError as exc:
        if exc.code == 404:
            pytest.skip("the served app does not include the Teams page yet")
        raise
    return site


@pytest.mark.parametrize("name", ["ada", "rita"])
def test_the_pages_draw_their_charts(served_pages: dict[str, Any], browser: Any, name: str) -> None:
    site = served_pages
    others = [t for t in site["teams"] if t != "research"]
    page = sign_in(browser, site["url"], name)
    for path, shot, charts in PAGES:
        page.goto(f"{site['url']}{path}")
        charts_drawn(page, at_least=charts)
        assert page.locator(".command").count() >= charts
        screenshot(page, shot if name == "ada" else f"{shot}-scoped")
        if name == "rita":
            html = page.content()
            for team in others:
                assert team not in html, f"{team} shows on rita's {path}"
    page.context.close()
