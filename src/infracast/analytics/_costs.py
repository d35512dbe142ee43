"""Cost breakdowns: billed, effective, list and contracted cost by any dimensions.

``infracast costs --by team,month --format json`` prints the rows of
:func:`costs`: one key per dimension, ``billed_cost``, ``effective_cost`` and
``currency`` (``list_cost`` and ``contracted_cost`` on request). Amounts in
different currencies are never added together: every row is one currency.
``--with-carbon`` adds ``kwh`` and ``co2e_kg`` after the costs
(:mod:`infracast.analytics.carbon`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics.carbon import COLUMNS as CARBON
from infracast.analytics.carbon import carbon_rows
from infracast.analytics.dimensions import check_dimensions, dimensions
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.rollup import charge_count, costs_source, value_count
from infracast.analytics.scope import MONEY, in_scope, to_rows
from infracast.errors import QueryError, did_you_mean
from infracast.ledger.records import check_limit

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

METRICS: tuple[str, ...] = ("billed_cost", "effective_cost", "list_cost", "contracted_cost")
# What costs() returns by default: the JSON contract of ``infracast costs``.
CONTRACT: tuple[str, ...] = ("billed_cost", "effective_cost")


def check_metric(metric: str) -> str:
    """The measure column for ``metric`` (``billed`` or ``billed_cost`` and so on)."""
    name = metric if metric.endswith("_cost") else f"{metric}_cost"
    if name not in METRICS:
        raise QueryError(
            f'unknown metric "{metric}".{did_you_mean(name, METRICS)}',
            hint=f"Use one of: {', '.join(METRICS)} (or without _cost: billed, effective, ...).",
        )
    return name


def check_top(top: int | None, *, name: str = "top") -> int | None:
    """``top`` (how many rows to keep) if it is None or at least 1; else a QueryError."""
    return check_limit(
        top, name=name, hint=f"{name} counts the rows to keep: 10 keeps the ten largest."
    )


def complete_sum(table: ir.Table, column: str, rows: ir.IntegerScalar) -> ir.NumericScalar:
    """Σ column, or null when any of the ``rows`` lacks a value (a partial sum would mislead).

    ``table`` is the charges or the daily rollup (which counts the charges with a value).
    """
    return ibis.cases(
        (value_count(table, column) == rows, table[column].sum()), else_=ibis.null(MONEY)
    )


def cost_by(
    charges: ir.Table,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    metric: str = "effective_cost",
    sums: Sequence[str] = (),
) -> ir.Table:
    """Costs of ``charges`` by the ``by`` dimensions and currency, largest ``metric`` first.

    Columns: one per dimension (named as given), ``billed_cost``, ``effective_cost``,
    ``list_cost``, ``contracted_cost`` (null where a charge of the row lacks it),
    ``currency``, then the sum of each column of ``charges`` named in ``sums`` (``kwh``,
    ``co2e_kg``: null where no charge of the row has one). An empty ``by`` gives the
    totals per currency. ``charges`` may be the daily rollup where
    :func:`~infracast.analytics.rollup.answers` says it answers: the same rows come back.
    """
    names = check_dimensions(by)
    order = check_metric(metric)
    scoped = in_scope(charges, start, end, filters)
    rows = charge_count(scoped)
    grouped = scoped.group_by(**dimensions(scoped, names), currency=scoped.BillingCurrency)
    out = grouped.aggregate(
        billed_cost=scoped.BilledCost.sum(),
        effective_cost=scoped.EffectiveCost.sum(),
        list_cost=complete_sum(scoped, "ListCost", rows),
        contracted_cost=complete_sum(scoped, "ContractedCost", rows),
        **{name: scoped[name].sum() for name in sums},
    )
    out = out.select(*names, *METRICS, "currency", *sums)
    return out.order_by([ibis.desc(order), "currency", *names])


def costs(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    metric: str = "effective_cost",
    top: int | None = None,
    measures: Sequence[str] = CONTRACT,
    with_carbon: bool = False,
) -> list[dict[str, Any]]:
    """Run :func:`cost_by` on the ledger's charges; one dict per row, money as Decimal.

    Each row has one key per dimension, the ``measures`` and ``currency``. By
    default the measures are ``billed_cost`` and ``effective_cost``: the stable
    contract ``infracast costs --format json`` prints; pass ``measures=METRICS``
    for ``list_cost`` and ``contracted_cost`` as well. ``top`` keeps the ``top``
    largest rows (at least 1; None keeps every row). ``with_carbon`` adds ``kwh`` and
    ``co2e_kg`` (floats; see :mod:`infracast.analytics.carbon`, and
    :func:`~infracast.analytics.carbon.carbon_assumptions` for the figures used).
    """
    check_top(top)
    keys = [*check_dimensions(by), *(check_metric(m) for m in measures), "currency"]
    backend = ledger.ibis()
    sums: tuple[str, ...] = ()
    if with_carbon:
        charges, _ = carbon_rows(
            in_scope(backend.table("charges"), start, end, filters), backend.table("usage_samples")
        )
        sums = CARBON
        keys += CARBON
    else:
        charges = costs_source(ledger, by, start, end, filters)
    expr = cost_by(charges, by, start, end, filters, metric, sums)
    rows = to_rows(expr if top is None else expr.limit(top))
    return [{k: row[k] for k in keys} for row in rows]
