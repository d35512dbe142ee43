"""The earned-value formulas, checked by hand (PMBOK Guide, 6th ed., Table 7-1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from infracast.control.projects._earned_value import (
    Actuals,
    PlannedTask,
    ProjectPlan,
    TaskProgress,
    bottom_up_etc,
    earned_value_metrics,
    evaluate,
    latest_progress,
    planned_value,
)
from infracast.control.projects.ev_series import pv_at

D = Decimal


def test_pmbok_example_gives_the_textbook_figures() -> None:
    # BAC 10,000, PV 5,000, EV 4,000, AC 4,500:
    #   CV = 4,000 − 4,500 = −500; SV = 4,000 − 5,000 = −1,000
    #   CPI = 4,000 / 4,500 = 0.8889; SPI = 4,000 / 5,000 = 0.8
    #   EAC(CPI) = 10,000 / (8/9) = 11,250; ETC = 11,250 − 4,500 = 6,750; VAC = −1,250
    #   TCPI = (10,000 − 4,000) / (10,000 − 4,500) = 6,000 / 5,500 = 1.0909
    #   EAC(CPI×SPI) = 4,500 + 6,000 / (8/9 × 0.8) = 4,500 + 8,437.50 = 12,937.50
    m = earned_value_metrics(D(10000), D(5000), D(4000), D(4500), "USD")
    assert (m.cv, m.sv) == (D(-500), D(-1000))
    assert (m.cpi, m.spi) == (D("0.8889"), D("0.8000"))
    assert (m.eac, m.etc, m.vac) == (D("11250.00"), D("6750.00"), D("-1250.00"))
    assert m.tcpi == D("1.0909")
    both = next(e for e in m.estimates if e.method == "cpi_spi")
    assert (both.eac, both.etc, both.vac) == (D("12937.50"), D("8437.50"), D("-2937.50"))
    assert m.notes == ()


def test_bottom_up_eac_adds_the_teams_etc_to_ac() -> None:
    # AC 4,500 + Σ ETC 5,000 = 9,500; VAC = 10,000 − 9,500 = 500
    m = earned_value_metrics(D(10000), D(5000), D(4000), D(4500), "USD", bottom_up_etc=D(5000))
    up = next(e for e in m.estimates if e.method == "bottom_up")
    assert (up.eac, up.etc, up.vac, up.note) == (D(9500), D(5000), D(500), None)


def test_bottom_up_eac_without_etc_says_it_is_unavailable() -> None:
    m = earned_value_metrics(
        D(10000), D(5000), D(4000), D(4500), "USD", bottom_up_note="no ETC given"
    )
    up = next(e for e in m.estimates if e.method == "bottom_up")
    assert up.eac is None and up.note == "no ETC given"


def test_tcpi_is_undefined_once_ac_reaches_bac() -> None:
    # AC 10,500 ≥ BAC 10,000: (BAC − EV) / (BAC − AC) would divide by −500
    m = earned_value_metrics(D(10000), D(9000), D(8000), D(10500), "USD")
    assert m.tcpi is None
    assert any("TCPI to BAC is undefined" in n for n in m.notes)
    # EAC(CPI) = 10,000 × 10,500 / 8,000 = 13,125
    assert m.eac == D("13125.00")


def test_no_actual_cost_leaves_cpi_and_cpi_based_eac_undefined() -> None:
    m = earned_value_metrics(D(1000), D(100), D(50), D(0), "USD")
    assert m.cpi is None and m.eac is None and m.etc is None
    assert m.spi == D("0.5000")
    assert any("CPI is undefined" in n for n in m.notes)


def test_nothing_planned_yet_leaves_spi_undefined() -> None:
    m = earned_value_metrics(D(1000), D(0), D(0), D(0), "USD")
    assert m.spi is None and m.cpi is None
    assert m.tcpi == D(1)  # (1,000 − 0) / (1,000 − 0)


def test_planned_value_is_linear_over_the_half_open_span() -> None:
    # 3,000 over [01-01, 01-31): 30 days, 100 a day
    task = PlannedTask("t", D(3000), date(2026, 1, 1), date(2026, 1, 31))
    assert planned_value(task, date(2025, 12, 31)) == 0
    assert planned_value(task, date(2026, 1, 1)) == 0  # nothing elapsed at its first instant
    assert planned_value(task, date(2026, 1, 11)) == D(1000)  # 10 days × 100
    assert planned_value(task, date(2026, 1, 31)) == D(3000)  # the end is exclusive: all done
    assert planned_value(task, date(2026, 6, 1)) == D(3000)


def test_latest_progress_takes_the_last_update_on_or_before_the_day() -> None:
    updates = [
        TaskProgress("a", date(2026, 1, 5), D(10)),
        TaskProgress("a", date(2026, 1, 9), D(30)),
        TaskProgress("b", date(2026, 1, 8), D(99)),
    ]
    assert latest_progress(updates, "a", date(2026, 1, 4)) is None
    assert latest_progress(updates, "a", date(2026, 1, 9)) == updates[1]  # on the day counts
    assert latest_progress(updates, "a", date(2026, 1, 8)) == updates[0]


def _plan() -> ProjectPlan:
    return ProjectPlan(
        "p",
        "USD",
        (
            PlannedTask("a", D(1000), date(2026, 1, 1), date(2026, 1, 11), own_actuals=True),
            PlannedTask("b", D(3000), date(2026, 1, 11), date(2026, 1, 21)),
        ),
    )


def test_evaluate_sums_tasks_and_keeps_task_actuals_apart() -> None:
    # As of 01-16: PV = 1,000 + 3,000 × 5/10 = 2,500; EV = 1,000 × 80 % + 3,000 × 20 % = 1,400
    # AC = 1,700 (project), task a's own AC = 900 → a: CPI = 800 / 900 = 0.8889,
    # EAC(a) = 1,000 × 900 / 800 = 1,125
    progress = [
        TaskProgress("a", date(2026, 1, 10), D(80)),
        TaskProgress("b", date(2026, 1, 15), D(20)),
    ]
    ev = evaluate(_plan(), progress, Actuals(D(1700), {"a": D(900)}), date(2026, 1, 16))
    assert (ev.metrics.pv, ev.metrics.ev, ev.metrics.ac) == (D(2500), D(1400), D(1700))
    a, b = ev.tasks
    assert (a.pv, a.ev, a.ac, a.cpi, a.eac) == (D(1000), D(800), D(900), D("0.8889"), D(1125))
    assert (b.pv, b.ev, b.ac, b.cv, b.eac) == (D(1500), D(600), None, None, None)
    assert b.spi == D("0.4000")  # 600 / 1,500


def test_bottom_up_etc_needs_every_unfinished_task_to_give_one() -> None:
    plan = _plan()
    day = date(2026, 1, 16)
    done_a = TaskProgress("a", date(2026, 1, 10), D(100))
    etc, note = bottom_up_etc(plan.tasks, [done_a], day)
    assert etc is None and note is not None and "b has no estimate" in note
    with_b = [done_a, TaskProgress("b", date(2026, 1, 15), D(20), D(2500))]
    assert bottom_up_etc(plan.tasks, with_b, day) == (D(2500), None)  # a is done: counts 0


def test_bac_is_the_budget_when_given_else_the_task_sum() -> None:
    assert _plan().bac == D(4000)
    assert ProjectPlan("p", "USD", _plan().tasks, budget=D(5000)).bac == D(5000)


def test_other_currencies_are_listed_in_the_assumptions() -> None:
    actuals = Actuals(D(0), {}, {"EUR": D(300)})
    ev = evaluate(_plan(), [], actuals, date(2026, 1, 5))
    assert ev.other_currencies == {"EUR": D(300)}
    assert any("300 EUR" in a for a in ev.assumptions)


tasks_strategy = st.lists(
    st.builds(
        lambda i, cost, offset, days: PlannedTask(
            f"t{i}",
            D(cost) / 100,
            date(2026, 1, 1) + timedelta(offset),
            date(2026, 1, 1) + timedelta(offset + days),
        ),
        st.integers(0, 10**6),
        st.integers(0, 10**8),
        st.integers(0, 300),
        st.integers(1, 400),
    ),
    min_size=1,
    max_size=6,
)


@given(tasks_strategy, st.lists(st.integers(-10, 800), min_size=2, max_size=20))
def test_pv_never_decreases_and_reaches_bac_at_the_last_planned_end(
    tasks: list[PlannedTask], offsets: list[int]
) -> None:
    plan = ProjectPlan("p", "USD", tuple(tasks))
    days = sorted(date(2026, 1, 1) + timedelta(o) for o in offsets)
    values = [pv_at(plan, d) for d in days]
    assert all(a <= b for a, b in pairwise(values))
    assert plan.planned_end is not None and plan.planned_start is not None
    assert pv_at(plan, plan.planned_end) == plan.bac
    assert pv_at(plan, plan.planned_start) == 0


@given(st.integers(1, 10**9), st.integers(0, 10**9), st.integers(1, 10**9), st.integers(1, 10**9))
def test_estimates_are_consistent_with_their_definitions(
    bac: int, pv: int, ev: int, ac: int
) -> None:
    m = earned_value_metrics(D(bac) / 100, D(pv) / 100, D(ev) / 100, D(ac) / 100, "USD")
    assert m.eac is not None and m.etc is not None and m.vac is not None
    assert m.etc == m.eac - m.ac and m.vac == m.bac - m.eac
    # BAC / CPI exceeds BAC exactly when CPI < 1 (over cost), up to a cent of rounding
    if m.ev < m.ac:
        assert m.eac >= m.bac
    if m.ev > m.ac:
        assert m.eac <= m.bac
    if m.ev == m.ac:
        assert m.eac == m.bac
