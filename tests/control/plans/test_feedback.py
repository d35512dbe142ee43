"""Finished plans as training rows for the learned estimator, deduplicated by plan name."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.control.plans.feedback import (
    feedback_rows,
    merge_rows,
    plan_feedback,
    varying_columns,
)
from infracast.control.plans.stored import finish_plan, save_estimate
from infracast.errors import ControlError
from infracast.estimate import fit_estimator
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.plans.fixtures import SMALL_TRAINING_FEATURES, small_training, training_json


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def finished_run(
    ledger: Ledger, name: str, hours: float, planned: str, actual: str | None, **extra: Any
) -> None:
    """A finished training plan of ``planned`` and, unless None, its actual charges."""
    data = training_json(hours, planned, **extra)
    save_estimate(ledger, name, data, project=f"proj-{name}", start="2026-01")
    finish_plan(ledger, name)
    if actual is not None:
        add_charges(ledger, [{"x_project": f"proj-{name}", "cost": actual}])


def test_a_finished_plan_is_its_features_planned_and_actual_cost(ledger: Ledger) -> None:
    save_estimate(ledger, "atlas", small_training(), project="atlas", start="2026-01-29")
    finish_plan(ledger, "atlas")
    add_charges(
        ledger,
        [
            {"x_project": "atlas", "cost": "1100.00", "ChargePeriodStart": "2026-01-30"},
            {"x_project": "atlas", "cost": "950.50", "ChargePeriodStart": "2026-02-01"},
        ],
    )
    rows, currency, notes = feedback_rows(ledger)
    assert (currency, notes) == ("USD", [])
    assert rows == [
        {
            "plan": "atlas",
            "project": "atlas",
            **SMALL_TRAINING_FEATURES,
            "planned_cost": Decimal("2000.00"),
            "actual_cost": Decimal("2050.50"),  # 1100.00 + 950.50
        }
    ]


def test_plans_whose_actual_cost_cannot_be_told_are_left_out_with_a_reason(
    ledger: Ledger,
) -> None:
    finished_run(ledger, "good", 10, "100", "120")
    finished_run(ledger, "unspent", 10, "100", None)
    finished_run(ledger, "mixed", 10, "100", "50")
    add_charges(ledger, [{"x_project": "proj-mixed", "cost": 5, "BillingCurrency": "EUR"}])
    finished_run(ledger, "shared", 10, "100", "70")
    save_estimate(
        ledger, "shared-2", training_json(5, "50"), project="proj-shared", start="2026-02"
    )
    save_estimate(ledger, "active", training_json(5, "50"), project="proj-active", start="2026-02")
    add_charges(ledger, [{"x_project": "proj-active", "cost": 40}])
    rows, _, notes = feedback_rows(ledger)
    assert [(r["plan"], r["actual_cost"]) for r in rows] == [("good", Decimal("120.00"))]
    assert len(notes) == 3
    assert "unspent: no charges carry project 'proj-unspent'" in notes[0]
    assert "in EUR" in notes[1]
    assert "shares project 'proj-shared' with shared-2" in notes[2]


def test_one_file_holds_one_currency(ledger: Ledger) -> None:
    finished_run(ledger, "usd", 10, "100", "120")
    data = training_json(10, "100")
    data["cost"][0]["currency"] = "EUR"
    save_estimate(ledger, "eur", data, project="proj-eur", start="2026-01")
    finish_plan(ledger, "eur")
    with pytest.raises(ControlError, match="EUR, USD") as caught:
        feedback_rows(ledger)
    assert caught.value.hint == "Pass --currency EUR (one file per currency)."
    rows, currency, notes = feedback_rows(ledger, currency="usd")
    assert (currency, [r["plan"] for r in rows]) == ("USD", ["usd"])
    assert notes == ["Plan eur is in EUR, not USD: left out."]


def test_no_finished_plan_is_an_error_saying_how_to_finish_one(ledger: Ledger) -> None:
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01")
    with pytest.raises(ControlError, match="no plan is finished") as caught:
        feedback_rows(ledger)
    assert caught.value.hint is not None and "infracast plan finish NAME" in caught.value.hint


def test_columns_that_never_change_are_left_out_and_said_so() -> None:
    rows = [
        {
            "plan": "a",
            "project": "p",
            "gpu": "H100",
            "params": 1.0,
            "planned_cost": 1,
            "actual_cost": 2,
        },
        {
            "plan": "b",
            "project": "p",
            "gpu": "H100",
            "params": 2.0,
            "planned_cost": 1,
            "actual_cost": 3,
        },
        {"plan": "c", "project": "q", "gpu": "", "planned_cost": 1, "actual_cost": 4},
    ]
    columns, notes = varying_columns(rows)
    # gpu is H100 wherever it is given: constant; params 1.0 and 2.0: kept
    assert columns == ["plan", "project", "params", "planned_cost", "actual_cost"]
    assert notes == ["gpu is 'H100' in every row: left out (a constant cannot explain a cost)."]


def test_merge_replaces_a_plan_in_place_and_keeps_the_others() -> None:
    old = [{"plan": "a", "actual_cost": "1"}, {"plan": "b", "actual_cost": "2"}]
    new = [{"plan": "a", "actual_cost": "10"}, {"plan": "c", "actual_cost": "3"}]
    assert merge_rows(old, new) == [
        {"plan": "a", "actual_cost": "10"},
        {"plan": "b", "actual_cost": "2"},
        {"plan": "c", "actual_cost": "3"},
    ]


def test_append_dedupes_by_plan_name(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "past.csv"
    finished_run(ledger, "a", 10, "100", "120")
    finished_run(ledger, "b", 20, "200", "260", params=1.3e10)
    plan_feedback(ledger, out)
    assert [(r["plan"], r["actual_cost"]) for r in read(out)] == [("a", "120"), ("b", "260")]
    # a row from elsewhere in the file is kept; plan a's late charge updates its row in place
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    with out.open("a", encoding="utf-8", newline="") as fh:
        old = {"plan": "old", "project": "proj-old", "planned_cost": 1000, "actual_cost": 900}
        csv.DictWriter(fh, header, lineterminator="\n").writerow(old)
    add_charges(ledger, [{"x_project": "proj-a", "cost": 5}])
    finished_run(ledger, "c", 30, "300", "310")
    result = plan_feedback(ledger, out, append=True)
    got = [(r["plan"], r["planned_cost"], r["actual_cost"]) for r in read(out)]
    # a: 120 + 5 = 125
    assert got == [
        ("a", "100", "125"),
        ("b", "200", "260"),
        ("old", "1000", "900"),
        ("c", "300", "310"),
    ]
    assert result.added == ("a", "b", "c")
    assert any("replaced by their row from the ledger: a, b" in n for n in result.notes)
    assert not list(tmp_path.glob(".*partial"))


def test_without_append_the_file_is_rewritten(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "past.csv"
    out.write_text("plan,actual_cost\nold,1\n", encoding="utf-8")
    finished_run(ledger, "a", 10, "100", "120")
    plan_feedback(ledger, out)
    assert [r["plan"] for r in read(out)] == ["a"]


def test_appending_to_a_file_without_a_plan_column_is_refused(
    ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "other.csv"
    out.write_text("gpus,actual_cost\n8,100\n", encoding="utf-8")
    finished_run(ledger, "a", 10, "100", "120")
    with pytest.raises(ControlError, match="no plan column"):
        plan_feedback(ledger, out, append=True)


def test_the_learned_estimator_fits_on_the_feedback_file(ledger: Ledger, tmp_path: Path) -> None:
    # eight runs: sizes differ, the actual cost is 10% over plan, plus a fixed 50 overrun
    for n in range(1, 9):
        hours = 10.0 * n
        planned = Decimal(200) * n
        finished_run(
            ledger,
            f"run-{n}",
            hours,
            str(planned),
            str(planned * Decimal("1.1") + 50),
            params=1e9 * n,
            tokens=2e10 * n * n,
        )
    out = plan_feedback(ledger, tmp_path / "past.csv").path
    assert out is not None
    rows = read(out)
    assert len(rows) == 8
    assert "accelerator" not in rows[0]  # A100-80GB in every row
    model = fit_estimator(rows, target="actual_cost")
    assert model.summary().n_rows == 8
    notes = " ".join(model.summary().notes)
    assert "plan was left out" in notes and "project was left out" in notes
