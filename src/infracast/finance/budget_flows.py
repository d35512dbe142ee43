"""Cash flows of a project budget (:func:`infracast.estimate.project`): its cost by month.

A budget line held by a phase is a direct cost of the project; a project-wide
line (no phase holds it: a shared product manager, backups, a shared server)
is indirect. Each line counts with its contingency. Purchases count as the
spec's ``capex_view`` says: depreciation month by month (the default) or cash
(the price when bought, the salvage back at the end of life); a cash-flow
appraisal usually wants ``capex_view: cash``, and the result says which was used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from infracast.estimate.project_spec import PROJECT_WIDE
from infracast.finance._cashflows import COLUMNS, ZERO, CashFlows, build

if TYPE_CHECKING:
    from infracast.estimate import ProjectBudget


def budget_cashflows(budget: ProjectBudget) -> CashFlows:
    """The budget's months as cost flows (no revenue): phases direct, project-wide indirect."""
    amounts: dict[str, dict[str, Decimal]] = {
        month: dict.fromkeys(COLUMNS, ZERO) for month in budget.by_month
    }
    for line in budget.lines:
        column = "cost_indirect" if line.phase == PROJECT_WIDE else "cost_direct"
        amounts[line.month][column] += line.total
    view = (
        "purchases as straight-line depreciation (capex_view: depreciation; set capex_view: "
        "cash to count the price when bought)"
        if budget.capex_view == "depreciation"
        else "purchases as cash (capex_view: cash)"
    )
    return build(
        amounts,
        currency=budget.currency,
        source=f"project {budget.project}",
        assumptions=(
            f"Costs of project {budget.project} by month with contingency, {view}; phase "
            "costs are direct, project-wide costs indirect.",
        ),
    )
