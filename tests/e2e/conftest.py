"""The demo company served on loopback for the page tests, once per test process, and a
headless chromium to look at it (tests/e2e/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infracast.control.users import add_user
from infracast.demo.run import run_demo
from infracast.ledger.connection import Ledger
from infracast.server.app import create_app
from tests.e2e.browser import PASSWORD, launch
from tests.server.calls import served


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``infracast serve`` over a 5,000-row demo ledger with an admin ``ada`` and a viewer
    ``rita`` of team research: its URL, the demo's teams and the folder of its files."""
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


@pytest.fixture(scope="session")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    """A headless chromium (skips without one)."""
    yield from launch()
