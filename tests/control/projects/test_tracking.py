"""Tracked projects over the ledger: storing, progress, actual cost and earned value end to end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from infracast.control.projects.rebudget import rebudget_suggestions
from infracast.control.projects.tracking import (
    add_project,
    as_of_date,
    earned_value,
    earned_value_series,
    list_projects,
    project_plan,
    record_progress,
    remove_project,
)
from infracast.errors import ControlError, NotFoundError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.control.projects.fixtures import AS_OF, ATLAS, ATLAS_YAML, add_atlas

D = Decimal


def test_earned_value_end_to_end_matches_the_hand_computation(ledger: Ledger) -> None:
    add_atlas(ledger)
    ev = earned_value(ledger, "atlas", AS_OF)
    m = ev.metrics
    # PV 5,000, EV 4,400, AC 4,500 (project_fixtures shows the sums)
    assert (m.bac, m.pv, m.ev, m.ac) == (D(10000), D(5000), D(4400), D(4500))
    assert (m.cv, m.sv) == (D(-100), D(-600))
    assert (m.cpi, m.spi) == (D("0.9778"), D("0.8800"))  # 4,400/4,500; 4,400/5,000
    assert m.eac == D("10227.27")  # 10,000 × 4,500 / 4,400 = 10,227.2727…
    assert m.tcpi == D("1.0182")  # (10,000 − 4,400) / (10,000 − 4,500) = 5,600 / 5,500
    assert ev.other_currencies == {"EUR": D(300)}


def test_task_rows_show_latest_progress_and_own_actuals(ledger: Ledger) -> None:
    add_atlas(ledger)
    data, train, evals = earned_value(ledger, "atlas", AS_OF).tasks
    # data: done by plan and by progress; own AC = the storage charge 1,500 → EAC = 1,500
    assert (data.pv, data.ev, data.ac, data.eac) == (D(2000), D(2000), D(1500), D(1500))
    assert data.cpi == D("1.3333")  # 2,000 / 1,500
    # train: 15 of 30 days → PV 3,000; 40 % (the 90 % update is after the day) → EV 2,400
    assert (train.pv, train.ev, train.ac) == (D(3000), D(2400), None)
    assert (train.percent_complete, train.progress_as_of) == (D(40), date(2026, 1, 25))
    assert train.estimate_to_complete == D(4000)
    assert (evals.pv, evals.ev, evals.progress_as_of) == (D(0), D(0), None)


def test_bottom_up_eac_waits_for_every_unfinished_task(ledger: Ledger) -> None:
    add_atlas(ledger)
    up = next(e for e in earned_value(ledger, "atlas", AS_OF).metrics.estimates
              if e.method == "bottom_up")  # fmt: skip
    assert up.eac is None and up.note is not None and "eval has no estimate" in up.note
    record_progress(ledger, "atlas", "eval", 0, as_of="2026-01-26", estimate_to_complete=2100)
    up = earned_value(ledger, "atlas", AS_OF).metrics.estimates[2]
    # AC 4,500 + train's 4,000 + eval's 2,100 (data is done) = 10,600
    assert up.eac == D(10600)


def test_a_later_as_of_counts_later_progress_and_charges(ledger: Ledger) -> None:
    add_atlas(ledger)
    m = earned_value(ledger, "atlas", "2026-01-28").metrics
    # EV = 2,000 + 6,000 × 90 % = 7,400; AC = 4,500 + 700 (01-26) = 5,200
    # PV = 2,000 + 6,000 × 17/30 = 5,400
    assert (m.pv, m.ev, m.ac) == (D(5400), D(7400), D(5200))


def test_series_ends_with_the_status_figures(ledger: Ledger) -> None:
    add_atlas(ledger)
    points = earned_value_series(ledger, "atlas", AS_OF, "month")
    assert len(points) == 1 and points[0].period == date(2026, 1, 1)
    m = earned_value(ledger, "atlas", AS_OF).metrics
    assert (points[-1].pv, points[-1].ev, points[-1].ac) == (m.pv, m.ev, m.ac)
    weekly = earned_value_series(ledger, "atlas", AS_OF, "week")
    # weeks from Monday 2025-12-29 to the cut at 01-26 (itself a Monday): 4 points
    assert [p.as_of for p in weekly] == [date(2026, 1, d) for d in (5, 12, 19, 26)]
    # AC before 01-05: 0 (the storage charge is on 01-05); before 01-12: 1,500;
    # before 01-19: 1,500 + 2,000 (01-15); before 01-26: + 1,000 (01-25) = 4,500
    assert [p.ac for p in weekly] == [D(0), D(1500), D(3500), D(4500)]


def test_budget_overrides_the_task_sum_as_bac(ledger: Ledger) -> None:
    add_project(ledger, {**ATLAS, "budget": 12000})
    assert earned_value(ledger, "atlas", AS_OF).metrics.bac == D(12000)


def test_re_adding_updates_tasks_and_keeps_progress(ledger: Ledger) -> None:
    add_atlas(ledger)
    tasks = [dict(ATLAS["tasks"][0]), dict(ATLAS["tasks"][1], planned_cost=7000)]
    change = add_project(ledger, {**ATLAS, "name": "Atlas v2", "tasks": tasks})
    assert not change.created
    assert change.tasks_updated == ("data", "train") and change.tasks_removed == ("eval",)
    assert change.progress_removed == 0 and change.bac == D(9000)
    (summary,) = list_projects(ledger)
    assert (summary.name, summary.tasks, summary.bac) == ("Atlas v2", 2, D(9000))
    train = earned_value(ledger, "atlas", AS_OF).tasks[1]
    assert train.ev == D(2800)  # the 40 % update kept: 7,000 × 40 %


def test_removing_a_task_removes_its_progress_and_counts_it(ledger: Ledger) -> None:
    add_atlas(ledger)
    change = add_project(ledger, {**ATLAS, "tasks": [ATLAS["tasks"][0], ATLAS["tasks"][2]]})
    assert change.tasks_removed == ("train",) and change.progress_removed == 3
    left = ledger.con.execute("SELECT count(*) FROM task_progress WHERE task = 'train'")
    assert left.fetchone() == (0,)


def test_progress_on_the_same_day_replaces_the_earlier_one(ledger: Ledger) -> None:
    add_project(ledger, ATLAS)
    record_progress(ledger, "atlas", "train", 10, as_of="2026-01-20")
    again = record_progress(ledger, "atlas", "train", 20, as_of="2026-01-20", note="fixed")
    assert again.replaced
    rows = ledger.con.execute("SELECT percent_complete, note FROM task_progress").fetchall()
    assert rows == [(20.0, "fixed")]


def test_unknown_project_and_task_suggest_the_closest(ledger: Ledger) -> None:
    add_project(ledger, ATLAS)
    with pytest.raises(ControlError, match=r'no project "atlsa".*Did you mean "atlas"'):
        earned_value(ledger, "atlsa", AS_OF)
    with pytest.raises(ControlError, match=r'no task "trian".*Did you mean "train"'):
        record_progress(ledger, "atlas", "trian", 10)


def test_unknown_project_and_task_are_not_found(ledger: Ledger) -> None:
    add_project(ledger, ATLAS)
    with pytest.raises(NotFoundError) as project:
        remove_project(ledger, "atlsa")
    with pytest.raises(NotFoundError) as task:
        record_progress(ledger, "atlas", "trian", 10)
    assert project.value.hint is not None and "infracast project list" in project.value.hint
    assert task.value.hint is not None and "data, train, eval" in task.value.hint


def test_a_project_is_added_from_its_file(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "atlas.yaml"
    path.write_text(ATLAS_YAML, encoding="utf-8")
    change = add_project(ledger, path)
    assert change.created and change.bac == D(10000)
    assert change.tasks_added == ("data", "train", "eval")
    assert [p.project for p in list_projects(ledger)] == ["atlas"]


@pytest.mark.parametrize(
    ("percent", "etc", "message"),
    [
        (101, None, "over 100"),
        (-1, None, "negative; it must be 0 or more"),
        (10, "lots", "is not a number"),
    ],
)
def test_bad_progress_is_refused(
    ledger: Ledger, percent: int, etc: str | None, message: str
) -> None:
    add_project(ledger, ATLAS)
    with pytest.raises(ControlError, match=message):
        record_progress(ledger, "atlas", "train", percent, estimate_to_complete=etc)


def test_as_of_takes_whole_days_only() -> None:
    assert as_of_date("2026-03-01") == date(2026, 3, 1)
    with pytest.raises(ControlError, match="time of day"):
        as_of_date("2026-03-01T12:00")
    with pytest.raises(ControlError, match="is not a date"):
        as_of_date("yesterday")


def test_charges_of_other_projects_and_after_the_day_are_not_counted(ledger: Ledger) -> None:
    add_project(ledger, ATLAS)
    add_charges(
        ledger,
        [
            {"x_project": "atlas-eval", "ChargePeriodStart": "2026-01-05T00:00", "cost": 5},
            {"x_project": "atlas", "ChargePeriodStart": "2026-01-05T00:00", "cost": 7},
            {"x_project": "atlas", "ChargePeriodStart": "2026-02-01T00:00", "cost": 11},
        ],
    )
    assert earned_value(ledger, "atlas", "2026-02-01").metrics.ac == D(7)  # 11 is on the day


def test_a_budget_and_costs_in_e_notation_are_stored_as_written(ledger: Ledger) -> None:
    tasks = [{**ATLAS["tasks"][0], "planned_cost": "2e3"}]
    add_project(ledger, {**ATLAS, "budget": "1e4", "tasks": tasks})
    [summary] = list_projects(ledger)
    assert summary.bac == Decimal(10_000)  # not 1.00
    plan, _ = project_plan(ledger, "atlas")
    assert plan.tasks[0].planned_cost == Decimal(2_000)  # not 2.00


# --- issue 10, item 4: a stored project that fails the model is listed, refused, removed -----


@pytest.fixture
def bad_projects(ledger: Ledger) -> Ledger:
    """atlas (valid), and rows written by hand: budget 0; budget −5 with a task that ends
    before it starts; a project without tasks."""
    add_project(ledger, ATLAS)
    con = ledger.con
    con.execute("INSERT INTO projects VALUES ('zero', NULL, 0, 'USD', now())")
    con.execute(
        "INSERT INTO project_tasks VALUES ('zero', 't', 10, DATE '2026-01-01', DATE '2026-01-02',"
        " NULL)"
    )
    con.execute("INSERT INTO projects VALUES ('negative', NULL, -5, 'USD', now())")
    con.execute(
        "INSERT INTO project_tasks VALUES ('negative', 't', 3, DATE '2026-01-02', "
        "DATE '2026-01-01', NULL)"
    )
    con.execute("INSERT INTO projects VALUES ('empty', NULL, NULL, 'USD', now())")
    return ledger


def test_stored_projects_that_fail_the_model_are_listed_with_their_problem(
    bad_projects: Ledger,
) -> None:
    problems = {p.project: p.problem for p in list_projects(bad_projects)}
    assert problems["atlas"] is None
    assert problems["zero"] == "budget 0 is zero; it must be more than 0."
    assert problems["negative"] is not None and "budget -5 is negative" in problems["negative"]
    assert "planned_end 2026-01-01 is not after planned_start" in problems["negative"]
    assert problems["empty"] == "tasks must list at least one task."


def test_earned_value_of_an_invalid_stored_project_says_why_and_how_to_fix_it(
    bad_projects: Ledger,
) -> None:
    with pytest.raises(ControlError, match='project "zero" in the ledger is invalid') as caught:
        earned_value(bad_projects, "zero", "2026-01-15")
    assert caught.value.hint is not None and "infracast project remove zero" in caught.value.hint


def test_an_invalid_stored_project_can_be_removed(bad_projects: Ledger) -> None:
    removed = remove_project(bad_projects, "negative")
    assert removed.project == "negative" and removed.problem is not None
    assert [p.project for p in list_projects(bad_projects)] == ["atlas", "empty", "zero"]
    assert bad_projects.con.execute(
        "SELECT count(*) FROM project_tasks WHERE project = 'negative'"
    ).fetchone() == (0,)


def test_removing_a_project_removes_its_tasks_and_progress(ledger: Ledger) -> None:
    add_atlas(ledger)
    removed = remove_project(ledger, "atlas")
    assert (removed.project, removed.tasks) == ("atlas", 3)
    for table in ("projects", "project_tasks", "task_progress"):
        assert ledger.con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    with pytest.raises(ControlError, match='no project "atlas"'):
        remove_project(ledger, "atlas")


def test_rebudget_leaves_out_invalid_stored_projects_and_says_so(bad_projects: Ledger) -> None:
    result = rebudget_suggestions(bad_projects, "2026-01-26")
    assert {s.scope for s in result.scopes} == {"atlas", "atlas/data"}
    assert any("left out" in n and "zero" in n and "negative" in n for n in result.notes)
