"""Ledger forecasts reconciled to the organisation's total: every parent equals the sum of
its children at every period and level, whatever the method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infracast.control.forecasting import CostForecast, forecast, forecast_costs
from infracast.errors import ConfigError
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts as store
from tests.analytics.ledgers import add_charges

WEEK = [10.0, 12.0, 14.0, 13.0, 11.0, 4.0, 3.0]  # Monday to Sunday


def _charges(
    days: int, cells: dict[tuple[str, str], float], fees: bool = True
) -> list[dict[str, object]]:
    """A weekly pattern scaled per (team, project), ``days`` days from Mon 2026-01-05,
    plus a 100 fee on Feb 1 and Mar 1 for the first cell (recurring)."""
    rows: list[dict[str, object]] = []
    start = pd.Timestamp("2026-01-05")
    for (team, project), scale in cells.items():
        for i in range(days):
            when = start + pd.Timedelta(days=i)
            rows.append(
                {
                    "ChargePeriodStart": when.isoformat(),
                    "ChargePeriodEnd": (when + pd.Timedelta(days=1)).isoformat(),
                    "cost": round(WEEK[i % 7] * scale + (i % 3), 2),
                    "ChargeFrequency": "Usage-Based",
                    "x_team": team,
                    "x_project": project,
                }
            )
    team, project = next(iter(cells))
    for month in (2, 3) if fees else ():
        rows.append(
            {
                "ChargePeriodStart": f"2026-0{month}-01T00:00:00",
                "ChargePeriodEnd": f"2026-0{month + 1}-01T00:00:00",  # a monthly fee
                "cost": 100.0,
                "ChargeFrequency": "Recurring",
                "x_team": team,
                "x_project": project,
            }
        )
    return rows


def assert_adds_up(result: CostForecast) -> None:
    """Every parent's forecast is the sum of its children's, at every period."""
    assert result.reconciliation is not None
    parents = result.reconciliation["parents"]
    wide = result.forecast.pivot(index="ds", columns="unique_id", values="yhat")
    assert set(wide.columns) == set(parents)
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    assert "total" in children  # the organisation's total is among the rows
    for parent, kids in children.items():
        np.testing.assert_allclose(wide[kids].sum(axis=1), wide[parent], rtol=1e-6, atol=1e-6)


@pytest.fixture
def company(ledger: Ledger) -> Ledger:
    cells = {("research", "atlas"): 3.0, ("research", "chat"): 1.0, ("applied", "chat"): 2.0}
    add_charges(ledger, _charges(70, cells))
    return ledger


def test_teams_and_projects_add_up_to_the_total(company: Ledger) -> None:
    result = forecast_costs(company, by="team,project", horizon=14, reconcile="auto")
    assert_adds_up(result)
    rec = result.reconciliation
    assert rec is not None and rec["levels"] == ["total", "team", "team/project"]
    assert rec["parents"]["research/atlas"] == "research" and rec["parents"]["research"] == "total"
    # 3 windows of 14 periods: 42 backtest residuals per series, enough for MinTrace
    assert rec["method"] == "mint_shrink" and rec["requested"] == "auto"
    ids = list(dict.fromkeys(result.forecast["unique_id"]))
    assert ids[0] == "total" and ids.index("research") < ids.index("research/atlas")
    f = result.forecast
    assert ((f.lo95 <= f.lo80) & (f.lo80 <= f.yhat) & (f.yhat <= f.hi80)).all()
    assert (f[["yhat", "lo80", "lo95"]] >= 0).all().all()  # no credits: never below zero


def test_the_fee_of_a_project_reaches_its_team_and_the_total(company: Ledger) -> None:
    result = forecast_costs(company, by="team,project", horizon=21, reconcile="bottom_up")
    assert_adds_up(result)
    day = result.forecast[result.forecast["ds"] == pd.Timestamp("2026-04-01")].set_index(
        "unique_id"
    )
    assert day.loc["research/atlas", "model"].endswith("+recurring")
    assert day.loc["total", "yhat"] >= 100.0


def test_thin_data_is_reconciled_bottom_up_and_says_why(ledger: Ledger) -> None:
    add_charges(ledger, _charges(14, {("a", "p"): 1.0, ("b", "q"): 2.0}, fees=False))
    result = forecast_costs(ledger, by="team", horizon=3, reconcile="auto")  # 3 x 3 residuals
    assert_adds_up(result)
    assert result.reconciliation is not None
    assert result.reconciliation["method"] == "bottom_up"
    assert "fewer than the 12" in result.reconciliation["notes"][0]


def test_the_command_reconciles_by_default_and_the_library_does_not(company: Ledger) -> None:
    plain = forecast_costs(company, by="team", horizon=7)
    assert plain.reconciliation is None and "total" not in set(plain.forecast["unique_id"])
    shown = forecast(company, by="team", horizon=7)
    assert shown.reconciliation is not None and "total" in set(shown.forecast["unique_id"])
    none = forecast(company, by="team", horizon=7, reconcile="none")
    assert none.reconciliation is None


def test_a_reused_forecast_keeps_its_reconciliation(company: Ledger) -> None:
    first = forecast_costs(company, by="team", horizon=7, reconcile="bottom_up")
    again = forecast_costs(company, by="team", horizon=7, reconcile="bottom_up")
    assert again.reused and again.reconciliation == first.reconciliation
    saved = store.get(company.con, first.forecast_id)
    assert saved is not None and saved["scope"]["reconcile"] == "bottom_up"
    assert saved["params"]["reconciliation"]["method"] == "bottom_up"


def test_an_unknown_method_names_the_valid_ones(company: Ledger) -> None:
    with pytest.raises(ConfigError, match='unknown reconciliation "mintrace"') as caught:
        forecast_costs(company, by="team", reconcile="mintrace")
    assert "mint_shrink" in str(caught.value.hint)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cells=st.dictionaries(
        st.tuples(st.sampled_from(["a", "b", "c/d"]), st.sampled_from(["p", "q", "(none)"])),
        st.floats(0.1, 50.0),
        min_size=1,
        max_size=5,
    ),
    days=st.integers(15, 40),
    method=st.sampled_from(["auto", "bottom_up", "ols"]),
)
def test_children_sum_to_their_parent_at_every_period_and_level(
    cells: dict[tuple[str, str], float], days: int, method: str
) -> None:
    with Ledger.open(":memory:") as led:
        add_charges(led, _charges(days, cells))
        result = forecast_costs(led, by="team,project", horizon=5, reconcile=method, store_it=False)
    assert_adds_up(result)
