"""Where `infracast finance` commands take their cash flows from: the shared options.

One source of costs (``--cashflows``, ``--project-spec`` or ``--from-ledger
--project``), with revenue added from ``--revenue`` and ``--finance-spec``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from infracast import finance
from infracast.cli.analytics import period
from infracast.cli.common import open_ledger
from infracast.errors import ConfigError
from infracast.finance import CashFlows

CashflowsOption = Annotated[
    Path | None,
    typer.Option("--cashflows", help="CSV: period,revenue,cost (or the direct/indirect split)."),
]
ProjectSpecOption = Annotated[
    Path | None,
    typer.Option("--project-spec", help="Project spec YAML: its budget by month is the cost."),
]
FromLedgerOption = Annotated[
    bool, typer.Option("--from-ledger", help="Cost: the project's actual cost by month.")
]
ProjectOption = Annotated[
    str | None, typer.Option("--project", "-p", help="The ledger project (with --from-ledger).")
]
RevenueOption = Annotated[
    Path | None,
    typer.Option("--revenue", help="CSV of revenue (period,revenue) added to the costs."),
]
FinanceSpecOption = Annotated[
    Path | None,
    typer.Option("--finance-spec", help="YAML of revenue (and extra cost) streams."),
]
IndirectOption = Annotated[
    str | None,
    typer.Option(
        "--indirect-categories",
        help="With --from-ledger: cost categories counted as indirect (support,facilities).",
    ),
]
CurrencyOption = Annotated[
    str | None, typer.Option("--currency", help="Currency of a CSV without a currency column.")
]
RateOption = Annotated[
    str, typer.Option("--rate", "-r", help="Annual discount rate: 0.10 or 10%.", show_default=False)
]
PeriodsOption = Annotated[
    int | None,
    typer.Option(
        "--periods-per-year",
        help="Periods a year of numbered periods (monthly: 12); the rate becomes "
        "(1 + rate)^(1/P) − 1 a period. Default: 12 for months, else 1.",
    ),
]


class ConventionChoice(StrEnum):
    """When the flow of period t happens."""

    t0_undiscounted = "t0_undiscounted"
    end_of_period = "end_of_period"


ConventionOption = Annotated[
    ConventionChoice,
    typer.Option(
        "--convention",
        help="t0_undiscounted: the first flow is now; end_of_period: every flow is discounted "
        "one more period (the spreadsheet NPV).",
    ),
]


@dataclass
class Source:
    """What the options named: fixed cash flows and/or a project spec to budget."""

    cashflows: CashFlows | None
    spec: dict[str, Any] | None


def read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise ConfigError(f"{what}: no such file {path}.", hint="Check the path.")
    return path.read_text(encoding="utf-8")


def read_yaml(path: Path, what: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(read_text(path, what))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", hint="Fix the file.") from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping of field: value.", hint="See docs/finance.md."
        )
    return data


def source(
    cashflows: Path | None,
    project_spec: Path | None,
    from_ledger: bool,
    project: str | None,
    revenue: Path | None,
    finance_spec: Path | None,
    currency: str | None,
    ledger: Path | None,
    start: str | None,
    end: str | None,
    filters: list[str] | None,
    indirect: str | None,
) -> Source:
    chosen = [
        n
        for n, on in (
            ("--cashflows", cashflows),
            ("--project-spec", project_spec),
            ("--from-ledger", from_ledger),
        )
        if on
    ]
    if len(chosen) > 1:
        raise ConfigError(
            f"give one source of costs, not {' and '.join(chosen)}.",
            hint="Add revenue to a source with --revenue or --finance-spec.",
        )
    if project and not from_ledger:
        raise ConfigError("--project names a ledger project.", hint="Add --from-ledger.")
    base: CashFlows | None = None
    if cashflows is not None:
        base = finance.parse_cashflows_csv(
            read_text(cashflows, "--cashflows"), currency=currency, source=str(cashflows)
        )
    elif from_ledger:
        if not project:
            raise ConfigError("--from-ledger needs --project.", hint="infracast costs --by project")
        from infracast.control.cashflows import ledger_cashflows

        lo, hi = period(start, end)
        with open_ledger(ledger, read_only=True) as led:
            base = ledger_cashflows(
                led,
                project,
                start=lo,
                end=hi,
                filters=filters or [],
                indirect_categories=(indirect or "").split(","),
            )
    if revenue is not None:
        extra = finance.parse_cashflows_csv(
            read_text(revenue, "--revenue"), currency=currency, source=str(revenue)
        )
        base = extra if base is None else finance.combine(base, extra)
    spec = read_yaml(project_spec, "--project-spec") if project_spec is not None else None
    if finance_spec is not None:
        streams = read_yaml(finance_spec, "--finance-spec")
        over = base or (finance.project_cashflows(spec) if spec is not None else None)
        flows = finance.spec_cashflows(streams, over=over)
        base = flows if base is None else finance.combine(base, flows)
    if base is None and spec is None:
        raise ConfigError(
            "no cash flows: give --cashflows, --project-spec or --from-ledger --project P.",
            hint="For example: infracast finance metrics --cashflows examples/cashflows.csv "
            "--rate 0.1",
        )
    return Source(base, spec)


def flows_of(source: Source) -> CashFlows:
    if source.spec is None:
        assert source.cashflows is not None
        return source.cashflows
    return finance.project_cashflows(source.spec, revenue=source.cashflows)
