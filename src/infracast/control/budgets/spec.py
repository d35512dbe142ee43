"""A budget as written on the command line or in YAML, validated with Pydantic.

```yaml
budgets:
  - name: research-compute
    amount: 50000              # per period: 50000, 5e4, 50_000 or 50,000 (docs/numbers.md)
    currency: USD
    period: month              # month | quarter | year | project
    start: 2026-01             # first day of the first period (YYYY-MM or YYYY-MM-DD)
    end: 2027-01               # optional, exclusive; required for period: project
    filters: [team=research, cost_category=compute]
    metric: effective_cost     # or billed_cost
    actual_thresholds: [50, 80, 100]   # percent of the amount
    forecast_thresholds: [100]
    webhook: https://hooks.example.com/infracast   # optional
```

:func:`load_budgets` reports every problem of a file at once, each naming the
budget and the field (``budget 'gpu': period must be one of …``); a misspelt
field is reported as unknown, with the field it resembles, not also as missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infracast.amounts import PositiveAmount
from infracast.analytics import parse_filter
from infracast.control._money import plain_decimal
from infracast.control.budgets.periods import PERIOD_KINDS, boundary_problem
from infracast.control.budgets.webhook import check_webhook_url
from infracast.errors import ControlError, InfracastError, did_you_mean
from infracast.ledger.registers import misspelt_missing
from infracast.specfiles import read_yaml
from infracast.vocabulary import iso_currency

_HINT = (
    "Fix them and try again; docs/budget.md shows every field of a budget, docs/numbers.md "
    "how to write an amount."
)
DEFAULT_ACTUAL_THRESHOLDS = (Decimal(50), Decimal(80), Decimal(100))
DEFAULT_FORECAST_THRESHOLDS = (Decimal(100),)
METRICS: tuple[str, ...] = ("effective_cost", "billed_cost")


class Budget(BaseModel):
    """An amount per period over a scope of the charges, with alert thresholds in percent."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/ -]*$")
    amount: PositiveAmount = Field(description="per period, in currency (docs/numbers.md)")
    currency: str
    period: str = "month"
    start: date = Field(description="first day of the first period")
    end: date | None = Field(default=None, description="exclusive; required for period project")
    filters: tuple[str, ...] = Field(default=(), description="scope, as analytics filters")
    metric: str = "effective_cost"
    actual_thresholds: tuple[Decimal, ...] = DEFAULT_ACTUAL_THRESHOLDS
    forecast_thresholds: tuple[Decimal, ...] = DEFAULT_FORECAST_THRESHOLDS
    webhook: str | None = None

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return iso_currency(value)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if value not in PERIOD_KINDS:
            raise ValueError(
                f"period {value!r} is not one of {', '.join(PERIOD_KINDS)}."
                + did_you_mean(value, PERIOD_KINDS)
            )
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month_is_its_first_day(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and len(value.strip()) == 7 and value.strip()[4] == "-":
            return f"{value.strip()}-01"
        return value

    @field_validator("filters", mode="before")
    @classmethod
    def _one_filter(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("filters")
    @classmethod
    def _parse_filters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for text in value:
            try:
                out.append(str(parse_filter(text)))
            except InfracastError as exc:
                raise ValueError(f"filters: {exc.message} {exc.hint or ''}".strip()) from None
        return tuple(out)

    @field_validator("metric", mode="before")
    @classmethod
    def _metric(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not value.strip().endswith("_cost"):
            value = f"{value.strip()}_cost"
        if value not in METRICS:
            raise ValueError(
                f"metric {value!r} is not one of {', '.join(METRICS)}."
                + did_you_mean(str(value), METRICS)
            )
        return value

    @field_validator("actual_thresholds", "forecast_thresholds", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip().removesuffix("%") for v in value.split(",") if v.strip()]
        if isinstance(value, int | float | Decimal):
            return [value]
        return value

    @field_validator("actual_thresholds", "forecast_thresholds")
    @classmethod
    def _thresholds(cls, value: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        for pct in value:
            if not pct.is_finite() or pct <= 0 or pct > 1000:
                raise ValueError(
                    f"threshold {pct} is not a percentage between 0 (excluded) and 1000"
                )
        return tuple(sorted({plain_decimal(pct) for pct in value}))

    @field_validator("webhook")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            return check_webhook_url(value)
        except ControlError as exc:
            raise ValueError(f"webhook: {exc.message}") from None

    @model_validator(mode="after")
    def _periods(self) -> Budget:
        problem = boundary_problem(self.period, self.start, self.end)
        if problem:
            raise ValueError(problem)
        return self

    def to_dict(self) -> dict[str, Any]:
        """The budget as ``budget list`` shows it (``problem`` None: today's rules accept it)."""
        return {
            "name": self.name,
            "amount": self.amount,
            "currency": self.currency,
            "period": self.period,
            "start": self.start,
            "end": self.end,
            "filters": list(self.filters),
            "metric": self.metric,
            "actual_thresholds": list(self.actual_thresholds),
            "forecast_thresholds": list(self.forecast_thresholds),
            "webhook": self.webhook,
            "problem": None,
        }


Thresholds = str | Decimal | int | Sequence[str | Decimal | int]


class BudgetFields(BaseModel):
    """The fields ``budget set`` changes, each as written on the command line (None: unchanged).

    :func:`~infracast.control.budgets.stored.set_budget` merges them into the
    stored budget and validates the result as a :class:`Budget`; the
    descriptions are the command's option help.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: str | Decimal | int | None = Field(
        default=None, description="Amount per period (a decimal number)."
    )
    currency: str | None = Field(
        default=None, description="ISO 4217 code; only charges in it count (USD, EUR…)."
    )
    period: str | None = Field(
        default=None, description="month, quarter, year or project (one whole life)."
    )
    start: str | date | None = Field(
        default=None, description="First day of the first period (YYYY-MM or YYYY-MM-DD)."
    )
    end: str | date | None = Field(
        default=None,
        description="First day not budgeted (exclusive); required for --period project.",
    )
    filters: Sequence[str] | None = Field(
        default=None,
        description="Scope as DIM=VALUE (team, project, provider, cost_category, tag.KEY…); "
        "repeat to combine. Replaces the budget's filters.",
    )
    metric: str | None = Field(default=None, description="effective_cost (default) or billed_cost.")
    actual_thresholds: Thresholds | None = Field(
        default=None, description="Percents of the amount, e.g. 50,80,100; '' for none."
    )
    forecast_thresholds: Thresholds | None = Field(
        default=None, description="Percents of the amount, e.g. 100; '' for none."
    )
    webhook: str | None = Field(
        default=None, description="URL alerts are POSTed to; '' removes it."
    )

    def given(self) -> dict[str, Any]:
        """The fields given (not None), as the budget's fields to replace."""
        return {
            name: getattr(self, name)
            for name in type(self).model_fields
            if getattr(self, name) is not None
        }


def _describe(err: Any) -> str:
    name = ".".join(str(p) for p in err["loc"])
    got = err.get("input")
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown field {name!r}.{did_you_mean(name, Budget.model_fields)}"
    if kind == "missing":
        return f"{name} is required"
    if kind.startswith(("date_", "datetime_")):
        return f"{name} must be a date written YYYY-MM or YYYY-MM-DD (got {got!r})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    msg = str(err["msg"]).replace("Input should be", "must be")
    return f"{name} {msg[0].lower() + msg[1:]} (got {got!r})"


def _problems(data: Any, who: str) -> tuple[Budget | None, list[str]]:
    if isinstance(data, Budget):
        return data, []
    if not isinstance(data, Mapping):
        return None, [f"{who}: a budget is a mapping of fields, got {type(data).__name__}"]
    try:
        return Budget.model_validate(dict(data)), []
    except ValidationError as exc:
        errors = exc.errors()
        skip = misspelt_missing(errors, lambda loc: list(Budget.model_fields))  # follow-ons
        described = [_describe(e) for i, e in enumerate(errors) if i not in skip]
        return None, [f"{who}: {d}" if who else d for d in described]


def budget_or_problems(data: Mapping[str, Any]) -> tuple[Budget | None, list[str]]:
    """``data`` as a :class:`Budget`, or None and every problem (``amount 0 is zero; …``)."""
    return _problems(data, "")


def validate_budget(data: Mapping[str, Any] | Budget, source: str = "the budget") -> Budget:
    """``data`` (a mapping of fields) as a :class:`Budget`; every problem at once."""
    name = data.get("name") if isinstance(data, Mapping) else None
    budget, problems = _problems(data, "")
    if budget is None:
        raise ControlError(_summary(f"budget {name!r}" if name else source, problems), hint=_HINT)
    return budget


def validate_budgets(data: Any, source: str = "the budgets") -> list[Budget]:
    """``budgets: [...]`` (or a bare list) as budgets; every problem of every budget at once."""
    items = data.get("budgets") if isinstance(data, Mapping) else data
    if isinstance(data, Mapping) and set(data) - {"budgets"}:
        extra = sorted(set(data) - {"budgets"})
        raise ControlError(
            f"{source}: unknown top-level key {extra[0]!r}; a budgets file holds one key, "
            "budgets, a list of budgets.",
            hint=_HINT,
        )
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        raise ControlError(
            f"{source} holds no budgets: write a list under the key budgets.", hint=_HINT
        )
    budgets: list[Budget] = []
    problems: list[str] = []
    for i, item in enumerate(items):
        name = item.get("name") if isinstance(item, Mapping) else None
        budget, found = _problems(item, f"budget {name!r}" if name else f"budget #{i + 1}")
        problems += found
        if budget is not None:
            budgets.append(budget)
    repeated = sorted(n for n, c in Counter(b.name for b in budgets).items() if c > 1)
    problems += [f"budget {n!r} is defined more than once" for n in repeated]
    if problems:
        raise ControlError(_summary(source, problems), hint=_HINT)
    return budgets


def load_budgets(path: str | Path) -> list[Budget]:
    """Read and validate a YAML file of budgets (see the module's docstring)."""
    data = read_yaml(path, what="the budgets file", expect="any")
    return validate_budgets(data, source=str(path))


def _summary(source: str, problems: list[str]) -> str:
    plural = "s" if len(problems) > 1 else ""
    return f"{source} has {len(problems)} problem{plural}: " + "; ".join(problems)
