"""The ``infracast finance`` commands as Python functions, one per command, same parameters.

``infracast finance metrics --cashflows flows.csv --rate 0.1`` is
``finance_metrics({"cashflows": "flows.csv"}, rate="0.1")``; the source is a
:class:`~infracast.control.finance_inputs.CashflowSource` (or a mapping of its
fields). Each function reads the source (files, the ledger) and hands the cash
flows to :mod:`infracast.finance`, which computes; the result's ``to_json()``
is what ``--format json`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from infracast import finance
from infracast.control.finance_inputs import (
    CashflowSource,
    LedgerLike,
    read_risk,
    read_source,
)
from infracast.finance import CashFlows, Convention, Metrics, RiskSpec, Sensitivity, Simulation

Source = CashflowSource | Mapping[str, Any]
Rate = Decimal | float | int | str
Progress = Callable[[int, int], None]  # told (done, total) after each sample budgeted again


def finance_metrics(
    source: Source,
    *,
    rate: Rate,
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
    ledger: LedgerLike = None,
) -> Metrics:
    """NPV, IRR, ROI, benefit-cost ratio and payback of the source's cash flows at the
    annual ``rate`` (``0.1`` or ``"10%"``)."""
    flows = read_source(source, ledger=ledger).flows()
    return finance.metrics(flows, rate, periods_per_year=periods_per_year, convention=convention)


def finance_cashflows(source: Source, *, ledger: LedgerLike = None) -> CashFlows:
    """The cash flows a source gives, period by period."""
    return read_source(source, ledger=ledger).flows()


def finance_sensitivity(
    source: Source,
    *,
    rate: Rate,
    inputs: Sequence[str] | None = None,
    pct: float = 20.0,
    sort_by: finance.Quantity = "npv",
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
    ledger: LedgerLike = None,
) -> Sensitivity:
    """One-at-a-time sensitivity (a tornado) of total cost and NPV; ``inputs`` like
    ``["people.0.fte", "rate=0.05:0.15"]`` (default: every numeric input)."""
    read = read_source(source, ledger=ledger)
    return finance.sensitivity(
        read.cashflows,
        project_spec=read.project_spec,
        rate=rate,
        inputs=list(inputs) if inputs is not None else None,
        pct=pct,
        sort_by=sort_by,
        periods_per_year=periods_per_year,
        convention=convention,
    )


def finance_simulate(
    source: Source,
    *,
    rate: Rate,
    vary: Sequence[str] | Mapping[str, Any] | None = None,
    risk: RiskSpec | Mapping[str, Any] | str | Path | None = None,
    samples: int | None = None,
    seed: int | None = None,
    budget: Decimal | float | int | str | None = None,
    periods_per_year: int | None = None,
    convention: Convention | str = Convention.t0_undiscounted,
    ledger: LedgerLike = None,
    progress: Progress | None = None,
) -> Simulation:
    """Monte Carlo of total cost and NPV. ``risk`` (a risk file's path or its content)
    gives vary, samples, seed and budget; the other arguments win over it, and ``vary``
    (``["cost=triangular:0.9,1,1.4"]`` or a mapping) adds inputs or replaces the file's."""
    spec = read_risk(risk).overridden(vary=vary, samples=samples, seed=seed, budget=budget)
    read = read_source(source, ledger=ledger)
    return finance.simulate(
        read.cashflows,
        project_spec=read.project_spec,
        rate=rate,
        vary=spec.vary,
        samples=spec.samples,
        seed=spec.seed,
        budget=spec.budget,
        periods_per_year=periods_per_year,
        convention=convention,
        progress=progress,
    )
