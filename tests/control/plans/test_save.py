"""`plan save` as a function: which source, what each source needs, and reading the files."""

from __future__ import annotations

import inspect
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from infracast.control.plans.save import PlanRequest, read_estimate, read_project_spec, save_plan
from infracast.control.plans.stored import save_estimate, show_plan
from infracast.errors import ControlError, InputFileError
from infracast.ledger.connection import Ledger
from tests.control.plans.fixtures import SMALL_SPEC, training_json


def _estimate_file(tmp_path: Path) -> Path:
    path = tmp_path / "run.json"
    path.write_text(json.dumps(training_json(125, "2000"), default=str), encoding="utf-8")
    return path


def _spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(SMALL_SPEC), encoding="utf-8")
    return path


def test_the_request_model_names_the_functions_parameters() -> None:
    parameters = set(inspect.signature(save_plan).parameters) - {"ledger", "name"}
    assert set(PlanRequest.model_fields) == parameters
    assert all(field.description for field in PlanRequest.model_fields.values())


@pytest.mark.parametrize("both", [False, True])
def test_exactly_one_source_is_needed(ledger: Ledger, tmp_path: Path, both: bool) -> None:
    sources = {"estimate": _estimate_file(tmp_path), "project_spec": _spec_file(tmp_path)}
    with pytest.raises(ControlError, match="give exactly one of --estimate"):
        save_plan(ledger, "p", **(sources if both else {}))


def test_a_plan_from_an_estimate_needs_project_and_start(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="needs --project") as caught:
        save_plan(ledger, "p", estimate=_estimate_file(tmp_path), project="atlas")
    assert caught.value.field == "start"


def test_an_estimate_file_saves_as_its_json_would(ledger: Ledger, tmp_path: Path) -> None:
    saved = save_plan(
        ledger, "p", estimate=_estimate_file(tmp_path), project="atlas", start="2026-01-29"
    )
    assert saved == show_plan(ledger, "p")
    assert saved.total == Decimal("2000.00") and saved.source == "training"
    again = save_estimate(
        ledger, "q", training_json(125, "2000"), project="atlas", start="2026-01-29"
    )
    assert [line.amount for line in saved.lines] == [line.amount for line in again.lines]


def test_an_estimate_comes_from_standard_input_for_a_dash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = _estimate_file(tmp_path).read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert read_estimate("-")["wallclock_hours"] == Decimal("125")


def test_a_project_spec_saves_its_budget(ledger: Ledger, tmp_path: Path) -> None:
    saved = save_plan(ledger, "tiny", project_spec=_spec_file(tmp_path))
    assert saved.source == "project" and saved.project == "tiny"
    assert saved.total == Decimal("22330.00")  # 2 months × (165.00 compute + 11,000.00 people)
    assert saved.spec == SMALL_SPEC  # as YAML reads it: numbers stay numbers


def test_a_project_spec_refuses_an_estimates_price_choice(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="--provider, --instance-type apply to --estimate"):
        save_plan(ledger, "p", project_spec=_spec_file(tmp_path), provider="AWS", instance_type="x")


def test_an_estimate_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text('{"cost": [\n  oops\n]}', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"is not JSON \(Expecting value, line 2\)") as caught:
        read_estimate(path)
    assert (caught.value.file, caught.value.row) == (str(path), 2)


def test_an_estimate_must_be_a_json_object(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputFileError, match="holds a JSON list, not an estimate object"):
        read_estimate(path)


def test_a_missing_file_is_named_with_its_flag(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="--estimate: no such file"):
        read_estimate(tmp_path / "nope.json")
    with pytest.raises(InputFileError, match="--project-spec: no such file"):
        read_project_spec(tmp_path / "nope.yaml")
