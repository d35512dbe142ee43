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
