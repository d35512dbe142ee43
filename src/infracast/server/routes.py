"""The routes of ``/api/v1``: each a few lines over the library function its CLI command
calls, answering exactly what the command prints with ``--format json``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from infracast import analytics
from infracast import estimate as est
from infracast.analytics.utilization import (
    DEFAULT_DAYS,
    DEFAULT_IDLE_THRESHOLD,
    resource_utilization,
)
from infracast.catalog import PriceSelection, PricingModel
from infracast.cli.common import library_default
from infracast.control import (
    budget_alerts,
    budget_status,
    compare_plans,
    list_budgets,
    list_plans,
    list_projects,
    project_status,
)
from infracast.control.plans.compare import DIMENSIONS as PLAN_DIMENSIONS
from infracast.control.users import ForbiddenError
from infracast.estimate import FinetuneSpec, InferenceSpec, TrainingSpec
from infracast.ledger.connection import Ledger
from infracast.ledger.quarantine import list_quarantine
from infracast.ledger.records import ingests as ingests_
from infracast.recommend import accept as accept_rec
from infracast.recommend import dismiss as dismiss_rec
from infracast.recommend import recommend
from infracast.recommend.status import stored
from infracast.server.app import LedgerDep, Principal, UserDep, require, unscoped, with_scope
from infracast.server.errors import json_response

router = APIRouter()

FromQuery = Annotated[
    str | None, Query(alias="from", description="Start, inclusive (YYYY-MM-DD or ISO time, UTC).")
]
ToQuery = Annotated[
    str | None, Query(alias="to", description="End, exclusive (YYYY-MM-DD or ISO time, UTC).")
]
FilterQuery = Annotated[
    list[str] | None, Query(alias="filter", description="DIMENSION=VALUE[,VALUE...]; repeat.")
]


@router.get("/health", tags=["server"])
def health(user: UserDep) -> Response:
    """The server answers, and as whom."""
    return json_response({"status": "ok", "user": user.name, "role": user.role,
                          "team": user.team})  # fmt: skip


@router.get("/costs", tags=["costs"])
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


@router.get("/gpu", tags=["costs"])
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


@router.get("/showback", tags=["costs"])
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


@router.get("/movers", tags=["costs"])
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


@router.get("/utilization", tags=["costs"])
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


@router.get("/savings", tags=["costs"])
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


@router.get("/commitments", tags=["costs"])
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


@router.get("/recommendations", tags=["recommendations"])
def recommendations(
    user: UserDep,
    ledger: LedgerDep,
    kind: str | None = None,
    team: str | None = None,
    min_savings: Annotated[float | None, Query(ge=0)] = None,
    status: str = "active",
) -> Response:
    """`infracast recommend --stored`: the stored recommendations, ranked by monthly savings
    (a scoped user: its team's only). Running the rules is a write: `POST` (to come)."""
    if user.team is not None:
        team = user.team
    found = recommend(ledger, kind=kind, team=team, min_savings=min_savings, status=status,
                      refresh=False)  # fmt: skip
    return json_response([r.to_dict() for r in found])


@router.get("/budgets", tags=["budgets"])
def budgets(user: UserDep, ledger: LedgerDep) -> Response:
    """`infracast budget list`: every budget with its scope, period and thresholds (every
    team's budgets: not for a user scoped to one team)."""
    unscoped(user, "the budget list")
    return json_response([b.to_dict() for b in list_budgets(ledger)])


@router.get("/budgets/status", tags=["budgets"])
def budgets_status(
    user: UserDep,
    ledger: LedgerDep,
    name: str | None = None,
    as_of: Annotated[str | None, Query(description="Count spend before this instant.")] = None,
    method: Literal["forecast", "run_rate"] = "forecast",
) -> Response:
    """`infracast budget status --no-notify`: actual and forecast spend of each budget, its
    variance and status; alerts crossed are raised (stored once), never posted from here."""
    unscoped(user, "the budget status")
    found = budget_status(ledger, name, as_of=as_of, notify=False, method=method)
    return json_response([s.to_dict() for s in found])


@router.get("/budgets/alerts", tags=["budgets"])
def budgets_alerts(
    user: UserDep, ledger: LedgerDep, budget: str | None = None, undelivered: bool = False
) -> Response:
    """`infracast budget alerts`: the alerts raised, oldest first."""
    unscoped(user, "the budget alerts")
    result = budget_alerts(ledger, budget, undelivered=undelivered)
    return json_response([a.to_dict() for a in result.alerts])


@router.get("/projects", tags=["projects"])
def projects(user: UserDep, ledger: LedgerDep) -> Response:
    """`infracast project list`: every project with its tasks' budget (unscoped users)."""
    unscoped(user, "the project list")
    return json_response([p.to_dict() for p in list_projects(ledger)])


@router.get("/projects/{name}/status", tags=["projects"])
def project_status_route(
    user: UserDep,
    ledger: LedgerDep,
    name: str,
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD, UTC.")] = None,
    by: Literal["month", "week"] = "month",
) -> Response:
    """`infracast project status NAME`: earned value, its tasks and S-curve series (unscoped
    users)."""
    unscoped(user, "project status")
    return json_response(project_status(ledger, name, as_of, by=by).to_dict())


@router.get("/plans", tags=["projects"])
def plans(
    user: UserDep,
    ledger: LedgerDep,
    project: str | None = None,
    status: Literal["active", "finished"] | None = None,
) -> Response:
    """`infracast plan list`: the saved plans (unscoped users)."""
    unscoped(user, "the plan list")
    return json_response([p.summary() for p in list_plans(ledger, project=project, status=status)])


@router.get("/plans/compare", tags=["projects"])
def plans_compare(
    user: UserDep,
    ledger: LedgerDep,
    name: str | None = None,
    project: str | None = None,
    by: str = ",".join(PLAN_DIMENSIONS),
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD, UTC.")] = None,
) -> Response:
    """`infracast plan compare [NAME]`: planned against actual (unscoped users)."""
    unscoped(user, "plans against actual")
    result = compare_plans(ledger, name, project=project, by=by, as_of=as_of)
    return json_response(result.to_dict())


@router.get("/ingests", tags=["data"])
def ingests(
    user: UserDep,
    ledger: LedgerDep,
    limit: Annotated[int, Query(ge=1)] = library_default(ingests_, "limit"),
) -> Response:
    """`infracast ingests`: the ingest log, newest first (every team's files: not for a
    user scoped to one team)."""
    unscoped(user, "the ingest log")
    return json_response(ingests_(ledger, limit=limit))


@router.get("/quarantine", tags=["data"])
def quarantine(
    user: UserDep,
    ledger: LedgerDep,
    ingest: int | None = None,
    reason: str | None = None,
    rows: bool = False,
    limit: Annotated[int, Query(ge=1)] = library_default(list_quarantine, "limit"),
) -> Response:
    """`infracast quarantine list`: quarantined rows by ingest and reason, or row by row
    (every team's rows: not for a user scoped to one team)."""
    unscoped(user, "the quarantine")
    return json_response(
        list_quarantine(ledger, ingest_id=ingest, reason=reason, rows=rows, limit=limit)
    )


ProviderQuery = Annotated[str | None, Query(description="Price on this provider only.")]
PricingQuery = Annotated[PricingModel | None, Query(description="on_demand, spot, ...")]


@router.post("/estimates/training", tags=["estimates"])
def estimate_training(
    user: UserDep, spec: TrainingSpec, provider: ProviderQuery = None, pricing: PricingQuery = None
) -> Response:
    """`infracast estimate training`: POST the spec (the same fields as --spec YAML), get
    the estimate with its assumptions and price lines."""
    selection = PriceSelection.of(provider=provider, pricing=pricing)
    return json_response(est.training(spec, selection=selection).to_json())


@router.post("/estimates/finetune", tags=["estimates"])
def estimate_finetune(
    user: UserDep, spec: FinetuneSpec, provider: ProviderQuery = None, pricing: PricingQuery = None
) -> Response:
    """`infracast estimate finetune`: POST the spec, get the estimate."""
    selection = PriceSelection.of(provider=provider, pricing=pricing)
    return json_response(est.finetune(spec, selection=selection).to_json())


@router.post("/estimates/inference", tags=["estimates"])
def estimate_inference(
    user: UserDep, spec: InferenceSpec, provider: ProviderQuery = None, pricing: PricingQuery = None
) -> Response:
    """`infracast estimate inference`: POST the spec, get the serving estimate."""
    selection = PriceSelection.of(provider=provider, pricing=pricing)
    return json_response(est.inference(spec, selection=selection).to_json())


@router.post("/recommendations/refresh", tags=["recommendations"])
def recommendations_refresh(user: UserDep, ledger: LedgerDep) -> Response:
    """`infracast recommend`: run the rules, store what they find, list it ranked (editors
    and admins; a scoped user: its team's findings)."""
    require(user, "write")
    found = recommend(ledger, team=user.team)
    return json_response([r.to_dict() for r in found])


@router.post("/recommendations/{rec_id}/accept", tags=["recommendations"])
def recommendation_accept(
    user: UserDep,
    ledger: LedgerDep,
    rec_id: str,
    effective: Annotated[date | None, Query(description="When the change took effect.")] = None,
    note: str | None = None,
) -> Response:
    """`infracast recommend accept ID`: its savings are then measured from the ledger."""
    _may_change(user, ledger, rec_id)
    return json_response(accept_rec(ledger, rec_id, effective=effective, note=note).to_dict())


@router.post("/recommendations/{rec_id}/dismiss", tags=["recommendations"])
def recommendation_dismiss(
    user: UserDep, ledger: LedgerDep, rec_id: str, note: str | None = None
) -> Response:
    """`infracast recommend dismiss ID`: later runs keep it dismissed."""
    _may_change(user, ledger, rec_id)
    return json_response(dismiss_rec(ledger, rec_id, note=note).to_dict())


def _may_change(user: Principal, ledger: Ledger, rec_id: str) -> None:
    """An editor or admin, and for a scoped user a recommendation of its own team."""
    require(user, "write")
    if user.team is not None and stored(ledger, rec_id)["team"] != user.team:
        raise ForbiddenError(
            f"recommendation {rec_id} is not {user.team}'s",
            hint="a scoped user changes its own team's recommendations only",
        )
