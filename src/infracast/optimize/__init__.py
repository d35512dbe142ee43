"""Optimize where and how compute is bought: placement, the resource LP, allocation,
commitments. Pure: plain data in, a plan out; HiGHS (``highspy``) solves the LPs and MILPs.
"""

from infracast.optimize.exceptions import InfeasibleError, OptimizeError

__all__ = ["InfeasibleError", "OptimizeError"]
