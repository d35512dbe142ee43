"""The recommend package's errors: a message that says what was wrong and a hint."""

from __future__ import annotations

from infracast.errors import InfracastError, NotFoundError


class RecommendError(InfracastError, ValueError):
    """A status change or a filter that cannot be applied as given."""

    http_status = 422


class UnknownRecommendationError(NotFoundError):
    """No recommendation has the id given."""
