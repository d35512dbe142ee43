"""Reading input files (src/infracast/specfiles.py): one specific message per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from infracast.errors import ControlError, InputFileError
from infracast.specfiles import read_csv_rows, read_text, read_yaml


def test_a_missing_file_names_the_close_one_beside_it(tmp_path: Path) -> None:
    (tmp_path / "budgets.yaml").write_text("budgets: []\n")
    with pytest.raises(InputFileError) as caught:
        read_text(tmp_path / "budget.yaml", what="the budgets file")
    assert caught.value.message == f"the budgets file: no such file {tmp_path / 'budget.yaml'}."
    assert caught.value.hint == 'Did you mean "budgets.yaml"?'
    assert caught.value.to_dict()["file"] == str(tmp_path / "budget.yaml")


def test_a_missing_file_lists_the_files_of_its_kind(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    (tmp_path / "b.yaml").write_text("x: 1\n")
    with pytest.raises(InputFileError, match=r"holds a\.yaml, b\.yaml"):
        read_text(tmp_path / "zzzz.yaml", what="--finance-spec")


def test_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_text(tmp_path / "nope" / "spec.yaml", what="--project-spec")
    assert "does not exist either" in str(caught.value.hint)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is a folder, not a file"):
        read_text(tmp_path, what="--cashflows")


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("period,cost\n2026-01,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError) as caught:
        read_text(path, what="--cashflows")
    # 'period,cost\n' is 12 bytes, '2026-01,caf' 11 more: the é is byte 24, on line 2
    assert "byte 24, line 2" in caught.value.message
    assert caught.value.row == 2


def test_invalid_yaml_gives_the_line_column_and_text(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: atlas\nbudget:1000\n  currency: USD\n")
    with pytest.raises(InputFileError) as caught:
        read_yaml(path, what="the project file")
    assert "not valid YAML at line 3, column" in caught.value.message
    assert "'currency: USD'" in caught.value.message
    assert caught.value.row == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "is empty"), ("- a\n- b\n", "holds a list, not a mapping"), ("42\n", "single value")],
)
def test_the_top_level_must_be_a_mapping(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    with pytest.raises(ControlError, match=message):
        read_yaml(path, what="the budgets file", error=ControlError)


def test_yaml_numbers_stay_as_written() -> None:
    from infracast.specfiles import parse_yaml

    assert parse_yaml("amount: 0100\nrate: 1e6\n", what="x") == {"amount": "0100", "rate": "1e6"}
    # YAML 1.1 reads 0100 as octal 64: why amounts are kept as text for the amount parser
    assert parse_yaml("amount: 0100\n", what="x", numbers_as_text=False) == {"amount": 64}


def test_csv_rows_carry_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("\ufeffperiod,cost\n2026-01,5\n\n2026-02,6\n")
    header, rows = read_csv_rows(path, what="--cashflows")
    assert header == ["period", "cost"]
    assert rows == [
        (2, {"period": "2026-01", "cost": "5"}),
        (4, {"period": "2026-02", "cost": "6"}),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period,cost,cost\n2026-01,1,2\n", "repeats the column cost"),
        ("period,cost\n2026-01,1,000\n", "line 2: 3 values but the header has 2 columns"),
        ("\n\n", "is empty: no header row"),
    ],
)
def test_csv_problems_are_specific(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "flows.csv"
    path.write_text(text)
    with pytest.raises(InputFileError, match=message):
        read_csv_rows(path, what="--cashflows")
