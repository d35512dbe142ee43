"""Top movers: what changed most between two consecutive periods, by any dimensions.

The current period is, by default, the latest complete one in the data (see
:func:`latest_complete`); the previous period is the one just before it. A
charge counts in the period its ChargePeriodStart falls in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from infracast.analytics._costs import check_metric, check_top
from infracast.analytics.dimensions import check_dimensions, dimensions
from infracast.analytics.filters import Filter
from infracast.analytics.periods import (
    Instant,
    Period,
    check_grain,
    parse_period,
    period_of,
    previous,
)
from infracast.analytics.rollup import costs_source
from infracast.analytics.scope import in_scope, to_rows, to_value
from infracast.errors import QueryError

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

# Movers compare the costs every charge has; list and contracted cost may be missing.
_METRIC_COLUMNS = {"billed_cost": "BilledCost", "effective_cost": "EffectiveCost"}


@dataclass(frozen=True)
class Movers:
    """The result of :func:`top_movers`: the two periods compared and the rows."""

    grain: str
    metric: str
    current: Period
    previous: Period
    rows: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``infracast movers --format json`` prints (periods by label)."""
        return {
            "grain": self.grain,
            "metric": self.metric,
            "current": self.current.label,
            "previous": self.previous.label,
            "rows": self.rows,
        }


def movers_by(
    charges: ir.Table,
    by: Sequence[str] | str,
    current: Period,
    prior: Period,
    filters: Iterable[str | Filter] | str = (),
    metric: str = "effective_cost",
    n: int | None = None,
) -> ir.Table:
    """Change of ``metric`` from ``prior`` to ``current`` by dimensions and currency.

    Columns: the dimensions, ``currency``, ``current``, ``previous``, ``change``
    (current − previous) and ``change_pct`` (100 · change / previous; null when
    previous is 0). Groups that did not change are left out. Sorted by currency,
    then by the size of the change; with ``n``, the top ``n`` of each currency.
    """
    names = check_dimensions(by)
    column = _METRIC_COLUMNS[_check_metric(metric)]
    scoped = in_scope(charges, prior.start, current.end, filters)
    start = scoped.ChargePeriodStart
    cost = scoped[column]
    zero = ibis.literal(0).cast(cost.type())
    in_current = start >= ibis.literal(current.start)
    in_prior = start < ibis.literal(prior.end)
    grouped = scoped.group_by(**dimensions(scoped, names), currency=scoped.BillingCurrency)
    out = grouped.aggregate(
        current=ibis.ifelse(in_current, cost, zero).sum(),
        previous=ibis.ifelse(in_prior, cost, zero).sum(),
    )
    out = out.mutate(change=out.current - out.previous)
    pct = out.change.cast("float64") / out.previous.cast("float64") * 100
    out = out.mutate(change_pct=ibis.ifelse(out.previous == 0, ibis.null("float64"), pct))
    out = out.filter(out.change != 0)
    size = ibis.desc(out.change.abs())
    if n is not None:
        rank = ibis.row_number().over(group_by=out.currency, order_by=[size, *names])
        out = out.filter(rank < n)
    out = out.select(*names, "currency", "current", "previous", "change", "change_pct")
    return out.order_by(["currency", ibis.desc(out.change.abs()), *names])


def latest_complete(
    charges: ir.Table, grain: str, filters: Iterable[str | Filter] | str = ()
) -> Period:
    """The latest complete period of ``grain`` in the data.

    Costs belong to the period their ChargePeriodStart falls in, so the
    candidate is the period of the latest ChargePeriodStart; it is complete
    when a charge starting in it runs to its end, else the period before it is
    taken. (Charges that started earlier and run on, a yearly licence say, do
    not make a future period look complete.)
    """
    step = check_grain(grain)
    scoped = in_scope(charges, filters=filters)
    latest = to_value(scoped.ChargePeriodStart.max())
    if latest is None:
        raise QueryError(
            "there are no charges to compare.",
            hint="Ingest a bill first (infracast ingest FILE) or loosen --filter.",
        )
    candidate = period_of(latest, step)
    starting = in_scope(scoped, candidate.start, candidate.end)
    reach = to_value(starting.ChargePeriodEnd.max())
    return candidate if reach >= candidate.end else previous(candidate, step)


def top_movers(
    ledger: Ledger,
    by: Sequence[str] | str = ("service",),
    grain: str = "month",
    period: Instant | None = None,
    n: int = 10,
    filters: Iterable[str | Filter] | str = (),
    metric: str = "effective_cost",
) -> Movers:
    """The ``n`` largest changes (per currency) between a period and the one before it.

    ``period`` names the current period by any date inside it (``2026-03``); by
    default it is the latest complete period in the data.
    """
    step = check_grain(grain)
    check_top(n, name="n")
    # Periods of a grain start at midnight: the rollup answers whenever its dimensions do.
    charges = costs_source(ledger, by, filters=filters)
    if period is None:
        current = latest_complete(charges, step, filters)
    else:
        current = parse_period(period, step)
    prior = previous(current, step)
    rows = to_rows(movers_by(charges, by, current, prior, filters, metric, n))
    return Movers(step, _check_metric(metric), current, prior, rows)


def _check_metric(metric: str) -> str:
    name = check_metric(metric)
    if name not in _METRIC_COLUMNS:
        raise QueryError(
            f"top movers compare billed or effective cost, not {name}.",
            hint="Pass --metric effective or --metric billed; list and contracted cost "
            "may be missing on some charges (see infracast savings).",
        )
    return name
