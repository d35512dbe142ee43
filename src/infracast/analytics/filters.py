"""Filters: ``--filter`` strings such as ``team=research`` or ``provider!=AWS``.

Syntax: ``DIMENSION=VALUE[,VALUE...]`` keeps charges whose dimension is any of
the values; ``DIMENSION!=VALUE[,VALUE...]`` keeps the others, including those
where the dimension is missing. The value ``(none)`` stands for a missing value
(``team=(none)`` keeps untagged charges). Several filters AND together.
Dimension names are those of :mod:`infracast.analytics.dimensions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

import ibis.expr.types as ir

from infracast.analytics.dimensions import check_dimension, dimension
from infracast.errors import QueryError

NONE_VALUE = "(none)"
_SYNTAX_HINT = (
    "Write a filter as DIMENSION=VALUE or DIMENSION!=VALUE; separate alternatives with commas "
    "(project=atlas-13b,atlas-chat) and use (none) for a missing value (team=(none))."
)


@dataclass(frozen=True)
class Filter:
    """One parsed filter: ``dimension`` is (or, if ``negate``, is not) any of ``values``.

    A ``None`` among the values stands for a missing value.
    """

    dimension: str
    values: tuple[str | None, ...]
    negate: bool = False

    def __str__(self) -> str:
        shown = ",".join(NONE_VALUE if v is None else v for v in self.values)
        return f"{self.dimension}{'!=' if self.negate else '='}{shown}"


def parse_filter(text: str) -> Filter:
    """Parse one filter string; raise QueryError naming what is wrong."""
    spec = text.strip()
    at = spec.find("=")
    if at <= 0 or (at == 1 and spec[0] == "!"):
        raise QueryError(f'filter "{text}" names no dimension and value.', hint=_SYNTAX_HINT)
    negate = spec[at - 1] == "!"
    name = spec[: at - 1 if negate else at].strip()
    raw = spec[at + 1 :]
    if raw.startswith("="):
        raise QueryError(f'filter "{text}" has "==": use a single "=".', hint=_SYNTAX_HINT)
    values = [v.strip() for v in raw.split(",")]
    if any(not v for v in values):
        raise QueryError(f'filter "{text}" has an empty value.', hint=_SYNTAX_HINT)
    check_dimension(name)
    parsed = tuple(None if v == NONE_VALUE else v for v in values)
    return Filter(dimension=name, values=tuple(dict.fromkeys(parsed)), negate=negate)


def parse_filters(filters: Iterable[str | Filter] | str) -> list[Filter]:
    """Parse several filters (strings or already-parsed :class:`Filter`)."""
    items = [filters] if isinstance(filters, str) else list(filters)
    return [f if isinstance(f, Filter) else parse_filter(f) for f in items]


def predicate(charges: ir.Table, spec: Filter) -> ir.BooleanValue:
    """The boolean expression of one filter over ``charges``."""
    value = dimension(charges, spec.dimension)
    known = [v for v in spec.values if v is not None]
    wants_missing = len(known) < len(spec.values)
    matches: ir.BooleanValue | None = value.isin(known) if known else None
    if not spec.negate:
        if matches is None:
            return value.isnull()
        return (matches | value.isnull()) if wants_missing else matches
    if matches is None:
        return value.notnull()
    if wants_missing:
        return value.notnull() & ~matches
    return value.isnull() | ~matches


def apply_filters(charges: ir.Table, filters: Iterable[str | Filter] | str = ()) -> ir.Table:
    """``charges`` restricted to the rows every filter keeps."""
    parsed = parse_filters(filters)
    if not parsed:
        return charges
    return charges.filter(reduce(lambda a, b: a & b, (predicate(charges, f) for f in parsed)))
