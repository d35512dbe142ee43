"""What a forecast or a backtest returns: the numbers with their provenance, as JSON and
CSV rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class CostForecast:
    """A forecast of cost (or of GPU-hours, ``kind``) with its provenance: the stored id,
    whether it was reused, and per series the model and its backtest error.

    ``reconciliation`` is None for series forecast one by one, else the method used
    (``method``, as asked: ``requested``), each series' parent (``parents``; the total's is
    None) and why (``notes``). ``history`` is the series' past (``unique_id, ds, y``) for
    charts; it is not part of the JSON.
    """

    forecast_id: int
    reused: bool
    scope: dict[str, Any]
    freq: str
    horizon: int
    level: tuple[int, ...]
    forecast: pd.DataFrame  # unique_id, ds, yhat, lo.., hi.., model
    choices: list[dict[str, Any]]  # unique_id, model, reason, train window, mase, coverage
    notes: list[str] = field(default_factory=list)
    kind: str = "cost"
    reconciliation: dict[str, Any] | None = None
    history: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def to_rows(self) -> list[dict[str, Any]]:
        """The CSV rows: ``unique_id, ds, yhat, lo80, hi80, lo95, hi95, model``."""
        return rounded(self.forecast.to_dict(orient="records"))

    def to_json(self) -> dict[str, Any]:
        return {
            "forecast_id": self.forecast_id,
            "reused": self.reused,
            "kind": self.kind,
            "scope": self.scope,
            "freq": self.freq,
            "horizon": self.horizon,
            "level": list(self.level),
            "reconciliation": self.reconciliation,
            "forecast": self.to_rows(),
            "choices": self.choices,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ForecastBacktest:
    """``infracast forecast backtest``: per series and model the backtest's MASE, sMAPE,
    RMSE, interval coverage and MASE relative to seasonal naive (``metrics``), averaged per
    model (``summary``), over ``windows`` rolling origins of ``horizon`` periods."""

    kind: str
    scope: dict[str, Any]
    freq: str
    horizon: int
    windows: int
    step_size: int
    season_length: int
    level: tuple[int, ...]
    models: list[str]
    summary: list[dict[str, Any]]
    metrics: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """The CSV rows: ``unique_id, model, mase, smape, rmse, coverage80, coverage95,
        relative_mase``."""
        return self.metrics

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scope": self.scope,
            "freq": self.freq,
            "horizon": self.horizon,
            "windows": self.windows,
            "step_size": self.step_size,
            "season_length": self.season_length,
            "level": list(self.level),
            "models": self.models,
            "summary": self.summary,
            "metrics": self.metrics,
            "notes": self.notes,
        }


def plain(value: Any) -> Any:
    """A JSON-ready value: timestamps as ISO text, numpy scalars as Python, floats to 6
    decimals (the digits beyond are float noise), NaN as None, and so on inside a list
    of rows (an anomaly's drivers)."""
    if isinstance(value, datetime):  # pd.Timestamp too
        return value.isoformat()
    if isinstance(value, list):
        return [{str(k): plain(v) for k, v in d.items()} if isinstance(d, dict) else d
                for d in value]  # fmt: skip
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6) if np.isfinite(value) else None
    return value


def rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with :func:`plain` values."""
    return [{str(k): plain(v) for k, v in row.items()} for row in rows]
