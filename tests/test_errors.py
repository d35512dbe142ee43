"""The one error hierarchy: every class is documented and mapped, every raise has a real hint,
and the machine form of real errors is pinned (as datasette pins its error shape)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import infracast
from infracast import analytics, errors
from infracast.errors import InfracastError
from infracast.ledger.connection import Ledger
from infracast.settings import load_settings
from infracast.specfiles import read_yaml

SRC = Path(errors.__file__).resolve().parent


def _import_every_module() -> None:
    """Import all of infracast, so error_classes() sees the subclasses stage packages define."""
    for module in pkgutil.walk_packages(infracast.__path__, "infracast."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _error_class_names(root: Path) -> set[str]:
    """Names of the classes under ``root`` that derive from InfracastError (read from source,
    so the walk does not depend on what happens to be imported)."""
    bases: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                bases.setdefault(node.name, set()).update(names)
    found = {"InfracastError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


CLASSES = _error_class_names(SRC)
# Hints that tell the user nothing they did not know.
GENERIC_HINTS = {"check the path.", "fix the file.", "fix it.", "check the file.", "try again."}


def test_every_error_class_is_documented_and_mapped() -> None:
    _import_every_module()
    offenders = []
    for cls in errors.error_classes():
        if not (cls.__doc__ or "").strip():
            offenders.append(f"{cls.__name__}: no docstring")
        if not (isinstance(cls.http_status, int) and 400 <= cls.http_status <= 599):
            offenders.append(f"{cls.__name__}: http_status {cls.http_status!r}")
        if not (isinstance(cls.exit_code, int) and cls.exit_code > 0):
            offenders.append(f"{cls.__name__}: exit_code {cls.exit_code!r}")
    assert not offenders, "\n".join(offenders)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _hint_problem(call: ast.Call) -> str | None:
    """Why the hint of ``SomeError(...)`` is not good enough (None when it is)."""
    keywords = {k.arg: k.value for k in call.keywords}
    if "hint" not in keywords:
        if None in keywords:  # SomeError(**kwargs): the hint is passed through
            return None
        return "no hint="
    hint = keywords["hint"]
    if isinstance(hint, ast.Constant):
        text = "" if hint.value is None else str(hint.value).strip()
        if not text:
            return "an empty hint"
        if text.lower() in GENERIC_HINTS:
            return f"the generic hint {text!r}"
    return None


def test_every_error_raised_in_src_has_a_specific_hint() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called_name(node) in CLASSES:
                problem = _hint_problem(node)
                if problem:
                    where = path.relative_to(SRC.parent)
                    offenders.append(f"{where}:{node.lineno} {_called_name(node)}: {problem}")
    assert not offenders, (
        f"{len(offenders)} errors without a hint a user can act on:\n" + "\n".join(offenders)
    )


def test_the_hint_walk_finds_a_missing_and_a_generic_hint() -> None:
    tree = ast.parse(
        "QueryError('x')\nConfigError('x', hint='Fix the file.')\nConfigError('x', hint=h)"
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [_hint_problem(c) for c in calls] == [
        "no hint=",
        "the generic hint 'Fix the file.'",
        None,
    ]


# The machine form (to_dict) of real errors: the contract the JSON API and agents read.


def test_shape_of_an_unknown_dimension(ledger: Ledger) -> None:
    with pytest.raises(InfracastError) as caught:
        analytics.costs(ledger, by=["teem"])
    assert caught.value.to_dict() == {
        "error": "QueryError",
        "message": 'unknown dimension "teem". Did you mean "team"?',
        "hint": "Use one of: provider, service, service_category, region, account, "
        "sub_account, team, project, cost_category, gpu_type, charge_category, "
        "pricing_category, resource, sku, source, day, week, month, quarter, year, tag.KEY, "
        "custom.KEY (KEY is a tag key or a custom column name, matched exactly).",
    }
    assert caught.value.http_status == 400 and caught.value.exit_code == 2


def test_shape_of_a_missing_ledger(tmp_path: Path) -> None:
    path = tmp_path / "none.duckdb"
    with pytest.raises(InfracastError) as caught:
        Ledger.open(path, read_only=True)
    assert caught.value.to_dict() == {
        "error": "LedgerError",
        "message": f"no ledger at {path}.",
        "hint": "Ingest something first (infracast ingest FILE) or pass --ledger PATH.",
        "file": str(path),
    }
    assert caught.value.http_status == 500


def test_shape_of_a_yaml_error_names_file_and_row(tmp_path: Path) -> None:
    spec = tmp_path / "budget.yaml"
    spec.write_text("name: a\nlimit 5\n")
    with pytest.raises(InfracastError) as caught:
        read_yaml(spec, what="the budgets file")
    shape = caught.value.to_dict()
    assert list(shape) == ["error", "message", "hint", "file", "row"]
    assert shape["error"] == "InputFileError"
    assert shape["file"] == str(spec) and shape["row"] == 3


def test_shape_of_invalid_settings() -> None:
    with pytest.raises(InfracastError) as caught:
        load_settings(lock_timeout=-1)
    shape = caught.value.to_dict()
    assert shape["error"] == "ConfigError"
    assert shape["message"].startswith("invalid settings (lock_timeout: ")
    assert set(shape) == {"error", "message", "hint"}


def test_the_walk_knows_every_error_class() -> None:
    _import_every_module()
    assert {cls.__name__ for cls in errors.error_classes()} <= CLASSES
    assert {"LedgerBusyError", "ResourceError", "InterruptError", "NotFoundError"} <= CLASSES
