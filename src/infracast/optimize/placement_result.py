"""What a placement returns: each workload's :class:`Assignment` and the
:class:`PlacementResult` (the plan, its bound and gap, baseline and greedy costs, savings,
binding caps, assumptions), with their JSON and CSV shapes (the contract of
``infracast optimize placement --format json``, docs/optimize.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from infracast.optimize.placement_model import carbon_keys


@dataclass(frozen=True)
class Assignment:
    """One workload (or part of a split one) on one offer, and what it costs."""

    workload: str
    offer: str
    instances: int
    cost: float
    provider: str
    region: str | None
    accelerator: str
    pricing: str
    gpus: int
    hours: float
    start_hour: float
    team: str | None
    egress_cost: float
    # what the workload costs on its baseline (its current offer, else the cheapest
    # acceptable on-demand one); on the first part of a split workload only
    baseline_cost: float | None = None
    co2e_kg: float | None = None  # with a carbon price: expected kg CO2e
    carbon_cost: float | None = None  # its carbon price, part of ``cost``

    @property
    def savings(self) -> float | None:
        """The baseline cost less this assignment's (None without a baseline)."""
        return None if self.baseline_cost is None else self.baseline_cost - self.cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "offer": self.offer,
            "instances": self.instances,
            "cost": round(self.cost, 6),
            "provider": self.provider,
            "region": self.region,
            "accelerator": self.accelerator,
            "pricing": self.pricing,
            "gpus": self.gpus,
            "hours": round(self.hours, 6),
            "start_hour": self.start_hour,
            "end_hour": round(self.start_hour + self.hours, 6),
            "team": self.team,
            "egress_cost": round(self.egress_cost, 6),
            "baseline_cost": None if self.baseline_cost is None else round(self.baseline_cost, 6),
            "savings": None if self.savings is None else round(self.savings, 6),
            **carbon_keys(self.co2e_kg, self.carbon_cost),
        }


@dataclass(frozen=True)
class PlacementResult:
    """The plan, its cost, how far from optimal it can be, and what it saves."""

    status: Literal["optimal", "feasible"]
    objective: float
    bound: float
    gap: float
    baseline_cost: float | None
    greedy_cost: float | None
    savings: float | None  # baseline_cost - objective
    savings_vs_greedy: float | None  # greedy_cost - objective
    solve_seconds: float
    currency: str
    assignments: tuple[Assignment, ...]
    binding: tuple[dict[str, Any], ...]
    assumptions: tuple[str, ...]
    inputs_hash: str
    carbon_price_per_tonne: float | None = None
    co2e_kg: float | None = None  # the plan's expected kg CO2e (with a carbon price)
    carbon_cost: float | None = None  # its carbon price, part of ``objective``

    def to_dict(self) -> dict[str, Any]:
        def money(x: float | None) -> float | None:
            return None if x is None else round(x, 6)

        return {
            "status": self.status,
            "objective": money(self.objective),
            "bound": money(self.bound),
            "gap": round(self.gap, 9),
            "baseline_cost": money(self.baseline_cost),
            "greedy_cost": money(self.greedy_cost),
            "savings": money(self.savings),
            "savings_vs_greedy": money(self.savings_vs_greedy),
            "solve_seconds": round(self.solve_seconds, 4),
            "currency": self.currency,
            "assignments": [a.to_dict() for a in self.assignments],
            "binding": [dict(b) for b in self.binding],
            "assumptions": list(self.assumptions),
            "inputs_hash": self.inputs_hash,
            **(
                {}
                if self.carbon_price_per_tonne is None and self.co2e_kg is None
                else {
                    "carbon_price_per_tonne": self.carbon_price_per_tonne,
                    **carbon_keys(self.co2e_kg, self.carbon_cost),
                }
            ),
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """The assignments as flat CSV rows."""
        return [a.to_dict() for a in self.assignments]
