"""One-at-a-time sensitivity (a tornado): each input moved to a low and a high value alone.

Every other input keeps its base value. An input's low and high are base ×
(1 ∓ pct/100) unless given; the swing is |result at high − result at low| for
total cost and for NPV, and the rows are sorted by the chosen swing, largest
first. A whole-number input of the spec that the spec only takes whole (a
count of accelerators) is rounded to the nearest whole number, and the row says
so. When the inputs are not named, every numeric input is tried: the rate, the
cost and revenue columns that are not zero, and every number of the project
spec except those that place or split things (months, shares); an input the
spec rejects at its low or high is listed under ``skipped`` with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from infracast.errors import FinanceError, did_you_mean
from infracast.estimate.money import cents
from infracast.finance.model import RATE, FinanceModel, InputRejected, Outcome, Quantity
from infracast.finance.spec_paths import get_path, numeric_paths

Bounds = tuple[Decimal | float | str, Decimal | float | str] | None


@dataclass(frozen=True)
class SensitivityRow:
    """One input at its low and high value, and what total cost and NPV became."""

    input: str
    base_value: Decimal
    low_value: Decimal
    high_value: Decimal
    total_cost_low: Decimal
    total_cost_high: Decimal
    npv_low: Decimal
    npv_high: Decimal
    note: str | None = None

    @property
    def total_cost_swing(self) -> Decimal:
        return abs(self.total_cost_high - self.total_cost_low)

    @property
    def npv_swing(self) -> Decimal:
        return abs(self.npv_high - self.npv_low)

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "base_value": self.base_value,
            "low_value": self.low_value,
            "high_value": self.high_value,
            "total_cost_low": self.total_cost_low,
            "total_cost_high": self.total_cost_high,
            "total_cost_swing": self.total_cost_swing,
            "npv_low": self.npv_low,
            "npv_high": self.npv_high,
            "npv_swing": self.npv_swing,
            "note": self.note,
        }


@dataclass(frozen=True)
class Sensitivity:
    """A tornado: rows sorted by swing, the base result, and the inputs that were skipped."""

    currency: str | None
    base_total_cost: Decimal
    base_npv: Decimal
    pct: Decimal
    sort_by: Quantity
    rows: tuple[SensitivityRow, ...]
    skipped: tuple[tuple[str, str], ...]
    assumptions: tuple[str, ...]

    def to_json(self, *, top: int | None = None) -> dict[str, Any]:
        """The stable keys other tools read; ``top`` keeps the first ``top`` inputs (the
        largest swings), as ``finance sensitivity --top`` prints them."""
        rows = self.rows if top is None else self.rows[:top]
        return {
            "currency": self.currency,
            "base_total_cost": self.base_total_cost,
            "base_npv": self.base_npv,
            "pct": self.pct,
            "sort_by": self.sort_by,
            "inputs": [r.to_json() for r in rows],
            "skipped": [{"input": name, "reason": why} for name, why in self.skipped],
            "assumptions": list(self.assumptions),
        }


def parse_inputs(items: Sequence[str]) -> dict[str, Bounds]:
    """``["people.0.fte", "rate=0.08:0.12"]`` as ``{name: (low, high) or None}``."""
    out: dict[str, Bounds] = {}
    for item in items:
        name, sep, bounds = item.partition("=")
        if not sep:
            out[name.strip()] = None
            continue
        low, colon, high = bounds.partition(":")
        if not colon or not low.strip() or not high.strip():
            raise FinanceError(
                f"input {item!r}: write the range as NAME=LOW:HIGH.",
                hint="For example: --input people.0.fte=1.5:3 or --input rate=0.08:0.12.",
            )
        out[name.strip()] = (low.strip(), high.strip())
    return out


def tornado(
    model: FinanceModel,
    inputs: Mapping[str, Bounds] | Sequence[str] | None = None,
    *,
    pct: Decimal | float | int = 20,
    sort_by: Quantity = "npv",
) -> Sensitivity:
    """The tornado of ``model`` over ``inputs`` (default: every numeric input)."""
    if sort_by not in ("npv", "total_cost"):
        raise FinanceError(
            f"cannot sort by {sort_by!r}.{did_you_mean(sort_by, ['npv', 'total_cost'])}",
            hint="Sort by npv or total_cost.",
        )
    step = Decimal(str(pct))
    step = step.quantize(Decimal(1)) if step == step.to_integral_value() else step
    if not 0 < step < 100:
        raise FinanceError(f"pct {pct} must be between 0 and 100.", hint="For ±20 %, pass 20.")
    named = inputs is not None
    chosen = _chosen(model, inputs)
    base = model.outcome()
    rows: list[SensitivityRow] = []
    skipped: list[tuple[str, str]] = []
    for name, bounds in chosen.items():
        try:
            rows.append(_row(model, name, bounds, step))
        except InputRejected as exc:
            if named:
                raise
            skipped.append((name, exc.cause.message))

    def swing(row: SensitivityRow) -> Decimal:
        return row.npv_swing if sort_by == "npv" else row.total_cost_swing

    rows.sort(key=lambda r: (-swing(r), r.input))
    return Sensitivity(
        currency=model.currency,
        base_total_cost=cents(base.total_cost),
        base_npv=cents(base.npv),
        pct=step,
        sort_by=sort_by,
        rows=tuple(rows),
        skipped=tuple(skipped),
        assumptions=(
            f"One input at a time, each to base × (1 ∓ {step}%) unless its range was given; "
            "all other inputs at their base values.",
            f"Total cost is undiscounted; NPV at {model.rate} a year ({model.convention.value}).",
            *model.flows().assumptions,
        ),
    )


def _chosen(
    model: FinanceModel, inputs: Mapping[str, Bounds] | Sequence[str] | None
) -> dict[str, Bounds]:
    if inputs is None:
        flows = model.flows()
        names = [RATE]
        names += [c for c in ("cost_direct", "cost_indirect") if any(flows.column(c))]
        names += [c for c in ("revenue_direct", "revenue_indirect") if any(flows.column(c))]
        names += numeric_paths(model.spec) if model.spec is not None else []
        return dict.fromkeys(names)
    chosen = parse_inputs(inputs) if not isinstance(inputs, Mapping) else dict(inputs)
    for name in chosen:
        model.check(name)
    return chosen


def _row(model: FinanceModel, name: str, bounds: Bounds, step: Decimal) -> SensitivityRow:
    base = model.base_value(name)
    if bounds is None:
        low, high = base * (1 - step / 100), base * (1 + step / 100)
    else:
        low, high = (Decimal(str(b)) for b in bounds)
    outcomes: list[Outcome] = []
    values: list[Decimal] = []
    note = None
    for value in (low, high):
        try:
            outcomes.append(model.outcome({name: value}))
        except InputRejected:
            whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            if whole == value or not _is_int(model, name):
                raise
            outcomes.append(model.outcome({name: whole}))
            note, value = "rounded to whole numbers: the spec takes this input whole", whole
        values.append(value)
    return SensitivityRow(
        input=name,
        base_value=base,
        low_value=values[0],
        high_value=values[1],
        total_cost_low=cents(outcomes[0].total_cost),
        total_cost_high=cents(outcomes[1].total_cost),
        npv_low=cents(outcomes[0].npv),
        npv_high=cents(outcomes[1].npv),
        note=note,
    )


def _is_int(model: FinanceModel, name: str) -> bool:
    return model.spec is not None and isinstance(get_path(model.spec, name), int)
