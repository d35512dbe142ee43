"""The one door to HiGHS: statuses, bounds, duals, and no banner on standard output."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import sparse

from infracast.optimize._solver import solve

ROW = sparse.csc_array(np.array([[1.0, 1.0]]))


def _two(lo: float, integer: bool) -> object:
    # min 3x + 2y  s.t.  x + y >= lo,  0 <= x <= 3,  0 <= y <= 2.5
    return solve(
        np.array([3.0, 2.0]), ROW, np.array([lo]), np.array([np.inf]),
        np.zeros(2), np.array([3.0, 2.5]), integer=np.array([integer, integer]),
    )  # fmt: skip


def test_lp_takes_the_cheaper_column_first_and_prices_the_row():
    s = _two(4.0, integer=False)
    # y = 2.5 at 2 each, then x = 1.5 at 3 each: 5 + 4.5 = 9.5; one more unit of demand costs 3
    assert s.status == "optimal"
    assert s.objective == 9.5 and s.bound == 9.5 and s.gap == 0.0
    np.testing.assert_allclose(s.x, [1.5, 2.5])
    np.testing.assert_allclose(s.row_duals, [3.0])


def test_interior_point_gives_the_same_optimum_and_duals():
    s = solve(
        np.array([3.0, 2.0]), ROW, np.array([4.0]), np.array([np.inf]),
        np.zeros(2), np.array([3.0, 2.5]), method="ipm",
    )  # fmt: skip
    assert s.status == "optimal"
    assert s.objective == pytest.approx(9.5)
    np.testing.assert_allclose(s.row_duals, [3.0], atol=1e-7)


def test_mip_rounds_to_whole_units():
    s = _two(4.0, integer=True)
    # y = 2 (its bound 2.5 rounds down), x = 2: 6 + 4 = 10
    assert s.status == "optimal"
    assert s.objective == 10.0
    np.testing.assert_allclose(s.x, [2.0, 2.0])


def test_infeasible_model_has_no_solution():
    s = _two(9.0, integer=False)  # at most 3 + 2.5 = 5.5 can be bought
    assert s.status == "infeasible"
    assert not s.has_solution


def test_first_solver_of_a_process_prints_nothing():
    code = (
        "import numpy as np; from scipy import sparse;"
        "from infracast.optimize._solver import solve;"
        "solve(np.ones(1), sparse.csc_array(np.ones((1, 1))), np.ones(1), np.ones(1),"
        " np.zeros(1), np.ones(1)); print('done')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "done\n"


def test_column_lp_rerun_after_adding_a_column_matches_the_whole_model():
    # min 3x + 2y + z  s.t.  x + y + z >= 4,  x <= 3, y <= 2.5, z <= 1
    from infracast.optimize._solver import ColumnLP

    lp = ColumnLP(np.array([3.0, 2.0]), ROW, np.array([4.0]), np.array([np.inf]),
                  np.zeros(2), np.array([3.0, 2.5]))  # fmt: skip
    first = lp.run()
    assert first.objective == 9.5  # as in the test above: y = 2.5, x = 1.5
    lp.add_columns(np.array([1.0]), sparse.csc_array(np.array([[1.0]])), np.zeros(1), np.ones(1))
    again = lp.run()
    # z = 1 at 1, y = 2.5 at 2, x = 0.5 at 3: 1 + 5 + 1.5 = 7.5; the row still prices at 3
    whole = solve(np.array([3.0, 2.0, 1.0]), sparse.csc_array(np.ones((1, 3))), np.array([4.0]),
                  np.array([np.inf]), np.zeros(3), np.array([3.0, 2.5, 1.0]))  # fmt: skip
    assert lp.n_cols == 3
    assert again.objective == pytest.approx(7.5) == whole.objective
    np.testing.assert_allclose(again.x, [0.5, 2.5, 1.0])
    np.testing.assert_allclose(again.row_duals, whole.row_duals)


def test_mip_stops_at_a_plan_as_good_as_asked_from_its_start():
    # 30 items of weights 1..30, pick exactly 10 (row 1) within weight 200 (row 2), maximise
    # value (minimise -value); start: items 0..9 (weight 55). Stop at the start's own cost.
    rng = np.random.default_rng(3)
    value, weight = rng.uniform(1, 10, 30), np.arange(1.0, 31.0)
    matrix = sparse.csc_array(np.vstack([np.ones(30), weight]))
    start = np.r_[np.ones(10), np.zeros(20)]
    s = solve(-value, matrix, np.array([10.0, -np.inf]), np.array([10.0, 200.0]), np.zeros(30),
              np.ones(30), integer=np.ones(30, dtype=bool), start=start,
              stop_at=float(-value @ start))  # fmt: skip
    assert s.has_solution
    assert s.objective <= float(-value @ start) + 1e-9
    assert np.isclose(s.x.sum(), 10) and s.x @ weight <= 200 + 1e-9
