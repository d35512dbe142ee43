"""The pages in a real browser: sign in, the overview's charts drawn, the team filter, and
a team-scoped user who sees no other team's costs on any page or export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.browser import charts_drawn, screenshot, sign_in


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
    charts_drawn(page, at_least=4)
    assert page.locator("figcaption", has_text="Monthly spend and forecast").count() == 1
    assert "infracast costs --by month" in page.locator(".command").first.inner_text()
    screenshot(page, "overview")
    page.select_option("select[name=team]", "research")
    page.wait_for_url("**/?team=research")
    charts_drawn(page, at_least=4)
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
    charts_drawn(page, at_least=4)
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
