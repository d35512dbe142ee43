"""What projects actually cost: effective cost by project, month and cost category.

Plans are compared with these actuals (``infracast plan compare``) and finished
plans become training rows with them (``infracast plan feedback``). Actual cost
is Σ EffectiveCost of the charges whose project (``x_project``) is one of the
projects asked for, by calendar month of ChargePeriodStart and cost category,
one row per currency (amounts in different currencies are never added).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from infracast.analytics.dimensions import check_dimensions, dimension, dimensions
from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.scope import in_scope, to_rows

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

ACTUAL_DIMENSIONS: tuple[str, ...] = ("project", "month", "cost_category")


def actual_cost_by(
    charges: ir.Table,
    projects: Sequence[str],
    by: Sequence[str] = ACTUAL_DIMENSIONS,
    end: Instant | None = None,
) -> ir.Table:
    """Σ EffectiveCost of the ``projects``' charges before ``end``, by ``by`` and currency.

    Columns: one per dimension (named as given), ``effective_cost`` and ``currency``.
    """
    names = check_dimensions(by)
    scoped = in_scope(charges, end=end, filters=[Filter("project", tuple(projects))])
    grouped = scoped.group_by(**dimensions(scoped, names), currency=scoped.BillingCurrency)
    out = grouped.aggregate(effective_cost=scoped.EffectiveCost.sum())
    return out.order_by([*names, "currency"])


def project_actuals(
    ledger: Ledger,
    projects: Sequence[str],
    by: Sequence[str] = ACTUAL_DIMENSIONS,
    end: Instant | None = None,
) -> list[dict[str, Any]]:
    """Run :func:`actual_cost_by` on the ledger's charges (no projects: no rows)."""
    if not projects:
        return []
    return to_rows(actual_cost_by(ledger.ibis().table("charges"), projects, by, end))


def charged_projects(ledger: Ledger) -> list[str]:
    """Every project some charge carries, sorted (for did-you-mean on an unknown one)."""
    charges = ledger.ibis().table("charges")
    projects = charges.select(dimension(charges, "project"))
    expr = projects.filter(projects.project.notnull()).distinct().order_by("project")
    return [row["project"] for row in to_rows(expr)]
