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
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from infracast.analytics.commitments import commitment_utilization
from infracast.analytics.periods import Instant
from infracast.analytics.scope import in_scope, to_rows
from infracast.catalog._accelerators import find_accelerator
from infracast.catalog.providers import canonical_provider
from infracast.catalog.selection import PriceSelection
from infracast.control.optimizing.tables import YAML_SUFFIXES, read_table
from infracast.errors import ConfigError, InputFileError, did_you_mean
from infracast.optimize.commitment_plan import CommitmentPlan, ExistingCommitment
from infracast.optimize.commitment_plan import commitments as plan_commitments
from infracast.optimize.scenarios import DemandScenarios
from infracast.specfiles import read_csv_rows

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

# freq → (hours per period, periods per year); a year of 365.25 days is 8,766 hours.
FREQS: dict[str, tuple[float, int]] = {"MS": (730.5, 12), "W": (168.0, 52), "D": (24.0, 365)}
_FREQ_NAMES = {"M": "MS", "MONTH": "MS", "W-MON": "W", "WEEK": "W", "DAY": "D"}
_LEVELS = (80, 95)


class DemandRow(BaseModel):
    """One row of a demand-paths file: ``demand`` GPU-hours in ``period`` of ``scenario``."""

    model_config = ConfigDict(extra="ignore")
    scenario: str = Field(min_length=1)
    period: str = Field(min_length=1)
    demand: float = Field(ge=0, allow_inf_nan=False)
    probability: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


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
            raise ConfigError(f"horizon is {horizon}; it must be at least 1.", field="horizon")
        scen, labels, accelerator = _ledger_demand(ledger, accelerator, horizon, code, start, end)
        notes.append(
            f"demand: the ledger's GPU-hours forecast of {accelerator} by {_PERIOD[code]} "
            f"({horizon} periods, {' and '.join(map(str, _LEVELS))} % intervals); not stored "
            "(infracast forecast --demand gpu_hours --by gpu_type stores one)."
        )
    else:
        raise ConfigError(
            "no demand: give a file (input) or a ledger to forecast.",
            hint="Pass a demand file (paths or a forecast CSV), or --ledger PATH.",
        )
    given = {"on_demand": on_demand_price, "spot": spot_price, "1y": price_1y, "3y": price_3y}
    if provider is None and on_demand_price is None and accelerator is not None:
        provider = _main_provider(ledger, accelerator, prices, overrides, region, notes)
    price = _prices(given, accelerator, prices, overrides, provider, region, currency, notes)
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
        existing, used, coverage = _existing(
            ledger, accelerator, start, end, hours, remaining, notes
        )
        if input is None and accelerator is not None and labels:
            existing += _owned(ledger, accelerator, labels[0], hours, n_t, notes)
        if spot_max_share is None and price["spot"] is not None and accelerator is not None:
            spot_max_share = _spot_share(ledger, accelerator, notes)
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


# ---- demand -------------------------------------------------------------------------------


def read_demand(
    path: str | Path, *, accelerator: str | None = None
) -> tuple[DemandScenarios, list[str]]:
    """Demand scenarios and period labels of a paths file or a forecast CSV."""
    path = Path(path)
    if path.suffix.lower() not in YAML_SUFFIXES:
        header, rows = read_csv_rows(path, what="the demand file")
        if "yhat" in header:
            return _forecast_csv(path, header, rows, accelerator)
    return _paths(path, read_table(path, DemandRow, what="the demand file", key="demand"))


def _paths(path: Path, rows: list[DemandRow]) -> tuple[DemandScenarios, list[str]]:
    names = list(dict.fromkeys(r.scenario for r in rows))
    labels = list(dict.fromkeys(r.period for r in rows))
    if all(_is_number(x) for x in labels):
        labels.sort(key=float)
    else:
        labels.sort()
    s_at, t_at = {n: i for i, n in enumerate(names)}, {p: j for j, p in enumerate(labels)}
    demand = np.full((len(names), len(labels)), np.nan)
    prob: dict[str, set[float | None]] = {n: set() for n in names}
    for r in rows:
        i, j = s_at[r.scenario], t_at[r.period]
        if not math.isnan(demand[i, j]):
            raise InputFileError(
                f"the demand file {path} gives scenario {r.scenario!r}, period {r.period!r} twice.",
                hint="Give one demand per scenario and period.",
                file=path,
            )
        demand[i, j] = r.demand
        prob[r.scenario].add(r.probability)
    missing = np.argwhere(np.isnan(demand))
    if missing.size:
        i, j = (int(k) for k in missing[0])
        raise InputFileError(
            f"the demand file {path} has no demand for scenario {names[i]!r} in period "
            f"{labels[j]!r} ({len(missing)} such gaps).",
            hint="Give every scenario a demand in every period (0 when there is none).",
            file=path,
        )
    given = [prob[n] for n in names]
    if all(p == {None} for p in given):
        return DemandScenarios.from_paths(demand), labels
    bad = next((n for n, p in zip(names, given, strict=True) if len(p) != 1 or None in p), None)
    if bad is not None:
        raise InputFileError(
            f"the demand file {path}: scenario {bad!r} has no probability, or several.",
            hint="Give each scenario one probability on all its rows, or none at all.",
            file=path,
        )
    return DemandScenarios(demand, np.array([next(iter(p)) for p in given])), labels


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _forecast_csv(
    path: Path, header: list[str], rows: list[tuple[int, dict[str, str]]], accelerator: str | None
) -> tuple[DemandScenarios, list[str]]:
    """A forecast CSV (``ds, yhat, loNN, hiNN``): one series, picked by ``unique_id``."""
    if "unique_id" in header:
        ids = list(dict.fromkeys(v.get("unique_id", "") for _, v in rows))
        wanted = _pick(ids, accelerator, f"the forecast file {path}")
        rows = [(line, v) for line, v in rows if v.get("unique_id", "") == wanted]
    levels = sorted(
        int(h[2:]) for h in header if h.startswith("lo") and h[2:].isdigit() and f"hi{h[2:]}"
        in header
    )  # fmt: skip
    columns = ["yhat", *(f"{side}{lv}" for lv in levels for side in ("lo", "hi"))]
    values = np.zeros((len(columns), len(rows)))
    for k, (line, v) in enumerate(rows):
        for c, name in enumerate(columns):
            text = (v.get(name) or "").strip()
            try:
                values[c, k] = float(text)
            except ValueError:
                values[c, k] = math.nan
            if not math.isfinite(values[c, k]):
                raise InputFileError(
                    f"the forecast file {path}, line {line}: {name} is {text!r}, not a number.",
                    hint="Write the forecast with infracast forecast --format csv.",
                    file=path,
                    row=line,
                )
    if not rows:
        raise InputFileError(f"the forecast file {path} has no rows.", file=path)
    intervals = {float(lv): (values[1 + 2 * i], values[2 + 2 * i]) for i, lv in enumerate(levels)}
    labels = [v.get("ds", "").strip() for _, v in rows]
    order = np.argsort(labels, kind="stable")
    values = values[:, order]
    scen = DemandScenarios.from_intervals(
        values[0], {lv: (lo[order], hi[order]) for lv, (lo, hi) in intervals.items()}
    )
    if not levels:
        one = (*scen.notes, "the forecast has no intervals: one path.")
        scen = DemandScenarios(scen.demand, scen.probabilities, one)
    return scen, [labels[i] for i in order]


def _same(gpu_type: str, accelerator: str) -> bool:
    """Whether a ledger GPU type or series id names ``accelerator`` (by catalog name)."""
    a, b = find_accelerator(gpu_type), find_accelerator(accelerator)
    if a is not None and b is not None:
        return a.name == b.name
    return gpu_type.strip().lower() == accelerator.strip().lower()


def _pick(ids: list[str], accelerator: str | None, where: str) -> str:
    """The one series of ``ids`` for ``accelerator`` (or the only one)."""
    if accelerator is not None:
        found = [i for i in ids if _same(i, accelerator)]
        if len(found) == 1:
            return found[0]
    elif len(ids) == 1:
        return ids[0]
    raise ConfigError(
        f"{where} holds the series {', '.join(ids)}; "
        + (f"none is {accelerator}." if accelerator else "which one to plan?")
        + did_you_mean(accelerator or "", ids),
        hint="Name it with --accelerator.",
        field="accelerator",
    )


def _ledger_demand(
    ledger: Ledger,
    accelerator: str | None,
    horizon: int,
    code: str,
    start: Instant | None,
    end: Instant | None,
) -> tuple[DemandScenarios, list[str], str]:
    from infracast.control.forecasting import forecast_gpu_hours

    made = forecast_gpu_hours(
        ledger, by="gpu_type", horizon=horizon, freq=code, level=_LEVELS, start=start, end=end,
        store_it=False,
    )  # fmt: skip
    frame = made.forecast
    ids = sorted(str(x) for x in frame["unique_id"].unique())
    series = _pick(ids, accelerator, "the ledger's GPU usage")
    part = frame[frame["unique_id"] == series].sort_values("ds")
    intervals = {float(lv): (part[f"lo{lv}"], part[f"hi{lv}"]) for lv in _LEVELS}
    scen = DemandScenarios.from_intervals(part["yhat"].to_numpy(), intervals)
    notes = (*scen.notes, *(f"forecast: {n}" for n in made.notes))
    labels = [f"{x:%Y-%m-%d}" for x in part["ds"]]
    return DemandScenarios(scen.demand, scen.probabilities, notes), labels, accelerator or series


# ---- prices -------------------------------------------------------------------------------

_MODELS = {"on_demand": "on_demand", "spot": "spot", "1y": "commit_1y", "3y": "commit_3y"}


def _prices(
    given: dict[str, float | None],
    accelerator: str | None,
    book_path: str | Path | None,
    overrides: str | Path | None,
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
    if given["on_demand"] is not None or accelerator is None:
        return out  # an on-demand price given: the prices are those given, no more
    book = PriceSelection.of(prices=book_path, overrides=overrides).book()
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
    book_path: str | Path | None,
    overrides: str | Path | None,
    region: str | None,
    notes: list[str],
) -> str | None:
    """One provider to price every term with (a plan mixing one provider's commitment with
    another's on-demand price compares what cannot be bought together): the provider of most
    of the ledger's GPU-hours of ``accelerator``, else the book's provider with the cheapest
    on-demand price among those that also sell a commitment of it."""
    book = PriceSelection.of(prices=book_path, overrides=overrides).book()
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
            (r for r in per if r["gpu_type"] and _same(str(r["gpu_type"]), accelerator)),
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


# ---- existing commitments -----------------------------------------------------------------


def _existing(
    ledger: Ledger,
    accelerator: str | None,
    start: Instant | None,
    end: Instant | None,
    hours: float,
    remaining: int,
    notes: list[str],
) -> tuple[list[ExistingCommitment], list[dict[str, Any]], list[dict[str, Any]]]:
    """The ledger's commitments (utilization rows, coverage) and those holding GPUs of
    ``accelerator`` as :class:`ExistingCommitment` in GPU-hours per period."""
    charges = ledger.ibis().table("charges")
    if start is None and end is None:
        start, end = _last_month(charges)
        if start is None:
            notes.append("the ledger holds no commitment usage: no existing commitment.")
            return [], [], []
    found = commitment_utilization(ledger, start=start, end=end)
    notes += [f"existing commitments ({start} to {end}): {n}" for n in found.notes]
    if accelerator is None or not found.commitments:
        return [], found.commitments, found.coverage
    rows = in_scope(charges, start, end)
    rows = rows.filter(
        rows.CommitmentDiscountId.nullif("").notnull()
        & (rows.ChargeCategory == "Usage")
        & (rows.CommitmentDiscountStatus == "Used")
        & (rows.x_gpu_hours > 0)
    )
    per = to_rows(
        rows.group_by(commitment_id=rows.CommitmentDiscountId, gpu_type=rows.x_gpu_type)
        .aggregate(gpu_hours=rows.x_gpu_hours.sum(), cost=rows.EffectiveCost.sum())
        .order_by(["commitment_id", "gpu_type"])
    )
    util = {r["commitment_id"]: r["utilization"] for r in found.commitments}
    window_hours = _hours(start, end)
    held: list[ExistingCommitment] = []
    for r in per:
        u = util.get(r["commitment_id"])
        if not r["gpu_type"] or not _same(str(r["gpu_type"]), accelerator) or not u:
            continue
        level = float(r["gpu_hours"]) / float(u) * hours / window_hours
        price = float(r["cost"]) / float(r["gpu_hours"])
        held.append(ExistingCommitment(name=str(r["commitment_id"]), quantity=level,
                                       price=price, remaining_periods=remaining))  # fmt: skip
        notes.append(
            f"existing commitment {r['commitment_id']}: {float(r['gpu_hours']):g} GPU-hours "
            f"of {r['gpu_type']} covered at utilization {float(u):.3g} → {level:.6g} "
            f"GPU-hours a period, assumed in place for {remaining} periods (FOCUS gives no "
            "end date)."
        )
    return held, found.commitments, found.coverage


def _owned(
    ledger: Ledger, accelerator: str, first: str, hours: float, n_t: int, notes: list[str]
) -> list[ExistingCommitment]:
    """The ledger's owned servers of ``accelerator`` as capacity already paid for (price 0 at
    the margin) until their useful life ends: the ledger's GPU-hours forecast counts their
    use too, and a commitment should not buy what the company owns."""
    assets = ledger.ibis().table("assets")
    rows = to_rows(
        assets.select("asset_id", "gpu_type", "gpu_count", "purchase_date", "useful_life_months")
    )
    begin = datetime.fromisoformat(first[:10])
    held: list[ExistingCommitment] = []
    for r in rows:
        if not r["gpu_type"] or not _same(str(r["gpu_type"]), accelerator) or not r["gpu_count"]:
            continue
        bought = r["purchase_date"]
        months = int(r["useful_life_months"] or 0)
        end_month = bought.year * 12 + bought.month - 1 + months
        left_h = (datetime(end_month // 12, end_month % 12 + 1, 1) - begin).total_seconds() / 3600
        periods = min(n_t, max(0, math.ceil(left_h / hours)))
        if periods == 0:
            continue
        held.append(ExistingCommitment(name=f"owned {r['asset_id']}",
                                       quantity=float(r["gpu_count"]) * hours, price=0.0,
                                       remaining_periods=periods))  # fmt: skip
    if held:
        gpus = sum(h.quantity for h in held) / hours
        notes.append(
            f"owned: {len(held)} servers with {gpus:g} {accelerator} GPUs (the ledger's assets) "
            "count as capacity already paid for, each until its useful life ends; the demand "
            "forecast includes their use."
        )
    return held


def _spot_share(ledger: Ledger, accelerator: str, notes: list[str]) -> float:
    """The share of the ledger's GPU-hours of ``accelerator`` that ran on spot (FOCUS
    PricingCategory Dynamic): what the plan may put on spot, rather than an assumed share
    that work which never ran interrupted could."""
    charges = ledger.ibis().table("charges")
    rows = charges.filter((charges.ChargeCategory == "Usage") & (charges.x_gpu_hours > 0))
    per = to_rows(
        rows.group_by(gpu_type=rows.x_gpu_type, spot=rows.PricingCategory == "Dynamic").aggregate(
            gpu_hours=rows.x_gpu_hours.sum()
        )
    )
    mine = [r for r in per if r["gpu_type"] and _same(str(r["gpu_type"]), accelerator)]
    total = sum(float(r["gpu_hours"]) for r in mine)
    spot = sum(float(r["gpu_hours"]) for r in mine if r["spot"])
    share = spot / total if total else 0.0
    notes.append(
        f"spot: at most {share:.1%} of each period's demand, the share of the ledger's "
        f"{accelerator} GPU-hours that ran on spot (--spot-max-share to plan another)."
    )
    return share


def _last_month(charges: Any) -> tuple[str | None, str | None]:
    """[start, end) of the last calendar month holding commitment usage."""
    rows = charges.filter(
        charges.CommitmentDiscountId.nullif("").notnull() & (charges.ChargeCategory == "Usage")
    )
    last = rows.ChargePeriodStart.max().execute()
    if last is None or (isinstance(last, float) and math.isnan(last)):
        return None, None
    month = datetime(last.year, last.month, 1)
    after = datetime(last.year + last.month // 12, last.month % 12 + 1, 1)
    return month.strftime("%Y-%m-%d"), after.strftime("%Y-%m-%d")


def _hours(start: Instant | None, end: Instant | None) -> float:
    """Hours in ``[start, end)``."""
    from infracast.analytics.periods import parse_range

    lo, hi = parse_range(start, end)
    if lo is None or hi is None:
        raise ConfigError(
            "give both --from and --to to size the existing commitments.",
            hint="e.g. --from 2026-03-01 --to 2026-04-01 (a month of commitment usage).",
        )
    return (hi - lo).total_seconds() / 3600.0
