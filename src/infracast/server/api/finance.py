"""ROI, NPV, IRR, payback, sensitivity and Monte Carlo of a ledger project's cash flows over
HTTP, each answering what its ``infracast finance`` command prints with ``--format json``.

The source of costs is the commands' ``--from-ledger --project P`` (the same
:class:`~infracast.control.finance_inputs.CashflowSource`, read by the same functions of
:mod:`infracast.control.finance_api`): a project's actual cost by month, narrowed by
``from``, ``to`` and ``filter``. A user scoped to a team gets its team's charges of the
project only (its team is added to the filters). The file sources (``--cashflows``,
``--project-spec``, ``--revenue``, ``--finance-spec``, ``--risk``) name paths, which the
server does not read for a request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast import finance
from infracast.cli.common import library_default
from infracast.control.finance_api import (
    finance_cashflows,
    finance_metrics,
    finance_sensitivity,
    finance_simulate,
)
from infracast.control.finance_inputs import CashflowSource
from infracast.finance.montecarlo import MAX_SAMPLES
from infracast.server.api.params import FilterQuery, FromQuery, ToQuery
from infracast.server.app import LedgerDep, Principal, UserDep, with_scope
from infracast.server.errors import json_response

router = APIRouter()

ProjectQuery = Annotated[str, Query(description=CashflowSource.model_fields["project"].description)]
IndirectQuery = Annotated[
    str | None,
    Query(description="Cost categories counted as indirect, comma-separated: support,facilities"),
]
RateQuery = Annotated[str, Query(description="Annual discount rate: 0.10 or 10%.")]
PeriodsQuery = Annotated[
    int | None, Query(ge=1, description="Periods a year (default: 12 for months).")
]
ConventionQuery = Annotated[
    finance.Convention, Query(description="t0_undiscounted or end_of_period.")
]
# the defaults of the library functions, which the CLI's options share
CONVENTION = library_default(finance_metrics, "convention")
PCT = library_default(finance_sensitivity, "pct")
SORT_BY = library_default(finance_sensitivity, "sort_by")


def _source(
    user: Principal,
    project: str,
    start: str | None,
    end: str | None,
    filters: list[str] | None,
    indirect_categories: str | None,
) -> dict[str, Any]:
    """The ``--from-ledger --project P`` source, with a scoped user's team in its filters."""
    given = {"start": start, "end": end, "indirect_categories": indirect_categories}
    return {
        "from_ledger": True,
        "project": project,
        "filters": with_scope(user, filters),
        **{k: v for k, v in given.items() if v is not None},
    }


@router.get("/finance/metrics", tags=["finance"])
def metrics(
    user: UserDep,
    ledger: LedgerDep,
    project: ProjectQuery,
    rate: RateQuery,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    indirect_categories: IndirectQuery = None,
    periods_per_year: PeriodsQuery = None,
    convention: ConventionQuery = CONVENTION,
) -> Response:
    """`infracast finance metrics --from-ledger --project P`: NPV, IRR, ROI, benefit-cost
    ratio and payback of the project's cost by month at ``rate``."""
    source = _source(user, project, start, end, filters, indirect_categories)
    result = finance_metrics(
        source, rate=rate, periods_per_year=periods_per_year, convention=convention, ledger=ledger
    )
    return json_response(result.to_json())


@router.get("/finance/cashflows", tags=["finance"])
def cashflows(
    user: UserDep,
    ledger: LedgerDep,
    project: ProjectQuery,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    indirect_categories: IndirectQuery = None,
) -> Response:
    """`infracast finance cashflows --from-ledger --project P`: the project's cash flows,
    period by period."""
    source = _source(user, project, start, end, filters, indirect_categories)
    return json_response(finance_cashflows(source, ledger=ledger).to_json())


@router.get("/finance/sensitivity", tags=["finance"])
def sensitivity(
    user: UserDep,
    ledger: LedgerDep,
    project: ProjectQuery,
    rate: RateQuery,
    inputs: Annotated[
        list[str] | None,
        Query(alias="input", description="An input to vary, NAME or NAME=LOW:HIGH; repeat."),
    ] = None,
    pct: Annotated[float, Query(description="Move each input by ± this percent.")] = PCT,
    sort_by: Annotated[finance.Quantity, Query(description="npv or total_cost.")] = SORT_BY,
    top: Annotated[int | None, Query(ge=1, description="The N largest swings.")] = None,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    indirect_categories: IndirectQuery = None,
    periods_per_year: PeriodsQuery = None,
    convention: ConventionQuery = CONVENTION,
) -> Response:
    """`infracast finance sensitivity --from-ledger --project P`: the swing in total cost
    and NPV of each input moved alone (a tornado)."""
    source = _source(user, project, start, end, filters, indirect_categories)
    result = finance_sensitivity(
        source, rate=rate, inputs=inputs, pct=pct, sort_by=sort_by,
        periods_per_year=periods_per_year, convention=convention, ledger=ledger,
    )  # fmt: skip
    return json_response(result.to_json(top=top))


@router.get("/finance/simulate", tags=["finance"])
def simulate(
    user: UserDep,
    ledger: LedgerDep,
    project: ProjectQuery,
    rate: RateQuery,
    vary: Annotated[
        list[str] | None, Query(description=finance.RiskSpec.model_fields["vary"].description)
    ] = None,
    samples: Annotated[
        int | None,
        Query(ge=1, le=MAX_SAMPLES, description="Default 10,000."),
    ] = None,
    seed: Annotated[int | None, Query(ge=0, description="Random seed (default 0).")] = None,
    budget: Annotated[
        str | None, Query(description="Total-cost budget: P(total cost > budget).")
    ] = None,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    indirect_categories: IndirectQuery = None,
    periods_per_year: PeriodsQuery = None,
    convention: ConventionQuery = CONVENTION,
) -> Response:
    """`infracast finance simulate --from-ledger --project P`: Monte Carlo P10/P50/P90 of
    total cost and NPV, and P(total cost > budget)."""
    source = _source(user, project, start, end, filters, indirect_categories)
    result = finance_simulate(
        source, rate=rate, vary=vary, samples=samples, seed=seed, budget=budget,
        periods_per_year=periods_per_year, convention=convention, ledger=ledger,
    )  # fmt: skip
    return json_response(result.to_json())
