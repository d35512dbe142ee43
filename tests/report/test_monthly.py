"""The monthly report: every section from the ledger, month axes, providers without
people, a plain no-GPU message, team scoping that leaks nothing, plotly.js inlined once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from infracast import analytics
from infracast.demo.run import run_demo
from infracast.ledger.connection import Ledger
from infracast.report.charts import MONTH_TICKFORMAT
from infracast.report.exceptions import ReportError
from infracast.report.monthly import (
    MonthlyReport,
    monthly_report,
    parse_month,
    write_monthly_report,
)
from tests.report.test_summary import small_ledger

MONTH = "2026-10"
SECTIONS = ["spend", "category", "provider", "team", "forecast", "budgets", "earned_value",
            "plans", "gpu", "anomalies", "recommendations"]  # fmt: skip
PLOTLY_MARKER = "plotly.js v"  # the banner at the top of plotly.min.js


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    folder = tmp_path_factory.mktemp("demo")
    with Ledger.open(folder / "ledger.duckdb") as ledger:
        run_demo(ledger, folder / "files", rows=5_000, summary=None)
        yield ledger


@pytest.fixture(scope="module")
def company(demo: Ledger) -> MonthlyReport:
    return monthly_report(demo, MONTH)


@pytest.fixture(scope="module")
def company_html(demo: Ledger, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "company.html"
    [path] = write_monthly_report(demo, out, MONTH)
    return path.read_text(encoding="utf-8")


def test_every_section_is_present_and_names_its_command(
    company: MonthlyReport, company_html: str
) -> None:
    report = company
    assert [s.key for s in report.sections] == SECTIONS
    for section in report.sections:
        assert f'<section id="{section.key}"' in company_html
    assert "infracast costs --by provider -F source!=manual --from 2026-10-01 --to 2026-11-01" in (
        company_html
    )
    assert "infracast budget status --as-of 2026-10-31T23:59:59" in company_html
    assert "infracast plan compare --by project --as-of 2026-11-01" in company_html
    # the demo holds budgets, projects and a plan: each shows as rows, not as a bare note
    assert report.section("budgets").tables[0].rows
    assert {r["project"] for r in report.section("earned_value").tables[0].rows} == {
        "atlas-evals", "support-copilot"}  # fmt: skip
    assert report.section("plans").tables[0].rows[0]["project"] == "support-copilot"


def test_spend_compares_the_month_with_the_one_before(demo: Ledger, company: MonthlyReport) -> None:
    [total] = company.totals
    rows = analytics.costs(demo, by=["month"], start="2026-09-01", end="2026-11-01")
    by_month = {str(r["month"])[:7]: r["effective_cost"] for r in rows}
    assert total["month"] == f"{by_month['2026-10']:,.2f}"
    assert total["previous"] == f"{by_month['2026-09']:,.2f}"


def test_month_axes_are_labelled_as_months(company: MonthlyReport) -> None:
    report = company
    for key in ("spend", "forecast"):
        axis = report.section(key).figures[0].layout.xaxis
        assert axis.tickformat == MONTH_TICKFORMAT == "%b %Y"
        assert axis.type == "date" and str(axis.dtick).startswith("M")


def test_people_costs_are_not_in_the_provider_chart(company: MonthlyReport) -> None:
    section = company.section("provider")
    providers = list(section.figures[0].data[0].y)
    assert "Manual entry" not in providers and "AWS" in providers
    manual = {r["cost_category"] for r in section.tables[1].rows}
    assert "people" in manual  # shown, by cost category, beside the chart
    assert any("people" in n for n in section.notes)


def test_a_month_without_gpu_charges_says_so_plainly(tmp_path: Path) -> None:
    with small_ledger(tmp_path) as ledger:
        out = write_monthly_report(ledger, tmp_path / "feb.html", "2026-02")[0]
        gpu = monthly_report(ledger, "2026-02").section("gpu")
    assert not gpu.tables and "No GPU charges in this month" in gpu.notes[0]
    assert "--kind usage" in gpu.notes[0]
    assert "No GPU charges in this month" in out.read_text(encoding="utf-8")


def test_plotly_is_inlined_exactly_once(company_html: str) -> None:
    assert company_html.count(PLOTLY_MARKER) == 1
    assert company_html.count("Plotly.newPlot") >= 5
    assert "<script src=" not in company_html  # nothing is fetched: no CDN


def test_a_team_report_shows_no_other_team(demo: Ledger, tmp_path: Path) -> None:
    teams = {str(r["team"]) for r in analytics.costs(demo, by=["team"]) if r["team"]}
    assert "research" in teams and len(teams) > 2
    [path] = write_monthly_report(demo, tmp_path / "research.html", MONTH, team="research")
    html = unescape(path.read_text(encoding="utf-8"))
    page = re.sub(r"<script>.*?</script>", "", html, count=1, flags=re.DOTALL)  # plotly.js
    for other in teams - {"research"}:
        assert not re.search(rf"(?<![\w-]){re.escape(other)}(?![\w-])", page), other
    assert "research" in page
    assert "projects and plans are not team-scoped; left out of a team's report" in page
    report = monthly_report(demo, MONTH, team="research")
    assert {r["team"] for r in report.section("team").tables[0].rows} == {"research"}
    assert [r["budget"] for r in report.section("budgets").tables[0].rows] == ["research-monthly"]


@pytest.mark.parametrize("month", ["2026-13", "May", "2026-5", "2026-05-01", ""])
def test_a_malformed_month_asks_for_yyyy_mm(month: str) -> None:
    with pytest.raises(ReportError, match="expected the form YYYY-MM"):
        parse_month(month)


def test_month_bounds_wrap_the_year() -> None:
    assert [str(d) for d in parse_month("2026-01")] == ["2026-01-01", "2026-02-01", "2025-12-01"]
    assert [str(d) for d in parse_month("2026-12")] == ["2026-12-01", "2027-01-01", "2026-11-01"]


def test_a_month_without_charges_names_the_ledgers_months(demo: Ledger) -> None:
    with pytest.raises(ReportError, match="no charges in 2030-01; the charges run from 2022-07 "
                       "to 2026-10"):  # fmt: skip
        monthly_report(demo, "2030-01")


def test_an_unknown_team_is_refused_with_a_suggestion(demo: Ledger) -> None:
    with pytest.raises(ReportError, match='Did you mean "research"'):
        monthly_report(demo, MONTH, team="reserch")


@pytest.mark.slow
def test_the_pdf_is_printed_with_its_charts(demo: Ledger, tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium, or set INFRACAST_CHROMIUM")
    pdfium = pytest.importorskip("pypdfium2")
    _, pdf = write_monthly_report(demo, tmp_path / "oct.html", MONTH, pdf=True)
    assert pdf == (tmp_path / "oct.pdf").resolve() and pdf.read_bytes().startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 5  # a page per section, most of them
    image = document[0].render(scale=1).to_pil().convert("RGB")
    colors = image.getcolors(1 << 24) or []  # (count, (r, g, b)) per distinct colour
    total = image.width * image.height
    inked = sum(n for n, c in colors if c != (255, 255, 255)) / total
    assert inked > 0.05  # text, cards, and the drawn chart's bars
    assert len(colors) > 200  # the chart's colours, anti-aliased: not a blank page
    blue = sum(n for n, (r, g, b) in colors if b > 200 and r < 80 and g < 140)  # 1st series
    assert blue > 1000, "the spend chart was not drawn before printing"


def find_chromium() -> str | None:
    from infracast.report.exceptions import BrowserError
    from infracast.report.pdf import find_browser

    try:
        return find_browser()
    except BrowserError:
        return None


def test_a_missing_browser_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from infracast.report.exceptions import BrowserError
    from infracast.report.pdf import find_browser

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("INFRACAST_CHROMIUM", raising=False)
    with pytest.raises(BrowserError) as caught:
        find_browser()
    assert "apt-get install chromium" in str(caught.value.hint)
    assert "INFRACAST_CHROMIUM" in str(caught.value.hint)
