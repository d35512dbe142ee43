"""Every command that prints JSON has a contract (tests/cli/contracts.py): a parity test
with its library function and golden files, so a new command cannot go unpinned."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer.main import get_command

from infracast.cli.main import app
from tests.cli.contracts import CONTRACTS


def commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(command path, command) of every command under ``group``, groups walked down."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            if prints_json(command):  # a group that runs on its own too (infracast forecast)
                yield (*path, name), command
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def prints_json(command: Any) -> bool:
    """The command has a ``--format`` option with a ``json`` choice."""
    for param in command.params:
        if "--format" in getattr(param, "opts", ()):
            choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or ()
            return "json" in {str(getattr(c, "value", c)) for c in choices}
    return False


def json_commands() -> list[tuple[str, ...]]:
    return [path for path, command in commands(get_command(app)) if prints_json(command)]


def test_the_walk_finds_the_commands_that_print_json() -> None:
    found = json_commands()
    assert ("costs",) in found and ("estimate", "training") in found
    assert ("plan", "save") in found
    assert ("report",) not in found and ("demo", "run") not in found  # no --format json


def test_every_command_that_prints_json_has_a_contract() -> None:
    missing = [
        " ".join(path)
        for path in json_commands()
        if not any(c.args[: len(path)] == path for c in CONTRACTS)
    ]
    assert not missing, (
        f"no Contract in tests/cli/contracts.py runs: {', '.join(missing)}. Add one "
        "(docs/contributing.md) and run make golden."
    )


def test_every_contract_runs_a_command_that_prints_json() -> None:
    found = json_commands()
    stray = [c.name for c in CONTRACTS if not any(c.args[: len(p)] == p for p in found)]
    assert not stray, f"these contracts name no command with --format json: {stray}"


def test_contract_names_are_unique() -> None:
    names = [c.name for c in CONTRACTS]
    assert len(names) == len(set(names))
