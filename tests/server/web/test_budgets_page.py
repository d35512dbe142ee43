"""The Budgets page: each budget's status and burn-down, the alerts, and a team-scoped
user who sees its team's budgets only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from infracast import analytics
from infracast.control.users import add_user
from infracast.demo.run import run_demo
from infracast.ledger.connection import Ledger
from infracast.server.app import Principal, create_app
from infracast.server.web import budgets_page
from tests.server.web.test_auth import PASSWORD, sign_in

ADMIN = Principal("ada", "admin", None)


def demo_ledger(factory: pytest.TempPathFactory) -> Path:
    """A copy of one 5,000-row demo ledger (built once per test run) with users ``ada``
    (admin), ``eddie`` (editor), ``rita`` (viewer, team research) and ``remy`` (editor,
    team research)."""
    built = factory.getbasetemp() / "control-pages-demo" / "ledger.duckdb"
    if not built.exists():
        built.parent.mkdir(parents=True)
        with Ledger.open(built) as ledger:
            run_demo(ledger, built.parent / "files", rows=5_000, summary=None)
            add_user(ledger, "ada", role="admin", password=PASSWORD)
            add_user(ledger, "eddie", role="editor", password=PASSWORD)
            add_user(ledger, "rita", role="viewer", team="research", password=PASSWORD)
            add_user(ledger, "remy", role="editor", team="research", password=PASSWORD)
    path = factory.mktemp("ledger") / "ledger.duckdb"
    shutil.copy(built, path)
    return path


def serve(path: Path, router: APIRouter) -> TestClient:
    app = create_app(path)
    app.include_router(router)
    return TestClient(app, base_url="http://127.0.0.1")


def demo_teams(ledger: Ledger) -> list[str]:
    rows = ledger.con.execute(
        "SELECT DISTINCT x_team FROM charges WHERE x_team IS NOT NULL AND x_team <> ''"
    ).fetchall()
    return sorted(r[0] for r in rows)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with serve(demo_ledger(tmp_path_factory), budgets_page.router) as c:
        yield c


def test_the_page_shows_every_budget_with_its_burn_down_to_an_admin(client: TestClient) -> None:
    as_of = budgets_page.as_of_for(client.app.state.ledger, ADMIN)  # type: ignore[attr-defined]
    assert as_of is not None
    sign_in(client, "ada")
    response = client.get("/budgets")
    assert response.status_code == 200
    for name in ("research-monthly", "gpu-compute-2026", "support-copilot-life"):
        assert f"{name}: burn-down" in response.text
    assert f"infracast budget status --no-notify --as-of {as_of:%Y-%m-%d}" in response.text
    month = f"--from {as_of:%Y-%m}-01 --to {as_of:%Y-%m-%d} --filter team=research"
    assert f"infracast costs --by day {month}" in response.text
    assert "infracast budget alerts" in response.text


def test_a_team_scoped_viewer_sees_no_other_team(client: TestClient) -> None:
    others = [t for t in demo_teams(client.app.state.ledger) if t != "research"]  # type: ignore[attr-defined]
    assert others
    sign_in(client, "rita")
    response = client.get("/budgets")
    assert response.status_code == 200
    assert "research-monthly: burn-down" in response.text
    for team in others:
        assert team not in response.text, f"{team} shows on rita's budgets"


def test_the_burn_down_is_the_hand_summed_daily_spend(client: TestClient) -> None:
    ledger: Ledger = client.app.state.ledger  # type: ignore[attr-defined]
    data = budgets_page.budgets_page(ledger, ADMIN)
    chart = next(c for c in data.charts if c.title == "research-monthly: burn-down")
    actual = next(t for t in chart.figure["data"] if t["name"] == "Actual (cumulative)")
    # the days of the as-of month before the as-of day, summed by hand (demo: October 2026)
    start, end = data.as_of.replace(day=1), data.as_of  # type: ignore[union-attr]
    rows = analytics.costs(ledger, by="day", start=start, end=end, filters=["team=research"])
    daily = {
        str(r["day"])[:10]: Decimal(r["effective_cost"]) for r in rows if r["currency"] == "USD"
    }
    running, expected = Decimal(0), []
    day = start
    while day < end:
        running += daily.get(f"{day:%Y-%m-%d}", Decimal(0))
        expected.append(float(running))
        day += timedelta(days=1)
    assert actual["x"][0] == f"{start:%Y-%m-%d}" and len(actual["x"]) == (end - start).days
    assert actual["y"] == pytest.approx(expected, rel=1e-9)
    status = next(b for b in data.budgets if b["budget"] == "research-monthly")
    assert actual["y"][-1] == pytest.approx(float(status["actual"]), rel=1e-9)
    budget_line = next(t for t in chart.figure["data"] if t["name"] == "Budget")
    assert budget_line["y"] == [600_000.0, 600_000.0]
