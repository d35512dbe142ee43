"""The one exception hierarchy of infracast.

Every error a user can cause is an :class:`InfracastError` whose message says
what was wrong, where, and how to fix it. The CLI prints the message without a
traceback and exits non-zero; programming errors stay ordinary exceptions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class InfracastError(Exception):
    """Base of every user-facing infracast error."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\nHint: {hint}")


class ConfigError(InfracastError, ValueError):
    """A setting, flag or configuration file is wrong."""


class LedgerError(InfracastError, RuntimeError):
    """The ledger file cannot be opened, migrated or written."""


class IngestError(InfracastError, ValueError):
    """A file cannot be ingested as a whole (rows are quarantined instead)."""


class QueryError(InfracastError, ValueError):
    """An analytics request names an unknown dimension, filter or period."""


class CatalogError(InfracastError, ValueError):
    """An accelerator or price is unknown, or a price book file is malformed."""


class FinanceError(InfracastError, ValueError):
    """Cash flows, rates or distributions that cannot be evaluated as given."""


class ControlError(InfracastError, ValueError):
    """Budgets, projects, plans or alerts that cannot be stored or evaluated as given."""


class EstimateError(InfracastError, ValueError):
    """An estimate's inputs are invalid or cannot be satisfied (e.g. the model does not fit)."""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ' Did you mean "x"?' for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f' Did you mean "{matches[0]}"?' if matches else ""
