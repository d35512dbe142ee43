"""The command contracts of ``infracast forecast``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`FORECAST_CONTRACTS`).

The ledger case runs on the small company of ``tests/cli/small_company.py`` (a few
charges a day in January and February 2026: the series are short, so the models fall
back to seasonal naive or naive and say so). The file case is ``demand.csv``: eight
weeks of a daily GPU-hours pattern (Monday to Sunday 10, 12, 14, 13, 11, 4, 3), with
the columns ``day`` and ``gpu_hours`` and no id column.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from infracast.control.forecasting import forecast
from infracast.ledger.connection import Ledger
from tests.cli.contracts import LEDGER_ARGS, Contract
from tests.cli.small_company import LEDGER

WEEK = (10, 12, 14, 13, 11, 4, 3)


def write_demand(root: Path) -> None:
    """``demand.csv`` under ``root``: 56 days from Monday 2026-01-05."""
    lines = ["day,gpu_hours"]
    for i in range(56):
        lines.append(f"{date(2026, 1, 5) + timedelta(days=i)},{WEEK[i % 7]}")
    (root / "demand.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ledger_call(root: Path) -> object:
    with Ledger.open(root / LEDGER) as led:
        return forecast(led, by="team", horizon=3).to_json()


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
]
