"""A cash-flow source: its rules, and what reading its files and the ledger gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from infracast.control.finance_inputs import (
    CashflowSource,
    cashflow_source,
    read_risk,
    read_source,
)
from infracast.errors import ConfigError, FinanceError, InputFileError, QueryError
from infracast.finance import RiskSpec
from infracast.ledger.connection import Ledger
from tests.analytics.ledgers import add_charges
from tests.finance.conftest import TINY


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cashflows": "a.csv", "project_spec": "p.yaml"}, "give one source of costs, not"),
        ({"cashflows": "a.csv", "project": "atlas"}, "--project names a ledger project"),
        ({"from_ledger": True}, "--from-ledger needs --project"),
        ({}, "no cash flows"),
        ({"currency": "USD"}, "no cash flows"),
        # a ledger narrowing given without the ledger would be silently ignored
        ({"cashflows": "a.csv", "start": "2026-01-01"}, "--from narrows the ledger"),
        ({"project_spec": "p.yaml", "filters": ["team=a"], "end": "2026-02"}, "--to, --filter"),
        ({"cashflows": "a.csv", "indirect_categories": "support"}, "--indirect-categories"),
    ],
)
def test_a_source_breaking_a_rule_is_a_config_error(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        cashflow_source(fields)
    assert caught.value.hint  # the rule's own hint survives Pydantic


def test_a_bad_period_is_named_by_its_flag_before_any_ledger_opens() -> None:
    with pytest.raises(QueryError, match='--from "March" is not a date'):
        cashflow_source({"from_ledger": True, "project": "atlas", "start": "March"})


def test_an_unknown_field_names_the_closest() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'cashflow'\. Did you mean \"cashflows\""):
        cashflow_source({"cashflow": "a.csv"})


def test_indirect_categories_are_split_at_commas() -> None:
    src = CashflowSource(from_ledger=True, project="p", indirect_categories="support, facilities")
    assert src.indirect_categories == ["support", "facilities"]
    again = CashflowSource(from_ledger=True, project="p", indirect_categories=["a,b", "c"])
    assert again.indirect_categories == ["a", "b", "c"]


def test_revenue_is_added_to_the_csvs_costs(tmp_path: Path) -> None:
    costs = _write(tmp_path, "c.csv", "period,cost\n2026-01,100\n2026-02,50\n")
    revenue = _write(tmp_path, "r.csv", "period,revenue\n2026-02,80\n")
    read = read_source({"cashflows": costs, "revenue": revenue, "currency": "usd"})
    assert read.project_spec is None
    assert read.flows().column("benefit") == [-100, 30]
    assert read.flows().currency == "USD"


def test_a_project_spec_is_kept_for_budgeting_again_with_the_revenue_beside(
    tmp_path: Path,
) -> None:
    spec = _write(tmp_path, "tiny.yaml", yaml.safe_dump(TINY))
    revenue = _write(tmp_path, "r.csv", "period,revenue\n2026-02,3000\n")
    read = read_source({"project_spec": spec, "revenue": revenue})
    assert read.project_spec == TINY  # numbers stay numbers, for sensitivity paths
    # budget 1200, 1230 (tests/finance/conftest.py) against revenue 0, 3000
    assert read.flows().column("benefit") == [-1200, 1770]


def test_a_finance_spec_is_laid_over_the_projects_months(tmp_path: Path) -> None:
    spec = _write(tmp_path, "tiny.yaml", yaml.safe_dump(TINY))
    streams = {"revenue": [{"name": "api", "amount": "1,500", "start": "2026-02"}]}
    fspec = _write(tmp_path, "finance.yaml", yaml.safe_dump(streams))
    flows = read_source({"project_spec": spec, "finance_spec": fspec}).flows()
    assert flows.column("revenue") == [0, 1500]  # to the project's last month, 2026-02


def test_a_missing_file_says_what_is_there(tmp_path: Path) -> None:
    _write(tmp_path, "flows.csv", "period,cost\n0,1\n")
    with pytest.raises(InputFileError, match="--cashflows: no such file") as caught:
        read_source({"cashflows": tmp_path / "flow.csv"})
    assert caught.value.hint == 'Did you mean "flows.csv"?'


def test_the_ledger_is_read_for_the_project_and_period(ledger: Ledger) -> None:
    add_charges(
        ledger,
        [
            {"x_project": "atlas", "cost": 100, "ChargePeriodStart": "2026-01-05T00:00"},
            {"x_project": "atlas", "cost": 7, "ChargePeriodStart": "2026-03-05T00:00"},
        ],
    )
    source = {"from_ledger": True, "project": "atlas", "start": "2026-01", "end": "2026-03"}
    flows = read_source(source, ledger=ledger).flows()
    assert flows.periods == ["2026-01", "2026-02"] and flows.column("cost") == [100, 0]


def test_a_ledger_path_is_opened_read_only(tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"
    with Ledger.open(path) as led:
        add_charges(led, [{"x_project": "atlas", "cost": 5}])
    flows = read_source({"from_ledger": True, "project": "atlas"}, ledger=path).flows()
    assert flows.total_cost == 5


def test_a_risk_file_reads_as_a_risk_spec(tmp_path: Path) -> None:
    path = _write(tmp_path, "risk.yaml", "seed: 7\nvary:\n  cost: uniform:1,2\n")
    assert read_risk(path) == RiskSpec(seed=7, vary={"cost": "uniform:1,2"})
    assert read_risk(None) == RiskSpec()


def test_a_risk_file_with_a_typo_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "risk.yaml", "sampels: 3\n")
    with pytest.raises(FinanceError, match=r"--risk: .*risk.yaml has 1 problem: unknown key"):
        read_risk(path)
