"""The pages in a real browser: sign in, the overview's charts drawn, the team filter, and
a team-scoped user who sees no other team's costs on any page or export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infracast.control.users import add_user
from infracast.demo.run import run_demo
from infracast.ledger.connection import Ledger
from infracast.server.app import create_app
from tests.e2e.browser import launch, screenshot
from tests.server.calls import served

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("pages")
    path = folder / "ledger.duckdb"
    with Ledger.open(path) as ledger:
        run_demo(ledger, folder / "files", rows=5_000, summary=None)
        add_user(ledger, "ada", role="admin", password=PASSWORD)
        add_user(ledger, "rita", role="viewer", team="research", password=PASSWORD)
        teams = [r[0] for r in ledger.con.execute(
            "SELECT DISTINCT x_team FROM charges WHERE x_team IS NOT NULL AND x_team <> ''"
        ).fetchall()]  # fmt: skip
    with served(create_app(path)) as url:
        yield {"url": url, "teams": sorted(teams), "folder": folder}


@pytest.fixture(scope="module")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    yield from launch()


def sign_in(browser: Any, url: str, name: str) -> Any:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{url}/")
    assert "/login" in page.url  # no session: sent to sign in
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def charts_drawn(page: Any) -> None:
    page.wait_for_selector("body[data-charts-rendered=true]", timeout=60_000)
    drawn = page.locator(".chart[data-rendered=true] .main-svg")
    assert drawn.count() >= 4


def test_a_wrong_password_is_refused_on_the_page(site: dict[str, Any], browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{site['url']}/login")
    page.fill("input[name=name]", "ada")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert page.locator("p.error").inner_text() == "That name and password do not match a user."
    page.close()


def test_the_overview_draws_its_charts_and_filters_by_team(
    site: dict[str, Any], browser: Any
) -> None:
    page = sign_in(browser, site["url"], "ada")
    charts_drawn(page)
    assert page.locator("figcaption", has_text="Monthly spend and forecast").count() == 1
    assert "infracast costs --by month" in page.locator(".command").first.inner_text()
    screenshot(page, "overview")
    page.select_option("select[name=team]", "research")
    page.wait_for_url("**/?team=research")
    charts_drawn(page)
    assert page.locator("h1").inner_text() == "Overview · team research"
    screenshot(page, "overview-team-research")
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url("**/login")
    page.goto(f"{site['url']}/")
    assert "/login" in page.url  # the session ended
    page.context.close()


def test_a_team_scoped_user_sees_no_other_team(site: dict[str, Any], browser: Any) -> None:
    others = [t for t in site["teams"] if t != "research"]
    assert others, "the demo has more than one team"
    page = sign_in(browser, site["url"], "rita")
    charts_drawn(page)
    screenshot(page, "overview-scoped-research")
    html = page.content()
    for team in others:
        assert team not in html, f"{team} shows on rita's overview"
    # the team chart has one bar, research's
    bars = page.evaluate(
        "JSON.parse(document.getElementById('figure-by-team').textContent).data[0].y"
    )
    assert bars == ["research"]
    # another team by URL: refused
    response = page.goto(f"{site['url']}/?team={others[0]}")
    assert response is not None and response.status == 403
    # every table's CSV export holds research's rows only
    page.goto(f"{site['url']}/")
    for button in page.locator("button.csv").all():
        with page.expect_download() as download:
            button.click()
        text = Path(download.value.path()).read_text()
        assert not any(team in text for team in others)
    page.context.close()


def test_a_form_without_its_security_token_is_refused(site: dict[str, Any], browser: Any) -> None:
    page = sign_in(browser, site["url"], "ada")
    response = page.request.post(f"{site['url']}/logout", form={"csrf": "forged"})
    assert response.status == 403
    page.reload()
    assert "/login" not in page.url  # still signed in
    page.context.close()
