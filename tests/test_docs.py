"""Docs that cannot rot: the command reference is generated and every command has examples."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parts = re.split(r"^## `(infracast[^`]*)`$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_cli_reference_covers_every_command_and_option() -> None:
    """docs/cli.md (python scripts/gen_cli_docs.py) documents what --help shows today.

    Compared by content, not byte for byte, so a new Typer or Rich release that
    draws help differently does not fail the build; a command or option added,
    renamed or removed without regenerating the reference does.
    """
    gen = _generator()
    sections = _reference_sections()
    expected = {" ".join(["infracast", *p]) for p in gen.commands()}
    assert set(sections) == expected, "docs/cli.md is stale: run python scripts/gen_cli_docs.py"
    for path in gen.commands():
        name = " ".join(["infracast", *path])
        current = gen.help_text(path)
        flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", current))
        documented = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", sections[name]))
        assert flags == documented, f"{name}: options differ from docs/cli.md: {flags ^ documented}"
        summary = current.split("\n\n")[1].strip().split("\n")[0].strip()
        assert summary in sections[name], f"{name}: its help text changed; regenerate docs/cli.md"


@pytest.mark.parametrize("path", [p for p in _generator().commands() if p])
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    gen = _generator()
    text = gen.help_text(path)
    group = len(path) == 1 and "Commands" in text
    assert group or "Example" in text, f"infracast {' '.join(path)} --help shows no example"


def test_readme_commands_exist() -> None:
    gen = _generator()
    known = {" ".join(p) for p in gen.commands() if p}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = re.findall(r"^\$ infracast ([a-z-]+(?: [a-z-]+)?)", readme, flags=re.MULTILINE)
    assert used, "the README shows no infracast command"
    for command in used:
        first = command.split()[0]
        assert command in known or first in known, f"README uses unknown command: {command}"


def test_every_doc_page_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
