"""The Data and Estimate pages in a real browser: a bill with a bad row uploaded through the
form and its quarantined row shown; an estimate run from the form with its tornado drawn;
the ingest log refused to a team-scoped user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli import small_company
from tests.e2e.browser import charts_drawn, screenshot, sign_in


def _served(page: Any, url: str) -> None:
    """Skip when the served app has no Data page (its router not yet in the pages')."""
    response = page.request.get(f"{url}/data")
    if response.status == 404:
        page.context.close()
        pytest.skip("the served app has no /data page (server/web/routes.py does not include it)")


def test_an_admin_uploads_a_bill_and_sees_its_quarantined_row(
    site: dict[str, Any], browser: Any, tmp_path: Path
) -> None:
    page = sign_in(browser, site["url"], "ada")
    _served(page, site["url"])
    page.goto(f"{site['url']}/data")
    assert page.locator("h1").inner_text() == "Data"
    assert page.locator("#table-ingests tbody tr").count() > 0  # the demo's files
    screenshot(page, "data")
    # the small company's January: 6 rows, one with BilledCost "oops"; under a billing
    # account of its own (the demo's AWS account already has a January bill)
    small_company.write_files(tmp_path)
    bill = tmp_path / "bills" / "2026-01.csv"
    bill.write_text(bill.read_text().replace("012345678901", "999988887777"))
    page.set_input_files("input[name=file]", str(bill))
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/data?ingest=*")
    top = page.locator("#ingest-result")
    assert "2026-01.csv" in top.locator("h2").first.inner_text()
    assert "6 rows read, 5 ingested, 1 quarantined" in top.inner_text()
    rows = top.locator("#table-ingest-quarantine tbody tr")
    assert rows.count() == 1
    assert "invalid_cost" in rows.first.inner_text()
    assert 'BilledCost "oops" is not a valid number' in rows.first.inner_text()
    screenshot(page, "data-uploaded")
    page.context.close()


def test_an_estimate_from_the_form_draws_its_tornado(site: dict[str, Any], browser: Any) -> None:
    page = sign_in(browser, site["url"], "ada")
    _served(page, site["url"])
    page.goto(f"{site['url']}/estimate")
    screenshot(page, "estimate")
    page.fill("input[name=params]", "13B")
    page.fill("input[name=tokens]", "1T")
    page.select_option("select[name=accelerator]", "A100-80GB")
    page.fill("input[name=num_accelerators]", "128")
    page.click("#estimate-form button[type=submit]")
    page.wait_for_url("**/estimate?*params=13B*")
    charts_drawn(page, at_least=1)
    assert page.locator("figcaption", has_text="tornado").count() == 1
    assert "USD" in page.locator("#total-cost strong").inner_text()
    assert page.locator("#table-assumptions tbody tr").count() > 3
    screenshot(page, "estimate-result")
    page.context.close()


def test_a_team_scoped_user_is_refused_the_data_page(site: dict[str, Any], browser: Any) -> None:
    page = sign_in(browser, site["url"], "rita")
    _served(page, site["url"])
    response = page.goto(f"{site['url']}/data")
    assert response is not None and response.status == 403
    assert page.locator("h1").inner_text() == "Not for this account"
    assert "every team's rows" in page.locator("main").inner_text()
    screenshot(page, "data-refused-scoped")
    page.context.close()
