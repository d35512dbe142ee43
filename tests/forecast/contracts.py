"""The command contracts of ``infracast forecast``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`FORECAST_CONTRACTS`).

The ledger cases run on the small company of ``tests/cli/small_company.py`` (a few
charges a day in January and February 2026: the series are short, so the models fall
back to seasonal naive or naive and say so, and reconciliation to the total is
bottom-up). The file cases read ``demand.csv``: eight weeks of a daily GPU-hours pattern
(Monday to Sunday 10, 12, 14, 13, 11, 4, 3), with the columns ``day`` and ``gpu_hours``
and no id column. The GPU demand case adds three weeks of usage samples to the small
company (:func:`build_with_usage`): research holds one GPU 12 hours a day, applied 6
hours on weekdays.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from infracast.control.forecasting import backtest, forecast
from infracast.ledger import ingest
from infracast.ledger.connection import Ledger
from tests.cli import small_company
from tests.cli.contracts import LEDGER_ARGS, Contract, on_ledger
from tests.cli.small_company import LEDGER

WEEK = (10, 12, 14, 13, 11, 4, 3)


def write_demand(root: Path) -> None:
    """``demand.csv`` under ``root``: 56 days from Monday 2026-01-05."""
    lines = ["day,gpu_hours"]
    for i in range(56):
        lines.append(f"{date(2026, 1, 5) + timedelta(days=i)},{WEEK[i % 7]}")
    (root / "demand.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_with_usage(root: Path) -> None:
    """The small company plus 21 days of samples from Monday 2026-01-12 (``samples.csv``):
    research 12 GPU-hours a day (two 6-hour samples), applied 6 on weekdays."""
    small_company.build(root)
    lines = ["timestamp,resource_id,gpu_index,utilization_pct,team,interval_s"]
    for i in range(21):
        day = datetime(2026, 1, 12) + timedelta(days=i)
        for hour in (0, 6):
            lines.append(
                f"{day + timedelta(hours=hour):%Y-%m-%dT%H:%M:%SZ},i-gpu2,0,60,research,21600"
            )
        if day.weekday() < 5:
            lines.append(f"{day:%Y-%m-%dT12:00:00Z},i-gpu3,0,40,applied,21600")
    (root / "samples.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Ledger.open(root / LEDGER) as led:
        ingest(led, [str(root / "samples.csv")], kind="usage")


def _ledger_call(root: Path) -> object:
    with Ledger.open(root / LEDGER) as led:
        return forecast(led, by="team", horizon=3).to_json()


def _gpu_call(root: Path) -> object:
    with Ledger.open(root / LEDGER) as led:
        return forecast(led, demand="gpu_hours", by="team", horizon=3).to_json()


FORECAST_CONTRACTS = [
    Contract(
        "forecast",
        ("forecast", "--by", "team", "--horizon", "3", *LEDGER_ARGS),
        _ledger_call,
        writes=True,
    ),
    Contract(
        "forecast-file",
        (
            "forecast",
            "--input",
            "demand.csv",
            "--time-col",
            "day",
            "--target-col",
            "gpu_hours",
            "--horizon",
            "7",
        ),
        lambda root: forecast(
            input="demand.csv", horizon=7, time_col="day", target_col="gpu_hours"
        ).to_json(),
        world=write_demand,
    ),
    Contract(
        "forecast-gpu-hours",
        ("forecast", "--demand", "gpu_hours", "--by", "team", "--horizon", "3", *LEDGER_ARGS),
        _gpu_call,
        world=build_with_usage,
        writes=True,
    ),
    Contract(
        "forecast-backtest",
        ("forecast", "backtest", "--by", "team", "--horizon", "3", *LEDGER_ARGS),
        on_ledger(lambda led: backtest(led, by="team", horizon=3).to_json()),
    ),
    Contract(
        "forecast-backtest-file",
        (
            "forecast",
            "backtest",
            "--input",
            "demand.csv",
            "--time-col",
            "day",
            "--target-col",
            "gpu_hours",
            "--horizon",
            "7",
            "--windows",
            "2",
            "--model",
            "ets",
            "--model",
            "theta",
        ),
        lambda root: backtest(
            input="demand.csv",
            horizon=7,
            windows=2,
            model=["ets", "theta"],
            time_col="day",
            target_col="gpu_hours",
        ).to_json(),
        world=write_demand,
    ),
]
