"""Recommendations with evidence: what to change, what it saves against a stated baseline,
the command that reproduces it, its status in the ledger and what it actually saved."""

from infracast.recommend.exceptions import RecommendError, UnknownRecommendationError
from infracast.recommend.listing import recommend
from infracast.recommend.realized import Realized, realized_savings
from infracast.recommend.record import KINDS, STATUSES, Recommendation
from infracast.recommend.status import StatusChange, accept, dismiss, done, reopen

__all__ = [
    "KINDS",
    "STATUSES",
    "Realized",
    "RecommendError",
    "Recommendation",
    "StatusChange",
    "UnknownRecommendationError",
    "accept",
    "dismiss",
    "done",
    "realized_savings",
    "recommend",
    "reopen",
]
