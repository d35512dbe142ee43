"""Plan against actual: the estimate joined to the invoice, by project, month and category."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infracast.control.plans.compare import (
    ActualAmount,
    check_by,
    compare,
    compare_plans,
    planned_to_date,
)
from infracast.control.plans.lines import PlanLine
from infracast.control.plans.stored import save_budget, save_estimate
from infracast.errors import ControlError
from infracast.estimate import budget
from infracast.ledger import ingest_focus
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.plans.fixtures import SMALL_SPEC, small_training, write_bill

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def rows(result: Any) -> list[dict[str, Any]]:
    return [r.to_dict() for r in result.rows]


@pytest.fixture
def atlas(ledger: Ledger, tmp_path: Path) -> Ledger:
    """The estimate saved as a plan, and its actuals ingested from a FOCUS bill.

    Plan (small_training: 1000 accelerator-hours × 2.00 = 2000.00 USD over 125 h
    from Jan 29 00:00): 72 h in January → 1152.00, 53 h in February → 848.00.

    Bill, every row tagged project=atlas:
      Jan 30 compute 600.00 USD, Jan 31 compute 500.00 USD  → January compute 1100.00
      Feb 1  compute 900.00 USD                              → February compute 900.00
      Feb 2  storage  50.00 USD                              → February storage 50.00 (unplanned)
      Feb 1  compute   7.00 EUR                              → its own row, never added to USD
    """
    save_estimate(ledger, "atlas-run", small_training(), project="atlas", start="2026-01-29")
    bill = write_bill(
        tmp_path / "bill.csv",
        [
            ("2026-01-30T00", "Compute", "600.00", "USD"),
            ("2026-01-31T00", "Compute", "500.00", "USD"),
            ("2026-02-01T00", "Compute", "900.00", "USD"),
            ("2026-02-02T00", "Storage", "50.00", "USD"),
            ("2026-02-01T01", "Compute", "7.00", "EUR"),
        ],
        project="atlas",
    )
    (result,) = ingest_focus(ledger, [bill])
    assert (result.rows_ingested, result.rows_quarantined) == (5, 0)
    return ledger


def test_plan_actual_and_variance_by_project_month_and_category(atlas: Ledger) -> None:
    result = compare_plans(atlas, "atlas-run")
    assert rows(result) == [
        # January: 1100.00 − 1152.00 = −52.00; −52 / 1152 = −4.51% → −4.5
        {
            "project": "atlas",
            "month": "2026-01",
            "category": "compute",
            "planned": Decimal("1152.00"),
            "actual": Decimal("1100.00"),
            "variance": Decimal("-52.00"),
            "variance_pct": Decimal("-4.5"),
            "currency": "USD",
        },
        # February, EUR: nothing planned in EUR, 7.00 spent; no percentage of nothing
        {
            "project": "atlas",
            "month": "2026-02",
            "category": "compute",
            "planned": Decimal("0.00"),
            "actual": Decimal("7.00"),
            "variance": Decimal("7.00"),
            "variance_pct": None,
            "currency": "EUR",
        },
        # February: 900.00 − 848.00 = 52.00; 52 / 848 = 6.13% → 6.1
        {
            "project": "atlas",
            "month": "2026-02",
            "category": "compute",
            "planned": Decimal("848.00"),
            "actual": Decimal("900.00"),
            "variance": Decimal("52.00"),
            "variance_pct": Decimal("6.1"),
            "currency": "USD",
        },
        # storage was not planned: 50.00 over
        {
            "project": "atlas",
            "month": "2026-02",
            "category": "storage",
            "planned": Decimal("0.00"),
            "actual": Decimal("50.00"),
            "variance": Decimal("50.00"),
            "variance_pct": None,
            "currency": "USD",
        },
    ]
    totals = {t.currency: (t.planned, t.actual, t.variance, t.variance_pct) for t in result.totals}
    # USD: 2000.00 planned, 1100 + 900 + 50 = 2050.00 spent, 50.00 over = 2.5%
    assert totals == {
        "EUR": (Decimal("0.00"), Decimal("7.00"), Decimal("7.00"), None),
        "USD": (Decimal("2000.00"), Decimal("2050.00"), Decimal("50.00"), Decimal("2.5")),
    }
    assert any("EUR" in note for note in result.notes)


def test_by_month_adds_the_categories_of_a_month_in_one_currency(atlas: Ledger) -> None:
    result = compare_plans(atlas, by="month")
    got = {(r["month"], r["currency"]): (r["planned"], r["actual"]) for r in rows(result)}
    # February USD: planned 848.00; actual 900.00 + 50.00 = 950.00
    assert got == {
        ("2026-01", "USD"): (Decimal("1152.00"), Decimal("1100.00")),
        ("2026-02", "EUR"): (Decimal("0.00"), Decimal("7.00")),
        ("2026-02", "USD"): (Decimal("848.00"), Decimal("950.00")),
    }


def test_as_of_compares_to_date(atlas: Ledger) -> None:
    result = compare_plans(atlas, project="atlas", by="month", as_of="2026-01-31")
    # actual: charges before Jan 31 00:00 → only the 600.00 of Jan 30
    # plan: 30 of January's 31 days → 1152.00 × 30/31 = 1114.8387 → 1114.84
    assert rows(result) == [
        {
            "month": "2026-01",
            "planned": Decimal("1114.84"),
            "actual": Decimal("600.00"),
            "variance": Decimal("-514.84"),
            "variance_pct": Decimal("-46.2"),  # −514.84 / 1114.84 = −46.18%
            "currency": "USD",
        }
    ]
    assert any("30 of its 31 days" in note for note in result.notes)


def test_a_month_planned_but_not_yet_spent_is_shown(ledger: Ledger) -> None:
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01-29")
    add_charges(ledger, [{"x_project": "atlas", "cost": 1000, "ChargePeriodStart": "2026-01-30"}])
    got = {r["month"]: (r["planned"], r["actual"]) for r in rows(compare_plans(ledger, "a"))}
    assert got == {
        "2026-01": (Decimal("1152.00"), Decimal("1000.00")),
        "2026-02": (Decimal("848.00"), Decimal("0.00")),
    }


def test_other_projects_charges_are_not_counted(ledger: Ledger) -> None:
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01")
    add_charges(
        ledger,
        [
            {"x_project": "atlas", "cost": 10, "ChargePeriodStart": "2026-01-05"},
            {"x_project": "other", "cost": 99, "ChargePeriodStart": "2026-01-05"},
            {"cost": 55, "ChargePeriodStart": "2026-01-05"},  # untagged
        ],
    )
    (row,) = rows(compare_plans(ledger, "a", by=""))
    assert (row["planned"], row["actual"]) == (Decimal("2000.00"), Decimal("10.00"))


def test_plans_of_one_project_are_added_and_said_so(ledger: Ledger) -> None:
    save_budget(ledger, "tiny", budget(SMALL_SPEC), project="atlas")
    save_estimate(ledger, "run", small_training(), project="atlas", start="2026-01-29")
    result = compare_plans(ledger, project="atlas", by="month")
    got = {r["month"]: r["planned"] for r in rows(result)}
    # budget 11,165.00 a month + the run's 1152.00 and 848.00
    assert got == {"2026-01": Decimal("12317.00"), "2026-02": Decimal("12013.00")}
    assert any("share project 'atlas'" in note for note in result.notes)
    assert any("No charges carry project 'atlas'" in note for note in result.notes)


def test_no_plans_or_a_wrong_choice_is_an_actionable_error(ledger: Ledger) -> None:
    with pytest.raises(ControlError, match="no plans to compare"):
        compare_plans(ledger)
    save_estimate(ledger, "a", small_training(), project="atlas", start="2026-01")
    with pytest.raises(ControlError, match='Did you mean "atlas"'):
        compare_plans(ledger, project="atlsa")
    with pytest.raises(ControlError, match="not both"):
        compare_plans(ledger, "a", project="atlas")
    with pytest.raises(ControlError, match="cannot split by 'team'"):
        compare_plans(ledger, by="month,team")


def test_check_by_accepts_cost_category_and_drops_repeats() -> None:
    assert check_by("month, cost_category,month") == ("month", "category")
    assert check_by(["project"]) == ("project",)


def test_planned_to_date_drops_later_months_and_prorates_the_current_one() -> None:
    lines = [
        PlanLine(JAN, "p", "compute", Decimal("310.00"), "USD"),
        PlanLine(FEB, "p", "compute", Decimal("280.00"), "USD"),
        PlanLine(date(2026, 3, 1), "p", "compute", Decimal("1.00"), "USD"),
    ]
    kept, notes = planned_to_date(lines, datetime(2026, 2, 8, 12))
    # February: 7.5 of 28 days → 280 × 7.5/28 = 75.00
    assert [(ln.month, ln.amount) for ln in kept] == [
        (JAN, Decimal("310.00")),
        (FEB, Decimal("75.00")),
    ]
    assert notes == ["The plan for 2026-02 counts 7.5 of its 28 days (to 2026-02-08 12:00:00)."]


_months = st.sampled_from([JAN, FEB, date(2026, 3, 1)])
_categories = st.sampled_from(["compute", "storage", None])
_currencies = st.sampled_from(["USD", "EUR"])
_money = st.decimals(min_value=0, max_value=10**6, places=2)


@given(
    st.lists(st.tuples(_months, st.sampled_from(["compute", "storage"]), _money), max_size=12),
    st.lists(st.tuples(_months, _categories, _currencies, _money), max_size=12),
    st.sampled_from(["project,month,category", "month", "category", "", "month,category"]),
)
def test_compare_keeps_every_amount_and_never_mixes_currencies(
    planned: list[tuple[date, str, Decimal]],
    actual: list[tuple[date, str | None, str, Decimal]],
    by: str,
) -> None:
    plan = [PlanLine(m, "p", c, a, "USD") for m, c, a in planned]
    spent = [ActualAmount("p", m, c, cur, a) for m, c, cur, a in actual]
    result_rows, totals = compare(plan, spent, check_by(by))
    for currency in ("USD", "EUR"):
        mine = [r for r in result_rows if r.currency == currency]
        want_plan = sum((a for _, _, a in planned), Decimal(0)) if currency == "USD" else 0
        want_actual = sum((a for _, _, cur, a in actual if cur == currency), Decimal(0))
        assert sum((r.planned for r in mine), Decimal(0)) == want_plan
        assert sum((r.actual for r in mine), Decimal(0)) == want_actual
    keys = [(r.key, r.currency) for r in result_rows]
    assert len(keys) == len(set(keys))
    for total in totals:
        assert total.variance == total.actual - total.planned
