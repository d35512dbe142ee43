"""Optimize where and how compute is bought: placement, the resource LP, allocation,
commitments. Pure: plain data in, a plan out; HiGHS (``highspy``) solves the LPs and MILPs.

- :func:`resources`: the resource LP (demand ≤ quantity ≤ capacity at least cost) and its
  portfolio form (projects sharing capacities under a budget, unmet demand priced);
- :func:`allocate`: a scarce capacity shared among teams by a policy (:data:`POLICIES`),
  with Jain's fairness index.
"""

from infracast.optimize.allocation import POLICIES, Allocation, TeamDemand, allocate, jain_index
from infracast.optimize.exceptions import InfeasibleError, OptimizeError
from infracast.optimize.resource_lp import Project, Resource, ResourcePlan, resources

__all__ = [
    "POLICIES",
    "Allocation",
    "InfeasibleError",
    "OptimizeError",
    "Project",
    "Resource",
    "ResourcePlan",
    "TeamDemand",
    "allocate",
    "jain_index",
    "resources",
]
