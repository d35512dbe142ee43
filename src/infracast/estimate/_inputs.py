"""An estimate's inputs: a spec file, ``KEY=VALUE`` assignments and keyword fields, as one spec.

Every estimate front takes its spec the same way, so the CLI, Python and an API
request mean one thing: a spec (a model, a mapping, or the path of a YAML file
of fields), then ``sets`` (``KEY=VALUE`` text, as ``--set`` gives it), then the
keyword fields, each later one winning; a field given as None is left out (as
a flag not given). Validation errors become one EstimateError naming every
field that is wrong, with the closest valid key for a typo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from infracast.errors import ConfigError, EstimateError
from infracast.specfiles import read_yaml
from infracast.validation import problem

SpecT = TypeVar("SpecT", bound=BaseModel)
SpecInput = BaseModel | Mapping[str, Any] | str | Path | None


def parse_value(text: str) -> Any:
    """A command-line value as YAML reads a scalar (``8192`` → 8192, ``true`` → True);
    text that YAML would read as a list or mapping, or not at all, stays text."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return text if isinstance(loaded, dict | list) else loaded


def parse_assignments(items: Sequence[str], *, flag: str = "--set") -> dict[str, Any]:
    """``["seq_len=8192", "zero-stage=3"]`` → ``{"seq_len": 8192, "zero_stage": 3}``."""
    fields: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"{flag} {item!r} is not KEY=VALUE.",
                hint=f"For example: {flag} seq_len=8192",
                field=flag,
            )
        fields[key.strip().replace("-", "_")] = parse_value(value.strip())
    return fields


def read_spec_file(path: str | Path, what: str) -> dict[str, Any]:
    """The mapping of fields in the YAML file ``path`` (numbers as YAML reads them)."""
    data: dict[str, Any] = read_yaml(path, what=what, numbers_as_text=False)
    return data


def spec_fields(
    spec: SpecInput, sets: Sequence[str], fields: Mapping[str, Any], *, what: str
) -> dict[str, Any]:
    """The spec's fields, then the assignments, then the keyword fields given (not None)."""
    if isinstance(spec, BaseModel):
        base: dict[str, Any] = spec.model_dump(exclude_unset=True)
    elif isinstance(spec, str | Path):
        base = read_spec_file(spec, what)
    else:
        base = dict(spec or {})
    given = {k: v for k, v in fields.items() if v is not None}
    return {**base, **parse_assignments(sets), **given}


def parse_spec(
    model: type[SpecT],
    spec: SpecInput,
    fields: Mapping[str, Any],
    *,
    sets: Sequence[str] = (),
    what: str = "the spec",
) -> SpecT:
    """``spec``, ``sets`` and ``fields`` as a ``model``; validation errors become an
    EstimateError naming every field that is wrong."""
    if isinstance(spec, model) and not sets and not any(v is not None for v in fields.values()):
        return spec
    data = spec_fields(spec, sets, fields, what=what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            said = problem(err, model.model_fields)
            if err["type"] == "extra_forbidden":
                problems.append(said.rstrip("."))
                continue
            where = ".".join(str(p) for p in err["loc"]) or "spec"
            problems.append(f"{where}: {said}")
        raise EstimateError(
            f"invalid {model.__name__} ({'; '.join(problems)}).",
            hint="docs/estimate.md lists every field; counts accept 70e9, 70B, 1.5T.",
        ) from exc
