"""One door to HiGHS: a linear or mixed-integer model given as arrays, solved, read back.

Every optimizer of the package builds its model as a cost vector, a sparse constraint matrix
(any ``scipy.sparse`` format; passed column-wise) and bounds, and calls :func:`solve`. The
result carries the status in the package's words (``optimal``, ``feasible``, ``infeasible``,
``unbounded``, ``time_limit``), the objective, the proven bound and gap, the column values
and the row duals (LPs only), and the wall time.

HiGHS prints a banner on standard output the first time a solver is made in a process;
:func:`_highs` makes that first one with the process's standard output pointed at nothing,
so a command's JSON output stays JSON.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse

Status = Literal["optimal", "feasible", "infeasible", "unbounded", "time_limit", "error"]

_QUIET = False  # set once the banner has been swallowed


@dataclass(frozen=True)
class Solution:
    """What HiGHS returned.

    ``objective``: the incumbent's objective (NaN without one); ``bound``: the proven lower
    bound of a minimisation (the objective itself for an optimal LP); ``gap``:
    ``(objective - bound) / max(|objective|, 1e-9)``, 0 for an optimal LP, NaN without an
    incumbent; ``x``: column values (empty without an incumbent); ``row_duals``: for an LP
    solved to optimality, one per row (empty otherwise).
    """

    status: Status
    objective: float
    bound: float
    gap: float
    x: np.ndarray
    row_duals: np.ndarray = field(default_factory=lambda: np.empty(0))
    seconds: float = 0.0

    @property
    def has_solution(self) -> bool:
        return self.x.size > 0


def _highs() -> Any:
    """A silent ``highspy.Highs``; the first one of the process is made with fd 1 closed."""
    global _QUIET
    import highspy

    if _QUIET:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _QUIET = True
    h.setOptionValue("output_flag", False)
    return h


def solve(
    cost: np.ndarray,
    matrix: sparse.spmatrix | sparse.sparray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    *,
    integer: np.ndarray | None = None,
    time_limit: float | None = None,
    mip_gap: float = 1e-6,
    threads: int | None = None,
    method: Literal["simplex", "ipm", "pdlp"] | None = None,
    start: np.ndarray | None = None,
    stop_at: float | None = None,
) -> Solution:
    """Minimise ``cost @ x`` subject to ``row_lower <= matrix @ x <= row_upper`` and
    ``col_lower <= x <= col_upper``; ``integer`` (a boolean mask over columns) makes those
    columns whole numbers. Infinite bounds are ``±np.inf``. ``mip_gap`` is the relative gap at
    which HiGHS may stop; ``time_limit`` in seconds; ``method`` the LP algorithm (HiGHS
    chooses when None; ``ipm`` is much faster on large scenario LPs and still ends with a
    basis, so row duals are given). ``start``: column values of a known plan, handed to a
    MILP as its first incumbent (ignored for an LP); ``stop_at``: a MILP stops (status
    ``feasible``) once it holds a plan costing at most this, whatever its own gap."""
    cost = np.asarray(cost, dtype=float)
    n = cost.size
    csc = sparse.csc_array(matrix, dtype=float)
    if csc.shape[1] != n:
        raise ValueError(f"the matrix has {csc.shape[1]} columns for {n} costs")
    h = _highs()
    _load(h, cost, csc, row_lower, row_upper, col_lower, col_upper)
    is_mip = integer is not None and bool(np.any(integer))
    if is_mip:
        cols = np.flatnonzero(np.asarray(integer, dtype=bool)).astype(np.int32)
        h.changeColsIntegrality(cols.size, cols, np.ones(cols.size, dtype=np.uint8))
        if start is not None:
            values = np.asarray(start, dtype=float)
            h.setSolution(n, np.arange(n, dtype=np.int32), values)
        if stop_at is not None:
            h.cbMipInterrupt.subscribe(_stop_at(float(stop_at)))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    if method is not None:
        h.setOptionValue("solver", method)
    began = time.perf_counter()
    h.run()
    return _read(h, is_mip, time.perf_counter() - began)


def _stop_at(target: float) -> Any:
    def enough(event: Any) -> None:
        if event.data_out.mip_primal_bound <= target:
            event.interrupt()

    return enough


def _load(
    h: Any,
    cost: np.ndarray,
    csc: sparse.csc_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
) -> None:
    """Pass the model to ``h`` column-wise, continuous (integrality is set afterwards)."""
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = cost.size
    lp.num_row_ = csc.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = np.asarray(col_lower, dtype=float)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data
    h.passModel(lp)
    h.setOptionValue("inf", 1e30)


class ColumnLP:
    """An LP held in one HiGHS object, for column generation: columns are added and the LP
    re-run from the last optimal basis (a few primal simplex iterations instead of a solve
    from scratch). Same arguments and :class:`Solution` as :func:`solve`, LPs only."""

    def __init__(
        self,
        cost: np.ndarray,
        matrix: sparse.spmatrix | sparse.sparray,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
    ) -> None:
        cost = np.asarray(cost, dtype=float)
        csc = sparse.csc_array(matrix, dtype=float)
        if csc.shape[1] != cost.size:
            raise ValueError(f"the matrix has {csc.shape[1]} columns for {cost.size} costs")
        self._h = _highs()
        self.n_rows = int(csc.shape[0])
        _load(self._h, cost, csc, row_lower, row_upper, col_lower, col_upper)

    @property
    def n_cols(self) -> int:
        return int(self._h.getNumCol())

    def add_columns(
        self,
        cost: np.ndarray,
        matrix: sparse.spmatrix | sparse.sparray,
        col_lower: np.ndarray,
        col_upper: np.ndarray,
    ) -> None:
        """Append columns (``matrix``: one column each, over the LP's rows), at the end."""
        cost = np.asarray(cost, dtype=float)
        csc = sparse.csc_array(matrix, dtype=float)
        if csc.shape != (self.n_rows, cost.size):
            raise ValueError(f"the new columns are {csc.shape}, not ({self.n_rows}, {cost.size})")
        self._h.addCols(
            cost.size, cost, np.asarray(col_lower, dtype=float),
            np.asarray(col_upper, dtype=float), csc.nnz, csc.indptr[:-1].astype(np.int32),
            csc.indices.astype(np.int32), csc.data,
        )  # fmt: skip

    def run(self, time_limit: float | None = None) -> Solution:
        """Solve (from the last basis when there is one); the LP's :class:`Solution`.
        ``time_limit``: seconds for this run (HiGHS counts its limit on the object's run
        time summed over runs, so the time already spent is added)."""
        if time_limit is not None:
            spent = float(self._h.getRunTime())
            self._h.setOptionValue("time_limit", spent + float(max(time_limit, 0.01)))
        start = time.perf_counter()
        self._h.run()
        return _read(self._h, False, time.perf_counter() - start)


def _read(h: Any, is_mip: bool, seconds: float) -> Solution:
    import highspy

    model = h.getModelStatus()
    info = h.getInfo()
    states = highspy.HighsModelStatus
    has_x = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value, dtype=float) if has_x else np.empty(0)
    objective = float(info.objective_function_value) if has_x else float("nan")
    if model == states.kOptimal:
        status: Status = "optimal"
    elif model == states.kInfeasible:
        status = "infeasible"
    elif model in (states.kUnbounded, states.kUnboundedOrInfeasible):
        status = "unbounded"
    elif model in (states.kTimeLimit, states.kIterationLimit, states.kInterrupt):
        status = "feasible" if has_x else "time_limit"
    else:
        status = "feasible" if has_x else "error"
    if is_mip:
        bound = float(info.mip_dual_bound)
        gap = (objective - bound) / max(abs(objective), 1e-9) if has_x else float("nan")
        duals = np.empty(0)
    else:
        bound = objective if status == "optimal" else float("nan")
        gap = 0.0 if status == "optimal" else float("nan")
        duals = (
            np.asarray(h.getSolution().row_dual, dtype=float)
            if status == "optimal"
            else np.empty(0)
        )
    return Solution(
        status, objective, bound, max(gap, 0.0) if np.isfinite(gap) else gap, x, duals, seconds
    )
