"""The public estimate functions, one per ``infracast estimate`` command.

``training(params="70B", tokens="2T", accelerator="H100")`` takes the fields
of :class:`TrainingSpec` as keywords, or a spec (a model, a mapping, or the
path of a YAML file of fields) with ``sets`` (``KEY=VALUE`` text) laid over it
(:mod:`infracast.estimate._inputs`). It resolves the accelerator in the
catalog and its price options through a
:class:`~infracast.catalog.PriceSelection` (the price book and negotiated
overrides it names, else those of the settings, else the packaged book), calls
the pure estimator, and keeps the cost lines the selection's provider, region
and pricing filters allow, cheapest first. ``prices=`` passes price options
instead of the price book. The CLI is a thin call of these functions, so both
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar

from infracast.catalog import PriceOption, PriceSelection, same_provider
from infracast.catalog import accelerator as catalog_accelerator
from infracast.catalog import server as catalog_server
from infracast.errors import EstimateError
from infracast.estimate._build_vs_buy import BuildVsBuy
from infracast.estimate._build_vs_buy import build_vs_buy as compare_build_vs_buy
from infracast.estimate._finetune import FinetuneEstimate, FinetuneSpec, estimate_finetune
from infracast.estimate._inference import InferenceEstimate, InferenceSpec, estimate_inference
from infracast.estimate._inputs import (
    SpecInput,
    parse_assignments,
    parse_spec,
    parse_value,
    read_spec_file,
)
from infracast.estimate._learned import EstimatorSummary, Prediction, fit_estimator
from infracast.estimate._project import ProjectBudget, WorkloadCost, budget
from infracast.estimate._training import TrainingEstimate, TrainingSpec, estimate_training
from infracast.estimate.defaults import load_defaults
from infracast.estimate.ownership import OwnedFleet
from infracast.estimate.pricing import PriceLine
from infracast.estimate.project_spec import ProjectSpec, WorkloadSpec, validate_project
from infracast.specfiles import read_csv_rows

LineT = TypeVar("LineT")


def _options(
    accelerator_name: str, prices: Sequence[PriceOption] | None, selection: PriceSelection
) -> list[PriceOption]:
    return list(prices) if prices is not None else selection.best_options(accelerator_name)


def _kept(
    lines: Sequence[LineT], selection: PriceSelection, key: Callable[[LineT], Any]
) -> list[LineT]:
    """The cost lines the selection keeps, by currency and then ``key``, cheapest first."""
    ranked = sorted(lines, key=lambda line: (_price(line).currency, key(line)))
    return selection.keep(ranked, price=_price)


def _price(line: Any) -> PriceLine:
    price: PriceLine = line.price
    return price


def training(
    spec: TrainingSpec | SpecInput = None,
    /,
    *,
    sets: Sequence[str] = (),
    prices: Sequence[PriceOption] | None = None,
    selection: PriceSelection | None = None,
    **fields: Any,
) -> TrainingEstimate:
    """Estimate a training run, e.g. ``training(params="7B", tokens="2T", accelerator="H100")``
    (``infracast estimate training``)."""
    parsed = parse_spec(TrainingSpec, spec, fields, sets=sets, what="the training spec")
    part = catalog_accelerator(parsed.accelerator)
    chosen = selection or PriceSelection()
    result = estimate_training(parsed, part, _options(part.name, prices, chosen), load_defaults())
    return replace(result, cost=_kept(result.cost, chosen, key=lambda line: line.total))


def finetune(
    spec: FinetuneSpec | SpecInput = None,
    /,
    *,
    sets: Sequence[str] = (),
    prices: Sequence[PriceOption] | None = None,
    selection: PriceSelection | None = None,
    **fields: Any,
) -> FinetuneEstimate:
    """Estimate a fine-tune, e.g. ``finetune(method="qlora", params="70B", tokens="100M", …)``
    (``infracast estimate finetune``)."""
    parsed = parse_spec(FinetuneSpec, spec, fields, sets=sets, what="the fine-tuning spec")
    part = catalog_accelerator(parsed.accelerator)
    chosen = selection or PriceSelection()
    result = estimate_finetune(parsed, part, _options(part.name, prices, chosen), load_defaults())
    return replace(result, cost=_kept(result.cost, chosen, key=lambda line: line.total))


def inference(
    spec: InferenceSpec | SpecInput = None,
    /,
    *,
    sets: Sequence[str] = (),
    prices: Sequence[PriceOption] | None = None,
    selection: PriceSelection | None = None,
    **fields: Any,
) -> InferenceEstimate:
    """Estimate serving, e.g. ``inference(params="8B", accelerator="H100", input_tokens=1000,
    output_tokens=200, requests_per_second=5)`` (``infracast estimate inference``)."""
    parsed = parse_spec(InferenceSpec, spec, fields, sets=sets, what="the inference spec")
    part = catalog_accelerator(parsed.accelerator)
    chosen = selection or PriceSelection()
    options = _options(part.name, prices, chosen)
    result = estimate_inference(parsed, part, options, load_defaults())
    per_million = _kept(result.cost, chosen, key=lambda line: line.per_million_tokens)
    return replace(result, cost=per_million)


# --- project budgets and build vs buy ------------------------------------------------


def project(
    spec: ProjectSpec | Mapping[str, Any] | str | Path,
    *,
    prices: Sequence[PriceOption] | None = None,
) -> ProjectBudget:
    """Budget a project spec (``infracast estimate project``): a ProjectSpec, a mapping as
    read from its YAML, or the path of the YAML file.

    Training, fine-tuning and inference workloads are priced by the estimators
    above: each workload's params may also say ``provider``, ``region`` and
    ``pricing_model`` (default on_demand) to choose the price; the cheapest
    matching price option in the project's currency is used, and named, with
    its source and date, in the workload's assumptions. Rented capacity
    includes its energy, so no separate energy cost is added for it.
    """
    if isinstance(spec, str | Path):
        spec = read_spec_file(spec, "the project spec")
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
        and (want["provider"] is None or same_provider(line.price.provider, want["provider"]))
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
    sets: Sequence[str] = (),
    selection: PriceSelection | None = None,
    **overrides: Any,
) -> BuildVsBuy:
    """Own GPUs or rent them: cost per useful GPU-hour and break-even utilization
    (``infracast estimate build-vs-buy``).

    Without ``fleet``, the fleet is ``servers`` of the catalog server named
    ``server`` (exactly, or by a prefix only one server has; ``infracast catalog
    servers``), with ``sets`` (``KEY=VALUE`` text) and then ``overrides`` for any
    ownership input (utilization, pue, energy_price_per_kwh, life_years…).
    Without ``rentals``, the cheapest price per provider and pricing model for
    the fleet's accelerator comes from the selection's price book. The
    selection's provider, region and pricing filters keep the rentals compared.
    """
    chosen = selection or PriceSelection()
    if fleet is None:
        if server is None:
            raise EstimateError(
                "build vs buy needs a fleet: name a server (or pass an OwnedFleet).",
                hint="List the servers with: infracast catalog servers",
            )
        given = {k: v for k, v in overrides.items() if v is not None}
        inputs = {**parse_assignments(sets), **given}
        fleet = OwnedFleet.from_server(catalog_server(server), servers=servers, **inputs)
    if rentals is None:
        if fleet.accelerator is None:
            raise EstimateError(
                "the fleet names no accelerator, so no rental prices can be looked up.",
                hint="Set the fleet's accelerator, or pass the rental price options.",
            )
        rentals = chosen.best_options(fleet.accelerator)
    return compare_build_vs_buy(fleet, chosen.keep(list(rentals), price=lambda option: option))


# --- the learned estimator -------------------------------------------------------------


@dataclass(frozen=True)
class LearnedEstimate:
    """The estimator fitted on past projects and, if features were given, its prediction."""

    summary: EstimatorSummary
    prediction: Prediction | None

    def to_json(self) -> dict[str, Any]:
        """``summary`` and ``prediction`` (null without features) as plain data."""
        return {
            "summary": self.summary.to_dict(),
            "prediction": self.prediction.to_dict() if self.prediction is not None else None,
        }


def learned(
    history: str | Path | Sequence[Mapping[str, Any]],
    *,
    target: str = "actual_cost",
    predict: Mapping[str, Any] | Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    coverage: float = 0.8,
    folds: int = 5,
) -> LearnedEstimate:
    """Fit the learned estimator on past projects and predict one (``infracast estimate
    learned``).

    ``history`` is a CSV file (one row per finished project: feature columns and
    the ``target`` cost; empty cells are missing) or its rows. ``predict`` is a
    new project's features, as a mapping or as ``KEY=VALUE`` text.
    """
    rows = read_history(history) if isinstance(history, str | Path) else list(history)
    model = fit_estimator(
        rows, target=target, categorical=tuple(categorical), folds=folds, coverage=coverage
    )
    if predict is not None and not isinstance(predict, Mapping):
        predict = parse_assignments(predict, flag="--predict")
    prediction = model.predict(predict) if predict else None
    return LearnedEstimate(model.summary(), prediction)


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a history CSV, each value read as YAML reads a scalar (empty: None)."""
    _, rows = read_csv_rows(path, what="the project history")
    return [{k: parse_value(v) if v != "" else None for k, v in row.items()} for _, row in rows]
