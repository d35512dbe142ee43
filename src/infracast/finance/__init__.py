"""Finance: cash flows, ROI, NPV, IRR, payback, sensitivity and Monte Carlo risk (pure).

Cash flows come from plain rows or CSV text (:func:`cashflows`,
:func:`parse_cashflows_csv`), a project budget (:func:`project_cashflows`,
:func:`budget_cashflows`) or a finance spec of revenue streams
(:func:`spec_cashflows`). :func:`metrics` gives NPV, IRR, ROI, benefit-cost
ratio and payback; :func:`sensitivity` a tornado; :func:`simulate` a Monte
Carlo (what varies: a :class:`RiskSpec`). Nothing here reads a file or the
ledger: ``infracast.control.finance_metrics`` and its siblings read a cash-flow
source (files, the ledger) and call these. Formulas and conventions: docs/finance.md.
"""

from infracast.finance._cashflows import CashFlow, CashFlows, combine
from infracast.finance._irr import IRR, irr
from infracast.finance._metrics import Metrics, metrics
from infracast.finance._npv import npv
from infracast.finance._payback import Payback, payback
from infracast.finance._sensitivity import Sensitivity, SensitivityRow, tornado
from infracast.finance.api import finance_model, project_cashflows, sensitivity, simulate
from infracast.finance.budget_flows import budget_cashflows
from infracast.finance.cashflow_csv import cashflows, parse_cashflows_csv
from infracast.finance.charts import (
    chart_format,
    distribution_chart,
    simulation_chart,
    tornado_chart,
)
from infracast.finance.distributions import Distribution, distribution
from infracast.finance.finance_spec import FinanceSpec, Stream, spec_cashflows
from infracast.finance.model import FinanceModel, Outcome, Quantity
from infracast.finance.montecarlo import Simulation, Spread, monte_carlo
from infracast.finance.rates import Convention, annual_rate, periodic_rate
from infracast.finance.risk import RiskSpec, risk_spec

__all__ = [
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
