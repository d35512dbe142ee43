"""An estimate's inputs: KEY=VALUE assignments, a spec file and keyword fields as one spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.errors import ConfigError, InputFileError
from infracast.estimate._inputs import parse_assignments, parse_value, spec_fields


def test_assignments_read_values_as_yaml_scalars_and_keys_with_underscores() -> None:
    assert parse_assignments(["seq_len=8192", "zero-stage=3", "flash=true", "name=a b"]) == {
        "seq_len": 8192,
        "zero_stage": 3,
        "flash": True,
        "name": "a b",
    }


def test_values_yaml_reads_as_a_list_mapping_or_not_at_all_stay_text() -> None:
    assert [parse_value(v) for v in ("[1, 2]", "a: b", "[1")] == ["[1, 2]", "a: b", "[1"]


def test_an_assignment_without_a_key_names_the_flag_and_an_example() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_assignments(["8192"], flag="--predict")
    assert caught.value.message == "--predict '8192' is not KEY=VALUE."
    assert caught.value.hint == "For example: --predict seq_len=8192"


def test_the_file_then_the_assignments_then_the_keywords_given(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("a: 1\nb: 1\nc: 1\n", encoding="utf-8")
    merged = spec_fields(spec, ["b=2", "c=2"], {"c": 3, "d": None}, what="the spec")
    assert merged == {"a": 1, "b": 2, "c": 3}


def test_a_spec_file_that_is_not_a_mapping_says_so(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("- params: 7B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"the training spec: .* holds a list"):
        spec_fields(spec, [], {}, what="the training spec")
