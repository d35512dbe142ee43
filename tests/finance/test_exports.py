"""infracast.finance exports its public names and nothing else."""

from __future__ import annotations

import infracast.finance as finance


def test_public_names_are_pinned() -> None:
    assert finance.__all__ == [
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
        "sensitivity",
        "simulate",
        "spec_cashflows",
        "tornado",
        "tornado_chart",
    ]


def test_every_public_name_exists() -> None:
    for name in finance.__all__:
        assert getattr(finance, name) is not None, name
