"""Commitment planning over a user's file, the price book and the ledger (the library under
``infracast optimize commitments``): how many GPU-hours a period to commit for one and three
years, from a demand forecast with intervals or sample paths.

Units: demand is in **GPU-hours per period** (a period is a month with ``freq="MS"``, a week
with ``W``, a day with ``D``) and prices are **per GPU-hour**, so a committed level of q
GPU-hours a period costs q × price a period; each line also shows ``gpus`` = q ÷ hours per
period (730.5 a month: 8,766 hours in a 365.25-day year ÷ 12). ``whole_units`` commits whole
GPUs (the LP is solved in GPUs held, then written back in GPU-hours).

Demand (one of):

- ``input``, a CSV or YAML of demand paths in long format: ``scenario, period, demand`` and
  optionally ``probability`` (per scenario; equally likely when absent);
- ``input``, a forecast CSV as ``infracast forecast --format csv`` writes it (``ds, yhat``
  and interval bounds ``loNN, hiNN``; ``unique_id`` picks the series when there are
  several): scenarios from the intervals (:meth:`DemandScenarios.from_intervals`);
- no file, a ledger: its GPU-hours forecast for ``accelerator`` (the usage samples by GPU
  type, :func:`infracast.control.forecasting.forecast_gpu_hours`, 80 % and 95 % intervals).

Prices: with ``on_demand_price`` given, the prices given (``price_1y``, ``price_3y``,
``spot_price``; a term or spot without one is left out); else the cheapest option per
GPU-hour of each pricing model for ``accelerator`` in the price book (``prices``,
``overrides``, filtered by ``provider`` and ``region``, in ``currency``), each named with its
source in the assumptions, a price given replacing the book's.

Existing commitments (with a ledger): :func:`commitment_utilization` over the window (``start``
to ``end``, else the last month holding commitment usage) gives each commitment's
utilization and the coverage of eligible usage. A commitment whose Used rows carry GPUs of
``accelerator`` holds, per period, the GPU-hours it covered there ÷ its utilization (its
unused share taken in proportion), scaled to the period's length; it is passed to the plan
as already paid. FOCUS (up to 1.3) gives no end date: ``existing_periods`` (default the whole
horizon) is assumed and said so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.analytics.periods import Instant
from infracast.analytics.scope import to_rows
from infracast.catalog import PriceBook
from infracast.catalog.providers import canonical_provider
from infracast.catalog.selection import PriceSelection
from infracast.control.optimizing.commitment_demand import (
    LEVELS,
    ledger_demand,
    read_demand,
    same_accelerator,
)
from infracast.control.optimizing.commitment_ledger import (
    existing_commitments,
    owned_capacity,
    spot_share,
)
from infracast.errors import ConfigError, did_you_mean
from infracast.optimize.commitment_plan import CommitmentPlan, ExistingCommitment
from infracast.optimize.commitment_plan import commitments as plan_commitments
from infracast.optimize.scenarios import DemandScenarios

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

# freq → (hours per period, periods per year); a year of 365.25 days is 8,766 hours.
FREQS: dict[str, tuple[float, int]] = {"MS": (730.5, 12), "W": (168.0, 52), "D": (24.0, 365)}
_FREQ_NAMES = {"M": "MS", "MONTH": "MS", "W-MON": "W", "WEEK": "W", "DAY": "D"}


@dataclass(frozen=True)
class CommitmentAdvice:
    """The plan with its context: the accelerator, the unit, the prices used, the period
    labels, and the ledger's commitments (utilization) and coverage."""

    accelerator: str | None
    unit: str
    hours_per_period: float
    period_labels: list[str]
    prices: dict[str, float | None]  # per GPU-hour: on_demand, spot, 1y, 3y
    plan: CommitmentPlan
    existing_commitments: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per commitment line, with ``gpus`` = quantity ÷ hours per period."""
        return [
            {**row, "gpus": round(row["quantity"] / self.hours_per_period, 9) + 0.0}
            for row in self.plan.to_rows()
        ]

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan.to_dict()
        del plan["assumptions"]
        plan["lines"] = self.to_rows()
        return {
            "accelerator": self.accelerator,
            "unit": self.unit,
            "hours_per_period": self.hours_per_period,
            "period_labels": list(self.period_labels),
            "prices": dict(self.prices),
            **plan,
            "existing_commitments": list(self.existing_commitments),
            "coverage": list(self.coverage),
            "assumptions": [*self.assumptions, *self.plan.assumptions],
        }


def commitments(
    ledger: Ledger | None = None,
    *,
    input: str | Path | None = None,
    accelerator: str | None = None,
    horizon: int = 36,
    freq: str = "MS",
    prices: str | Path | None = None,
    overrides: str | Path | None = None,
    provider: str | None = None,
    region: str | None = None,
    on_demand_price: float | None = None,
    price_1y: float | None = None,
    price_3y: float | None = None,
    spot_price: float | None = None,
    spot_max_share: float | None = None,
    spot_overhead: float = 0.0,
    whole_units: bool = False,
    existing_periods: int | None = None,
    start: Instant | None = None,
    end: Instant | None = None,
    currency: str = "USD",
    time_limit: float | None = None,
) -> CommitmentAdvice:
    """Plan 1- and 3-year commitments of ``accelerator`` GPU-hours against the demand of
    ``input`` (or of the ledger's GPU-hours forecast), at the given or price-book prices,
    with the ledger's commitments already in place (see the module docstring)."""
    code, (hours, per_year) = _freq(freq)
    notes: list[str] = []
    if input is not None:
        scen, labels = read_demand(input, accelerator=accelerator)
        notes.append(f"demand: {input}, in GPU-hours per period ({_PERIOD[code]}).")
    elif ledger is not None:
        if horizon < 1:
            raise ConfigError(
                f"horizon is {horizon}; it must be at least 1.",
                hint="Give the periods to plan, e.g. --horizon 36 (three years of months).",
                field="horizon",
            )
        scen, labels, accelerator = ledger_demand(ledger, accelerator, horizon, code, start, end)
        notes.append(
            f"demand: the ledger's GPU-hours forecast of {accelerator} by {_PERIOD[code]} "
            f"({horizon} periods, {' and '.join(map(str, LEVELS))} % intervals); not stored "
            "(infracast forecast --demand gpu_hours --by gpu_type stores one)."
        )
    else:
        raise ConfigError(
            "no demand: give a file (input) or a ledger to forecast.",
            hint="Pass a demand file (paths or a forecast CSV), or --ledger PATH.",
        )
    given = {"on_demand": on_demand_price, "spot": spot_price, "1y": price_1y, "3y": price_3y}
    book = None  # read once, only when prices come from it
    if on_demand_price is None and accelerator is not None:
        book = PriceSelection.of(prices=prices, overrides=overrides).book()
        if provider is None:
            provider = _main_provider(ledger, accelerator, book, region, notes)
    price = _prices(given, accelerator, book, provider, region, currency, notes)
    if price["on_demand"] is None:
        raise ConfigError(
            "no on-demand price: it is the baseline every commitment is measured against.",
            hint="Pass --on-demand-price (per GPU-hour), or --accelerator to read the price book.",
            field="on_demand_price",
        )
    n_t = scen.demand.shape[1]
    existing: list[ExistingCommitment] = []
    used: list[dict[str, Any]] = []
    coverage: list[dict[str, Any]] = []
    if ledger is not None:
        remaining = n_t if existing_periods is None else existing_periods
        existing, used, coverage = existing_commitments(
            ledger, accelerator, start, end, hours, remaining, notes
        )
        if input is None and accelerator is not None and labels:
            existing += owned_capacity(ledger, accelerator, labels[0], hours, n_t, notes)
        if spot_max_share is None and price["spot"] is not None and accelerator is not None:
            spot_max_share = spot_share(ledger, accelerator, notes)
    scale = hours if whole_units else 1.0  # the LP's unit: GPUs held (whole) or GPU-hours
    terms = [
        {"name": name, "price": p * scale, "periods": years * per_year}
        for name, years in (("1y", 1), ("3y", 3))
        if (p := price[name]) is not None
    ]
    if not terms:
        notes.append("no commitment price: the plan can only compare on demand and spot.")
    if whole_units:
        notes.append(f"commitments are in whole GPUs ({hours:g} GPU-hours a period each).")
        scen = DemandScenarios(scen.demand / hours, scen.probabilities, scen.notes)
        existing = [e.model_copy(update={"quantity": e.quantity / hours,
                                         "price": e.price * hours}) for e in existing]  # fmt: skip
    plan = plan_commitments(
        scen,
        on_demand_price=float(price["on_demand"]) * scale,
        terms=terms,
        existing=existing,
        spot_price=None if price["spot"] is None else price["spot"] * scale,
        spot_max_share=spot_max_share,
        spot_overhead=spot_overhead,
        whole_units=whole_units,
        currency=currency,
        time_limit=time_limit,
    )
    if whole_units:
        plan = _in_gpu_hours(plan, hours)
    notes.append(
        "demand is taken as flat within a period: a commitment's use is overstated when "
        "usage swings inside a period (plan by shorter periods, --freq W or D, to see it)."
    )
    return CommitmentAdvice(
        accelerator, f"GPU-hours per {_PERIOD[code]}", hours, labels, price, plan,
        used, coverage, notes,
    )  # fmt: skip


_PERIOD = {"MS": "month", "W": "week", "D": "day"}


def _freq(freq: str) -> tuple[str, tuple[float, int]]:
    code = _FREQ_NAMES.get(freq.strip().upper(), freq.strip().upper())
    if code not in FREQS:
        raise ConfigError(
            f'unknown period "{freq}".{did_you_mean(freq, list(FREQS))}',
            hint="Plan by month (MS), week (W) or day (D).",
            field="freq",
        )
    return code, FREQS[code]


def _in_gpu_hours(plan: CommitmentPlan, hours: float) -> CommitmentPlan:
    """A plan solved in GPUs held, written back in GPU-hours (costs do not change)."""
    lines = [
        dataclasses.replace(x, quantity=x.quantity * hours, price=x.price / hours)
        for x in plan.lines
    ]
    return dataclasses.replace(
        plan,
        lines=lines,
        expected_on_demand=plan.expected_on_demand * hours,
        expected_spot=plan.expected_spot * hours,
    )


# ---- prices -------------------------------------------------------------------------------

_MODELS = {"on_demand": "on_demand", "spot": "spot", "1y": "commit_1y", "3y": "commit_3y"}


def _prices(
    given: dict[str, float | None],
    accelerator: str | None,
    book: PriceBook | None,
    provider: str | None,
    region: str | None,
    currency: str,
    notes: list[str],
) -> dict[str, float | None]:
    """Prices per GPU-hour: those given when the on-demand one is; else the cheapest of the
    book in ``currency`` for those not given."""
    out = {k: None if v is None else float(v) for k, v in given.items()}
    for name, value in given.items():
        if value is not None:
            notes.append(f"{name} price: {value:g} {currency}/GPU-hour (given).")
    if given["on_demand"] is not None or accelerator is None or book is None:
        return out  # an on-demand price given: the prices are those given, no more
    providers: set[str] = set()
    for name, model in _MODELS.items():
        if out[name] is not None:
            continue
        found = book.options(accelerator, provider=provider, region=region, pricing_model=model)
        found = [o for o in found if o.currency == currency]
        if found:
            out[name] = float(found[0].price_per_accelerator_hour)
            providers.add(found[0].provider)
            notes.append(f"{name} price: {found[0].describe()}, the cheapest in the book.")
        else:
            notes.append(f"{name}: the price book has no {model} price of {accelerator} in "
                         f"{currency} for this selection.")  # fmt: skip
    if len(providers) > 1:
        notes.append("the prices come from different providers: pass --provider to compare "
                     "one provider's offers.")  # fmt: skip
    return out


def _main_provider(
    ledger: Ledger | None,
    accelerator: str,
    book: PriceBook,
    region: str | None,
    notes: list[str],
) -> str | None:
    """One provider to price every term with (a plan mixing one provider's commitment with
    another's on-demand price compares what cannot be bought together): the provider of most
    of the ledger's GPU-hours of ``accelerator``, else the book's provider with the cheapest
    on-demand price among those that also sell a commitment of it."""
    committing = {
        o.provider
        for model in ("commit_1y", "commit_3y")
        for o in book.options(accelerator, region=region, pricing_model=model)
    }
    on_demand = [
        o
        for o in book.options(accelerator, region=region, pricing_model="on_demand")
        if o.provider in committing
    ]
    if ledger is not None:
        charges = ledger.ibis().table("charges")
        rows = charges.filter((charges.ChargeCategory == "Usage") & (charges.x_gpu_hours > 0))
        per = to_rows(
            rows.group_by(provider=rows.ProviderName, gpu_type=rows.x_gpu_type).aggregate(
                gpu_hours=rows.x_gpu_hours.sum()
            )
        )
        ranked = sorted(
            (r for r in per if r["gpu_type"] and same_accelerator(r["gpu_type"], accelerator)),
            key=lambda r: -float(r["gpu_hours"]),
        )
        sells = {o.provider for o in on_demand}
        for r in ranked:
            name = canonical_provider(str(r["provider"]))
            if name in sells:
                notes.append(
                    f"provider: {name}, the provider of most of the ledger's {accelerator} "
                    "GPU-hours that sells commitments of it in the book (--provider to plan "
                    "another's prices)."
                )
                return name
    if not on_demand:
        return None
    notes.append(
        f"provider: {on_demand[0].provider}, the cheapest on demand among the providers that "
        f"sell commitments of {accelerator} (--provider to plan another's prices)."
    )
    return on_demand[0].provider
