"""The dedup scanner on a tmp folder with duplicate files; compression on a sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infracast.control.storage_scan import scan_storage
from infracast.errors import InputFileError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    # a.bin (1,000 bytes) copied twice more; b.bin: another content of the same size;
    # c.txt: 500 bytes alone.
    (tmp_path / "run1").mkdir()
    (tmp_path / "run2").mkdir()
    same = bytes(range(250)) * 4
    (tmp_path / "run1" / "a.bin").write_bytes(same)
    (tmp_path / "run2" / "a.bin").write_bytes(same)
    (tmp_path / "a-copy.bin").write_bytes(same)
    (tmp_path / "run1" / "b.bin").write_bytes(bytes(reversed(same)))
    (tmp_path / "c.txt").write_bytes(b"x" * 500)
    return tmp_path


def test_duplicates_are_found_by_content(folder: Path):
    scan = scan_storage(folder, compression=False)
    # total 4 × 1,000 + 500 = 4,500; two extra copies of a.bin: 2,000 duplicate bytes;
    # unique 2,500; ratio 4,500 / 2,500 = 1.8
    assert (scan.files, scan.total_bytes, scan.duplicate_bytes) == (5, 4500, 2000)
    assert scan.unique_bytes == 2500 and scan.dedup_ratio == pytest.approx(1.8)
    (group,) = scan.groups
    assert group.paths == ["a-copy.bin", "run1/a.bin", "run2/a.bin"]
    assert group.wasted_bytes == 2000
    assert scan.compression_ratio is None


def test_a_folder_without_duplicates_has_ratio_one(tmp_path: Path):
    (tmp_path / "x").write_bytes(b"1")
    (tmp_path / "y").write_bytes(b"22")
    scan = scan_storage(tmp_path, compression=False)
    assert scan.duplicate_bytes == 0 and scan.dedup_ratio == 1.0 and scan.groups == []


def test_compression_is_measured_on_distinct_files(folder: Path):
    scan = scan_storage(folder)
    # distinct contents: a.bin, b.bin (1,000 bytes each), c.txt (500): 2,500 bytes read;
    # 500 × "x" and the repeated 250-byte pattern compress well
    assert scan.compression_sample_bytes == 2500
    assert scan.compression_ratio is not None and scan.compression_ratio > 2
    assert scan.codec == "zlib-6"


def test_random_bytes_do_not_compress(tmp_path: Path):
    (tmp_path / "r").write_bytes(os.urandom(20_000))
    scan = scan_storage(tmp_path)
    assert scan.compression_ratio is not None and scan.compression_ratio < 1.01


def test_the_sample_is_limited_and_said(folder: Path):
    scan = scan_storage(folder, sample_files=1, sample_bytes=100)
    assert scan.compression_sample_bytes == 100
    assert any("1 of 3 distinct files" in n for n in scan.notes)


def test_symlinks_are_not_followed_and_said(folder: Path):
    (folder / "link.bin").symlink_to(folder / "c.txt")
    scan = scan_storage(folder, compression=False)
    assert scan.files == 5 and any("symbolic links" in n for n in scan.notes)


def test_to_dict_is_plain(folder: Path):
    out = scan_storage(folder, compression=False).to_dict()
    assert out["dedup_ratio"] == 1.8 and out["groups"][0]["copies"] == 3


def test_not_a_folder_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputFileError, match="is not a folder"):
        scan_storage(tmp_path / "missing")
