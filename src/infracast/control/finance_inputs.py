"""Where the cash flows of ``infracast finance …`` come from: a :class:`CashflowSource`.

One source of costs: a cash-flow CSV (``cashflows``), a project spec whose
budget by month is the cost (``project_spec``), or a ledger project's actual
cost by month (``from_ledger`` with ``project``, over ``start``/``end``,
narrowed by ``filters``, the ``indirect_categories`` counted as indirect).
Revenue is added from a CSV (``revenue``) and the streams of a finance spec
(``finance_spec``), laid over the periods of the costs. The command line
builds its options from the model's fields; an API request body is the same
model. This module reads the files (through :mod:`infracast.specfiles`) and
the ledger; the arithmetic is :mod:`infracast.finance`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from infracast import finance
from infracast.analytics.periods import parse_range
from infracast.control.cashflows import ledger_cashflows
from infracast.errors import ConfigError, InfracastError
from infracast.finance import CashFlows, RiskSpec
from infracast.ledger.connection import Ledger
from infracast.specfiles import read_text, read_yaml
from infracast.validation import problem, problems_message

PERIOD_FLAGS = ("--from", "--to")
LedgerLike = Ledger | str | Path | None


class CashflowSource(BaseModel):
    """One source of costs, with revenue added from a CSV and/or a finance spec."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cashflows: Path | None = Field(
        default=None, description="CSV: period,revenue,cost (or the direct/indirect split)."
    )
    project_spec: Path | None = Field(
        default=None, description="Project spec YAML: its budget by month is the cost."
    )
    from_ledger: bool = Field(
        default=False, description="Cost: the project's actual cost by month."
    )
    project: str | None = Field(
        default=None, description="The ledger project (with --from-ledger)."
    )
    revenue: Path | None = Field(
        default=None, description="CSV of revenue (period,revenue) added to the costs."
    )
    finance_spec: Path | None = Field(
        default=None, description="YAML of revenue (and extra cost) streams."
    )
    currency: str | None = Field(
        default=None, description="Currency of a CSV without a currency column."
    )
    start: str | None = Field(
        default=None,
        description="Start of the period, inclusive (YYYY-MM-DD or ISO time, UTC).",
    )
    end: str | None = Field(
        default=None, description="End of the period, exclusive (YYYY-MM-DD or ISO time, UTC)."
    )
    filters: list[str] = Field(
        default_factory=list,
        description="DIM=VALUE, DIM!=VALUE or DIM=A,B (any of); repeat to combine. "
        "(none) matches a missing value.",
    )
    indirect_categories: list[str] = Field(
        default_factory=list,
        description="With --from-ledger: cost categories counted as indirect (support,facilities).",
    )

    @field_validator("indirect_categories", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        """``support,facilities`` (one text, as the command line gives it) or a list."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            return value
        return [c.strip() for item in items for c in str(item).split(",") if c.strip()]

    @model_validator(mode="after")
    def _one_source(self) -> CashflowSource:
        chosen = [
            flag
            for flag, on in (
                ("--cashflows", self.cashflows),
                ("--project-spec", self.project_spec),
                ("--from-ledger", self.from_ledger),
            )
            if on
        ]
        if len(chosen) > 1:
            raise ConfigError(
                f"give one source of costs, not {' and '.join(chosen)}.",
                hint="Add revenue to a source with --revenue or --finance-spec.",
            )
        if self.project and not self.from_ledger:
            raise ConfigError(
                "--project names a ledger project.", hint="Add --from-ledger.", field="project"
            )
        ledger_only = [
            (flag, name)
            for flag, name in (
                ("--from", "start"),
                ("--to", "end"),
                ("--filter", "filters"),
                ("--indirect-categories", "indirect_categories"),
            )
            if getattr(self, name)
        ]
        if ledger_only and not self.from_ledger:
            flags = ", ".join(flag for flag, _ in ledger_only)
            raise ConfigError(
                f"{flags} {'narrows' if len(ledger_only) == 1 else 'narrow'} the ledger's "
                "charges, but the costs come from "
                f"{chosen[0] if chosen else 'no ledger'}.",
                hint=f"Add --from-ledger --project P to read the ledger, or leave out {flags}.",
                field=ledger_only[0][1],
            )
        if self.from_ledger and not self.project:
            raise ConfigError(
                "--from-ledger needs --project.",
                hint="Name the project with --project P; infracast costs --by project lists them.",
                field="project",
            )
        if not (chosen or self.revenue or self.finance_spec):
            raise ConfigError(
                "no cash flows: give --cashflows, --project-spec or --from-ledger --project P.",
                hint="For example: infracast finance metrics --cashflows examples/cashflows.csv "
                "--rate 0.1",
            )
        if self.from_ledger:
            parse_range(self.start, self.end, names=PERIOD_FLAGS)  # before the ledger opens
        return self


def cashflow_source(source: CashflowSource | Mapping[str, Any]) -> CashflowSource:
    """``source`` as a checked :class:`CashflowSource`; a problem is an InfracastError
    (a rule of the source keeps its own message and hint)."""
    if isinstance(source, CashflowSource):
        return source
    try:
        return CashflowSource.model_validate(dict(source))
    except ValidationError as exc:
        for err in exc.errors():
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, InfracastError):
                raise cause from None
        raise ConfigError(
            problems_message("the cash-flow source", [_describe(e) for e in exc.errors()]),
            hint="A source has cashflows, project_spec or from_ledger with project, and "
            "optionally revenue, finance_spec, currency, start, end, filters and "
            "indirect_categories (docs/finance.md).",
        ) from None


def _describe(err: ErrorDetails) -> str:
    loc = err["loc"][:-1] if err["type"] == "extra_forbidden" else err["loc"]
    said = problem(err, CashflowSource.model_fields)
    return f"{'.'.join(str(p) for p in loc)}: {said}" if loc else said


@dataclass(frozen=True)
class SourceFlows:
    """What a source gives: fixed cash flows and/or a project spec to budget (sensitivity
    and simulate budget the spec again for each set of inputs)."""

    cashflows: CashFlows | None
    project_spec: dict[str, Any] | None

    def flows(self) -> CashFlows:
        """The cash flows: the spec's budget by month plus the fixed flows, or those alone."""
        if self.project_spec is None:
            assert self.cashflows is not None  # a checked source gives one or the other
            return self.cashflows
        return finance.project_cashflows(self.project_spec, revenue=self.cashflows)


def read_source(
    source: CashflowSource | Mapping[str, Any], *, ledger: LedgerLike = None
) -> SourceFlows:
    """Read the files and the ledger a source names. ``ledger``: an open
    :class:`~infracast.ledger.connection.Ledger`, or the path of one (None: the default
    ledger), opened read-only when the source reads the ledger."""
    src = cashflow_source(source)
    base: CashFlows | None = None
    if src.cashflows is not None:
        base = _csv(src.cashflows, "--cashflows", src.currency)
    elif src.from_ledger:
        base = _ledger_flows(src, ledger)
    if src.revenue is not None:
        extra = _csv(src.revenue, "--revenue", src.currency)
        base = extra if base is None else finance.combine(base, extra)
    spec = None
    if src.project_spec is not None:
        # numbers stay numbers: sensitivity and simulate vary them by path in their own type
        spec = read_yaml(src.project_spec, what="--project-spec", numbers_as_text=False)
    if src.finance_spec is not None:
        streams = read_yaml(src.finance_spec, what="--finance-spec")
        over = base or (finance.project_cashflows(spec) if spec is not None else None)
        flows = finance.spec_cashflows(streams, over=over)
        base = flows if base is None else finance.combine(base, flows)
    return SourceFlows(base, spec)


def read_risk(risk: RiskSpec | Mapping[str, Any] | str | Path | None) -> RiskSpec:
    """A risk spec given as a model, a mapping or the path of a YAML file (None: empty)."""
    if risk is None:
        return RiskSpec()
    if isinstance(risk, str | Path):
        data = read_yaml(risk, what="--risk")
        return finance.risk_spec(data, where=f"--risk: {risk}")
    return finance.risk_spec(risk)


def _csv(path: Path, what: str, currency: str | None) -> CashFlows:
    return finance.parse_cashflows_csv(
        read_text(path, what=what), currency=currency, source=str(path)
    )


def _ledger_flows(src: CashflowSource, ledger: LedgerLike) -> CashFlows:
    assert src.project is not None  # checked with the source
    lo, hi = parse_range(src.start, src.end, names=PERIOD_FLAGS)

    def read(led: Ledger) -> CashFlows:
        return ledger_cashflows(
            led,
            str(src.project),
            start=lo,
            end=hi,
            filters=src.filters,
            indirect_categories=src.indirect_categories,
        )

    if isinstance(ledger, Ledger):
        return read(ledger)
    with Ledger.open(ledger, read_only=True) as led:
        return read(led)
