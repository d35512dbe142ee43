"""The Estimate page: a training estimate from its form (a GET, so a result is a link),
the same total as infracast.estimate.training for the same spec, its assumptions and a
tornado of its total cost, and what was wrong next to the form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from infracast import estimate as est
from infracast.catalog import PriceSelection
from infracast.control.users import add_user
from infracast.ledger.connection import Ledger
from infracast.server.app import create_app
from infracast.server.web import estimate_page
from tests.server.web.test_auth import PASSWORD, sign_in

SPEC = {"params": "7B", "tokens": "1T", "accelerator": "H100-SXM", "num_accelerators": "64"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "ledger.duckdb"
    with Ledger.open(path) as ledger:
        add_user(ledger, "rita", role="viewer", team="research", password=PASSWORD)
    app = create_app(path)
    app.include_router(estimate_page.router)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        sign_in(c, "rita")
        yield c


def _figure(html: str, chart: str) -> dict:
    found = re.search(rf'id="figure-{chart}">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_the_form_renders_with_the_catalog_s_accelerators(client: TestClient) -> None:
    response = client.get("/estimate")
    assert response.status_code == 200
    html = response.text
    assert '<form method="get" action="/estimate"' in html
    assert "<option selected>H100-SXM</option>" in html and "<option>A100-80GB</option>" in html
    assert 'name="params" value="7B"' in html and 'id="total-cost"' not in html


def test_an_estimate_shows_the_library_s_total_assumptions_and_tornado(
    client: TestClient,
) -> None:
    response = client.get("/estimate?" + urlencode({**SPEC, "pricing": "on_demand"}))
    assert response.status_code == 200, response.text
    expected = est.training(est.TrainingSpec.model_validate(SPEC),
                            selection=PriceSelection.of(pricing="on_demand"))  # fmt: skip
    cheapest = expected.cost[0]
    total = re.search(r'id="total-cost"><span>[^<]*</span><strong>([^<]+)</strong>', response.text)
    assert total is not None
    assert total.group(1) == f"{cheapest.total:,.0f} {cheapest.price.currency}"
    assert 'id="table-assumptions"' in response.text
    for assumption in expected.assumptions[:3]:
        assert f"<td>{assumption.name}</td>" in response.text
    figure = _figure(response.text, "tornado")
    low, high = figure["data"]
    assert low["base"] == high["base"] == pytest.approx(float(cheapest.total))
    # largest swing on top (Plotly draws the last bar at the top): tokens and the price
    assert high["y"][-1].startswith(("tokens", "price per accelerator-hour"))
    # moving tokens by +20 % adds 20 % of the compute cost (cost is linear in tokens)
    tokens = next(i for i, y in enumerate(high["y"]) if y.startswith("tokens"))
    assert high["x"][tokens] == pytest.approx(float(cheapest.total * Decimal("0.2")), rel=1e-3)


def test_a_bad_value_is_shown_next_to_its_field(client: TestClient) -> None:
    response = client.get("/estimate?" + urlencode({**SPEC, "params": "-3", "mfu": "2"}))
    assert response.status_code == 422
    html = response.text
    assert "params: &#39;-3&#39; is not a count" in html
    assert "mfu: must be less than or equal to 1" in html
    assert 'id="f-params" name="params" value="-3" aria-invalid="true"' in html
    assert "Counts accept 70e9, 70B" in html and 'id="total-cost"' not in html


def test_a_price_selection_that_matches_nothing_says_what_is_offered(client: TestClient) -> None:
    response = client.get("/estimate?" + urlencode({**SPEC, "provider": "nowhere"}))
    assert response.status_code == 422
    assert "no price line matches provider nowhere" in response.text
    assert "The price book offers:" in response.text
