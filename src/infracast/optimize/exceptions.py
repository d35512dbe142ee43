"""The optimize package's errors: a message that says what was wrong and a hint.

One root, :class:`OptimizeError`, for inputs that cannot be optimized as given, and
:class:`InfeasibleError` for inputs that are well formed but admit no plan: it names the
workload (or resource, team) and the constraint that cannot be met, and the nearest change
that would make the plan feasible.
"""

from __future__ import annotations

from infracast.errors import InfracastError


class OptimizeError(InfracastError, ValueError):
    """Workloads, offers, demands or settings that cannot be optimized as given."""

    http_status = 422


class InfeasibleError(OptimizeError):
    """Well-formed inputs with no feasible plan; the message names what cannot be met."""
