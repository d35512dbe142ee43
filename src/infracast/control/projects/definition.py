"""A tracked project as written in YAML: its tasks with planned cost, start and end.

```yaml
project: atlas-13b            # the x_project its charges carry
name: Atlas 13B pre-training  # optional
currency: USD
budget: 100000                # optional budget at completion; default Σ task costs
                              # (amounts as in docs/numbers.md: 100000, 1e5, 100_000, '100,000')
tasks:
  - task: data-prep
    planned_cost: 20000
    planned_start: 2026-01-01
    planned_end: 2026-02-01   # exclusive: the first day not planned
    filters: [cost_category=storage]   # optional: the task's own share of the actuals
```

:func:`validate_definition` reports every problem at once, each naming the
task and the field (``task 'train': planned_end must be a date …``), and
:func:`load_definition` the line too (``line 12, task 'train': …``). A problem
that only follows from another is left out: a misspelt key is reported as
unknown, with the key it resembles, not also as a missing one; an invalid task
does not make the task list count as empty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infracast.amounts import Amount, PositiveAmount, TextNumberLoader
from infracast.analytics import parse_filter
from infracast.control.projects._earned_value import PlannedTask, ProjectPlan
from infracast.errors import ControlError, QueryError, did_you_mean
from infracast.ledger.registers import misspelt_missing
from infracast.specfiles import read_text
from infracast.vocabulary import iso_currency

_HINT = (
    "Fix them in the file; docs/earned-value.md shows every key of a project file, "
    "docs/numbers.md how to write an amount."
)


class _Loader(TextNumberLoader):
    """YAML whose dates and numbers stay text: Pydantic names a bad date, the one parser
    reads the amounts (docs/numbers.md)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in TextNumberLoader.yaml_implicit_resolvers.items()
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TaskDefinition(_Model):
    """A task: planned cost over ``[planned_start, planned_end)``, optionally its own filters."""

    task: str = Field(min_length=1)
    planned_cost: Amount = Field(decimal_places=2)
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
    budget: PositiveAmount | None = Field(
        default=None, decimal_places=2, description="BAC; default Σ task costs"
    )
    tasks: tuple[TaskDefinition, ...] = Field(min_length=1)

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return iso_currency(value)

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


Lines = Mapping[tuple[Any, ...], int]


def _lines(text: str) -> dict[tuple[Any, ...], int]:
    """The line of each top-level key, each task and each task's key (1-based)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:  # pragma: no cover - the text was loaded already
        return {}
    out: dict[tuple[Any, ...], int] = {}
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        out[(str(key.value),)] = key.start_mark.line + 1
        if str(key.value) != "tasks" or not isinstance(value, yaml.SequenceNode):
            continue
        for i, item in enumerate(value.value):
            out[("tasks", i)] = item.start_mark.line + 1
            for task_key, _ in item.value if isinstance(item, yaml.MappingNode) else ():
                out[("tasks", i, str(task_key.value))] = task_key.start_mark.line + 1
    return out


def _line(loc: tuple[Any, ...], lines: Lines) -> int | None:
    """The line of the location, or of the nearest enclosing one that has a line."""
    return next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), None)


def _where(loc: tuple[Any, ...], data: Mapping[str, Any], lines: Lines) -> tuple[str, str]:
    """``("line 9, task 'train'", "planned_end")``: where in the file, and the field."""
    line = _line(loc, lines)
    at = f"line {line}" if line else ""
    if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
        tasks = data.get("tasks")
        item = tasks[loc[1]] if isinstance(tasks, list) and loc[1] < len(tasks) else None
        name = item.get("task") if isinstance(item, Mapping) else None
        who = f"task {name!r}" if name else f"task #{loc[1] + 1}"
        return ", ".join(p for p in (at, who) if p), ".".join(str(p) for p in loc[2:])
    return at, ".".join(str(p) for p in loc)


def _fields_of(loc: tuple[Any, ...]) -> Sequence[str]:
    return list(
        TaskDefinition.model_fields if loc[:1] == ("tasks",) else ProjectDefinition.model_fields
    )


def _describe(err: Any, data: Mapping[str, Any], lines: Lines) -> str:
    loc = tuple(err["loc"])
    who, name = _where(loc, data, lines)
    got = err.get("input")
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        text = f"unknown key {key!r}.{did_you_mean(key, _fields_of(loc))}"
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


def _follow_ons(errors: Sequence[Any]) -> set[int]:
    """Errors that only follow from others: a key reported missing because it is misspelt
    (an unknown key beside it resembles it), a task list too short because a task failed."""
    task_failed = any(tuple(e["loc"])[:1] == ("tasks",) and len(e["loc"]) > 1 for e in errors)
    return misspelt_missing(errors, _fields_of) | {
        i
        for i, err in enumerate(errors)
        if err["type"] == "too_short" and tuple(err["loc"]) == ("tasks",) and task_failed
    }


def definition_problems(data: Mapping[str, Any], lines: Lines | None = None) -> list[str]:
    """Every problem of ``data`` as a project (none: it is valid), in the file's order."""
    try:
        ProjectDefinition.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors()
        skip = _follow_ons(errors)
        kept = [e for i, e in enumerate(errors) if i not in skip]
        kept.sort(key=lambda e: _line(tuple(e["loc"]), lines or {}) or 0)  # stable: file order
        return [_describe(e, data, lines or {}) for e in kept]
    return []


def validate_definition(
    data: Mapping[str, Any] | ProjectDefinition,
    source: str = "the project",
    lines: Lines | None = None,
) -> ProjectDefinition:
    """``data`` (a mapping from YAML) as a :class:`ProjectDefinition`; every problem at once.

    ``lines`` (from a file) maps locations to line numbers, which then start each problem.
    """
    if isinstance(data, ProjectDefinition):
        return data
    if not isinstance(data, Mapping):
        raise ControlError(
            f"{source}: a project is a mapping of keys (project, currency, tasks…), "
            f"got {type(data).__name__}.",
            hint=_HINT,
        )
    problems = definition_problems(data, lines)
    if problems:
        raise ControlError(problem_list(source, problems), hint=_HINT)
    return ProjectDefinition.model_validate(dict(data))


def problem_list(source: str, problems: Sequence[str]) -> str:
    """``F has 1 problem: …``, or ``F has 3 problems:`` and one ``  - …`` line for each."""
    if len(problems) == 1:
        return f"{source} has 1 problem: {problems[0]}"
    listed = "".join(f"\n  - {p}" for p in problems)
    return f"{source} has {len(problems)} problems:{listed}"


def load_definition(path: str | Path) -> ProjectDefinition:
    """Read and validate a project YAML file."""
    file = Path(path)
    text = read_text(file, what="the project file")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ControlError(
            f"{file} is not valid YAML: {exc}",
            hint="YAML wants 'key: value' with a space after the colon and the same "
            "indentation (spaces, not tabs) for the keys of one task; docs/earned-value.md "
            "shows a project file.",
            file=file,
        ) from None
    return validate_definition(data, source=str(file), lines=_lines(text))
