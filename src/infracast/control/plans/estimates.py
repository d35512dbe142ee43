"""Plans from estimates: a training, fine-tuning or serving estimate as planned charges.

An estimate prices its run under every price option of the price book; a plan
takes one (:func:`choose_option`: the single option left by the pricing model,
provider, region and instance type asked for) and places its cost in calendar
months (:mod:`infracast.control.plans.lines`). The estimate is taken as its
JSON contract, so the objects of :mod:`infracast.estimate` (``.to_json()``)
and the output of ``infracast estimate … --format json`` go the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from infracast.control._money import cents
from infracast.control.plans.lines import (
    Plan,
    PlanLine,
    as_date,
    as_decimal,
    each_month,
    first_of_month,
    month_label,
    monthly_lines,
    parse_start,
    plan_name,
    project_tag,
    spread_over_hours,
)
from infracast.errors import ControlError

ESTIMATE_HINT = (
    "Save the output of infracast estimate training|finetune|inference --format json "
    "(or pass the estimate object)."
)


class HasJson(Protocol):
    def to_json(self) -> dict[str, Any]: ...


def estimate_kind(data: Mapping[str, Any]) -> str:
    """training, finetune or inference, from the keys of an estimate's JSON."""
    if "cost_per_million_tokens" in data:
        return "inference"
    if "cost" in data and "wallclock_hours" in data:
        return "finetune" if "method" in data else "training"
    raise ControlError(
        "this is not the JSON of a training, fine-tuning or serving estimate (it has neither "
        "cost with wallclock_hours nor cost_per_million_tokens).",
        hint=ESTIMATE_HINT,
    )


def describe_option(option: Mapping[str, Any]) -> str:
    """One line naming a price option: where, how bought, the price, its source and date."""
    where = " ".join(
        str(option[k]) for k in ("provider", "region", "instance_type") if option.get(k)
    )
    price = as_decimal(option["price_per_accelerator_hour"], "price_per_accelerator_hour")
    return (
        f"{where} {option['pricing_model']} at {price:.4f} {option['currency']}/accelerator-hour "
        f"({option.get('source') or 'no source given'}, as of {option.get('as_of')})"
    )


def _flags(option: Mapping[str, Any]) -> str:
    provider = str(option["provider"])
    parts = [
        f"--pricing {option['pricing_model']}",
        f"--provider {provider!r}" if " " in provider else f"--provider {provider}",
    ]
    if option.get("region"):
        parts.append(
            f"--region {option['region']!r}"
            if " " in option["region"]
            else f"--region {option['region']}"
        )
    return " ".join(parts)


def _option_flags(option: Mapping[str, Any]) -> str:
    """An option as its price and the flags that choose it (the full source: plan show)."""
    price = as_decimal(option["price_per_accelerator_hour"], "price_per_accelerator_hour")
    what = option.get("instance_type") or "?"
    return f"{price:.4f} {option['currency']}/accelerator-hour, {what}: {_flags(option)}"


def choose_option(
    options: Sequence[Mapping[str, Any]],
    *,
    pricing: str | None = None,
    provider: str | None = None,
    region: str | None = None,
    instance_type: str | None = None,
) -> Mapping[str, Any]:
    """The one price option matching what was asked; a ControlError listing them otherwise."""
    if not options:
        raise ControlError(
            "the estimate has no price options, so there is no cost to plan.",
            hint="Estimate again with a price book that prices the accelerator "
            "(infracast catalog prices --accelerator NAME; --prices FILE).",
        )
    matching = [
        o
        for o in options
        if (pricing is None or o.get("pricing_model") == pricing)
        and (provider is None or str(o.get("provider", "")).casefold() == provider.casefold())
        and (region is None or o.get("region") == region)
        and (instance_type is None or o.get("instance_type") == instance_type)
    ]
    if len(matching) == 1:
        return matching[0]
    asked = " ".join(
        f"--{flag} {value}"
        for flag, value in (
            ("pricing", pricing),
            ("provider", provider),
            ("region", region),
            ("instance-type", instance_type),
        )
        if value is not None
    )
    shown = matching or options
    listed = "".join(f"\n  · {_option_flags(o)}" for o in shown[:12])
    more = f"\n  and {len(shown) - 12} more" if len(shown) > 12 else ""
    if not matching:
        message = f"no price option of the estimate matches {asked or 'the request'}."
    else:
        message = (
            f"the estimate has {len(matching)} price options"
            + (f" matching {asked}" if asked else "")
            + "; a plan needs exactly one."
        )
    raise ControlError(
        f"{message} Options:{listed}{more}",
        hint=f"Choose one with --pricing, --provider, --region or --instance-type, "
        f"e.g. {_flags(shown[0])}.",
    )


def plan_from_estimate(
    estimate: HasJson | Mapping[str, Any],
    *,
    name: str,
    project: str,
    start: str | date | datetime,
    pricing: str | None = None,
    provider: str | None = None,
    region: str | None = None,
    instance_type: str | None = None,
    months: int | None = None,
    energy: bool = False,
    description: str | None = None,
) -> Plan:
    """A plan of a training, fine-tuning or serving estimate (an object or its JSON).

    Training and fine-tuning: the chosen option's total, spread pro rata over
    the hours of the run from ``start`` (a month: its first day; or a date).
    Serving: the option's monthly cost in each of ``months`` calendar months
    from ``start``'s month. ``energy=True`` adds the estimate's energy cost as
    ``energy`` lines (for a price that does not include power).
    """
    data = dict(estimate) if isinstance(estimate, Mapping) else estimate.to_json()
    kind = estimate_kind(data)
    options = data["cost_per_million_tokens"] if kind == "inference" else data["cost"]
    option = choose_option(
        options, pricing=pricing, provider=provider, region=region, instance_type=instance_type
    )
    tag, instant = project_tag(project), parse_start(start)
    currency = str(option["currency"]).upper()
    source, as_of = describe_option(option), as_date(option.get("as_of"))
    if kind == "inference":
        if months is None or months < 1:
            raise ControlError(
                "a serving estimate costs a month at a time: say for how many months it is "
                "planned.",
                hint="Pass --months N (months=N), e.g. --months 12.",
            )
        monthly = as_decimal(option["monthly_cost"], "monthly_cost")
        placed = each_month(monthly, instant.date(), months)
        notes = [
            f"Serving for {months} calendar months from {month_label(instant.date())}: "
            f"{cents(monthly)} {currency} a month ({source}).",
            "A month of serving costs the estimate's monthly cost (its hours per month), "
            "whatever the calendar month's length.",
        ]
    else:
        hours = float(data["wallclock_hours"])
        if hours <= 0:
            raise ControlError(
                f"the estimate's run takes {hours} hours; nothing to plan.", hint=ESTIMATE_HINT
            )
        total = as_decimal(option["total"], "total")
        placed = spread_over_hours(total, instant, hours)
        notes = [
            f"{cents(total)} {currency} ({source}) spread over the run's {hours:,.1f} "
            f"wall-clock hours from {instant.isoformat(sep=' ')} UTC, pro rata by the hours "
            "in each month.",
        ]
    lines = monthly_lines(
        placed,
        project=tag,
        category="compute",
        currency=currency,
        price_source=source,
        price_as_of=as_of,
    )
    if energy:
        lines += _energy_lines(data, kind, currency, tag, instant, months)
        notes.append("Energy is planned as its own lines: the price does not include power.")
    else:
        notes.append("No energy lines: a rental price per accelerator-hour includes the power.")
    features = estimate_features(data, kind, option, months)
    return Plan(
        name=plan_name(name),
        project=tag,
        source=kind,
        currency=currency,
        starts=first_of_month(instant.date()),
        lines=tuple(sorted(lines, key=lambda line: (line.month, line.cost_category))),
        description=description or _describe(data, kind, option, months),
        features=features,
        spec=data,
        assumptions=tuple(notes),
    )


def _energy_lines(
    data: Mapping[str, Any],
    kind: str,
    currency: str,
    project: str,
    start: datetime,
    months: int | None,
) -> list[PlanLine]:
    block = data.get("energy_cost_per_month" if kind == "inference" else "energy_cost") or {}
    total = block.get("total")
    if total is None:
        raise ControlError(
            "the estimate has no energy cost (the accelerator's power is unknown), so no "
            "energy can be planned.",
            hint="Estimate again with --set accelerator_power_w=W, or plan without --energy.",
        )
    if str(block.get("currency", currency)).upper() != currency:
        raise ControlError(
            f"the energy cost is in {block.get('currency')} but the compute price is in "
            f"{currency}; infracast never adds amounts in different currencies.",
            hint=f"Estimate again with --set energy_currency={currency} and an energy_price in "
            f"{currency}.",
        )
    amount = as_decimal(total, "energy total")
    price = f"{block.get('price_per_kwh')} {currency}/kWh"
    if kind == "inference":
        assert months is not None
        placed = each_month(amount, start.date(), months)
        source = f"energy at {price}, a month of serving"
    else:
        placed = spread_over_hours(amount, start, float(data["wallclock_hours"]))
        kwh = data.get("energy_kwh")
        source = f"energy: {float(kwh):,.0f} kWh at {price}" if kwh else f"energy at {price}"
    return monthly_lines(
        placed,
        project=project,
        category="energy",
        currency=currency,
        price_source=f"{source} (estimate assumptions)",
        price_as_of=None,
    )


_TRAINING_FEATURES = (
    "accelerator",
    "precision",
    "params",
    "active_params",
    "tokens",
    "accelerator_hours",
    "num_accelerators",
    "wallclock_hours",
)
_FINETUNE_FEATURES = ("method", "epochs", "trainable_params")
_INFERENCE_FEATURES = (
    "accelerator",
    "precision",
    "params",
    "active_params",
    "input_tokens",
    "output_tokens",
    "requests_per_second",
    "replicas",
    "num_accelerators",
)


def estimate_features(
    data: Mapping[str, Any], kind: str, option: Mapping[str, Any], months: int | None
) -> dict[str, Any]:
    """The estimate's inputs and sizes, as a learned estimator's features."""
    if kind == "inference":
        names: tuple[str, ...] = _INFERENCE_FEATURES
    else:
        names = _TRAINING_FEATURES + (_FINETUNE_FEATURES if kind == "finetune" else ())
    features: dict[str, Any] = {"kind": kind}
    features |= {n: _plain(data[n]) for n in names if data.get(n) is not None}
    if kind == "inference":
        assert months is not None
        features["months"] = months
        per_month = float(data["accelerator_hours_per_month"])
        features["accelerator_hours"] = per_month * months
    features["provider"] = option.get("provider")
    features["pricing_model"] = option.get("pricing_model")
    price = as_decimal(option["price_per_accelerator_hour"], "price_per_accelerator_hour")
    features["price_per_accelerator_hour"] = float(price)
    return features


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _describe(
    data: Mapping[str, Any], kind: str, option: Mapping[str, Any], months: int | None
) -> str:
    fleet = f"{data.get('num_accelerators')} × {data.get('accelerator')}"
    bought = f"{option.get('provider')} {option.get('pricing_model')}"
    params = _count(data.get("params"))
    if kind == "inference":
        return f"serving {params} parameters on {fleet} for {months} months, {bought}"
    what = "training" if kind == "training" else f"{data.get('method')} fine-tuning"
    return f"{what} {params} parameters on {_count(data.get('tokens'))} tokens, {fleet}, {bought}"


def _count(value: Any) -> str:
    """7.8e9 as 7.8B, 2e12 as 2T (the way estimates are asked for)."""
    number = float(value or 0)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= size:
            return f"{number / size:.4g}{suffix}"
    return f"{number:.4g}"
