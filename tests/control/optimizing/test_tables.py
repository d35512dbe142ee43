"""Input tables of the optimizers: CSV or YAML rows as validated records, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from infracast.control.optimizing.tables import read_table
from infracast.errors import InputFileError


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    gpus: int
    tags: list[str] = []
    note: str | None = None


def test_csv_rows_skip_empty_cells_split_lists_and_ignore_extra_columns(tmp_path: Path):
    path = tmp_path / "w.csv"
    path.write_text("name,gpus,tags,note,extra\na,8,H100; A100,,x\nb,1,,hi,y\n")
    rows = read_table(path, Row, what="--workloads")
    assert rows == [Row(name="a", gpus=8, tags=["H100", "A100"]), Row(name="b", gpus=1, note="hi")]


def test_yaml_list_or_list_under_its_key(tmp_path: Path):
    plain = tmp_path / "w.yaml"
    plain.write_text("- {name: a, gpus: 2, tags: [H100]}\n")
    keyed = tmp_path / "k.yml"
    keyed.write_text("workloads:\n  - {name: a, gpus: 2, tags: [H100]}\n")
    want = [Row(name="a", gpus=2, tags=["H100"])]
    assert read_table(plain, Row, what="--workloads") == want
    assert read_table(keyed, Row, what="--workloads", key="workloads") == want


def test_every_bad_row_is_named_with_its_line(tmp_path: Path):
    path = tmp_path / "w.csv"
    path.write_text("name,gpus\na,eight\n,2\nc,3\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, Row, what="--workloads")
    message = caught.value.message
    assert "2 problems" in message
    assert "line 2: gpus" in message and "'eight'" in message
    assert "line 3: name is required" in message


def test_a_header_without_rows_is_refused(tmp_path: Path):
    path = tmp_path / "w.csv"
    path.write_text("name,gpus\n")
    with pytest.raises(InputFileError, match="has no rows"):
        read_table(path, Row, what="--workloads")


def test_yaml_without_a_list_is_refused(tmp_path: Path):
    path = tmp_path / "w.yaml"
    path.write_text("name: a\n")
    with pytest.raises(InputFileError, match="no list of rows"):
        read_table(path, Row, what="--workloads", key="workloads")
