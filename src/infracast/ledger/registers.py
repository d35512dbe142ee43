"""Declarative files (the asset register, manual entries): read, then validated.

A file is read into a :class:`Register` of raw items (YAML or CSV, keys
lower-cased, line or row numbers kept for messages); :func:`validate_items`
checks every item against its Pydantic model and collects every problem, so a
file with any invalid item is rejected whole, all problems listed at once.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from infracast.amounts import TextNumberLoader
from infracast.errors import IngestError, did_you_mean

M = TypeVar("M", bound=BaseModel)


@dataclass
class RegisterItem:
    """One asset or entry as written: where it is and its values (keys lower-cased)."""

    position: int  # 1-based item of the YAML list, or data row of the CSV
    where: str  # "line 12" or "row 3", for messages
    values: dict[str, Any]


@dataclass
class Register:
    """A declarative file read but not yet validated."""

    path: Path
    file_format: str  # yaml | csv
    defaults: dict[str, Any]
    items: list[RegisterItem]
    problems: list[str]


def _lower_keys(data: dict[Any, Any], where: str, problems: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).strip().lower()
        if name in out:
            problems.append(f"{where}: the key {name!r} appears twice (keys ignore case)")
        out[name] = value
    return out


def load_register(path: Path, list_key: str, label: str) -> Register:
    """Read a YAML (``defaults:`` + ``{list_key}:`` list) or CSV (one row per item) file.

    What cannot be read is listed in ``problems``; only a missing file raises.
    """
    if not path.is_file():
        raise IngestError(
            f"no such file: {path}.",
            hint=f"Name the {label} file (.yaml, .yml or .csv); paths are relative to "
            f"{Path.cwd()}.",
            file=path,
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _load_csv(path)
    if suffix not in (".yaml", ".yml"):
        return Register(
            path,
            suffix.lstrip(".") or "unknown",
            {},
            [],
            [f"cannot tell the format from the name; an {label} file is .yaml, .yml or .csv"],
        )
    problems: list[str] = []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=TextNumberLoader)  # numbers as written: docs/numbers.md
        node = yaml.compose(text, Loader=TextNumberLoader)
    except yaml.YAMLError as exc:
        return Register(path, "yaml", {}, [], [f"not valid YAML: {exc}"])
    node_items: list[Any] = []
    if isinstance(data, list):
        data, node_items = {list_key: data}, list(getattr(node, "value", []))
    elif isinstance(data, dict):
        data = _lower_keys(data, "top level", problems)
        for key_node, value_node in getattr(node, "value", []):
            if str(key_node.value).strip().lower() == list_key:
                node_items = list(getattr(value_node, "value", []))
        for key in sorted(set(data) - {list_key, "defaults"}):
            problems.append(
                f"top level: unknown key {key!r}; expected {list_key!r} and optional 'defaults'."
                + did_you_mean(key, [list_key, "defaults"])
            )
    raw_items = data.get(list_key) if isinstance(data, dict) else None
    if not isinstance(raw_items, list):
        problems.append(f"there is no {list_key!r} list; write the {label}s under '{list_key}:'")
        return Register(path, "yaml", {}, [], problems)
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append("defaults: expected a mapping of key: value")
        defaults = {}
    defaults = _lower_keys(defaults, "defaults", problems)
    items = []
    for n, raw in enumerate(raw_items, start=1):
        line = node_items[n - 1].start_mark.line + 1 if n <= len(node_items) else None
        where = f"line {line}" if line else f"item {n}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a mapping of key: value, got {raw!r}")
            continue
        items.append(RegisterItem(n, where, _lower_keys(raw, where, problems)))
    return Register(path, "yaml", defaults, items, problems)


def _load_csv(path: Path) -> Register:
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for n, row in enumerate(rows, start=1):
        if None in row:
            problems.append(f"row {n}: more values than the header has columns")
        clean = {k: v.strip() for k, v in row.items() if isinstance(k, str) and v and v.strip()}
        values = _lower_keys(clean, f"row {n}", problems)
        if "tags" in values:
            values["tags"] = parse_tags(values["tags"], f"row {n}", problems)
        items.append(RegisterItem(n, f"row {n}", values))
    return Register(path, "csv", {}, items, problems)


def parse_tags(text: str, where: str, problems: list[str]) -> dict[str, str]:
    """Tags of a CSV cell: ``key=value; key=value``."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";")):
        key, sep, value = part.partition("=")
        if not part:
            continue
        if not sep or not key.strip():
            problems.append(f"{where}: tags {text!r} is not key=value; key=value (at {part!r})")
            return {}
        out[key.strip()] = value.strip()
    return out


def misspelt_missing(
    errors: Sequence[Any], fields_at: Callable[[tuple[Any, ...]], Sequence[str]]
) -> set[int]:
    """Indexes of the "missing" errors that only follow from a misspelt key.

    A key reported missing is left out when an unknown key beside it (same
    parent location) resembles it, by the did-you-mean rule: the unknown key is
    the one problem to fix. ``fields_at(loc)`` names the fields at an error's location.
    """
    misspelt: set[tuple[Any, ...]] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            close = difflib.get_close_matches(str(loc[-1]), list(fields_at(loc)), n=1, cutoff=0.6)
            misspelt |= {(*loc[:-1], c) for c in close}
    return {
        i for i, e in enumerate(errors) if e["type"] == "missing" and tuple(e["loc"]) in misspelt
    }


def describe_errors(exc: ValidationError, fields: Sequence[str]) -> list[str]:
    """Pydantic errors as 'field: what is wrong (got …)' sentences, with did-you-mean.

    A key reported missing because it is misspelt is left out (:func:`misspelt_missing`).
    """
    out = []
    errors = exc.errors()
    follow_ons = misspelt_missing(errors, lambda loc: fields)
    for i, err in enumerate(errors):
        if i in follow_ons:
            continue
        name = ".".join(str(p) for p in err["loc"]) or "item"
        got = err.get("input")
        if err["type"] == "extra_forbidden":
            out.append(f"unknown key {name!r}." + did_you_mean(name, fields))
        elif err["type"] == "missing":
            out.append(f"{name} is required")
        elif err["type"].startswith(("date_", "datetime_")):
            out.append(f"{name} must be a date written YYYY-MM-DD (got {got!r})")
        elif err["type"] == "value_error":
            out.append(str(err["msg"]).removeprefix("Value error, "))
        else:
            msg = str(err["msg"]).replace("Input should be", "must be")
            out.append(f"{name} {msg[0].lower() + msg[1:]} (got {got!r})")
    return out


def validate_items(
    register: Register,
    model: type[M],
    label: str,
    prepare: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
    default_keys: Sequence[str],
) -> list[tuple[RegisterItem, M]]:
    """Validate every item (after ``prepare`` merged the defaults); raise nothing.

    ``default_keys`` are the keys ``defaults:`` may hold. Problems are appended
    to ``register.problems`` as '<where>, <label> <id>: …'.
    """
    fields = list(model.model_fields)
    for key in sorted(set(register.defaults) - set(default_keys)):
        register.problems.append(
            f"defaults: unknown key {key!r}." + did_you_mean(key, default_keys)
        )
        del register.defaults[key]
    out: list[tuple[RegisterItem, M]] = []
    seen: dict[str, str] = {}
    for item in register.items:
        ident = str(item.values.get("id", "")).strip()
        who = f"{item.where}, {label} {ident}" if ident else f"{item.where}, {label} without id"
        if ident and ident in seen:
            register.problems.append(f"{who}: id {ident!r} repeats the one at {seen[ident]}")
        seen.setdefault(ident, item.where)
        try:
            spec = model.model_validate(prepare(dict(register.defaults), dict(item.values)))
        except ValidationError as exc:
            register.problems.extend(f"{who}: {p}" for p in describe_errors(exc, fields))
            continue
        out.append((item, spec))
    return out
