"""Pydantic validation errors as sentences a user can act on: where, what, the closest key.

Pydantic's errors are translated here, once, for every spec (budgets, projects,
plans, estimates, finance, risk files, registers): specs forbid unknown keys, so
a typo is caught, and :func:`unknown_key` names the key with the closest valid
one (``errors.did_you_mean``), or lists the valid keys when none is close.
:func:`problems_message` writes every problem of a spec at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic_core import ErrorDetails

from infracast.errors import InfracastError, did_you_mean


def unknown_key(name: str, keys: Iterable[str]) -> str:
    """``unknown key 'amout'. Did you mean "amount"?``, or the keys when none is close."""
    valid = list(keys)
    close = did_you_mean(name, valid)
    if close:
        return f"unknown key {name!r}.{close}"
    return f"unknown key {name!r} (the keys here are {', '.join(valid)})."


def problem(err: ErrorDetails, keys: Iterable[str]) -> str:
    """One validation error as a sentence, without its place (``keys``: the valid keys
    where it happened, for an unknown key)."""
    kind = err["type"]
    field = str(err["loc"][-1]) if err["loc"] else "spec"
    if kind == "extra_forbidden":
        return unknown_key(field, keys)
    if kind == "missing":
        return "is required"
    cause: Any = err.get("ctx", {}).get("error")
    if isinstance(cause, InfracastError):
        return cause.message.rstrip(".")
    message = str(err["msg"]).removeprefix("Value error, ").rstrip(".")
    message = message.replace("Input should be", "must be")
    message = message[0].lower() + message[1:] if message else message
    if kind != "value_error" and "input" in err:
        message += f" (got {err['input']!r})"
    return message


def problems_message(what: str, problems: list[str]) -> str:
    """``the budget spec has 2 problems: a; b.`` (every problem at once, in order)."""
    listed = "; ".join(p.rstrip(".") for p in problems)
    end = "" if listed.endswith(("?", "!")) else "."  # a did-you-mean ends the sentence
    return f"{what} has {len(problems)} problem{'s' if len(problems) != 1 else ''}: {listed}{end}"
