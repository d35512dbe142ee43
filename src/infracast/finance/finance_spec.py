"""A finance spec: revenue (and extra cost) streams laid over a project's periods.

```yaml
currency: USD                  # optional; must match the costs' currency
revenue:
  - name: API subscriptions
    amount: 60000              # per period (per month for monthly flows)
    start: 2026-07             # first period; default: the first period of the costs
    periods: 12                # default: to the last period of the costs
    growth_pct: 2              # per period, compounding (default 0)
    kind: direct               # or indirect (e.g. support hours saved)
costs:                          # optional: costs the project spec does not hold
  - {name: allocated platform overhead, amount: 5000, kind: indirect}
```

Without other cash flows to lay them over, the spec gives ``start`` and
``periods`` at the top level. Amount k of a stream (k = 0, 1, …) is
amount × (1 + growth_pct/100)^k, rounded to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from infracast.amounts import Amount, Number
from infracast.errors import FinanceError
from infracast.estimate.money import cents
from infracast.finance._cashflows import COLUMNS, ZERO, CashFlows, build
from infracast.finance.periods import label, parse_label
from infracast.validation import problem


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("start", mode="before", check_fields=False)
    @classmethod
    def _label(cls, value: Any) -> Any:
        return None if value is None else str(value)


class Stream(_Spec):
    """A revenue or cost of ``amount`` a period, from ``start`` for ``periods`` periods."""

    name: str = Field(min_length=1)
    amount: Amount = Field(ge=0, description="per period")
    kind: Literal["direct", "indirect"] = "direct"
    start: str | None = Field(default=None, description="first period, e.g. 2026-07")
    periods: int | None = Field(default=None, gt=0)
    growth_pct: Number = Field(default=Decimal(0), gt=-100, description="per period")


class FinanceSpec(_Spec):
    """Revenue and extra cost streams, in one currency."""

    currency: str | None = None
    start: str | None = Field(default=None, description="first period without other flows")
    periods: int | None = Field(default=None, gt=0)
    revenue: list[Stream] = Field(default_factory=list)
    costs: list[Stream] = Field(default_factory=list)


def validate_finance_spec(spec: FinanceSpec | Mapping[str, Any]) -> FinanceSpec:
    """``spec`` as a :class:`FinanceSpec`; every problem at once, each with where it is
    (``revenue.0 (stream 'API'): unknown key 'amout'. Did you mean "amount"?``)."""
    if isinstance(spec, FinanceSpec):
        return spec
    if not isinstance(spec, Mapping):
        raise FinanceError(
            f"a finance spec is a mapping of keys (currency, revenue, costs…), "
            f"got {type(spec).__name__}.",
            hint="See examples/finance.yaml and docs/finance.md.",
        )
    try:
        return FinanceSpec.model_validate(dict(spec))
    except ValidationError as exc:
        problems = [_describe(err, spec) for err in exc.errors()]
        raise FinanceError(
            f"the finance spec has {len(problems)} problem{'s' if len(problems) > 1 else ''}: "
            + "; ".join(p.rstrip(".") for p in problems)
            + ".",
            hint="docs/finance.md shows the finance spec: revenue and costs streams with "
            "name, amount, start, periods, growth_pct and kind.",
        ) from None


def _describe(err: ErrorDetails, spec: Mapping[str, Any]) -> str:
    """One problem with its place: the dotted path (as ``finance sensitivity -i`` takes it)
    and the stream's name."""
    loc = tuple(err["loc"])
    unknown = err["type"] == "extra_forbidden"
    place = loc[:-1] if unknown else loc
    model: type[BaseModel] = Stream if len(loc) > 2 else FinanceSpec
    said = problem(err, model.model_fields)
    if not place:
        return said
    path = ".".join(str(p) for p in place)
    stream = spec.get(str(loc[0])) if len(loc) > 1 else None
    if isinstance(stream, list) and isinstance(loc[1], int) and loc[1] < len(stream):
        name = stream[loc[1]].get("name") if isinstance(stream[loc[1]], Mapping) else None
        if name:
            path += f" (stream {name!r})"
    return f"{path}: {said}"


def spec_cashflows(
    spec: FinanceSpec | Mapping[str, Any], *, over: CashFlows | None = None
) -> CashFlows:
    """The spec's streams as cash flows, over the periods of ``over`` when given."""
    parsed = validate_finance_spec(spec)
    if over is not None:
        unit, first = parse_label(over.flows[0].period, where="the cash flows")
        last = first + len(over.flows) - 1
    elif parsed.start is not None and parsed.periods is not None:
        unit, first = parse_label(parsed.start, where="finance spec, start")
        last = first + parsed.periods - 1
    else:
        raise FinanceError(
            "the finance spec has no periods to lay its streams over.",
            hint="Give start and periods at the top of the spec, or pass the project's "
            "costs (--project-spec, --from-ledger or --cashflows) with it.",
        )
    amounts: dict[str, dict[str, Decimal]] = {
        label(unit, o): dict.fromkeys(COLUMNS, ZERO) for o in range(first, last + 1)
    }
    for key, side, streams in (
        ("revenue", "revenue", parsed.revenue),
        ("costs", "cost", parsed.costs),
    ):
        for n, stream in enumerate(streams, start=1):
            where = f"finance spec, {key} #{n} ({stream.name})"
            start = first
            if stream.start is not None:
                stream_unit, start = parse_label(stream.start, where=f"{where}, start")
                if stream_unit != unit:
                    raise FinanceError(
                        f"{where}: start {stream.start} is a {stream_unit} but the periods are "
                        f"{unit}s.",
                        hint=f"Write start as a {unit} like {label(unit, first)}.",
                    )
            count = stream.periods if stream.periods is not None else last - start + 1
            if count < 1:
                raise FinanceError(
                    f"{where} starts at {stream.start}, after the last period "
                    f"{label(unit, last)}, and gives no number of periods.",
                    hint="Give the stream's periods, or start it within the cash flows.",
                )
            growth = 1 + stream.growth_pct / 100
            column = f"{side}_{stream.kind}"
            for k in range(count):
                row = amounts.setdefault(label(unit, start + k), dict.fromkeys(COLUMNS, ZERO))
                row[column] += cents(stream.amount * growth**k)
    return build(
        amounts,
        currency=parsed.currency,
        source="finance spec",
        assumptions=(
            f"Finance spec: {len(parsed.revenue)} revenue and {len(parsed.costs)} cost "
            "stream(s), each amount per period, growth compounding per period.",
        ),
    )
