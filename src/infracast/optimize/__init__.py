"""Optimize where and how compute is bought: placement, the resource LP, allocation,
commitments. Pure: plain data in, a plan out; HiGHS (``highspy``) solves the LPs and MILPs.

- :func:`placement`: each workload on the cheapest acceptable offer (providers, regions,
  pricing models, committed capacity first) as a MILP, with its baseline, a greedy
  heuristic's cost, the proven gap and the caps that bind;
- :func:`resources`: the resource LP (demand ≤ quantity ≤ capacity at least cost) and its
  portfolio form (projects sharing capacities under a budget, unmet demand priced);
- :func:`allocate`: a scarce capacity shared among teams by a policy (:data:`POLICIES`),
  with Jain's fairness index;
- :func:`commitments`: 1- and 3-year committed quantities against demand scenarios (a
  scenario LP), with break-even utilization and the risk of over-committing;
- :func:`simulate_autoscaling`: a demand trace replayed under static-peak, reactive,
  scheduled and forecast-driven scaling (:data:`SCALING_POLICIES`): cost, SLO violations,
  queueing delay, utilization and the cheapest policy that meets the SLO.

docs/optimize.md writes out each model.
"""

from infracast.optimize.allocation import POLICIES, Allocation, TeamDemand, allocate, jain_index
from infracast.optimize.autoscaling import (
    SLO,
    AutoscalingResult,
    DemandTrace,
    ScalingOutcome,
    ScalingSettings,
    ServingConfig,
    simulate_autoscaling,
)
from infracast.optimize.autoscaling_policies import SCALING_POLICIES
from infracast.optimize.commitment_plan import (
    CommitmentLine,
    CommitmentPlan,
    CommitmentTerm,
    ExistingCommitment,
    break_even_utilization,
    commitments,
    standard_terms,
)
from infracast.optimize.exceptions import InfeasibleError, OptimizeError
from infracast.optimize.placement_inputs import BudgetCap, Offer, Workload, offers_from_price_book
from infracast.optimize.placement_plan import placement
from infracast.optimize.placement_result import Assignment, PlacementResult
from infracast.optimize.resource_lp import Project, Resource, ResourcePlan, resources
from infracast.optimize.scenarios import DemandScenarios

__all__ = [
    "POLICIES",
    "SCALING_POLICIES",
    "SLO",
    "Allocation",
    "Assignment",
    "AutoscalingResult",
    "BudgetCap",
    "CommitmentLine",
    "CommitmentPlan",
    "CommitmentTerm",
    "DemandScenarios",
    "DemandTrace",
    "ExistingCommitment",
    "InfeasibleError",
    "Offer",
    "OptimizeError",
    "PlacementResult",
    "Project",
    "Resource",
    "ResourcePlan",
    "ScalingOutcome",
    "ScalingSettings",
    "ServingConfig",
    "TeamDemand",
    "Workload",
    "allocate",
    "break_even_utilization",
    "commitments",
    "jain_index",
    "offers_from_price_book",
    "placement",
    "resources",
    "simulate_autoscaling",
    "standard_terms",
]
