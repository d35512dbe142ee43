"""CLI == Python API: each command's JSON is its library function's result, written by the
same renderer. One test over the registry of tests/cli/contracts.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from infracast.cli.render import to_json
from tests.cli.conftest import Ran
from tests.cli.contracts import CONTRACTS, Contract, make_world, scrub

CLI = Callable[..., Ran]


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_the_json_of_the_command_is_the_library_result(
    contract: Contract, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command_root = tmp_path / "command"
    command_root.mkdir()
    make_world(contract.world, command_root)
    call_root = command_root
    if contract.writes:
        call_root = tmp_path / "call"
        call_root.mkdir()
        make_world(contract.world, call_root)
    for name, value in contract.env.items():  # the settings of the run, not of the world
        monkeypatch.setenv(name, value)

    monkeypatch.chdir(command_root)
    ran = cli(*contract.args, "--format", "json")
    assert ran.code == 0, ran.err
    monkeypatch.chdir(call_root)
    result = contract.call(call_root)

    # times that differ between runs (a plan's created_at) are blanked on both sides
    expected = to_json(result) + "\n"
    assert scrub(ran.out, "json", contract.volatile) == scrub(expected, "json", contract.volatile)
