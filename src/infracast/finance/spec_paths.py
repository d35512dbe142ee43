"""Inputs of a spec addressed by dotted path: ``people.0.fte``, ``contingency_pct``,
``phases.1.workloads.0.params.accelerator_hours``.

A path walks mappings by key and lists by position (from 0). Setting a value
returns a new spec; the one given is not changed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from infracast.errors import FinanceError, did_you_mean

# Numbers that place or split things rather than size them: not varied by default.
STRUCTURAL = frozenset(
    {"start_month", "duration_months", "month", "share", "lifecycle_years", "salvage_pct"}
)


def _step(node: Any, key: str, path: str, walked: str) -> Any:
    here = walked or "the spec"
    if isinstance(node, Mapping):
        if key in node:
            return node[key]
        raise FinanceError(
            f"input {path!r}: {here} has no {key!r}.{did_you_mean(key, [str(k) for k in node])}",
            hint=f"{here} has: {', '.join(str(k) for k in node) or 'nothing'}.",
        )
    if isinstance(node, list):
        if key.isdigit() and int(key) < len(node):
            return node[int(key)]
        raise FinanceError(
            f"input {path!r}: {here} is a list of {len(node)}, so {key!r} is not in it.",
            hint=f"Address its items by position, 0 to {len(node) - 1} ({walked}.0.…).",
        )
    raise FinanceError(
        f"input {path!r}: {here} is a value ({node!r}), not a mapping or list.",
        hint="Stop the path at the number to vary.",
    )


def get_path(spec: Mapping[str, Any], path: str) -> Any:
    """The value at ``path``; a FinanceError says where the path left the spec."""
    node: Any = spec
    walked = ""
    for key in path.split("."):
        node = _step(node, key, path, walked)
        walked = f"{walked}.{key}" if walked else key
    return node


def get_number(spec: Mapping[str, Any], path: str) -> Decimal:
    """The number at ``path`` as a Decimal, or a FinanceError when it is not a number."""
    value = get_path(spec, path)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise FinanceError(
            f"input {path!r} is {value!r}, not a number.",
            hint="Vary numeric inputs only (a count like '13B' is text: write 13e9).",
        )
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def set_path(spec: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``spec`` with ``path`` set to ``value`` (the path must exist)."""
    get_path(spec, path)
    out = copy.deepcopy(dict(spec))
    node: Any = out
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value
    return out


def numeric_paths(spec: Mapping[str, Any]) -> list[str]:
    """Every path to a number in ``spec``, except structural ones (months, shares)."""
    out: list[str] = []

    def walk(node: Any, prefix: str, key: str) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                walk(v, f"{prefix}{k}.", str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{prefix}{i}.", key)
        elif (
            isinstance(node, int | float | Decimal)
            and not isinstance(node, bool)
            and key not in STRUCTURAL
        ):
            out.append(prefix[:-1])

    walk(spec, "", "")
    return out
