"""Ledger forecasts that add up: ``--by team,project`` is the hierarchy total → team →
team/project, every node forecast, then reconciled (:func:`infracast.forecast.reconcile`)
so that each parent equals the sum of its children at every period.

Shown ids stay the analytics ones (``research``, ``research/atlas``) and the
organisation's node is ``total``; the result's ``reconciliation`` maps every series to
its parent. MinTrace's weights come from the residuals of each node's backtest (the
chosen model's out-of-sample errors, :attr:`ForecastResult.backtest`): ``auto`` takes
``mint_shrink`` when every node has at least 12 of them and bottom-up otherwise (thin
data), as :func:`~infracast.forecast.reconcile` decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from infracast.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    from infracast.forecast import ForecastResult, Hierarchy

RECONCILE: tuple[str, ...] = ("auto", "mint_shrink", "ols", "bottom_up", "none")
ORGANISATION = "total"


def check_reconcile(method: str) -> str:
    """``method`` if it is a reconciliation method or ``none``."""
    if method not in RECONCILE:
        raise ConfigError(
            f'unknown reconciliation "{method}".{did_you_mean(method, RECONCILE)}',
            hint=f"Use one of {', '.join(RECONCILE)} (auto: MinTrace where every series has "
            "enough backtest residuals, else bottom-up).",
            field="reconcile",
        )
    return method


@dataclass(frozen=True)
class Nodes:
    """The hierarchy of ``--by``: its structure (``hierarchy``), each node's shown id
    (``shown``: node id → shown id) and each shown id's parent (``parents``)."""

    hierarchy: Hierarchy
    shown: dict[str, str]
    parents: dict[str, str | None]

    def node_series(self, bottom: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
        """Every node's series (``unique_id`` = node id, ``ds``, ``y``) of bottom rows
        (``names``, ``ds``, ``y``) that may hold only part of the bottom series."""
        from infracast import forecast as fc

        if bottom.empty:
            return pd.DataFrame(columns=["unique_id", "ds", "y"])
        return fc.aggregate_hierarchy(bottom, _levels(names)).frame


def _levels(names: Sequence[str]) -> list[list[str]]:
    return [list(names[: i + 1]) for i in range(len(names))]


def nodes(bottom: pd.DataFrame, names: Sequence[str]) -> Nodes:
    """The hierarchy of ``bottom`` (``names``, ``ds``, ``y``; one row per key and period)."""
    from infracast import forecast as fc

    hierarchy = fc.aggregate_hierarchy(bottom, _levels(names))
    table = hierarchy.nodes
    shown: dict[str, str] = {}
    for row in table.to_dict(orient="records"):
        values = [str(row[n]) for n in names if row[n] is not None]
        shown[str(row["unique_id"])] = "/".join(values) if values else ORGANISATION
    if list(shown.values()).count(ORGANISATION) > 1:  # a team called "total": use node ids
        shown = {uid: uid for uid in shown}
    parents = {
        shown[str(r["unique_id"])]: None if r["parent"] is None else shown[str(r["parent"])]
        for r in table.to_dict(orient="records")
    }
    return Nodes(hierarchy, shown, parents)


def complete(base: pd.DataFrame, ids: Sequence[str], levels: Sequence[int]) -> pd.DataFrame:
    """``base`` with zero forecasts for the nodes it lacks (a team with no usage)."""
    missing = [uid for uid in ids if uid not in set(base["unique_id"])]
    if not missing or base.empty:
        return base
    dates = sorted(base["ds"].unique())
    zeros = pd.DataFrame(
        [(uid, ds) for uid in missing for ds in dates], columns=["unique_id", "ds"]
    )
    for column in ["yhat", *(f"{s}{v}" for v in levels for s in ("lo", "hi"))]:
        zeros[column] = 0.0
    zeros["model"] = "none"
    return pd.concat([base, zeros[base.columns]], ignore_index=True)


def backtest_residuals(result: ForecastResult) -> pd.DataFrame | None:
    """The out-of-sample errors of each series' chosen model (``unique_id, ds, y, yhat``)."""
    if result.backtest is None or result.backtest.cv.empty:
        return None
    chosen = result.choices[["unique_id", "model"]]
    cv = result.backtest.cv.merge(chosen, on=["unique_id", "model"], how="inner")
    cv = cv.sort_values(["unique_id", "cutoff", "ds"])
    cv = cv.drop_duplicates(["unique_id", "ds"], keep="last")
    return cv[["unique_id", "ds", "y", "yhat"]].reset_index(drop=True)


def reconcile(
    base: pd.DataFrame,
    found: Nodes,
    result: ForecastResult,
    method: str,
    levels: tuple[int, ...],
    nonnegative: bool,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The reconciled forecast with shown ids (total first, then each level in order) and
    the ``reconciliation`` record of the result."""
    from infracast import forecast as fc

    h = found.hierarchy
    ids = [str(u) for u in h.S["unique_id"]]
    full = complete(base, ids, levels)
    done = fc.reconcile(
        full,
        h.S,
        h.tags,
        fitted=backtest_residuals(result),
        method=method,  # type: ignore[arg-type]
        level=levels,
        nonnegative=nonnegative,
    )
    frame = done.frame.drop(columns=["method"])
    order = {uid: i for i, uid in enumerate(ids)}
    frame = frame.assign(_order=frame["unique_id"].map(order))
    frame = frame.sort_values(["_order", "ds"]).drop(columns="_order").reset_index(drop=True)
    frame["unique_id"] = frame["unique_id"].map(found.shown)
    record = {
        "method": done.method,
        "requested": method,
        "levels": [ORGANISATION, *("/".join(n) for n in _levels(_names(h)))],
        "parents": found.parents,
        "notes": [_shown_ids(note, found.shown) for note in (*h.notes, *done.notes)],
    }
    return frame, record


def _shown_ids(note: str, shown: dict[str, str]) -> str:
    """A note with the quoted node ids (``"total/research"``) as shown (``"research"``)."""
    for node in sorted(shown, key=len, reverse=True):
        note = note.replace(f'"{node}"', f'"{shown[node]}"')
    return note


def _names(h: Hierarchy) -> list[str]:
    return [c for c in h.nodes.columns if c not in ("unique_id", "level", "parent")]


def shown_choices(choices: list[dict[str, Any]], found: Nodes) -> list[dict[str, Any]]:
    """The backtest choices under shown ids, in the order of the hierarchy."""
    order = list(found.shown)
    ranked = sorted(
        choices, key=lambda c: order.index(c["unique_id"]) if c["unique_id"] in order else 0
    )
    return [{**c, "unique_id": found.shown.get(c["unique_id"], c["unique_id"])} for c in ranked]
