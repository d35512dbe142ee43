"""Where and how to buy compute over HTTP: the resource LP and allocation under scarcity
(POST the rows of their input file as JSON), and placement, commitments and allocation
over the ledger (GET), each answering what its ``infracast optimize`` command prints
with ``--format json``.

A POSTed body holds the rows of the command's file under the file's own YAML keys
(``resources``, ``projects``, ``budget``; ``teams``), each row the same Pydantic model
the file's rows are read as and the same pure function solves. The ledger's workloads,
GPU demand and commitments are the organisation's, so the GET routes are not for a user
scoped to a team (403). Inputs that are files on the server (the price book's
``--prices``/``--overrides``, a workloads, offers, caps, demand or trace file) are the
CLI's. Every solve is bounded: ``time_limit`` (placement) or :data:`MAX_SOLVE_SECONDS`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from infracast.catalog import PricingModel
from infracast.cli.common import library_default
from infracast.control.optimizing import allocate as allocate_ledger
from infracast.control.optimizing import commitments as plan_commitments
from infracast.control.optimizing import placement as place
from infracast.optimize.allocation import TeamDemand
from infracast.optimize.allocation import allocate as allocate_teams
from infracast.optimize.resource_lp import Project, Resource
from infracast.optimize.resource_lp import resources as solve_resources
from infracast.server.api.params import FromQuery, ToQuery
from infracast.server.app import LedgerDep, UserDep, unscoped
from infracast.server.errors import json_response

router = APIRouter()

# The longest a request's solver may run, and the most periods it may plan.
MAX_SOLVE_SECONDS = library_default(place, "time_limit")
MAX_HORIZON = 1000


class ResourceFile(BaseModel):
    """The resource file's content: ``resources`` and, for the portfolio form,
    ``projects`` and ``budget`` (the keys of the YAML file)."""

    model_config = ConfigDict(extra="forbid")

    resources: list[Resource] = Field(description="name, unit, unit_cost, demand, …")
    projects: list[Project] | None = Field(default=None, description="The portfolio form.")
    budget: float | None = Field(default=None, description="The most money for resources.")


class TeamsFile(BaseModel):
    """The teams file's content: ``teams``, a list of name, demand and optionally weight,
    priority, value_per_unit, minimum (the key of the YAML file)."""

    model_config = ConfigDict(extra="forbid")

    teams: list[TeamDemand]


CapacityQuery = Annotated[float, Query(description="What there is to share (GPUs, GPU-hours…).")]
PolicyQuery = Annotated[
    str, Query(description="proportional, priority, value or max_min (max-min fair).")
]
POLICY = library_default(allocate_ledger, "policy")


@router.post("/optimize/resources", tags=["optimize"])
def resources(
    user: UserDep,
    spec: ResourceFile,
    budget: Annotated[
        float | None, Query(description="The most money to spend (the body's: otherwise).")
    ] = None,
) -> Response:
    """`infracast optimize resources FILE`: POST the file's rows; the least-cost purchase
    of each resource's demand, or with projects and a budget the portfolio form."""
    result = solve_resources(
        spec.resources,
        projects=spec.projects,
        budget=budget if budget is not None else spec.budget,
        time_limit=MAX_SOLVE_SECONDS,
    )
    return json_response(result.to_dict())


@router.post("/optimize/allocate", tags=["optimize"])
def allocate_file(
    user: UserDep, body: TeamsFile, capacity: CapacityQuery, policy: PolicyQuery = POLICY
) -> Response:
    """`infracast optimize allocate FILE --capacity C`: POST the teams' rows; the capacity
    shared by the policy, with each team's unmet demand and Jain's fairness index."""
    return json_response(allocate_teams(body.teams, capacity, policy).to_dict())


@router.get("/optimize/allocate", tags=["optimize"])
def allocate(
    user: UserDep,
    ledger: LedgerDep,
    capacity: CapacityQuery,
    policy: PolicyQuery = POLICY,
    freq: Annotated[str, Query(description="The period forecast: MS (a month), W or D.")] = (
        library_default(allocate_ledger, "freq")
    ),
) -> Response:
    """`infracast optimize allocate --capacity C`: the capacity (GPU-hours of the next
    period) shared among the teams by their GPU-hours forecast (every team's demand: not
    for a scoped user)."""
    unscoped(user, "allocation among the teams")
    return json_response(
        allocate_ledger(None, capacity=capacity, policy=policy, ledger=ledger, freq=freq).to_dict()
    )


@router.get("/optimize/placement", tags=["optimize"])
def placement(
    user: UserDep,
    ledger: LedgerDep,
    provider: Annotated[str | None, Query(description="Price on this provider only.")] = None,
    region: Annotated[str | None, Query(description="Price in this region only.")] = None,
    pricing: Annotated[PricingModel | None, Query(description="on_demand, spot, …")] = None,
    month: Annotated[
        str | None, Query(description="The ledger's month, YYYY-MM (default: the last complete).")
    ] = None,
    move_to: Annotated[str, Query(description="used, same or any.")] = (
        library_default(place, "move_to")
    ),
    egress_per_gb: Annotated[float, Query(ge=0, description="Price of a GB moved out.")] = (
        library_default(place, "egress_per_gb")
    ),
    time_limit: Annotated[
        float, Query(ge=0.01, le=MAX_SOLVE_SECONDS, description="Seconds the solver may take.")
    ] = MAX_SOLVE_SECONDS,
    carbon_price: Annotated[
        float | None, Query(ge=0, description="Price of a tonne of CO2e.")
    ] = None,
) -> Response:
    """`infracast optimize placement`: the ledger's GPU workloads of a month on the cheapest
    offers of the price book, its unused commitments first, against what they cost (the
    organisation's workloads: not for a scoped user). Infeasible: the error, with
    ``status: infeasible`` and ``inputs_hash``."""
    unscoped(user, "placement of the ledger's workloads")
    result = place(
        ledger=ledger, provider=provider, region=region,
        pricing=pricing.value if pricing is not None else None, month=month, move_to=move_to,
        egress_per_gb=egress_per_gb, time_limit=time_limit, carbon_price_per_tonne=carbon_price,
    )  # fmt: skip
    return json_response(result.to_dict())


@router.get("/optimize/commitments", tags=["optimize"])
def commitments(
    user: UserDep,
    ledger: LedgerDep,
    accelerator: Annotated[str | None, Query(description="The GPU to plan: H100, A100…")] = None,
    horizon: Annotated[
        int, Query(ge=1, le=MAX_HORIZON, description="Periods to forecast (at most 1000).")
    ] = library_default(plan_commitments, "horizon"),
    freq: Annotated[str, Query(description="MS (month), W (week) or D (day).")] = (
        library_default(plan_commitments, "freq")
    ),
    on_demand_price: Annotated[float | None, Query(description="Per GPU-hour.")] = None,
    price_1y: Annotated[float | None, Query(description="Per GPU-hour.")] = None,
    price_3y: Annotated[float | None, Query(description="Per GPU-hour.")] = None,
    spot_price: Annotated[float | None, Query(description="Per GPU-hour.")] = None,
    spot_max_share: Annotated[
        float | None, Query(description="Most of a period's demand spot may serve (0–1).")
    ] = None,
    whole_gpus: Annotated[bool, Query(description="Commit whole GPUs (a MILP).")] = False,
    existing_periods: Annotated[
        int | None, Query(description="Periods the ledger's commitments stay in place.")
    ] = None,
    start: FromQuery = None,
    end: ToQuery = None,
    provider: Annotated[str | None, Query(description="Only this provider's prices.")] = None,
    region: Annotated[str | None, Query(description="Only this region.")] = None,
    currency: Annotated[str, Query(description="Currency of the prices.")] = (
        library_default(plan_commitments, "currency")
    ),
) -> Response:
    """`infracast optimize commitments`: 1- and 3-year commitments against the ledger's
    GPU-hours forecast, with its commitments already in place (the organisation's demand
    and commitments: not for a scoped user)."""
    unscoped(user, "commitment planning over the ledger")
    advice = plan_commitments(
        ledger, accelerator=accelerator, horizon=horizon, freq=freq, provider=provider,
        region=region, on_demand_price=on_demand_price, price_1y=price_1y, price_3y=price_3y,
        spot_price=spot_price, spot_max_share=spot_max_share, whole_units=whole_gpus,
        existing_periods=existing_periods, start=start, end=end, currency=currency,
        time_limit=MAX_SOLVE_SECONDS,
    )  # fmt: skip
    return json_response(advice.to_dict())
