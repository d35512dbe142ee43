"""The project YAML: validated with every problem named by its task and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.control.project_definition import load_definition, validate_definition
from infracast.errors import ControlError
from tests.control.project_fixtures import ATLAS, ATLAS_YAML


def _with_task(index: int, **changes: Any) -> dict[str, Any]:
    tasks = [dict(t) for t in ATLAS["tasks"]]
    tasks[index].update(changes)
    return {**ATLAS, "tasks": tasks}


def test_the_example_file_loads(tmp_path: Path) -> None:
    file = tmp_path / "atlas.yaml"
    file.write_text(ATLAS_YAML, encoding="utf-8")
    spec = load_definition(file)
    assert spec.project == "atlas" and [t.task for t in spec.tasks] == ["data", "train", "eval"]
    assert spec.plan().bac == Decimal(10000)
    assert spec.tasks[0].filters == ("cost_category=storage",)
    assert spec.plan().tasks[0].own_actuals and not spec.plan().tasks[1].own_actuals


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_with_task(1, planned_end="2026-13-01"),
         "task 'train': planned_end must be a date written YYYY-MM-DD"),
        (_with_task(0, planned_end="2026-01-01"),
         "task 'data': planned_end 2026-01-01 is not after planned_start 2026-01-01"),
        (_with_task(2, planned_cost=-5), "task 'eval': planned_cost must be greater than or"),
        (_with_task(2, planed_cost=5), "task 'eval': unknown key 'planed_cost'. Did you mean"),
        (_with_task(0, filters=["teem=research"]),
         'task \'data\': filters: unknown dimension "teem"'),
        (_with_task(1, task="data"), "task names repeat: data"),
        ({**ATLAS, "currency": "USX"}, "currency 'USX' is not an ISO 4217 code"),
        ({**ATLAS, "tasks": []}, "tasks must list at least one task"),
        ({k: v for k, v in ATLAS.items() if k != "currency"}, "currency is required"),
    ],
)  # fmt: skip
def test_problems_name_the_task_and_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ControlError) as caught:
        validate_definition(data)
    assert message in caught.value.message
    assert caught.value.hint is not None and "docs/earned-value.md" in caught.value.hint


def test_every_problem_is_reported_at_once() -> None:
    data = _with_task(0, planned_cost="x", planned_start=None)
    with pytest.raises(ControlError, match="has 2 problems: task 'data': planned_cost"):
        validate_definition(data)


def test_a_task_without_a_name_is_named_by_its_position() -> None:
    tasks = [{"planned_cost": 1, "planned_start": "2026-01-01", "planned_end": "2026-01-02"}]
    with pytest.raises(ControlError, match="task #1: task is required"):
        validate_definition({**ATLAS, "tasks": tasks})


def test_files_that_are_missing_or_not_yaml_mappings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="no such file"):
        load_definition(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ControlError, match="a project is a mapping"):
        load_definition(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("project: [unclosed\n", encoding="utf-8")
    with pytest.raises(ControlError, match="is not valid YAML"):
        load_definition(broken)
