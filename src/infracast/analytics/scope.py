"""The charges a query covers (period and filters), the cost basis, and fetching results.

A period is half-open ``[start, end)`` on ``ChargePeriodStart``, in UTC.
Results come back as plain rows: money as :class:`decimal.Decimal`, missing
values as ``None``. Every analytics query runs through :func:`to_rows` or
:func:`to_value`, where DuckDB's errors of memory, interrupt, disk or a damaged
ledger become infracast's (:mod:`infracast.ledger.duckdb_errors`).

On DuckDB the SQL an expression compiles to is kept (:func:`compiled`, per backend, the
most recent :data:`COMPILED_SIZE`): the same query asked again (a dashboard's overview,
every few seconds) skips Ibis's compiler, which costs more than running the query on the
daily rollup. The query itself runs every time, on the data as it is then.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from infracast.analytics.filters import Filter, apply_filters
from infracast.analytics.periods import Instant, parse_range
from infracast.errors import QueryError, did_you_mean
from infracast.ledger.duckdb_errors import translated

Basis = Literal["effective", "billed"]
BASES: tuple[str, ...] = ("effective", "billed")
# cost basis -> the FOCUS column it reads.
_BASIS_COLUMNS = {"effective": "EffectiveCost", "billed": "BilledCost"}

MONEY = ibis.dtype("decimal(38, 18)")  # stored money: charges keep 18 decimal places
# Money computed through a float (cost × utilization, cost / hours) is rounded to 12
# places: the digits beyond are float noise, not money.
DERIVED_MONEY = ibis.dtype("decimal(38, 12)")


def check_basis(basis: str) -> Basis:
    """Return ``basis`` if it is effective or billed; else raise QueryError."""
    if basis not in _BASIS_COLUMNS:
        raise QueryError(
            f'unknown cost basis "{basis}".{did_you_mean(basis, BASES)}',
            hint="Use effective (amortized: commitments spread over their term) or billed "
            "(as invoiced).",
        )
    return basis  # type: ignore[return-value]


def cost_column(charges: ir.Table, basis: str) -> ir.DecimalColumn:
    """The cost column of ``basis``: EffectiveCost or BilledCost."""
    return charges[_BASIS_COLUMNS[check_basis(basis)]]


def in_scope(
    charges: ir.Table,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> ir.Table:
    """``charges`` whose ChargePeriodStart is in ``[start, end)`` and that pass ``filters``."""
    lo, hi = parse_range(start, end)
    scoped = apply_filters(charges, filters)
    if lo is not None:
        scoped = scoped.filter(scoped.ChargePeriodStart >= ibis.literal(lo))
    if hi is not None:
        scoped = scoped.filter(scoped.ChargePeriodStart < ibis.literal(hi))
    return scoped


def _connection(expr: ir.Expr) -> Any:
    """The DuckDB connection under ``expr`` (None on another backend), for error hints."""
    return getattr(ibis.get_backend(expr), "con", None)


COMPILED_SIZE = 512
_compiled: weakref.WeakKeyDictionary[Any, OrderedDict[Any, str]] = weakref.WeakKeyDictionary()
_compiled_lock = threading.Lock()


def compiled(backend: Any, expr: ir.Table) -> str:
    """The SQL of ``expr`` on ``backend``, compiled once per distinct expression (Ibis
    expressions compare and hash by structure, so one built again finds its SQL)."""
    key = expr.op()
    with _compiled_lock:
        known = _compiled.setdefault(backend, OrderedDict())
        sql = known.get(key)
        if sql is not None:
            known.move_to_end(key)
            return sql
    sql = backend.compile(expr)
    with _compiled_lock:
        known[key] = sql
        if len(known) > COMPILED_SIZE:
            known.popitem(last=False)
    return sql


def _arrow(expr: ir.Expr) -> pa.Table | pa.Array | pa.Scalar:
    """``expr.to_pyarrow()``, with the SQL from :func:`compiled` on DuckDB (the same steps
    as Ibis's DuckDB backend takes: its pre-execute hooks, the SQL, the result's types)."""
    backend = ibis.get_backend(expr)
    if backend.name != "duckdb":
        return expr.to_pyarrow()
    from ibis.backends.duckdb.converter import DuckDBPyArrowData

    backend._run_pre_execute_hooks(expr)  # in-memory tables an expression holds, registered
    table = backend.con.sql(compiled(backend, expr.as_table())).to_arrow_table()
    return expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)


def to_rows(expr: ir.Table) -> list[dict[str, Any]]:
    """Execute ``expr`` and return its rows as dicts (decimals stay exact)."""
    with translated(_connection(expr)):
        return _arrow(expr).to_pylist()


def to_value(expr: ir.Scalar) -> Any:
    """Execute the scalar ``expr`` and return its value as a Python object."""
    with translated(_connection(expr)):
        return _arrow(expr).as_py()
