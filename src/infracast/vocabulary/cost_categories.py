"""Cost categories: what every charge's ``x_cost_category`` is one of (docs/cost-categories.md)."""

from __future__ import annotations

COST_CATEGORIES = (
    "compute",
    "storage",
    "network",
    "software",
    "people",
    "energy",
    "facilities",
    "support",
    "other",
)
