"""The public estimate functions: look up the accelerator and its prices, then estimate.

``training(params="70B", tokens="2T", accelerator="H100")`` takes the fields
of :class:`TrainingSpec` as keywords (or a spec), resolves the accelerator in
the catalog and its price options in the price book (the packaged one, or
the book and negotiated overrides named in the settings), and calls the pure
estimator. ``prices=`` passes price options instead of the price book.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from infracast.catalog import accelerator as catalog_accelerator
from infracast.catalog import price_book, server_prices
from infracast.catalog.models import PriceOption, ServerPrice
from infracast.errors import EstimateError, did_you_mean
from infracast.estimate.build_vs_buy import BuildVsBuy
from infracast.estimate.build_vs_buy import build_vs_buy as compare_build_vs_buy
from infracast.estimate.defaults import load_defaults
from infracast.estimate.finetune import FinetuneEstimate, FinetuneSpec, estimate_finetune
from infracast.estimate.inference import InferenceEstimate, InferenceSpec, estimate_inference
from infracast.estimate.ownership import OwnedFleet
from infracast.estimate.pricing import PriceLine
from infracast.estimate.project import ProjectBudget, WorkloadCost, budget
from infracast.estimate.project_spec import ProjectSpec, WorkloadSpec, validate_project
from infracast.estimate.training import TrainingEstimate, TrainingSpec, estimate_training
from infracast.settings import load_settings
from infracast.validation import problem

SpecT = TypeVar("SpecT", bound=BaseModel)


def parse_spec(
    model: type[SpecT], spec: BaseModel | dict[str, Any] | None, fields: dict[str, Any]
) -> SpecT:
    """``spec`` or the keyword fields as a ``model``; validation errors become an EstimateError."""
    if isinstance(spec, BaseModel):
        if isinstance(spec, model) and not fields:
            return spec
        base: dict[str, Any] = spec.model_dump(exclude_unset=True)
    else:
        base = dict(spec or {})
    data = {**base, **fields}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            said = problem(err, model.model_fields)
            if err["type"] == "extra_forbidden":
                problems.append(said.rstrip("."))
                continue
            where = ".".join(str(p) for p in err["loc"]) or "spec"
            problems.append(f"{where}: {said}")
        raise EstimateError(
            f"invalid {model.__name__} ({'; '.join(problems)}).",
            hint="docs/estimate.md lists every field; counts accept 70e9, 70B, 1.5T.",
        ) from exc


def price_options(accelerator_name: str) -> list[PriceOption]:
    """The cheapest option per provider and pricing model from the configured price book."""
    settings = load_settings()
    book = price_book(settings.price_book, overrides=settings.price_overrides)
    return book.best_options(accelerator_name)


def training(
    spec: TrainingSpec | dict[str, Any] | None = None,
    /,
    *,
    prices: Sequence[PriceOption] | None = None,
    **fields: Any,
) -> TrainingEstimate:
    """Estimate a training run, e.g. ``training(params="7B", tokens="2T", accelerator="H100")``."""
    parsed = parse_spec(TrainingSpec, spec, fields)
    part = catalog_accelerator(parsed.accelerator)
    options = list(prices) if prices is not None else price_options(part.name)
    return estimate_training(parsed, part, options, load_defaults())


def finetune(
    spec: FinetuneSpec | dict[str, Any] | None = None,
    /,
    *,
    prices: Sequence[PriceOption] | None = None,
    **fields: Any,
) -> FinetuneEstimate:
    """Estimate a fine-tune, e.g. ``finetune(method="qlora", params="70B", tokens="100M", …)``."""
    parsed = parse_spec(FinetuneSpec, spec, fields)
    part = catalog_accelerator(parsed.accelerator)
    options = list(prices) if prices is not None else price_options(part.name)
    return estimate_finetune(parsed, part, options, load_defaults())


def inference(
    spec: InferenceSpec | dict[str, Any] | None = None,
    /,
    *,
    prices: Sequence[PriceOption] | None = None,
    **fields: Any,
) -> InferenceEstimate:
    """Estimate serving, e.g. ``inference(params="8B", accelerator="H100", input_tokens=1000,
    output_tokens=200, requests_per_second=5)``."""
    parsed = parse_spec(InferenceSpec, spec, fields)
    part = catalog_accelerator(parsed.accelerator)
    options = list(prices) if prices is not None else price_options(part.name)
    return estimate_inference(parsed, part, options, load_defaults())


# --- project budgets and build vs buy ------------------------------------------------


def project(
    spec: ProjectSpec | Mapping[str, Any], *, prices: Sequence[PriceOption] | None = None
) -> ProjectBudget:
    """Budget a project spec (a dict as read from its YAML, or a ProjectSpec).

    Training, fine-tuning and inference workloads are priced by the estimators
    above: each workload's params may also say ``provider``, ``region`` and
    ``pricing_model`` (default on_demand) to choose the price; the cheapest
    matching price option in the project's currency is used, and named, with
    its source and date, in the workload's assumptions. Rented capacity
    includes its energy, so no separate energy cost is added for it.
    """
    parsed = validate_project(spec)
    currency = parsed.currency

    def cost_workload(workload: WorkloadSpec) -> WorkloadCost:
        params = dict(workload.params)
        want = {
            "provider": params.pop("provider", None),
            "region": params.pop("region", None),
            "pricing_model": params.pop("pricing_model", "on_demand"),
        }
        where = f"workload {workload.name!r}"
        if workload.kind == "inference":
            served = inference(params, prices=prices)
            months = workload.duration_months or 1
            hours = served.accelerator_hours_per_month * months
            serving = _pick(served.cost, want, currency, where)
            total = serving.monthly_cost * months
            price = serving.price
            notes = [f"{a.name} = {a.value} ({a.source})" for a in served.assumptions]
        else:
            run = training(params, prices=prices) if workload.kind == "training" else None
            tuned = finetune(params, prices=prices) if workload.kind == "fine_tuning" else None
            estimate = run or tuned
            assert estimate is not None
            hours = estimate.accelerator_hours
            line = _pick(estimate.cost, want, currency, where)
            total, price = line.total, line.price
            notes = [f"{a.name} = {a.value} ({a.source})" for a in estimate.assumptions]
        source = (
            f"{price.provider} {price.region or ''} {price.instance_type or ''} "
            f"{price.pricing_model} at {price.price_per_accelerator_hour} "
            f"{price.currency}/accelerator-hour ({price.source})"
        )
        return WorkloadCost(
            compute_cost=total,
            currency=currency,
            accelerator_hours=hours,
            price_source=" ".join(source.split()),
            price_as_of=price.as_of,
            assumptions=tuple(notes),
        )

    return budget(parsed, cost_workload=cost_workload)


class _Priced(Protocol):
    @property
    def price(self) -> PriceLine: ...


PricedT = TypeVar("PricedT", bound=_Priced)


def _pick(lines: Sequence[PricedT], want: dict[str, Any], currency: str, where: str) -> PricedT:
    """The cheapest cost line matching the wanted provider, region and pricing model."""
    matching = [
        line
        for line in lines
        if line.price.currency == currency
        and line.price.pricing_model == want["pricing_model"]
        and (want["provider"] is None or line.price.provider.lower() == want["provider"].lower())
        and (want["region"] is None or line.price.region == want["region"])
    ]
    if not matching:
        offered = sorted({f"{x.price.provider} {x.price.pricing_model}" for x in lines})
        raise EstimateError(
            f"{where}: no {want['pricing_model']} price in {currency}"
            + (f" from {want['provider']}" if want["provider"] else "")
            + (f" in {want['region']}" if want["region"] else "")
            + f"; the price book offers: {', '.join(offered) or 'nothing for this accelerator'}.",
            hint="Set provider / pricing_model in the workload's params, or add a negotiated "
            "price (price_overrides setting).",
        )
    return min(matching, key=_line_total)


def _line_total(line: _Priced) -> Decimal:
    return line.price.price_per_accelerator_hour


def build_vs_buy(
    fleet: OwnedFleet | None = None,
    rentals: Sequence[PriceOption] | None = None,
    *,
    server: str | None = None,
    servers: int = 1,
    **overrides: Any,
) -> BuildVsBuy:
    """Own GPUs or rent them: cost per useful GPU-hour and break-even utilization.

    Without ``fleet``, the fleet is ``servers`` of the catalog server named
    ``server`` (``infracast catalog servers``), with ``overrides`` for any
    ownership input (utilization, pue, energy_price, life_years…). Without
    ``rentals``, the cheapest price per provider and pricing model for the
    server's accelerator comes from the price book.
    """
    if fleet is None:
        if server is None:
            raise EstimateError(
                "build vs buy needs a fleet: name a server (or pass an OwnedFleet).",
                hint="List the servers with: infracast catalog servers",
            )
        chosen = _server(server)
        fleet = OwnedFleet.from_server(chosen, servers=servers, **overrides)
    if rentals is None:
        if fleet.accelerator is None:
            raise EstimateError(
                "the fleet names no accelerator, so no rental prices can be looked up.",
                hint="Set the fleet's accelerator, or pass the rental price options.",
            )
        rentals = price_options(catalog_accelerator(fleet.accelerator).name)
    return compare_build_vs_buy(fleet, rentals)


def _server(name: str) -> ServerPrice:
    """The catalog server named ``name``: exactly, or the only one whose name starts so."""
    known = server_prices()
    wanted = name.strip().lower()
    exact = [s for s in known if s.name.lower() == wanted]
    starting = [s for s in known if s.name.lower().startswith(wanted)]
    if exact or len(starting) == 1:
        return (exact or starting)[0]
    names = [s.name for s in known]
    if len(starting) > 1:
        raise EstimateError(
            f"{name!r} names several servers: {', '.join(s.name for s in starting)}.",
            hint="Give the full name (infracast catalog servers).",
        )
    raise EstimateError(
        f"no server named {name!r} in the catalog." + did_you_mean(name, names),
        hint="List the servers with: infracast catalog servers",
    )
