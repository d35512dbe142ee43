"""Forecasts kept in the ledger (schema 4): saved with what made them, found again by a
hash of their inputs (scope, data, settings) and returned as they were made."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from infracast.control.forecasting.result import CostForecast
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts as store


def input_key(
    scope: dict[str, Any], frame: pd.DataFrame, model: str, horizon: int, levels: tuple[int, ...]
) -> str:
    """A hash of what a forecast depends on: its scope, its data and its settings."""
    data = pd.util.hash_pandas_object(
        frame[["unique_id", "ds", "y"]].round({"y": 9}), index=False
    ).to_numpy()
    digest = hashlib.sha256(data.tobytes())
    digest.update(json.dumps([scope, model, horizon, list(levels)], sort_keys=True).encode())
    return digest.hexdigest()


def find(ledger: Ledger, key: str, history: pd.DataFrame | None) -> CostForecast | None:
    """The stored forecast of ``key``, as it was returned when made (None: not stored)."""
    found = store.find(ledger.con, key)
    if found is None:
        return None
    levels = tuple(int(v) for v in found["levels"])
    rows = []
    for p in store.points(ledger.con, int(found["forecast_id"])):
        row = {"unique_id": p["unique_id"], "ds": pd.Timestamp(p["ds"]), "yhat": p["yhat"]}
        for i, v in enumerate(levels):
            row[f"lo{v}"], row[f"hi{v}"] = p["lo"][i], p["hi"][i]
        row["model"] = p["model"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    notes = [*found["notes"], f"reused forecast {found['forecast_id']} made {found['created_at']}"]
    params = found["params"] or {}
    return CostForecast(
        int(found["forecast_id"]),
        True,
        found["scope"],
        found["freq"],
        int(found["horizon"]),
        levels,
        frame,
        found["backtest"],
        notes,
        kind=str(found["kind"]),
        reconciliation=params.get("reconciliation"),
        history=history,
    )


def save(
    ledger: Ledger,
    key: str,
    made: CostForecast,
    model: str,
    season_length: int,
    train: pd.DataFrame,
) -> int:
    """Store ``made`` (fitted on ``train``: ``ds``) under ``key``; its new id."""
    levels = made.level
    out = made.forecast
    params: dict[str, Any] = {"levels": list(levels), "season_length": season_length}
    if made.reconciliation is not None:
        params["reconciliation"] = made.reconciliation
    row = {
        "input_key": key,
        "kind": made.kind,
        "scope": made.scope,
        "model": model,
        "params": params,
        "freq": made.freq,
        "horizon": made.horizon,
        "levels": [float(v) for v in levels],
        "train_start": train["ds"].min().to_pydatetime(),
        "train_end": train["ds"].max().to_pydatetime(),
        "series": int(out["unique_id"].nunique()),
        "backtest": made.choices,
        "notes": made.notes,
        "created_at": datetime.now(UTC).replace(tzinfo=None),
    }
    points = [
        (
            r["unique_id"],
            r["ds"].to_pydatetime(),
            r["model"],
            float(r["yhat"]),
            [float(r[f"lo{v}"]) for v in levels],
            [float(r[f"hi{v}"]) for v in levels],
        )
        for r in out.to_dict(orient="records")
    ]
    with ledger.transaction() as con:
        return int(store.insert(con, row, points))
