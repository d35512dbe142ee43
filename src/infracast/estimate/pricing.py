"""Cost lines from price options: one line per way of renting the accelerators.

Every line carries the price it used with its provider, region, instance type,
pricing model, source and as-of date, so an estimate shows where each number
comes from in every output format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from infracast.catalog.models import PriceOption
from infracast.errors import EstimateError
from infracast.estimate.defaults import Assumption
from infracast.estimate.money import cents

MICRO = Decimal("0.000001")  # costs per million tokens are often below a cent


def micros(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to a millionth (for costs per million tokens)."""
    return amount.quantize(MICRO, rounding=ROUND_HALF_UP)


def decimal_of(value: float) -> Decimal:
    """A float as the Decimal of its shortest repr (``2.5`` → ``Decimal('2.5')``)."""
    return Decimal(repr(float(value)))


@dataclass(frozen=True)
class PriceLine:
    """The price part shared by training and serving cost lines."""

    provider: str
    region: str | None
    instance_type: str | None
    pricing_model: str
    price_per_accelerator_hour: Decimal
    currency: str
    source: str
    as_of: date
    derived: bool

    @classmethod
    def of(cls, option: PriceOption) -> PriceLine:
        return cls(
            provider=option.provider,
            region=option.region,
            instance_type=option.instance_type,
            pricing_model=option.pricing_model,
            price_per_accelerator_hour=option.price_per_accelerator_hour,
            currency=option.currency,
            source=option.source,
            as_of=option.as_of,
            derived=option.derived,
        )

    def price_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "region": self.region,
            "instance_type": self.instance_type,
            "pricing_model": self.pricing_model,
            "price_per_accelerator_hour": self.price_per_accelerator_hour,
            "currency": self.currency,
            "source": self.source,
            "as_of": self.as_of,
            "derived": self.derived,
        }


@dataclass(frozen=True)
class CostLine:
    """The cost of a number of accelerator-hours under one price option."""

    price: PriceLine
    accelerator_hours: float
    total: Decimal

    def to_json(self) -> dict[str, Any]:
        return {**self.price.price_json(), "total": self.total}


@dataclass(frozen=True)
class ServingCostLine:
    """The monthly cost and the cost per million tokens of a serving fleet under one option."""

    price: PriceLine
    monthly_cost: Decimal
    per_million_tokens: Decimal
    per_million_output_tokens: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            **self.price.price_json(),
            "monthly_cost": self.monthly_cost,
            "per_million_tokens": self.per_million_tokens,
            "per_million_output_tokens": self.per_million_output_tokens,
        }


def check_options(options: Sequence[PriceOption], accelerator_name: str) -> None:
    """Refuse a price for another accelerator: its cost line would be meaningless."""
    for option in options:
        if option.accelerator.casefold() != accelerator_name.casefold():
            raise EstimateError(
                f"the price option {option.describe()} is for {option.accelerator}, "
                f"not {accelerator_name}.",
                hint="Pass the price options of the accelerator being estimated "
                "(infracast catalog prices --accelerator NAME).",
            )


def cost_lines(
    options: Sequence[PriceOption], accelerator_hours: float, accelerator_name: str
) -> list[CostLine]:
    """One line per option: accelerator-hours × price per accelerator-hour, to the cent."""
    check_options(options, accelerator_name)
    hours = decimal_of(accelerator_hours)
    return [
        CostLine(PriceLine.of(o), accelerator_hours, cents(o.price_per_accelerator_hour * hours))
        for o in options
    ]


def serving_cost_lines(
    options: Sequence[PriceOption],
    accelerator_hours_per_month: float,
    tokens_per_month: float,
    output_tokens_per_month: float,
    accelerator_name: str,
) -> list[ServingCostLine]:
    """Monthly cost per option and its cost per million (all, and output) tokens."""
    check_options(options, accelerator_name)
    hours = decimal_of(accelerator_hours_per_month)
    millions = decimal_of(tokens_per_month / 1e6)
    output_millions = decimal_of(output_tokens_per_month / 1e6)
    lines = []
    for option in options:
        monthly = option.price_per_accelerator_hour * hours
        lines.append(
            ServingCostLine(
                PriceLine.of(option),
                monthly_cost=cents(monthly),
                per_million_tokens=micros(monthly / millions),
                per_million_output_tokens=micros(monthly / output_millions),
            )
        )
    return lines


def price_assumptions(options: Sequence[PriceOption], accelerator_name: str) -> list[Assumption]:
    """Each price used, as an assumption naming its source and date."""
    if not options:
        return [
            Assumption(
                "price",
                None,
                f"no price option for {accelerator_name} in the price book: no cost lines "
                "(infracast catalog prices lists what is known)",
            )
        ]
    return [
        Assumption(
            "price",
            f"{o.price_per_accelerator_hour:.4f} {o.currency}/accelerator-hour",
            o.describe(),
        )
        for o in options
    ]
