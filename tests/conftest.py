"""Fixtures shared by the whole suite."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infracast.ledger.connection import Ledger

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED_DATA = Path(os.environ.get("INFRACAST_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data; the test is skipped when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared/data is absent)")
    return path


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's infracast.toml or INFRACAST_* environment."""
    for name in list(os.environ):
        if name.startswith("INFRACAST_") and name != "INFRACAST_SHARED_DATA":
            monkeypatch.delenv(name)
    monkeypatch.setenv("INFRACAST_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    """A fresh in-memory ledger."""
    with Ledger.open(":memory:") as opened:
        yield opened


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the files under tests/golden/ from the current output instead of "
        "comparing with them (make golden; review the change with git diff)",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden(name, text)``: ``text`` must equal ``tests/golden/<name>``.

    With ``--update-golden`` (``make golden``) the file is written instead, so a contract
    changes only by a reviewed change of its golden file (docs/contributing.md).
    """
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"no golden file {path.relative_to(REPO)}: run make golden to write it")
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"tests/golden/{name}",
                tofile="output",
            )
            pytest.fail(
                f"the output differs from tests/golden/{name}; if the change is intended, "
                "run make golden and commit the file.\n" + "".join(diff),
                pytrace=False,
            )

    return check
