"""The budgets' queries over the daily rollup, built once per ledger and parameters.

Building an Ibis expression (filters, the cost's structure, a grouping) costs about as
much Python as running it on the daily rollup takes DuckDB, and ``budget status`` asks
the same few queries of every budget each time the overview is refreshed. An
expression is a pure function of its table and parameters and holds no data (it is run
again each time, on the data as it is then), so one built before is kept and run again:
the results are never old. Only expressions over the rollup are kept: its Ibis table is
made once per ledger (:mod:`infracast.analytics.rollup`), while the charges table is
looked up each time (an ingest may add ``x_`` columns to it).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

import ibis.expr.types as ir

from infracast.analytics.rollup import is_rollup

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

SIZE = 256
"""Expressions kept per ledger: a few per budget and as_of day."""

E = TypeVar("E", bound=ir.Expr)

_built: weakref.WeakKeyDictionary[Ledger, OrderedDict[Hashable, ir.Expr]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def built(ledger: Ledger, table: ir.Table, key: Hashable, build: Callable[[ir.Table], E]) -> E:
    """``build(table)``, made once per ``ledger``, ``table`` and ``key`` when ``table`` is
    the daily rollup (``key`` names the query and every parameter ``build`` reads)."""
    if not is_rollup(table):
        return build(table)
    full = (table.op(), key)
    with _lock:
        known = _built.setdefault(ledger, OrderedDict())
        found = known.get(full)
        if found is not None:
            known.move_to_end(full)
            return found
    expr = build(table)
    with _lock:
        known[full] = expr
        while len(known) > SIZE:
            known.popitem(last=False)
    return expr
