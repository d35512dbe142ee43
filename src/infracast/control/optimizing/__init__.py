"""Optimizations over the user's files, the price book and the ledger (the library under
``infracast optimize``): each function reads its inputs, calls the pure
:mod:`infracast.optimize` and returns its result.

- :func:`resources` (``infracast optimize resources``): the resource LP, plain or portfolio;
- :func:`allocate` (``infracast optimize allocate``): a scarce capacity shared by a policy.
"""

from infracast.control.optimizing.plans import allocate, resources

__all__ = ["allocate", "resources"]
