"""Importing the forecast package loads no database, and it exports its public names only."""

from __future__ import annotations

import json
import subprocess
import sys

import infracast.forecast as forecast_package

DATABASES = {"duckdb", "ibis"}


def _top_level_modules_after(statement: str) -> set[str]:
    probe = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    return {name.split(".")[0] for name in json.loads(ran.stdout.splitlines()[-1])}


def test_importing_forecast_loads_no_database() -> None:
    loaded = _top_level_modules_after("import infracast.forecast")
    assert {"infracast", "statsforecast"} <= loaded
    assert not loaded & DATABASES
    # the heavy libraries load when a model that needs them runs, not on import: a stored
    # forecast is reused, and anomalies are scored, without them
    assert not loaded & {"lightgbm", "mlforecast", "statsmodels", "matplotlib"}


def test_the_public_names_are_pinned() -> None:
    assert sorted(forecast_package.__all__) == [
        "AUTO_CANDIDATES",
        "AnomalyError",
        "AnomalySettings",
        "BacktestResult",
        "FastETSError",
        "FastETSResult",
        "ForecastError",
        "ForecastResult",
        "Hierarchy",
        "HierarchyError",
        "MODELS",
        "Reconciliation",
        "SeriesFrame",
        "WindowScore",
        "aggregate_hierarchy",
        "backtest",
        "detect_anomalies",
        "fit_forecast",
        "forecast",
        "infer_freq",
        "node_id",
        "normalise_freq",
        "parent_id",
        "prepare",
        "reconcile",
        "recurring_schedule",
        "renewals",
        "score_anomalies",
        "score_windows",
        "season_length",
    ]
    for name in forecast_package.__all__:
        assert getattr(forecast_package, name) is not None
