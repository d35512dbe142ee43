"""scripts/build_price_book.py reproduces the committed price book from ../shared."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_price_book", ROOT / "scripts" / "build_price_book.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_reproduces_the_committed_price_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = shared_path("prices", "skypilot")
    target = tmp_path / "price_book.csv"
    _script().main(source, target)
    committed = ROOT / "src" / "infracast" / "data" / "price_book.csv"
    assert target.read_bytes() == committed.read_bytes(), (
        "the price book is stale: run python scripts/build_price_book.py"
    )
    printed = capsys.readouterr().out
    assert "dropped" in printed and "T4g (84)" in printed


def test_packaged_book_stays_small() -> None:
    committed = ROOT / "src" / "infracast" / "data" / "price_book.csv"
    assert committed.stat().st_size < 500_000
