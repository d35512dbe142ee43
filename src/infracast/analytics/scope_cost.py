"""What one recommendation's scope cost: Σ EffectiveCost of its resources (or its team's
or project's charges) in a period, per currency.

A recommendation is measured on the same charges before and after its change
(:mod:`infracast.recommend.realized`): the scope is its resource ids when it has any,
else its project, else its team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import ibis.expr.types as ir

from infracast.analytics.filters import Filter
from infracast.analytics.scope import in_scope, to_rows, to_value

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


@dataclass(frozen=True)
class ScopeCost:
    """Σ EffectiveCost per currency of a scope's charges in ``[start, end)``, and the first
    and last day charged (None without charges)."""

    amounts: dict[str, Decimal]
    first: datetime | None
    last: datetime | None


def scope_filters(
    resource_ids: Sequence[str] = (), team: str | None = None, project: str | None = None
) -> list[Filter]:
    """The filter of a scope: its resources if any, else its project, else its team."""
    if resource_ids:
        return [Filter("resource", tuple(resource_ids))]
    if project:
        return [Filter("project", (project,))]
    if team:
        return [Filter("team", (team,))]
    raise ValueError("a scope needs resource ids, a project or a team")


def scope_cost_of(
    charges: ir.Table, filters: list[Filter], start: datetime, end: datetime
) -> ir.Table:
    """Σ EffectiveCost by currency, with the first and last ChargePeriodStart."""
    scoped = in_scope(charges, start, end, filters)
    return scoped.group_by(currency=scoped.BillingCurrency).aggregate(
        cost=scoped.EffectiveCost.sum(),
        first=scoped.ChargePeriodStart.min(),
        last=scoped.ChargePeriodStart.max(),
    )


def scope_cost(
    ledger: Ledger,
    start: datetime,
    end: datetime,
    *,
    resource_ids: Sequence[str] = (),
    team: str | None = None,
    project: str | None = None,
) -> ScopeCost:
    """Run :func:`scope_cost_of` on the ledger's charges."""
    filters = scope_filters(resource_ids, team, project)
    rows = to_rows(scope_cost_of(ledger.ibis().table("charges"), filters, start, end))
    amounts = {r["currency"]: Decimal(r["cost"] or 0) for r in rows if r["currency"]}
    firsts = [r["first"] for r in rows if r["first"] is not None]
    lasts = [r["last"] for r in rows if r["last"] is not None]
    return ScopeCost(amounts, min(firsts, default=None), max(lasts, default=None))


def charged_until(ledger: Ledger) -> datetime | None:
    """The end of the last charge period in the ledger (None when it holds no charge)."""
    charges = ledger.ibis().table("charges")
    value = to_value(charges.ChargePeriodEnd.max())
    return value if isinstance(value, datetime) else None
