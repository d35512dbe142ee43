"""Costs, GPU efficiency, showback, movers, utilization, savings and commitments: the
analytics commands over HTTP, each answering what its command prints with ``--format json``.
A user scoped to a team sees its team's rows only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast import analytics
from infracast.analytics.utilization import (
    DEFAULT_DAYS,
    DEFAULT_IDLE_THRESHOLD,
    resource_utilization,
)
from infracast.server.api.params import FilterQuery, FromQuery, ToQuery
from infracast.server.app import LedgerDep, UserDep, with_scope
from infracast.server.errors import ROWS, json_response, record

router = APIRouter()


@router.get("/costs", tags=["costs"], responses=ROWS)
def costs(
    user: UserDep,
    ledger: LedgerDep,
    by: Annotated[str, Query(description="Dimensions, comma-separated: team,month")] = "",
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    metric: Literal["effective", "billed"] = "effective",
    top: Annotated[int | None, Query(ge=1)] = None,
    with_carbon: bool = False,
) -> Response:
    """`infracast costs`: cost totals and breakdowns by any dimension (a scoped user: its
    team's rows only)."""
    rows = analytics.costs(
        ledger, by=by, start=start, end=end, filters=with_scope(user, filters),
        metric=metric, top=top, with_carbon=with_carbon,
    )  # fmt: skip
    return json_response(rows)


@router.get("/gpu", tags=["costs"], responses=ROWS)
def gpu(
    user: UserDep,
    ledger: LedgerDep,
    by: Annotated[str, Query(description="Dimensions, comma-separated.")] = "gpu_type",
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    basis: Literal["effective", "billed"] = "effective",
) -> Response:
    """`infracast gpu`: GPU-hours, utilization, cost per useful GPU-hour and idle cost."""
    rows = analytics.gpu_efficiency(
        ledger, by=by, start=start, end=end, filters=with_scope(user, filters), basis=basis
    )
    return json_response(rows)


@router.get("/showback", tags=["costs"], responses=record("rows", "totals", "notes"))
def showback(
    user: UserDep,
    ledger: LedgerDep,
    start: FromQuery = None,
    end: ToQuery = None,
    split: Literal["proportional", "even"] = "proportional",
    filters: FilterQuery = None,
    basis: Literal["effective", "billed"] = "effective",
) -> Response:
    """`infracast showback`: each team's direct cost, GPU time held and share of shared cost
    (a scoped user: its own line, the shares computed over every team)."""
    result = analytics.showback(
        ledger, start=start, end=end, split=split, filters=filters or [], basis=basis
    )
    return json_response(result if user.team is None else result.for_team(user.team))


@router.get("/movers", tags=["costs"], responses=record("grain", "metric", "rows"))
def movers(
    user: UserDep,
    ledger: LedgerDep,
    by: Annotated[str, Query(description="Dimensions, comma-separated.")] = "service",
    grain: Literal["day", "week", "month"] = "month",
    period: Annotated[str | None, Query(description="A date inside the period.")] = None,
    filters: FilterQuery = None,
    metric: Literal["effective", "billed"] = "effective",
    top: Annotated[int, Query(ge=1)] = 10,
) -> Response:
    """`infracast movers`: what changed most from one period to the one before it."""
    result = analytics.top_movers(
        ledger, by=by, grain=grain, period=period, n=top,
        filters=with_scope(user, filters), metric=metric,
    )  # fmt: skip
    return json_response(result)


@router.get("/utilization", tags=["costs"], responses=record("resources"))
def utilization(
    user: UserDep,
    ledger: LedgerDep,
    resource: Annotated[list[str] | None, Query(description="Only these; repeat.")] = None,
    start: FromQuery = None,
    end: ToQuery = None,
    idle_threshold: Annotated[float, Query(gt=0, le=1)] = DEFAULT_IDLE_THRESHOLD,
    days: Annotated[float, Query(gt=0)] = DEFAULT_DAYS,
) -> Response:
    """`infracast utilization`: GPU utilization per resource (a scoped user: its team's)."""
    result = resource_utilization(
        ledger, start=start, end=end, idle_threshold=idle_threshold, days=days,
        resources=resource or (), team=user.team,
    )  # fmt: skip
    return json_response(result.to_dict())


@router.get("/savings", tags=["costs"], responses=ROWS)
def savings(
    user: UserDep,
    ledger: LedgerDep,
    by: Annotated[str, Query(description="Dimensions, comma-separated.")] = "",
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
) -> Response:
    """`infracast savings`: what commitments, negotiated prices and credits saved."""
    rows = analytics.savings(ledger, by=by, start=start, end=end, filters=with_scope(user, filters))
    return json_response(rows)


@router.get("/commitments", tags=["costs"], responses=record("commitments", "coverage", "notes"))
def commitments(
    user: UserDep,
    ledger: LedgerDep,
    start: FromQuery = None,
    end: ToQuery = None,
    filters: FilterQuery = None,
    coverage: Literal["service", "provider"] = "service",
) -> Response:
    """`infracast commitments`: each commitment's utilization, and coverage."""
    result = analytics.commitment_utilization(
        ledger, start=start, end=end, filters=with_scope(user, filters), coverage=coverage
    )
    return json_response(result.to_dict())
