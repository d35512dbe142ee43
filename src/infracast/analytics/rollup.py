"""Reading the daily rollup (``charges_daily``) instead of the charges, when it answers exactly.

The rollup (:mod:`infracast.ledger.rollup`) holds the charges summed per UTC day, ingest
and the columns the overview groups and filters by, under the charges' own column names.
So an expression builder of this package that reads only those columns, compares
``ChargePeriodStart`` only with day boundaries and only adds money (``cost_by``,
``movers_by``, ``latest_complete``) gives the same rows, to the last decimal, over either
table: :func:`answers` says when, :func:`costs_source` picks the table, and
:func:`charge_count` / :func:`value_count` count charges the same way over both.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb
import ibis.expr.types as ir

from infracast.analytics.dimensions import DIMENSIONS, check_dimensions, columns_read
from infracast.analytics.filters import Filter, parse_filters
from infracast.analytics.periods import Instant, parse_range
from infracast.ledger import rollup, rollup_gpu

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

# The dimensions the rollup can group and filter by: the time grains, and every column
# dimension whose columns it keeps (not resource, sku, tag.KEY or custom.KEY).
ROLLUP_DIMENSIONS: frozenset[str] = frozenset(
    name for name in DIMENSIONS if set(columns_read(name)) <= set(rollup.COLUMNS)
)


def answers(
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> bool:
    """Whether a sum of money by ``by`` over ``[start, end)`` and ``filters`` can be read from
    the daily rollup and give exactly what the charges give.

    Yes when every ``by`` dimension and every filter's dimension is one the rollup keeps
    (:data:`ROLLUP_DIMENSIONS`: the time grains and the column dimensions but ``resource``
    and ``sku``; no ``tag.KEY`` or ``custom.KEY``) and each bound is None or midnight UTC:
    a charge's day is in a day-aligned range exactly when its start is. The measure must be
    a sum of BilledCost, EffectiveCost, ListCost or ContractedCost (or a count of charges
    through :func:`charge_count`), or the latest ChargePeriodStart's period and the latest
    ChargePeriodEnd: that is the caller's part (``costs`` without carbon, ``top_movers``).
    Anything per charge (GPU utilization from samples, showback's GPU split, carbon) is
    read from the charges.
    """
    names = check_dimensions(by)
    wanted = {*names, *(f.dimension for f in parse_filters(filters))}
    if not wanted <= ROLLUP_DIMENSIONS:
        return False
    return all(_midnight(bound) for bound in parse_range(start, end))


def _midnight(bound: datetime | None) -> bool:
    return bound is None or bound == datetime(bound.year, bound.month, bound.day)


def rollup_in_step(ledger: Ledger) -> bool:
    """Whether the ledger has a rollup that counts every charge (see
    :func:`infracast.ledger.rollup.in_step`); False for a ledger without one."""
    try:
        return rollup.in_step(ledger.con)
    except duckdb.CatalogException:
        return False


def costs_source(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> ir.Table:
    """The table to sum money from: the daily rollup when :func:`answers` says it can and it
    is in step with the charges, else the charges."""
    if answers(by, start, end, filters) and rollup_in_step(ledger):
        return _rollup_table(ledger)
    return ledger.ibis().table("charges")


def gpu_rollup_in_step(ledger: Ledger) -> bool:
    """Whether the rollup counts every charge and has measured them with every usage sample
    (:func:`infracast.ledger.rollup_gpu.samples_in_step`)."""
    try:
        return rollup.in_step(ledger.con) and rollup_gpu.samples_in_step(ledger.con)
    except duckdb.CatalogException:
        return False


def gpu_sources(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
) -> tuple[ir.Table, ir.Table] | None:
    """The daily rollup and its showback weights (``charges_daily_teams``), when
    :func:`answers` says they can answer GPU efficiency or showback over ``by``, the range
    and ``filters`` and they are in step with the charges and samples; else None (read the
    charges and samples)."""
    if answers(by, start, end, filters) and gpu_rollup_in_step(ledger):
        return _rollup_table(ledger), _rollup_table(ledger, rollup_gpu.TEAMS_TABLE)
    return None


_tables: weakref.WeakKeyDictionary[Ledger, dict[str, ir.Table]] = weakref.WeakKeyDictionary()


def _rollup_table(ledger: Ledger, name: str = rollup.TABLE) -> ir.Table:
    """The rollup as an Ibis table, made once per ledger: Ibis reads a table's schema from
    the database on every ``table()`` call (a third of a cached overview query's time),
    and the rollup's columns are fixed by its migration. (The charges are looked up each
    time: an ingest may add ``x_`` columns to them.)"""
    known = _tables.setdefault(ledger, {})
    table = known.get(name)
    if table is None:
        table = known[name] = ledger.ibis().table(name)
    return table


def is_rollup(table: ir.Table) -> bool:
    """Whether ``table`` is the daily rollup (its rows stand for ``x_rows`` charges each)."""
    return "x_rows" in table.columns


def charge_count(table: ir.Table) -> ir.IntegerScalar:
    """How many charges the rows of ``table`` stand for (per group inside an aggregate)."""
    return table.x_rows.sum() if is_rollup(table) else table.count()


def value_count(table: ir.Table, column: str) -> ir.IntegerScalar:
    """How many charges of ``table`` have a ``column`` (ListCost or ContractedCost)."""
    if is_rollup(table):
        return table[rollup.COUNTED[column]].sum()
    return table[column].count()
