"""Estimates over HTTP: POST the spec (the same Pydantic model as the ``--spec`` YAML file),
get the estimate the command prints with ``--format json``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from infracast import estimate as est
from infracast.catalog import PriceSelection
from infracast.estimate import FinetuneSpec, InferenceSpec, TrainingSpec
from infracast.server.api.params import PricingQuery, ProviderQuery
from infracast.server.app import UserDep
from infracast.server.errors import json_response, record

router = APIRouter()
ESTIMATE = record("accelerator", "assumptions")


@router.post("/estimates/training", tags=["estimates"], responses=ESTIMATE)
def estimate_training(
    user: UserDep, spec: TrainingSpec, provider: ProviderQuery = None, pricing: PricingQuery = None
) -> Response:
    """`infracast estimate training`: POST the spec (the same fields as --spec YAML), get
    the estimate with its assumptions and price lines."""
    selection = PriceSelection.of(provider=provider, pricing=pricing)
    return json_response(est.training(spec, selection=selection).to_json())


@router.post("/estimates/finetune", tags=["estimates"], responses=ESTIMATE)
def estimate_finetune(
    user: UserDep, spec: FinetuneSpec, provider: ProviderQuery = None, pricing: PricingQuery = None
) -> Response:
    """`infracast estimate finetune`: POST the spec, get the estimate."""
    selection = PriceSelection.of(provider=provider, pricing=pricing)
    return json_response(est.finetune(spec, selection=selection).to_json())


@router.post("/estimates/inference", tags=["estimates"], responses=ESTIMATE)
def estimate_inference(
    user: UserDep, spec: InferenceSpec, provider: ProviderQuery = None, pricing: PricingQuery = None
) -> Response:
    """`infracast estimate inference`: POST the spec, get the serving estimate."""
    selection = PriceSelection.of(provider=provider, pricing=pricing)
    return json_response(est.inference(spec, selection=selection).to_json())
