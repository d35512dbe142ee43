"""The one exception hierarchy of infracast.

Every error a user can cause is an :class:`InfracastError` whose message says
what was wrong, where, and how to fix it. Each has a stable machine form
(:meth:`InfracastError.to_dict`: ``error``, ``message``, ``hint`` and, where it
applies, ``field``, ``file`` and ``row``) and a suggested HTTP status, so the
CLI, the JSON API and an agent show the same error. The CLI prints the message
without a traceback and exits non-zero; programming errors stay ordinary
exceptions.

Errors of the libraries underneath (DuckDB, Pydantic, the file system, YAML)
are translated into these classes in the layer that calls them, not in a front.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class InfracastError(Exception):
    """Base of every user-facing infracast error."""

    exit_code = 2
    http_status = 400  # the request cannot be served as given

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        field: str | None = None,
        file: str | Path | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.hint = hint
        self.field = field  # the input field (flag, key, column) the error is about
        self.file = str(file) if file is not None else None
        self.row = row  # 1-based data row or line of ``file``
        super().__init__(message if hint is None else f"{message}\nHint: {hint}")

    @property
    def error(self) -> str:
        """The error's type, as machines see it: the class name (``ConfigError``)."""
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """The stable machine form: ``error``, ``message``, ``hint`` and, where they apply,
        ``field``, ``file`` and ``row`` (absent keys do not apply)."""
        out: dict[str, Any] = {"error": self.error, "message": self.message, "hint": self.hint}
        for key in ("field", "file", "row"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


class ConfigError(InfracastError, ValueError):
    """A setting, flag or configuration file is wrong."""


class InputFileError(ConfigError):
    """A file named as input cannot be read: missing, a folder, not text, not valid YAML/CSV."""


class NotFoundError(InfracastError, LookupError):
    """Something named by the user (a budget, a project, a plan, an accelerator) does not exist."""

    http_status = 404


class LedgerError(InfracastError, RuntimeError):
    """The ledger file cannot be opened, migrated or written."""

    http_status = 500


class LedgerBusyError(LedgerError):
    """Another process holds the ledger for longer than the lock timeout."""

    exit_code = 3
    http_status = 503  # try again later


class ResourceError(InfracastError, RuntimeError):
    """The machine ran out of something the work needs (memory, disk)."""

    exit_code = 3
    http_status = 507


class InterruptError(InfracastError, RuntimeError):
    """The work was interrupted (Ctrl-C or a cancelled request); nothing was half-written."""

    exit_code = 130
    http_status = 499


class IngestError(InfracastError, ValueError):
    """A file cannot be ingested as a whole (rows are quarantined instead)."""

    http_status = 422


class QueryError(InfracastError, ValueError):
    """An analytics request names an unknown dimension, filter or period."""


class CatalogError(InfracastError, ValueError):
    """An accelerator or price is unknown, or a price book file is malformed."""

    http_status = 422


class FinanceError(InfracastError, ValueError):
    """Cash flows, rates or distributions that cannot be evaluated as given."""

    http_status = 422


class ControlError(InfracastError, ValueError):
    """Budgets, projects, plans or alerts that cannot be stored or evaluated as given."""

    http_status = 422


class EstimateError(InfracastError, ValueError):
    """An estimate's inputs are invalid or cannot be satisfied (e.g. the model does not fit)."""

    http_status = 422


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ' Did you mean "x"?' for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f' Did you mean "{matches[0]}"?' if matches else ""


def error_classes() -> list[type[InfracastError]]:
    """Every InfracastError class infracast defines (for tests and the API's docs)."""
    seen: list[type[InfracastError]] = []
    todo: list[type[InfracastError]] = [InfracastError]
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return sorted(seen, key=lambda c: c.__name__)
