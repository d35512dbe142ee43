"""Optimizations over the user's files, the price book and the ledger (the library under
``infracast optimize``): each function reads its inputs, calls the pure
:mod:`infracast.optimize` and returns its result.

- :func:`placement` (``infracast optimize placement``): each workload on the cheapest
  acceptable offer of the price book (or a file), the ledger's unused commitments first;
- :func:`commitments` (``infracast optimize commitments``): 1- and 3-year commitments
  against a demand forecast (a file, or the ledger's GPU-hours), with the ledger's
  commitments already in place;
- :func:`resources` (``infracast optimize resources``): the resource LP, plain or portfolio;
- :func:`allocate` (``infracast optimize allocate``): a scarce capacity shared by a policy;
- :func:`autoscaling` (``infracast optimize autoscaling``): a demand trace file replayed
  under each scaling policy, the replica from flags or from the inference estimate.
"""

from infracast.control.optimizing._commitments import CommitmentAdvice, commitments
from infracast.control.optimizing._placement import PlacementInfeasibleError, placement
from infracast.control.optimizing.autoscaling_inputs import AutoscalingAdvice, autoscaling
from infracast.control.optimizing.plans import allocate, resources

__all__ = [
    "AutoscalingAdvice",
    "CommitmentAdvice",
    "PlacementInfeasibleError",
    "allocate",
    "autoscaling",
    "commitments",
    "placement",
    "resources",
]
