"""Options shared by the `infracast finance` commands, built from the library.

The cash-flow source is one option per field of
:class:`~infracast.control.finance_inputs.CashflowSource` (its description is the
help), given to a command as the checked source; the rate, periods per year and
convention are the parameters of :mod:`infracast.control.finance_api`, with its
defaults. The ledger is opened only when the source reads it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel

from infracast import finance
from infracast.cli.common import library_default, open_ledger
from infracast.control.finance_api import finance_metrics, finance_sensitivity
from infracast.control.finance_inputs import CashflowSource, cashflow_source

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger


def field_help(model: type[BaseModel], name: str) -> str:
    """The description of a model's field: the help of the option that sets it."""
    return model.model_fields[name].description or ""


# --- the cash-flow source: one option per CashflowSource field ------------------------

_FLAGS = {"project": ("--project", "-p"), "start": ("--from",), "end": ("--to",)}
_FLAGS["filters"] = ("--filter", "-F")
_TYPES: dict[str, Any] = {"indirect_categories": str | None}  # one value: support,facilities


def _source_options() -> list[inspect.Parameter]:
    params = []
    for name, field in CashflowSource.model_fields.items():
        kind: Any = _TYPES.get(name, field.annotation)
        flags = _FLAGS.get(name, (f"--{name.replace('_', '-')}",))
        option = typer.Option(*flags, help=field.description)
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=False if kind is bool else None,
                annotation=Annotated[kind if kind is bool else kind | None, option],
            )
        )
    return params


def with_source(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with its ``source`` parameter given as one option per field of
    :class:`CashflowSource`; the command receives the checked source."""
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        if param.name == "source":
            params.extend(_source_options())
        else:
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    @functools.wraps(command)
    def run(**options: Any) -> None:
        given = {name: options.pop(name) for name in CashflowSource.model_fields}
        source = cashflow_source({k: v for k, v in given.items() if v is not None})
        command(source=source, **options)

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


def source_ledger(
    source: CashflowSource, path: Path | None
) -> AbstractContextManager[Ledger | None]:
    """The ledger, read-only, when the source reads it (nothing opened otherwise)."""
    return open_ledger(path, read_only=True) if source.from_ledger else nullcontext()


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
ConventionOption = Annotated[
    finance.Convention,
    typer.Option(
        "--convention",
        help="t0_undiscounted: the first flow is now; end_of_period: every flow is discounted "
        "one more period (the spreadsheet NPV).",
    ),
]
# the library's defaults, which the command line shows and uses
CONVENTION = library_default(finance_metrics, "convention")
PCT = library_default(finance_sensitivity, "pct")
SORT_BY = library_default(finance_sensitivity, "sort_by")
CHART_OF = library_default(finance.simulation_chart, "of")
