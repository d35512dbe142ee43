"""The finance commands as functions: a source in, the finance result out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from infracast import finance
from infracast.control.finance_api import (
    finance_cashflows,
    finance_metrics,
    finance_sensitivity,
    finance_simulate,
)

FLOWS = "period,revenue,cost\n0,500000,700000\n1,0,0\n2,400000,0\n"


def _flows(tmp_path: Path) -> Path:
    path = tmp_path / "flows.csv"
    path.write_text(FLOWS, encoding="utf-8")
    return path


def test_metrics_of_a_csv_source(tmp_path: Path) -> None:
    result = finance_metrics({"cashflows": _flows(tmp_path)}, rate="10%")
    # −200000 + 400000/1.1² = 130578.51
    assert round(result.npv, 2) == Decimal("130578.51")


def test_cashflows_are_what_the_source_gives(tmp_path: Path) -> None:
    path = _flows(tmp_path)
    flows = finance_cashflows({"cashflows": path})
    assert flows == finance.parse_cashflows_csv(FLOWS, source=str(path))


def test_sensitivity_of_named_inputs(tmp_path: Path) -> None:
    result = finance_sensitivity({"cashflows": _flows(tmp_path)}, rate="0.1", inputs=["cost"])
    (row,) = result.rows
    # cost × 0.8 and × 1.2: total cost 560000 and 840000
    assert (row.total_cost_low, row.total_cost_high) == (560000, 840000)


def test_simulate_lays_the_arguments_over_the_risk_file(tmp_path: Path) -> None:
    risk = tmp_path / "risk.yaml"
    risk.write_text(
        yaml.safe_dump({"seed": 5, "samples": 300, "vary": {"cost": "uniform:1,2"}}),
        encoding="utf-8",
    )
    result = finance_simulate(
        {"cashflows": _flows(tmp_path)}, rate="0.1", risk=risk, samples=200, budget="800000"
    )
    assert (result.samples, result.seed, result.budget) == (200, 5, 800000)
    assert [d.input for d in result.inputs] == ["cost"]


def test_simulate_takes_the_risk_spec_inline(tmp_path: Path) -> None:
    inline = {"vary": {"revenue": "pert:0.5,1,1.2"}, "samples": 100}
    result = finance_simulate({"cashflows": _flows(tmp_path)}, rate="0.1", risk=inline, seed=2)
    assert (result.samples, result.seed) == (100, 2)
