"""infracast.finance exports its public names and nothing else, and no name hides a module."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import infracast.finance as finance

PUBLIC = [
    "IRR",
    "CashFlow",
    "CashFlows",
    "Convention",
    "Distribution",
    "FinanceModel",
    "FinanceSpec",
    "Metrics",
    "Outcome",
    "Payback",
    "Quantity",
    "RiskSpec",
    "Sensitivity",
    "SensitivityRow",
    "Simulation",
    "Spread",
    "Stream",
    "annual_rate",
    "budget_cashflows",
    "cashflows",
    "chart_format",
    "combine",
    "distribution",
    "distribution_chart",
    "finance_model",
    "irr",
    "metrics",
    "monte_carlo",
    "npv",
    "parse_cashflows_csv",
    "payback",
    "periodic_rate",
    "project_cashflows",
    "risk_spec",
    "sensitivity",
    "simulate",
    "simulation_chart",
    "spec_cashflows",
    "tornado",
    "tornado_chart",
]


def test_public_names_are_pinned() -> None:
    assert finance.__all__ == PUBLIC


def test_all_lists_exactly_the_names_the_package_defines() -> None:
    defined = {
        name
        for name, value in vars(finance).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert sorted(defined) == sorted(PUBLIC)


@pytest.mark.parametrize("name", [n for n in PUBLIC if callable(getattr(finance, n))])
def test_no_exported_name_is_also_a_module(name: str) -> None:
    # `import infracast.finance.npv` would give the module while `finance.npv` is the function
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"infracast.finance.{name}")
