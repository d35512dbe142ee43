"""Run the command line in-process, as a user would, and capture what it prints."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from infracast.cli.main import run


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    def invoke(*args: str) -> Ran:
        monkeypatch.setattr(sys, "argv", ["infracast", *args])
        capsys.readouterr()
        try:
            run()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return invoke
