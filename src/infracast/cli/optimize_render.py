"""Tables of `infracast optimize`: each result's rows, a title with its totals, and its
binding constraints and assumptions below (JSON and CSV print the result as it is)."""

from __future__ import annotations

from typing import Any

from infracast.cli.common import out, print_notes, print_plain
from infracast.cli.render import OutputFormat, render
from infracast.optimize.allocation import Allocation
from infracast.optimize.resource_lp import ResourcePlan


def _binding(b: dict[str, Any]) -> str:
    what = b["constraint"] + (f" of {b['resource']}" if b.get("resource") else "")
    price = b.get("shadow_price")
    return what + ("" if price is None else f": one more unit saves {price:,.2f}")


def render_resources(plan: ResourcePlan, fmt: OutputFormat) -> None:
    if print_plain(fmt, plan.to_dict(), plan.to_rows()):
        return
    title = (
        f"Resource plan ({plan.mode}, {plan.status}): {plan.total_cost:,.2f} {plan.currency}"
        + (f", of which unmet demand {plan.penalty_cost:,.2f}" if plan.penalty_cost else "")
    )
    rows = plan.to_rows()
    cols = ["project"] if plan.mode == "portfolio" else []
    cols += ["resource", "unit", "unit_cost", "demand", "quantity", "unmet", "cost"]
    cols += ["capacity", "capacity_shadow_price"]
    cols = [c for c in cols if c in rows[0]]
    money = ("cost", "unit_cost", "capacity_shadow_price")
    render(rows, fmt, console=out, title=title, columns=cols, money=money)
    print_notes(
        [f"binds: {_binding(b)}" for b in plan.binding]
        + plan.assumptions
    )  # fmt: skip


def render_allocation(result: Allocation, fmt: OutputFormat) -> None:
    if print_plain(fmt, result.to_dict(), result.to_rows()):
        return
    jain = "n/a" if result.jain_index is None else f"{result.jain_index:.3f}"
    title = (
        f"{result.policy}: {result.allocated:,.2f} of {result.capacity:,.2f} allocated, "
        f"{result.unmet:,.2f} of {result.total_demand:,.2f} demanded left unmet; "
        f"Jain's index {jain}"
    )
    cols = ["team", "demand", "minimum", "allocation", "unmet", "satisfaction"]
    cols[1:1] = {"priority": ["priority", "weight"], "value": ["value_per_unit"]}.get(
        result.policy, ["weight"]
    )
    render(result.to_rows(), fmt, console=out, title=title, columns=cols)
    print_notes(result.assumptions)
