"""The HTML summary: one self-contained page, every section traceable to a command."""

from __future__ import annotations

from pathlib import Path

from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from infracast.report.summary import default_window, write_summary
from tests.ledger.focus_rows import write_focus_csv


def small_ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger.open(":memory:")
    feb = {
        "BillingPeriodStart": "2026-02-01T00:00:00Z",
        "BillingPeriodEnd": "2026-03-01T00:00:00Z",
        "ChargePeriodStart": "2026-02-02T00:00:00Z",
        "ChargePeriodEnd": "2026-02-02T01:00:00Z",
        "BilledCost": "4.50",
        "EffectiveCost": "4.50",
    }
    ingest_focus(ledger, [write_focus_csv(tmp_path / "bill.csv", [{}, feb, {"BilledCost": "x"}])])
    return ledger


def test_summary_is_one_offline_page_with_traceable_sections(tmp_path: Path) -> None:
    with small_ledger(tmp_path) as ledger:
        out = write_summary(ledger, tmp_path / "s.html", title="Acme")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<title>Acme</title>" in html
    assert "cdn" not in html.lower().split("<script>")[0]  # plotly.js is inline, no CDN link
    assert "Plotly.newPlot" in html
    for command in (
        "infracast costs --by month,provider",
        "infracast showback",
        "infracast gpu --by gpu_type",
        "infracast quarantine list",
    ):
        assert f"<code>{command}" in html
    # 1.00 + 4.50 billed; the unparseable row is in quarantine and listed
    assert "5.50" in html and "invalid_cost" in html


def test_default_window_is_the_last_twelve_months(tmp_path: Path) -> None:
    with small_ledger(tmp_path) as ledger:
        assert default_window(ledger) == ("2025-03-01", "2026-03-01")


def test_empty_ledger_still_writes_a_page(tmp_path: Path) -> None:
    with Ledger.open(":memory:") as ledger:
        out = write_summary(ledger, tmp_path / "empty.html")
    assert "Nothing is in quarantine" in out.read_text(encoding="utf-8")
