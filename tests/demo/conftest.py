"""Demo data sets shared by the demo tests: generated once per session."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from infracast.demo import DemoManifest, generate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoManifest]:
    """The default demo (200,000 rows, Parquet)."""
    out = tmp_path_factory.mktemp("demo-default")
    return out, generate(out)


@pytest.fixture(scope="session")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoManifest]:
    """A small CSV demo with the quirks of real CSV exports."""
    out = tmp_path_factory.mktemp("demo-csv")
    return out, generate(out, rows=30_000, file_format="csv")


def focus_glob(out: Path, provider: str, ext: str = "parquet") -> str:
    return str(out / "focus" / provider / f"*.{ext}")


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()
