"""The forecast package's errors: a message that says what was wrong and a hint.

One root, :class:`ForecastError`, and a subclass per stage, so a caller can catch
all of them at once or one stage alone.
"""

from __future__ import annotations

from infracast.errors import InfracastError


class ForecastError(InfracastError, ValueError):
    """A series, horizon, frequency or model choice that cannot be forecast as given."""

    http_status = 422


class FastETSError(ForecastError):
    """Series or settings that the vectorized ETS cannot fit as given."""


class AnomalyError(ForecastError):
    """The frame or settings given to the anomaly detector cannot be scored."""


class HierarchyError(ForecastError):
    """A hierarchy, its base forecasts or its fitted values cannot be reconciled as given."""
