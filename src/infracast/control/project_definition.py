"""A tracked project as written in YAML: its tasks with planned cost, start and end.

```yaml
project: atlas-13b            # the x_project its charges carry
name: Atlas 13B pre-training  # optional
currency: USD
budget: 100000                # optional budget at completion; default Σ task costs
tasks:
  - task: data-prep
    planned_cost: 20000
    planned_start: 2026-01-01
    planned_end: 2026-02-01   # exclusive: the first day not planned
    filters: [cost_category=storage]   # optional: the task's own share of the actuals
```

:func:`validate_definition` reports every problem at once, each naming the
task and the field (``task 'train': planned_end must be a date …``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infracast.analytics.filters import parse_filter
from infracast.control.earned_value import PlannedTask, ProjectPlan
from infracast.errors import ControlError, QueryError, did_you_mean
from infracast.ledger import focus_spec

_HINT = "Fix them in the file; docs/earned-value.md shows every key of a project file."


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so Pydantic names a bad one."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TaskDefinition(_Model):
    """A task: planned cost over ``[planned_start, planned_end)``, optionally its own filters."""

    task: str = Field(min_length=1)
    planned_cost: Decimal = Field(ge=0, decimal_places=2)
    planned_start: date
    planned_end: date = Field(description="exclusive: the first day not planned")
    filters: tuple[str, ...] = Field(
        default=(), description="the task's share of the project's actuals (analytics filters)"
    )

    @field_validator("filters", mode="before")
    @classmethod
    def _one_filter(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("filters")
    @classmethod
    def _parse_filters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            try:
                parse_filter(text)
            except QueryError as exc:
                raise ValueError(f"filters: {exc.message} {exc.hint or ''}".strip()) from None
        return value

    @model_validator(mode="after")
    def _end_after_start(self) -> TaskDefinition:
        if self.planned_end <= self.planned_start:
            raise ValueError(
                f"planned_end {self.planned_end} is not after planned_start "
                f"{self.planned_start} (the end is exclusive: the first day not planned)"
            )
        return self


class ProjectDefinition(_Model):
    """A project to track: its ``x_project`` id, currency, optional budget (BAC) and tasks."""

    project: str = Field(min_length=1, description="the x_project its charges carry")
    name: str | None = None
    currency: str = Field(min_length=3, max_length=3)
    budget: Decimal | None = Field(
        default=None, gt=0, decimal_places=2, description="BAC; default Σ task costs"
    )
    tasks: tuple[TaskDefinition, ...] = Field(min_length=1)

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return focus_spec.iso_currency(value)

    @model_validator(mode="after")
    def _unique_tasks(self) -> ProjectDefinition:
        counts = Counter(t.task for t in self.tasks)
        repeated = sorted(name for name, n in counts.items() if n > 1)
        if repeated:
            raise ValueError(f"task names repeat: {', '.join(repeated)}; give each task its own")
        return self

    def plan(self) -> ProjectPlan:
        """The plan the earned-value formulas read."""
        return ProjectPlan(
            project=self.project,
            currency=self.currency,
            budget=self.budget,
            name=self.name,
            tasks=tuple(
                PlannedTask(
                    task=t.task,
                    planned_cost=t.planned_cost,
                    planned_start=t.planned_start,
                    planned_end=t.planned_end,
                    own_actuals=bool(t.filters),
                )
                for t in self.tasks
            ),
        )


def _where(loc: tuple[Any, ...], data: Mapping[str, Any]) -> tuple[str, str]:
    """``("task 'train'", "planned_end")`` for a location inside a task, else ``("", field)``."""
    if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
        tasks = data.get("tasks")
        item = tasks[loc[1]] if isinstance(tasks, list) and loc[1] < len(tasks) else None
        name = item.get("task") if isinstance(item, Mapping) else None
        who = f"task {name!r}" if name else f"task #{loc[1] + 1}"
        return who, ".".join(str(p) for p in loc[2:])
    return "", ".".join(str(p) for p in loc)


def _describe(err: Any, data: Mapping[str, Any]) -> str:
    who, name = _where(tuple(err["loc"]), data)
    got = err.get("input")
    kind = err["type"]
    fields = TaskDefinition.model_fields if who else ProjectDefinition.model_fields
    if kind == "extra_forbidden":
        text = f"unknown key {name.split('.')[-1]!r}.{did_you_mean(name.split('.')[-1], fields)}"
    elif kind == "missing":
        text = f"{name} is required"
    elif kind.startswith(("date_", "datetime_")):
        text = f"{name} must be a date written YYYY-MM-DD (got {got!r})"
    elif kind == "too_short":
        text = "tasks must list at least one task" if name == "tasks" else f"{name} is empty"
    elif kind == "value_error":
        text = str(err["msg"]).removeprefix("Value error, ")
    else:
        msg = str(err["msg"]).replace("Input should be", "must be")
        msg = msg.replace("Decimal input should", "must")
        text = f"{name} {msg[0].lower() + msg[1:]} (got {got!r})".strip()
    return f"{who}: {text}" if who else text


def validate_definition(
    data: Mapping[str, Any] | ProjectDefinition, source: str = "the project"
) -> ProjectDefinition:
    """``data`` (a mapping from YAML) as a :class:`ProjectDefinition`; every problem at once."""
    if isinstance(data, ProjectDefinition):
        return data
    if not isinstance(data, Mapping):
        raise ControlError(
            f"{source}: a project is a mapping of keys (project, currency, tasks…), "
            f"got {type(data).__name__}.",
            hint=_HINT,
        )
    try:
        return ProjectDefinition.model_validate(dict(data))
    except ValidationError as exc:
        problems = [_describe(e, data) for e in exc.errors()]
        plural = "s" if len(problems) > 1 else ""
        raise ControlError(
            f"{source} has {len(problems)} problem{plural}: " + "; ".join(problems), hint=_HINT
        ) from None


def load_definition(path: str | Path) -> ProjectDefinition:
    """Read and validate a project YAML file."""
    file = Path(path)
    if not file.is_file():
        raise ControlError(f"no such file: {file}.", hint="Check the path of the project YAML.")
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ControlError(f"{file} is not valid YAML: {exc}", hint=_HINT) from None
    return validate_definition(data, source=str(file))
