"""Scan a folder (a checkpoint or dataset directory) for duplicate content and measure how
well it compresses: the measured ratios the storage rule turns into savings.

Duplicates: files are grouped by size first; only files of equal size are hashed (SHA-256
of the content), so a folder of distinct sizes reads nothing. ``duplicate_bytes`` is what
the copies beyond the first of each content take; the deduplication ratio is total bytes ÷
unique bytes (2.0: every file stored twice).

Compression: the first ``sample_bytes`` of up to ``sample_files`` distinct files (spread
evenly over the sorted paths) are compressed with zlib at level 6; the ratio is bytes read ÷
bytes compressed. zlib is the stdlib's; zstd or a format's own codec usually does better, so
the ratio is a floor.

Symbolic links are not followed, and files that cannot be read are counted in ``notes``.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infracast.errors import InputFileError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class DuplicateGroup:
    """Files with the same content: their size each and their paths (relative to the folder)."""

    size_bytes: int
    paths: list[str]

    @property
    def wasted_bytes(self) -> int:
        return self.size_bytes * (len(self.paths) - 1)

    def to_dict(self) -> dict[str, Any]:
        return {"size_bytes": self.size_bytes, "copies": len(self.paths),
                "wasted_bytes": self.wasted_bytes, "paths": list(self.paths)}  # fmt: skip


@dataclass(frozen=True)
class StorageScan:
    """What a folder holds, its duplicates and (optionally) how well a sample compresses."""

    folder: str
    files: int
    total_bytes: int
    duplicate_bytes: int
    groups: list[DuplicateGroup]  # largest waste first, at most ``top``
    duplicate_groups: int  # all of them
    compression_ratio: float | None
    compression_sample_bytes: int
    codec: str
    notes: list[str] = field(default_factory=list)

    @property
    def unique_bytes(self) -> int:
        return self.total_bytes - self.duplicate_bytes

    @property
    def dedup_ratio(self) -> float:
        """Total ÷ unique bytes (1.0 for an empty folder or one without duplicates)."""
        return self.total_bytes / self.unique_bytes if self.unique_bytes else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "files": self.files,
            "total_bytes": self.total_bytes,
            "unique_bytes": self.unique_bytes,
            "duplicate_bytes": self.duplicate_bytes,
            "dedup_ratio": round(self.dedup_ratio, 6),
            "duplicate_groups": self.duplicate_groups,
            "groups": [g.to_dict() for g in self.groups],
            "compression_ratio": None
            if self.compression_ratio is None
            else round(self.compression_ratio, 6),
            "compression_sample_bytes": self.compression_sample_bytes,
            "codec": self.codec,
            "notes": list(self.notes),
        }


def scan_storage(
    folder: str | Path,
    *,
    compression: bool = True,
    sample_files: int = 200,
    sample_bytes: int = 1 << 20,
    top: int = 10,
) -> StorageScan:
    """Scan ``folder`` (module docstring): duplicates by content, and with ``compression``
    the zlib ratio of a sample."""
    root = Path(folder)
    if not root.is_dir():
        raise InputFileError(
            f"{root} is not a folder.",
            hint="Pass the folder to scan (a checkpoint or dataset directory).",
            file=root,
        )
    notes: list[str] = []
    sizes: dict[int, list[Path]] = defaultdict(list)
    links = 0
    for path in sorted(_walk(root, notes)):
        if path.is_symlink():
            links += 1
            continue
        try:
            sizes[path.stat().st_size].append(path)
        except OSError as exc:
            notes.append(f"cannot read {path}: {exc.strerror}; left out.")
    if links:
        notes.append(f"{links} symbolic links were not followed.")
    groups: list[DuplicateGroup] = []
    distinct: list[Path] = []
    for size, same in sorted(sizes.items()):
        if len(same) == 1:
            distinct.append(same[0])
            continue
        by_hash: dict[str, list[Path]] = defaultdict(list)
        for path in same:
            digest = _digest(path, notes)
            if digest is not None:
                by_hash[digest].append(path)
        for paths in by_hash.values():
            distinct.append(paths[0])
            if len(paths) > 1:
                rel = [str(p.relative_to(root)) for p in paths]
                groups.append(DuplicateGroup(size_bytes=size, paths=rel))
    files = sum(len(v) for v in sizes.values())
    total = sum(size * len(v) for size, v in sizes.items())
    ratio, sampled = (None, 0)
    if compression:
        ratio, sampled = _compression(sorted(distinct), sample_files, sample_bytes, notes)
    groups.sort(key=lambda g: (-g.wasted_bytes, g.paths))
    return StorageScan(
        folder=str(root),
        files=files,
        total_bytes=total,
        duplicate_bytes=sum(g.wasted_bytes for g in groups),
        groups=groups[:top],
        duplicate_groups=len(groups),
        compression_ratio=ratio,
        compression_sample_bytes=sampled,
        codec="zlib-6",
        notes=notes,
    )


def _walk(root: Path, notes: list[str]) -> list[Path]:
    found: list[Path] = []

    def failed(exc: OSError) -> None:
        notes.append(f"cannot list {exc.filename}: {exc.strerror}; left out.")

    for here, dirs, names in os.walk(root, onerror=failed):
        dirs.sort()
        found.extend(Path(here) / n for n in names)
    return found


def _digest(path: Path, notes: list[str]) -> str | None:
    sha = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                sha.update(chunk)
    except OSError as exc:
        notes.append(f"cannot read {path}: {exc.strerror}; left out of the duplicates.")
        return None
    return sha.hexdigest()


def _compression(
    paths: list[Path], sample_files: int, sample_bytes: int, notes: list[str]
) -> tuple[float | None, int]:
    if not paths or sample_files < 1:
        return None, 0
    step = max(1, len(paths) / sample_files)
    chosen = [paths[int(i * step)] for i in range(min(sample_files, len(paths)))]
    raw = packed = 0
    for path in chosen:
        try:
            with path.open("rb") as fh:
                data = fh.read(sample_bytes)
        except OSError as exc:
            notes.append(f"cannot read {path}: {exc.strerror}; left out of the sample.")
            continue
        raw += len(data)
        packed += len(zlib.compress(data, 6))
    if raw == 0:
        return None, 0
    if len(chosen) < len(paths):
        notes.append(
            f"compression measured on {len(chosen)} of {len(paths)} distinct files "
            f"(the first {sample_bytes:,} bytes of each)."
        )
    return raw / packed, raw
