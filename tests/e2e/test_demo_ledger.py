"""End to end: the demo company generated, ingested, reconciled against its manifest."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from infracast.demo import generate
from infracast.demo.run import run_demo
from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger

PROVIDERS = {"aws": "AWS", "azure": "Microsoft", "gcp": "Google Cloud"}


def ledger_totals(ledger: Ledger) -> dict[str, tuple[int, Decimal, Decimal]]:
    rows = ledger.con.execute(
        """SELECT ServiceProviderName, count(*), sum(BilledCost), sum(EffectiveCost)
           FROM charges WHERE x_source = 'focus' GROUP BY ALL"""
    ).fetchall()
    return {r[0]: (int(r[1]), Decimal(r[2]), Decimal(r[3])) for r in rows}


@pytest.mark.slow
def test_demo_run_reconciles_with_the_files_and_is_idempotent(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "demo.duckdb") as ledger:
        run = run_demo(ledger, tmp_path / "demo", rows=5_000, summary=tmp_path / "s.html")
        assert all(r.status == "ingested" for r in run.results), [
            (r.file, r.status, r.message) for r in run.results if r.status != "ingested"
        ]
        totals = ledger_totals(ledger)
        for total in run.manifest.totals:
            name = PROVIDERS[total.provider]
            rows, billed, effective = totals[name]
            assert rows == total.rows
            assert billed == total.billed_cost and effective == total.effective_cost
            folder = tmp_path / "demo" / "focus" / total.provider
            direct = duckdb.execute(
                f"SELECT sum(BilledCost::DECIMAL(38, 12)) FROM read_parquet('{folder}/*.parquet')"
            ).fetchone()
            assert direct is not None and Decimal(direct[0]) == billed
        warned = sum(r.rows_with_warnings for r in run.results if r.kind == "focus")
        flagged = [
            b for b in run.manifest.rule_breaks if b.kind in ("negative_usage", "wrong_case")
        ]
        assert warned == sum(len(b.rows) for b in flagged)
        assert (tmp_path / "s.html").exists()
        before = ledger.con.execute("SELECT count(*), sum(EffectiveCost) FROM charges").fetchone()
        again = run_demo(ledger, tmp_path / "demo", rows=5_000, summary=None)
        assert {r.status for r in again.results} == {"already_ingested"}
        after = ledger.con.execute("SELECT count(*), sum(EffectiveCost) FROM charges").fetchone()
        assert before == after


@pytest.mark.slow
def test_csv_demo_quarantines_only_the_unparseable_costs(tmp_path: Path) -> None:
    manifest = generate(tmp_path / "demo", rows=5_000, file_format="csv.gz")
    with Ledger.open(":memory:") as ledger:
        results = ingest_focus(ledger, [tmp_path / "demo" / "focus"])
        assert {r.status for r in results} == {"ingested"}
        broken = [b for b in manifest.rule_breaks if b.kind == "unparseable_cost"]
        held = ledger.con.execute(
            "SELECT reason, source, row_number FROM quarantine ORDER BY source, row_number"
        ).fetchall()
        assert {r[0] for r in held} == {"invalid_cost"}
        assert sorted((Path(s).name, n) for _, s, n in held) == sorted(
            (Path(b.file).name, row) for b in broken for row in b.rows
        )
        totals = ledger_totals(ledger)
        for total in manifest.totals:
            rows, billed, _ = totals[PROVIDERS[total.provider]]
            # the manifest counts every written row and sums the costs that parse
            assert rows == total.rows - total.unparsed_rows
            assert billed == total.billed_cost


@pytest.mark.slow
def test_demo_sets_up_budgets_projects_and_a_plan_that_agree_with_the_ledger(
    tmp_path: Path,
) -> None:
    from infracast import analytics, control

    with Ledger.open(tmp_path / "demo.duckdb") as ledger:
        run = run_demo(ledger, tmp_path / "demo", rows=5_000, summary=None)
        setup = run.control
        assert setup is not None
        as_of = setup.as_of.isoformat()
        copilot = analytics.costs(
            ledger, by=["project"], filters=["project=support-copilot"], end=as_of
        )
        spent = copilot[0]["effective_cost"]  # everything the project spent before as_of

        statuses = {s.budget: s for s in control.budget_status(ledger, as_of=as_of, notify=False)}
        assert set(statuses) == set(setup.budgets)
        life = statuses["support-copilot-life"]  # a whole-life budget starting before the data
        assert life.actual == spent
        raised = sum(len(s.new_alerts) for s in statuses.values())
        assert raised > 0

        earned = control.earned_value(ledger, "support-copilot", as_of)
        assert earned.metrics.ac == spent.quantize(Decimal("0.01"))  # EV figures are to the cent

        compared = control.compare_plans(ledger, setup.plan, by="month", as_of=as_of)
        (total,) = compared.totals
        assert total.actual == spent
        assert total.variance == total.actual - total.planned

        # Running the demo again raises no alert twice and keeps one plan.
        again = run_demo(ledger, tmp_path / "demo", rows=5_000, summary=None)
        assert again.control == setup
        statuses = control.budget_status(ledger, as_of=as_of, notify=False)
        assert sum(len(s.new_alerts) for s in statuses) == 0
        assert [p.name for p in control.list_plans(ledger)] == [setup.plan]
