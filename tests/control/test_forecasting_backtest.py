"""``forecast backtest``: the models scored on the series the forecast would use, against
seasonal naive."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from infracast.control.forecasting import backtest
from infracast.errors import ConfigError
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges

WEEK = [10.0, 12.0, 14.0, 13.0, 11.0, 4.0, 3.0]  # Monday to Sunday


@pytest.fixture
def company(ledger: Ledger) -> Ledger:
    """Eight weeks of a weekly pattern for research (and twice it for applied), a
    recurring fee, and a purchase that must not be scored."""
    rows = []
    for i, day in enumerate(pd.date_range("2026-01-05", periods=56, freq="D")):
        for team, scale in (("research", 1.0), ("applied", 2.0)):
            rows.append({
                "ChargePeriodStart": day.isoformat(),
                "ChargePeriodEnd": (day + pd.Timedelta(days=1)).isoformat(),
                "cost": WEEK[i % 7] * scale + i % 2,
                "ChargeFrequency": "Usage-Based",
                "x_team": team,
            })  # fmt: skip
    rows.append({"ChargePeriodStart": "2026-01-20", "ChargePeriodEnd": "2026-01-21",
                 "cost": 5000.0, "ChargeCategory": "Purchase", "ChargeFrequency": "One-Time",
                 "x_team": "research"})  # fmt: skip
    add_charges(ledger, rows)
    return ledger


def test_each_series_and_model_is_scored_against_seasonal_naive(company: Ledger) -> None:
    result = backtest(company, by="team", horizon=7, windows=2)
    assert result.models[0] == "seasonal_naive" and "ets" in result.models
    metrics = pd.DataFrame(result.metrics)
    assert set(metrics["unique_id"]) == {"applied", "research"}
    assert set(metrics["model"]) == set(result.models)
    base = metrics[metrics["model"] == "seasonal_naive"]
    assert (base["relative_mase"] == 1.0).all()  # the baseline against itself
    assert {"mase", "smape", "rmse", "coverage80", "coverage95"} <= set(metrics.columns)
    # the purchase is not in the scored usage: errors stay at the scale of the pattern
    assert (metrics["rmse"] < 50).all()
    assert any("usage part" in n for n in result.notes)
    assert (result.windows, result.horizon, result.step_size) == (2, 7, 7)
    assert {r["model"] for r in result.summary} == set(result.models)


def test_all_and_named_models(company: Ledger) -> None:
    named = backtest(company, horizon=7, windows=2, model=["theta", "naive"])
    assert named.models == ["seasonal_naive", "theta", "naive"]
    with pytest.raises(ConfigError, match='unknown model "thetta"') as caught:
        backtest(company, horizon=7, model="thetta")
    assert "theta" in str(caught.value)


def test_a_file_without_an_id_column_is_one_series_named_after_it(tmp_path: Path) -> None:
    path = tmp_path / "demand.csv"
    days = pd.date_range("2026-01-05", periods=42, freq="D")
    lines = ["day,gpu_hours", *(f"{d.date()},{WEEK[i % 7]}" for i, d in enumerate(days))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = backtest(input=path, horizon=7, windows=2, time_col="day", target_col="gpu_hours")
    assert {r["unique_id"] for r in result.metrics} == {"demand"}
    assert result.kind == "series" and result.scope["input"] == str(path)


def test_ledger_flags_with_a_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--by select ledger data"):
        backtest(input=tmp_path / "x.csv", by="team")


def test_options_before_the_subcommand_are_refused_not_dropped() -> None:
    from typer.testing import CliRunner

    from infracast.cli.main import app

    ran = CliRunner().invoke(app, ["forecast", "--by", "team", "backtest"])
    assert ran.exit_code != 0
    assert "--by came before `backtest`" in str(ran.exception)
