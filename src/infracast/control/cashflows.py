"""Cash flows of a project from the ledger: its actual cost by month.

The ledger holds costs, not revenue: a project's cost of each month is the sum
of its charges' ``metric`` (effective cost by default) whose charge period
starts in that month, the project being the ``project`` dimension (x_project,
from the tags named by the ``project_tags`` setting). Charges of the cost
categories named in ``indirect_categories`` count as indirect costs, the rest
as direct. Months without charges between the first and last month (or the
``start`` and ``end`` asked for) count as zero, and the result says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from infracast.analytics import check_metric, costs
from infracast.analytics.filters import Filter, parse_filter
from infracast.analytics.periods import Instant, parse_range
from infracast.errors import FinanceError, did_you_mean
from infracast.finance import CashFlows

if TYPE_CHECKING:
    from collections.abc import Iterable

    from infracast.ledger.connection import Ledger


def ledger_cashflows(
    ledger: Ledger,
    project: str,
    *,
    start: Instant | None = None,
    end: Instant | None = None,
    metric: str = "effective_cost",
    indirect_categories: Iterable[str] = (),
    filters: Iterable[str | Filter] = (),
) -> CashFlows:
    """The monthly cost of ``project`` in the ledger as cash flows (no revenue)."""
    column = check_metric(metric)
    lo, hi = parse_range(start, end)
    indirect = {c.strip() for c in indirect_categories if c.strip()}
    given = [parse_filter(f) if isinstance(f, str) else f for f in filters]
    scope = [Filter("project", (project,)), *given]
    rows = costs(
        ledger, by=["month", "cost_category"], start=lo, end=hi, filters=scope, metric=column
    )
    if not rows:
        raise _no_charges(ledger, project, lo, hi, given)
    currencies = sorted({str(r["currency"]) for r in rows})
    if len(currencies) > 1:
        raise FinanceError(
            f"project {project!r} has charges in {', '.join(currencies)}; infracast never "
            "adds amounts in different currencies.",
            hint="Narrow to one currency with --filter (e.g. provider=AWS), or convert first.",
        )
    amounts: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        month = str(row["month"])[:7]
        target = "cost_indirect" if row["cost_category"] in indirect else "cost_direct"
        values = amounts.setdefault(month, {})
        values[target] = values.get(target, Decimal(0)) + Decimal(row[column] or 0)
    for edge in (lo, None if hi is None else hi - timedelta(microseconds=1)):
        if edge is not None:
            amounts.setdefault(f"{edge.year:04d}-{edge.month:02d}", {})  # an empty month is zero
    split = (
        f"charges of {', '.join(sorted(indirect))} are indirect, the rest direct"
        if indirect
        else "every charge counts as a direct cost"
    )
    return CashFlows.from_amounts(
        amounts,
        currency=currencies[0],
        source=f"ledger, project {project}",
        assumptions=(
            f"Actual {column} of project {project} by month of the charge period's start; {split}.",
            "The ledger holds costs only: revenue comes from --revenue or --finance-spec.",
        ),
    )


def _no_charges(
    ledger: Ledger, project: str, lo: datetime | None, hi: datetime | None, filters: list[Filter]
) -> FinanceError:
    # the projects named are those the caller's filters let it see (a team's, for a user
    # scoped to one): a hint must not show what the query itself would not
    known = [
        str(r["project"]) for r in costs(ledger, by=["project"], filters=filters) if r["project"]
    ]
    when = ""
    if lo or hi:
        when = f" from {lo.date() if lo else 'the start'} to {hi.date() if hi else 'the end'}"
    if project in known:
        return FinanceError(
            f"project {project!r} has no charges in the ledger{when}.",
            hint="Widen the period (--from/--to), or check its charges: "
            "infracast costs --by project,month",
        )
    return FinanceError(
        f"no project {project!r} in the ledger.{did_you_mean(project, known)}",
        hint=f"Projects with charges: {', '.join(sorted(set(known))[:12]) or 'none'}. "
        "A charge's project comes from the tags named by the project_tags setting.",
    )
