"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from infracast.ledger.connection import Ledger

REPO = Path(__file__).resolve().parents[1]
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
