"""A real browser for the page tests: Playwright driving Debian's chromium on loopback.

``make test`` installs chromium when it is missing (as root, with apt-get); without one
the browser tests skip. Screenshots of every page go to ``screenshots/`` at the top of
the repository (or ``INFRACAST_SCREENSHOTS``), for a person to look at; not committed.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]  # fmt: skip
PASSWORD = "correct horse battery"  # of the users the site fixture adds
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("INFRACAST_SCREENSHOTS", ROOT / "screenshots"))


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch() -> Iterator[object]:
    """A headless chromium browser (Playwright's ``Browser``) for the block's length."""
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium on this machine (make test installs it as root)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: object, name: str) -> Path:
    """A full-page screenshot of ``page`` as ``SCREENSHOTS/name.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def sign_in(browser: object, url: str, name: str) -> Any:
    """A new browser context signed in as ``name`` on the site at ``url``, on the Overview."""
    context = browser.new_context(viewport={"width": 1360, "height": 900},  # type: ignore[attr-defined]
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.goto(f"{url}/")
    assert "/login" in page.url  # no session: sent to sign in
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def charts_drawn(page: Any, at_least: int = 1) -> None:
    """Wait until every chart of ``page`` is drawn (app.js marks the body); check the count."""
    page.wait_for_selector("body[data-charts-rendered=true]", timeout=60_000)
    assert page.locator(".chart[data-rendered=true] .main-svg").count() >= at_least
