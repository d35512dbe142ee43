"""Input tables of the optimizers (workloads, offers, resources, teams, demand) from a CSV or
YAML file, as validated Pydantic records.

One reader for every ``infracast optimize`` input: a CSV with a header (extra columns are
allowed and ignored; an empty cell is an absent value; a list field such as
``accelerators`` holds its items separated by ``;``) or a YAML file holding a list of
mappings (or a mapping with the list under ``key``). Every row's problems are reported at
once, each with its line, so a file is fixed in one pass; nothing is dropped silently.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from infracast.errors import InputFileError
from infracast.specfiles import read_csv_rows, read_yaml
from infracast.validation import problem, problems_message

M = TypeVar("M", bound=BaseModel)
YAML_SUFFIXES = (".yaml", ".yml")


def _is_list(annotation: Any) -> bool:
    """Whether a field's type is a list or tuple (possibly optional)."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, Sequence):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation) if a is not type(None))
    return False


def _csv_record(values: dict[str, str], model: type[BaseModel]) -> dict[str, Any]:
    """A CSV row as model input: empty cells left out, list fields split on ``;``, columns the
    model does not know ignored (the contract allows extra columns)."""
    record: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        text = (values.get(name) or "").strip()
        if not text:
            continue
        if _is_list(info.annotation):
            record[name] = [part.strip() for part in text.split(";") if part.strip()]
        else:
            record[name] = text
    return record


def _yaml_records(path: Path, what: str, key: str | None) -> list[tuple[int, Any]]:
    data = read_yaml(path, what=what, expect="any")
    if isinstance(data, dict) and key is not None and key in data:
        data = data[key]
    if not isinstance(data, list):
        hint = f"Write one '- ' item per row{f', or put the list under {key}:' if key else ''}."
        raise InputFileError(f"{what}: {path} holds no list of rows.", hint=hint, file=path)
    return [(i + 1, item) for i, item in enumerate(data)]


def read_table(path: str | Path, model: type[M], *, what: str, key: str | None = None) -> list[M]:
    """The rows of ``path`` (CSV, or YAML by its suffix) validated as ``model``.

    ``what`` names the file in messages (``--workloads``); ``key``: the YAML mapping key that
    may hold the list. Every problem of every row is reported in one error, each with its
    line (CSV) or item number (YAML).
    """
    path = Path(path)
    is_yaml = path.suffix.lower() in YAML_SUFFIXES
    rows: list[tuple[int, Any]]
    if is_yaml:
        rows = _yaml_records(path, what, key)
    else:
        _, csv_rows = read_csv_rows(path, what=what)
        rows = [(line, _csv_record(values, model)) for line, values in csv_rows]
    if not rows:
        raise InputFileError(
            f"{what}: {path} has no rows.",
            hint="Add one row per item under the header; docs/optimize.md shows an example.",
            file=path,
        )
    keys = list(model.model_fields)
    records: list[M] = []
    problems: list[str] = []
    place = "item" if is_yaml else "line"
    for line, record in rows:
        if not isinstance(record, dict):
            problems.append(f"{place} {line}: not a mapping of column: value")
            continue
        try:
            records.append(model.model_validate(record))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "row"
                problems.append(f"{place} {line}: {field} {problem(err, keys)}")
    if problems:
        raise InputFileError(
            problems_message(f"{what} {path}", problems),
            hint=f"Fix the rows named; the columns are {', '.join(keys)}.",
            file=path,
            row=int(problems[0].split()[1].rstrip(":")) if len(problems) == 1 else None,
        )
    return records
