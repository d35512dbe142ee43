"""The resource LP and allocation from a user's file, or allocation from the ledger's
GPU-hours forecast by team (src/infracast/control/optimizing/plans.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from infracast.control.optimizing import allocate, resources
from infracast.errors import InputFileError
from infracast.ledger.connection import Ledger
from infracast.optimize import OptimizeError
from tests.analytics.ledgers import add_samples

PORTFOLIO = """
resources:
  - {name: gpus, unit: GPU-month, unit_cost: 2000, capacity: 10}
projects:
  - {name: atlas, demand: {gpus: 8}, unmet_penalty: 5000}
  - {name: recsys, demand: {gpus: 6}, unmet_penalty: 3000}
budget: 1e6
"""


def test_a_yaml_portfolio_serves_the_dearer_unmet_demand_first(tmp_path: Path):
    # 10 GPUs for 14 demanded: atlas (5,000 a GPU unmet) gets its 8, recsys 2 of its 6;
    # cost 10 × 2,000 + 4 × 3,000 unmet = 32,000
    path = tmp_path / "portfolio.yaml"
    path.write_text(PORTFOLIO)
    plan = resources(path)
    got = {(line["project"], line["resource"]): line["quantity"] for line in plan.lines}
    assert got == {("atlas", "gpus"): 8, ("recsys", "gpus"): 2}
    assert (plan.mode, plan.total_cost) == ("portfolio", pytest.approx(32_000))


def test_the_budget_option_overrides_the_file(tmp_path: Path):
    # a budget of 16,000 buys 8 GPUs, all atlas's: 16,000 + 6 × 3,000 unmet = 34,000
    path = tmp_path / "portfolio.yaml"
    path.write_text(PORTFOLIO)
    plan = resources(path, budget=16_000)
    assert plan.budget == 16_000 and plan.total_cost == pytest.approx(34_000)


def test_a_yaml_file_without_resources_is_refused(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text("projects: []\n")
    with pytest.raises(InputFileError, match="holds no resources"):
        resources(path)


def test_a_bad_budget_is_named(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(PORTFOLIO.replace("1e6", "lots"))
    with pytest.raises(Exception, match="budget 'lots' is not a number"):
        resources(path)


def test_teams_from_a_file_share_by_the_policy(tmp_path: Path):
    # 30 for demands 40 and 10: max-min gives b its 10, a the other 20
    path = tmp_path / "teams.csv"
    path.write_text("name,demand\na,40\nb,10\n")
    result = allocate(path, capacity=30)
    assert [t["allocation"] for t in result.teams] == [20, 10]


def test_without_a_file_or_a_ledger_there_is_no_demand():
    with pytest.raises(OptimizeError, match="no demand"):
        allocate(capacity=10)


def test_the_ledger_forecast_by_team_is_the_demand():
    # 8 weeks of samples: research holds a GPU 12 h a day, applied 6 h: the weekly
    # forecast is 84 and 42 GPU-hours. Max-min shares 63: 63 / 2 = 31.5 is below both
    # demands, so both get 31.5.
    days = pd.date_range("2026-01-05", periods=56, freq="D")
    rows = []
    for d in days:
        rows.append({"ts": d.isoformat(), "resource_id": "r1", "team": "research",
                     "interval_s": 12 * 3600.0})  # fmt: skip
        rows.append({"ts": d.isoformat(), "resource_id": "r2", "team": "applied",
                     "interval_s": 6 * 3600.0})  # fmt: skip
    with Ledger.open(":memory:") as led:
        add_samples(led, rows)
        result = allocate(capacity=63, ledger=led, freq="W")
    demand = {t["team"]: t["demand"] for t in result.teams}
    assert demand == {"applied": pytest.approx(42), "research": pytest.approx(84)}
    assert [t["allocation"] for t in result.teams] == [pytest.approx(31.5)] * 2
    assert result.assumptions[0].startswith("demand: each team's GPU-hours forecast")
