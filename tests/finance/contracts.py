"""The command contracts of ``infracast finance``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`FINANCE_CONTRACTS`).

The world holds the worked example of docs/finance.md, copied from ``examples/``:
``cashflows.csv`` (four years), ``project.yaml`` (the support assistant's budget by
month), ``finance.yaml`` (its revenue streams) and ``risk.yaml`` (its uncertain inputs,
seed 7), and ``revenue.csv`` (30 USD in February 2026). The ledger case runs on the
small company of ``tests/cli/small_company.py``, whose project ``atlas`` cost 9.25 in
January 2026 and 11.00 in February. Simulations draw few samples from a fixed seed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from infracast.control.finance_api import (
    finance_cashflows,
    finance_metrics,
    finance_sensitivity,
    finance_simulate,
)
from tests.cli import small_company
from tests.cli.contracts import LEDGER_ARGS, Contract
from tests.cli.small_company import LEDGER

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ("cashflows.csv", "project.yaml", "finance.yaml", "risk.yaml")
SPECS = {"project_spec": "project.yaml", "finance_spec": "finance.yaml"}
SPEC_ARGS = ("--project-spec", "project.yaml", "--finance-spec", "finance.yaml")


def write_files(root: Path) -> None:
    """The example files and ``revenue.csv`` under ``root``."""
    for name in EXAMPLES:
        shutil.copy(REPO / "examples" / name, root / name)
    (root / "revenue.csv").write_text("period,revenue\n2026-02,30\n", encoding="utf-8")


def build_with_ledger(root: Path) -> None:
    """The files, and the small company's ledger."""
    write_files(root)
    small_company.build(root)


FINANCE_CONTRACTS: list[Contract] = [
    Contract(
        "finance-metrics",
        ("finance", "metrics", "--cashflows", "cashflows.csv", "--rate", "0.1"),
        lambda root: finance_metrics({"cashflows": "cashflows.csv"}, rate="0.1"),
        world=write_files,
    ),
    Contract(
        "finance-metrics-spec",
        ("finance", "metrics", *SPEC_ARGS, "-r", "8%", "--convention", "end_of_period"),
        lambda root: finance_metrics(SPECS, rate="8%", convention="end_of_period"),
        world=write_files,
    ),
    Contract(
        "finance-metrics-ledger",
        ("finance", "metrics", "--from-ledger", "--project", "atlas", "--revenue", "revenue.csv",
         "--from", "2026-01-01", "-r", "0", *LEDGER_ARGS),
        lambda root: finance_metrics(
            {"from_ledger": True, "project": "atlas", "revenue": "revenue.csv",
             "start": "2026-01-01"},
            rate="0", ledger=LEDGER,
        ),
        world=build_with_ledger,
    ),
    Contract(
        "finance-cashflows",
        ("finance", "cashflows", *SPEC_ARGS),
        lambda root: finance_cashflows(SPECS),
        world=write_files,
    ),
    Contract(
        "finance-sensitivity",
        ("finance", "sensitivity", "--cashflows", "cashflows.csv", "-r", "0.1",
         "-i", "rate=0.05:0.15", "-i", "cost", "--pct", "10", "--sort-by", "total_cost"),
        lambda root: finance_sensitivity(
            {"cashflows": "cashflows.csv"}, rate="0.1", inputs=["rate=0.05:0.15", "cost"],
            pct=10, sort_by="total_cost",
        ),
        world=write_files,
    ),
    Contract(
        "finance-sensitivity-spec",
        ("finance", "sensitivity", *SPEC_ARGS, "-r", "0.1"),
        lambda root: finance_sensitivity(SPECS, rate="0.1"),
        world=write_files,
    ),
    Contract(
        "finance-simulate",
        ("finance", "simulate", "--cashflows", "cashflows.csv", "-r", "0.1",
         "--vary", "cost=triangular:0.9,1,1.4", "--samples", "100", "--seed", "3",
         "--budget", "1500000"),
        lambda root: finance_simulate(
            {"cashflows": "cashflows.csv"}, rate="0.1", vary=["cost=triangular:0.9,1,1.4"],
            samples=100, seed=3, budget="1500000",
        ),
        world=write_files,
    ),
    Contract(
        # risk.yaml gives the inputs, the seed (7) and the budget; --samples wins over it
        "finance-simulate-risk",
        ("finance", "simulate", *SPEC_ARGS, "-r", "0.1", "--risk", "risk.yaml",
         "--samples", "50"),
        lambda root: finance_simulate(SPECS, rate="0.1", risk="risk.yaml", samples=50),
        world=write_files,
    ),
]  # fmt: skip
