"""The project YAML: validated with every problem named by its task and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infracast.control.projects.definition import load_definition, validate_definition
from infracast.errors import ControlError, InputFileError
from tests.control.projects.fixtures import ATLAS, ATLAS_YAML


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
        (_with_task(2, planned_cost=-5), "task 'eval': planned_cost -5 is negative; it must be 0"),
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
    with pytest.raises(ControlError, match="has 2 problems:\n  - task 'data': planned_cost"):
        validate_definition(data)


def test_a_task_without_a_name_is_named_by_its_position() -> None:
    tasks = [{"planned_cost": 1, "planned_start": "2026-01-01", "planned_end": "2026-01-02"}]
    with pytest.raises(ControlError, match="task #1: task is required"):
        validate_definition({**ATLAS, "tasks": tasks})


def test_files_that_are_missing_or_not_yaml_mappings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="the project file: no such file"):
        load_definition(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ControlError, match="a project is a mapping"):
        load_definition(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("project: [unclosed\n", encoding="utf-8")
    with pytest.raises(ControlError, match="is not valid YAML"):
        load_definition(broken)


# --- issue 10: amounts in any accepted form; every problem of a file, each where it is --------

_TYPOS = """\
project: atlas
currency: USD
budgt: 1e4
tasks:
  - task: data
    planned_cost: 1.000.000
    planned_start: 2026-01-01
    planned_end: 2026-01-11
  - task: train
    planed_cost: 6000
    planned_start: 2026-01-11
    planned_end: 2026-02-10
"""


def test_every_problem_of_a_file_is_reported_once_with_its_line(tmp_path: Path) -> None:
    file = tmp_path / "atlas.yaml"
    file.write_text(_TYPOS, encoding="utf-8")
    with pytest.raises(ControlError) as caught:
        load_definition(file)
    first, *problems = caught.value.message.splitlines()
    assert first == f"{file} has 3 problems:"
    assert problems[0] == "  - line 3: unknown key 'budgt'. Did you mean \"budget\"?"
    assert problems[1].startswith(
        "  - line 6, task 'data': planned_cost '1.000.000' is not a number: write it as"
    )
    assert problems[2] == (
        "  - line 10, task 'train': unknown key 'planed_cost'. Did you mean \"planned_cost\"?"
    )
    message = caught.value.message
    # no follow-on of the typos: the misspelt key is not also "required", the tasks are listed
    assert "is required" not in message and "at least one task" not in message


def test_a_misspelt_tasks_key_is_one_problem(tmp_path: Path) -> None:
    file = tmp_path / "atlas.yaml"
    file.write_text(ATLAS_YAML.replace("tasks:", "taks:"), encoding="utf-8")
    with pytest.raises(ControlError) as caught:
        load_definition(file)
    assert caught.value.message == (
        f"{file} has 1 problem: line 4: unknown key 'taks'. Did you mean \"tasks\"?"
    )


@pytest.mark.parametrize(
    ("budget", "cost", "bac", "planned"),
    [
        ("1e4", "2e3", 10_000, 2_000),
        ("'10,000'", "2_000", 10_000, 2_000),
        ("0100", "2.5e3", 100, 2_500),
    ],
)
def test_amounts_in_any_accepted_form_are_read_as_written(
    tmp_path: Path, budget: str, cost: str, bac: int, planned: int
) -> None:
    file = tmp_path / "atlas.yaml"
    text = ATLAS_YAML.replace("currency: USD", f"currency: USD\nbudget: {budget}")
    file.write_text(
        text.replace("planned_cost: 2000", f"planned_cost: {cost}", 1), encoding="utf-8"
    )
    spec = load_definition(file)
    assert spec.budget == bac and spec.plan().bac == bac
    assert spec.tasks[0].planned_cost == planned


def test_a_budget_beyond_the_ledger_is_one_sentence() -> None:
    with pytest.raises(ControlError, match="budget 1e400 is beyond what the ledger stores"):
        validate_definition({**ATLAS, "budget": "1e400"})
