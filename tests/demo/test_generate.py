"""generate(): determinism, size, layout, progress and argument errors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from infracast.demo import DemoManifest, generate
from infracast.errors import ConfigError, InfracastError


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("file_format", ["parquet", "csv.gz"])
def test_same_arguments_give_identical_files(tmp_path: Path, file_format: str) -> None:
    first = _hashes_of_run(tmp_path / "a", file_format)
    second = _hashes_of_run(tmp_path / "b", file_format)
    assert first == second
    assert len(first) >= 20  # FOCUS files, samples, YAML and manifest were all compared


def _hashes_of_run(out: Path, file_format: str) -> dict[str, str]:
    generate(out, rows=20_000, months=3, file_format=file_format, seed=7)
    return _hashes(out)


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", rows=10_000, months=2, seed=1)
    generate(tmp_path / "b", rows=10_000, months=2, seed=2)
    a, b = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert a["focus/aws/2025-11.parquet"] != b["focus/aws/2025-11.parquet"]


@pytest.mark.parametrize("rows", [5_000, 50_000, 400_000])
def test_rows_are_within_ten_percent_of_the_request(tmp_path: Path, rows: int) -> None:
    manifest = generate(tmp_path, rows=rows)
    assert abs(manifest.focus_rows - rows) <= 0.1 * rows
    assert manifest.focus_rows == sum(f.rows for f in manifest.files["focus"])


def test_default_size_has_the_requested_rows(demo: tuple[Path, DemoManifest]) -> None:
    _, manifest = demo
    assert abs(manifest.focus_rows - 200_000) <= 20_000


def test_resources_grow_with_rows(tmp_path: Path, demo: tuple[Path, DemoManifest]) -> None:
    import duckdb

    small = generate(tmp_path, rows=70_000)  # hourly like the default; daily rows hold more
    count = "SELECT count(DISTINCT ResourceId) FROM read_parquet(?)"
    con = duckdb.connect()
    n_small = con.execute(count, [[str(tmp_path / p) for p in small.paths("focus")]]).fetchone()
    out, big = demo
    n_big = con.execute(count, [[str(out / p) for p in big.paths("focus")]]).fetchone()
    assert n_small is not None and n_big is not None
    assert n_big[0] > 2 * n_small[0]


def test_layout_is_one_file_per_provider_and_month(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    assert sorted(p.name for p in (out / "focus").iterdir()) == ["aws", "azure", "gcp"]
    assert [p.name for p in sorted((out / "focus" / "aws").iterdir())][:2] == [
        "2025-11.parquet",
        "2025-12.parquet",
    ]
    assert len(manifest.files["focus"]) == 3 * 12
    assert (out / "assets.yaml").is_file() and (out / "manual.yaml").is_file()
    assert {p.name.split("-")[0] for p in (out / "usage").iterdir()} == {
        "aws",
        "gcp",
        "azure",
        "onprem",
    }


def test_large_months_are_split_into_parts(tmp_path: Path) -> None:
    manifest = generate(tmp_path, rows=20_000, months=2, part_rows=2_000)
    aws = manifest.paths("focus", "aws")
    assert "focus/aws/2025-11-part0001.parquet" in aws
    assert all(f.rows <= 2_000 * 1.5 for f in manifest.files["focus"])
    assert not (tmp_path / "focus" / "aws" / "2025-11.parquet").exists()


def test_manifest_json_round_trips(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    assert DemoManifest.read(out / "manifest.json") == manifest
    data = json.loads((out / "manifest.json").read_text())
    assert data["company"] == manifest.company
    assert isinstance(data["totals"][0]["billed_cost"], str)  # exact decimals


def test_progress_reports_every_row_once(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    manifest = generate(tmp_path, rows=10_000, months=2, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, manifest.focus_rows)
    assert calls[-1] == (manifest.focus_rows, manifest.focus_rows)
    done = [d for d, _ in calls]
    assert done == sorted(done)


def test_rerun_into_the_same_folder_replaces_the_files(tmp_path: Path) -> None:
    generate(tmp_path, rows=10_000, months=3)
    manifest = generate(tmp_path, rows=10_000, months=2)
    assert sorted(p.name for p in (tmp_path / "focus" / "aws").iterdir()) == [
        "2025-11.parquet",
        "2025-12.parquet",
    ]
    assert manifest.months == 2


def test_a_folder_with_foreign_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "focus").mkdir()
    with pytest.raises(ConfigError, match="no demo run wrote"):
        generate(tmp_path, rows=10_000)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 10}, "rows must be between"),
        ({"start": date(2025, 11, 15)}, "first day of a month"),
        ({"months": 0}, "months must be"),
        ({"file_format": "xlsx"}, "is not one of"),
        ({"sample_interval_s": 7}, "sample interval"),
    ],
)
def test_bad_arguments_say_what_to_do(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InfracastError, match=message):
        generate(tmp_path, **kwargs)


@pytest.mark.slow
def test_memory_stays_bounded_at_two_million_rows(tmp_path: Path) -> None:
    code = (
        "import resource, sys\n"
        "from infracast.demo import generate\n"
        "generate(sys.argv[1], rows=2_000_000)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    peak_mib = int(done.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux
    assert peak_mib < 1536, f"peak RSS {peak_mib:.0f} MiB"
