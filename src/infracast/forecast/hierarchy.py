"""Hierarchical reconciliation: forecasts by team, project and provider that add up.

A manager must never see teams summing to more than the company. Forecasting
every node of a hierarchy on its own gives numbers that do not add up;
reconciliation adjusts them so that every parent equals the sum of its children
at every period. The work is done by Nixtla's ``hierarchicalforecast``
(:func:`hierarchicalforecast.utils.aggregate`,
:class:`hierarchicalforecast.core.HierarchicalReconciliation`, ``BottomUp`` and
``MinTrace``); this module fixes the id scheme, checks the inputs and chooses the
method.

**Node ids.** A hierarchy is a chain of levels below the implicit ``total``,
each extending the one above: ``[["team"], ["team", "project"]]``. A node's id is
its path from the top: ``total``, ``total/research``, ``total/research/atlas``.
Key values are written as text with two rules: a missing value (``None``, NaN
or the empty string) becomes ``(none)``, as in the analytics filters, and the
characters ``%`` and ``/`` inside a value become ``%25`` and ``%2F`` (so
``ml/infra`` is ``total/ml%2Finfra`` and splitting an id on ``/`` always gives
its path). A node's parent is its id without the last segment.

:mod:`infracast.forecast.reconciliation` reconciles forecasts over the nodes built here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from infracast.errors import did_you_mean
from infracast.forecast.exceptions import HierarchyError

TOTAL = "total"
NONE_VALUE = "(none)"
SEP = "/"
_TOTAL_COL = "__total__"
_RESERVED = ("unique_id", "ds", "y", "level", "parent", _TOTAL_COL)


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """Every node of a hierarchy, with what reconciliation needs.

    ``frame``: ``unique_id, ds, y`` for every node (the history to forecast).
    ``S``: the summing matrix, a ``unique_id`` column then one 0/1 column per
    bottom node; rows are ``total``, then each level in order, bottom last.
    ``tags``: level name (``total``, ``team``, ``team/project``) → node ids.
    ``nodes``: ``unique_id, level, parent`` and the key columns of each node
    (``None`` below its level). ``notes``: what was assumed on the way.
    """

    frame: pd.DataFrame
    S: pd.DataFrame
    tags: dict[str, np.ndarray]
    nodes: pd.DataFrame
    notes: tuple[str, ...]


def _key_text(value: Any) -> str:
    """A key value as it appears in a node id: ``(none)`` for a missing value,
    ``%`` and ``/`` escaped as ``%25`` and ``%2F``."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) or value == "":
        return NONE_VALUE
    text = str(value)
    return text.replace("%", "%25").replace(SEP, "%2F")


def node_id(*values: Any) -> str:
    """The id of the node with these key values, top down: ``node_id("research", "atlas")``
    is ``total/research/atlas``; ``node_id()`` is ``total``."""
    return SEP.join([TOTAL, *(_key_text(v) for v in values)])


def _key_value(text: str) -> str:
    """A node id's segment as the key value it stands for (``ml%2Finfra`` is ``ml/infra``)."""
    return text.replace("%2F", SEP).replace("%25", "%")


def parent_id(unique_id: str) -> str | None:
    """The id of a node's parent (``None`` for ``total``)."""
    head, sep, _ = unique_id.rpartition(SEP)
    return head if sep else None


# ----------------------------------------------------------------------------- aggregate


def _chain(levels: Sequence[Sequence[str]], columns: Sequence[str]) -> list[list[str]]:
    """The levels below ``total`` as lists of key columns, checked to form a chain."""
    if isinstance(levels, str) or any(isinstance(level, str) for level in levels):
        raise HierarchyError(
            f"levels must be a list of lists of column names, got {levels!r}.",
            hint='Write levels as [["team"], ["team", "project"]].',
            field="levels",
        )
    chain = [list(level) for level in levels if list(level) != [TOTAL]]
    if not chain:
        raise HierarchyError(
            "levels name no level below the total.",
            hint='Give at least one level of key columns, e.g. [["team"], ["team", "project"]].',
            field="levels",
        )
    for level in chain:
        for col in level:
            if col in _RESERVED:
                raise HierarchyError(
                    f'"{col}" cannot be a level column: it is reserved.',
                    hint="Rename the column; unique_id, ds, y, level and parent name other things.",
                    field="levels",
                )
            if col not in columns:
                raise HierarchyError(
                    f'level column "{col}" is missing from the data.{did_you_mean(col, columns)}',
                    hint=f"Columns present: {', '.join(map(str, columns))}.",
                    field="levels",
                )
    chain.sort(key=len)
    for upper, lower in itertools.pairwise(chain):
        if len(set(lower)) != len(lower) or lower[: len(upper)] != upper or upper == lower:
            raise HierarchyError(
                f"levels must nest, each extending the one above: {upper} then {lower}.",
                hint='Write them as a chain, e.g. [["team"], ["team", "project"], '
                '["team", "project", "provider"]].',
                field="levels",
            )
    return chain


def aggregate_hierarchy(df_bottom: pd.DataFrame, levels: Sequence[Sequence[str]]) -> Hierarchy:
    """Every node of a hierarchy from bottom-level long data.

    ``df_bottom`` has the key columns of the bottom level (the last of
    ``levels``), ``ds`` and ``y``: one row per key and period (other columns are
    ignored). ``levels`` lists the levels below the implicit ``total``, each
    extending the one above, e.g. ``[["team"], ["team", "project"]]``. A bottom
    series missing a period that another series has, after its own first
    period, is taken as zero cost (no charge) and said so in ``notes``; periods
    that no series has are not invented.
    """
    for col in ("ds", "y"):
        if col not in df_bottom.columns:
            raise HierarchyError(
                f'the data has no "{col}" column.',
                hint="Pass long data with the key columns, ds (the period) and y (the cost).",
                field=col,
            )
    chain = _chain(levels, [str(c) for c in df_bottom.columns])
    if df_bottom.empty:
        raise HierarchyError(
            "the data has no rows.", hint="Pass at least one period of cost per bottom series."
        )
    keys = chain[-1]
    data = df_bottom[[*keys, "ds", "y"]].copy()
    if data["ds"].isna().any():
        row = int(np.flatnonzero(data["ds"].isna().to_numpy())[0])
        raise HierarchyError(
            "ds has a missing value.", hint="Drop or date the row.", field="ds", row=row + 1
        )
    y = pd.to_numeric(data["y"], errors="coerce")
    if y.isna().any():
        row = int(np.flatnonzero(y.isna().to_numpy())[0])
        raise HierarchyError(
            f"y is missing or not a number at row {row + 1}.",
            hint="Fill a period without charges with 0.",
            field="y",
            row=row + 1,
        )
    data["y"] = y.astype(float)
    for col in keys:
        data[col] = [_key_text(v) for v in data[col]]
    dup = data.duplicated([*keys, "ds"], keep=False)
    if dup.any():
        first = data[dup].iloc[0]
        where = ", ".join(f"{k}={first[k]}" for k in keys)
        raise HierarchyError(
            f"{int(dup.sum())} rows repeat a key and period, e.g. {where}, ds={first['ds']}.",
            hint=f"Sum them first (df.groupby({[*keys, 'ds']!r}, as_index=False)['y'].sum()) "
            "or add the level that tells them apart.",
        )
    data, notes = _fill_gaps(data, keys)
    data[_TOTAL_COL] = TOTAL
    spec = [[_TOTAL_COL], *([_TOTAL_COL, *level] for level in chain)]
    from hierarchicalforecast.utils import aggregate  # loads matplotlib: only when used

    frame, S, raw_tags = aggregate(data, spec)
    names = {SEP.join(level): SEP.join(level[1:]) or TOTAL for level in spec}
    tags = {names[k]: np.asarray(v, dtype=object) for k, v in raw_tags.items()}
    frame = frame[["unique_id", "ds", "y"]].reset_index(drop=True)
    return Hierarchy(frame, S.reset_index(drop=True), tags, _nodes(tags, keys), tuple(notes))


def _fill_gaps(data: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Zero cost for a bottom series' missing periods after its first one."""
    wide = data.pivot(index="ds", columns=keys, values="y").sort_index()
    started = wide.notna().cummax()
    missing = int((started & wide.isna()).to_numpy().sum())
    if not missing:
        return data, []
    wide = wide.where(~started | wide.notna(), 0.0)
    long = wide.stack(list(range(len(keys))), future_stack=True).dropna().rename("y")
    filled = long.reset_index()[[*keys, "ds", "y"]]
    note = (
        f"{missing} (series, period) pairs without a row after the series' first period "
        "were taken as zero cost."
    )
    return filled, [note]


def _nodes(tags: dict[str, np.ndarray], keys: list[str]) -> pd.DataFrame:
    rows = []
    for level, ids in tags.items():
        for uid in ids:
            parts = str(uid).split(SEP)[1:]
            rows.append(
                {
                    "unique_id": uid,
                    "level": level,
                    "parent": parent_id(str(uid)),
                    **{
                        k: _key_value(parts[i]) if i < len(parts) else None
                        for i, k in enumerate(keys)
                    },
                }
            )
    return pd.DataFrame(rows, columns=["unique_id", "level", "parent", *keys])


# ----------------------------------------------------------------------------- reconcile
