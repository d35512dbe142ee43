"""Bucket statistics from files: a CSV in the ``bucket_stats`` layout, or an object inventory
export (S3 Inventory, GCS Storage Insights, Azure Blob inventory) summed per bucket.

Kinds (``kind``; guessed from the header when not given):

- ``csv``: the columns of the ``bucket_stats`` table: ``bucket``, ``provider`` (aws, gcp or
  azure) and ``size_gb`` required; ``region``, ``storage_class``, ``prefix``, ``objects``,
  ``age_days``, ``last_access_days``, ``reads_per_month``, ``read_gb_per_month``, ``team``,
  ``project``, ``as_of`` optional (empty when not known).
- ``s3``: an S3 Inventory CSV (``.csv`` or ``.csv.gz``): ``Bucket``, ``Key``, ``Size``,
  ``LastModifiedDate``, ``StorageClass``. S3 writes its data files without a header: the
  column order is the ``fileSchema`` of the ``manifest.json`` beside the file (or one folder
  up), or a header line the user added.
- ``gcs``: a Storage Insights inventory report CSV with its header: ``bucket``, ``name``,
  ``size``, ``timeCreated`` (else ``updated``), ``storageClass``, ``location``.
- ``azure``: a Blob inventory CSV: ``Name`` (``container/path``: the container is the
  bucket), ``Content-Length``, ``Last-Modified``, ``AccessTier``, ``LastAccessTime`` (when
  access tracking is on).

An inventory gives per bucket: the bytes (GB = 10^9 bytes, as providers bill), the object
count, the size-weighted mean age at ``as_of`` and the class holding most of the bytes (a
bucket that mixes classes is said so). It has no reads: they stay unknown (the rule then
assumes none and lowers its confidence), and a CSV with ``reads_per_month`` and
``read_gb_per_month`` (from access logs, CloudWatch, Storage Lens or Cloud Monitoring)
supplies them. A row that cannot be read is an error naming its line and column; nothing
is dropped.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infracast.catalog.storage_prices import PROVIDERS, provider_key
from infracast.errors import IngestError, InputFileError, did_you_mean
from infracast.ledger.stores import buckets as store

if TYPE_CHECKING:
    from infracast.ledger.connection import Ledger

KINDS: tuple[str, ...] = ("csv", "s3", "gcs", "azure")
CSV_COLUMNS: tuple[str, ...] = tuple(c for c in store.COLUMNS if c != "source")
_REQUIRED = ("bucket", "provider", "size_gb")
_NUMBERS = ("size_gb", "age_days", "last_access_days", "reads_per_month", "read_gb_per_month")
_GB = 1e9
# kind -> the columns of its export: bucket (None: from the name), key, size, times, class…
_INVENTORY: dict[str, dict[str, Any]] = {
    "s3": {"provider": "aws", "bucket": "Bucket", "key": "Key", "size": "Size",
           "modified": ("LastModifiedDate",), "class": "StorageClass",
           "marker": "IsDeleteMarker"},
    "gcs": {"provider": "gcp", "bucket": "bucket", "key": "name", "size": "size",
            "modified": ("timeCreated", "updated"), "class": "storageClass",
            "region": "location"},
    "azure": {"provider": "azure", "bucket": None, "key": "Name", "size": "Content-Length",
              "modified": ("Last-Modified", "Creation-Time"), "class": "AccessTier",
              "accessed": "LastAccessTime"},
}  # fmt: skip
_NO_READS = (
    "{fmt} inventories have no reads: reads per month and GB read stay unknown. Ingest a CSV "
    "with reads_per_month and read_gb_per_month (from access logs or metrics) to count "
    "request and retrieval fees."
)


@dataclass(frozen=True)
class BucketIngest:
    """What an ingest stored: one row per bucket (and prefix), and what it assumed."""

    file: str
    kind: str
    as_of: date
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "as_of": self.as_of.isoformat(),
            "rows": [{**r, "as_of": r["as_of"].isoformat()} for r in self.rows],
            "notes": list(self.notes),
        }


def ingest_buckets(
    ledger: Ledger,
    path: str | Path,
    *,
    kind: str | None = None,
    as_of: date | str | None = None,
    region: str | None = None,
    team: str | None = None,
    project: str | None = None,
) -> BucketIngest:
    """Read ``path`` (:func:`read_buckets`) and store its rows in ``bucket_stats``, replacing
    those of the same bucket, prefix and date, in one transaction."""
    read = read_buckets(path, kind=kind, as_of=as_of, region=region, team=team,
                        project=project)  # fmt: skip
    with ledger.transaction() as con:
        store.replace_rows(con, read.rows)
    return read


def list_buckets(
    ledger: Ledger, *, bucket: str | None = None, as_of: date | str | None = None,
    history: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """The stored statistics: each bucket's newest row (on or before ``as_of``), or every row
    with ``history``; only ``bucket``'s when given."""
    day = _as_of(as_of) if as_of is not None else None
    if history:
        return store.rows(ledger.con, bucket=bucket, as_of=day)
    return store.latest(ledger.con, bucket=bucket, as_of=day)


def read_buckets(
    path: str | Path,
    *,
    kind: str | None = None,
    as_of: date | str | None = None,
    region: str | None = None,
    team: str | None = None,
    project: str | None = None,
) -> BucketIngest:
    """The ``bucket_stats`` rows of the file at ``path`` (module docstring), stamped with
    ``source`` = the file's name. ``as_of`` (default: today, UTC) dates an inventory and
    the CSV rows that have none; ``region``, ``team`` and ``project`` fill what a file
    lacks."""
    file = Path(path)
    if not file.is_file():
        raise InputFileError(
            f"no bucket statistics file at {file}.",
            hint="Pass a CSV in the bucket_stats layout or an S3, GCS or Azure inventory CSV.",
            file=file,
        )
    notes: list[str] = []
    day = _as_of(as_of) if as_of is not None else datetime.now(UTC).date()
    header, lines = _open(file)
    kind = _kind(file, header, kind)
    fill = {"region": region, "team": team, "project": project}
    if kind == "csv":
        rows = _csv_rows(file, header, lines, day, fill)
        undated = any([r.pop("undated") for r in rows])  # every row's flag removed
    else:
        undated = True
        first = 2
        if kind == "s3" and not {"Bucket", "Key"} <= set(header):
            lines, header, first = _prepend(header, lines), _s3_schema(file), 1
        rows = _inventory_rows(file, kind, header, lines, (day, first), fill, notes)
        notes.append(_NO_READS.format(fmt={"s3": "S3", "gcs": "GCS", "azure": "Azure"}[kind]))
    if as_of is None and undated:
        notes.append(f"no --as-of: rows without a date are dated today, {day.isoformat()}.")
    for row in rows:
        row["source"] = file.name
    return BucketIngest(file=str(file), kind=kind, as_of=day, rows=rows, notes=notes)


def _open(file: Path) -> tuple[list[str], Iterator[list[str]]]:
    raw = file.read_bytes()
    try:
        text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"{file} is not a UTF-8 CSV (or gzipped CSV): {exc}.",
            hint="Export the inventory as CSV; Parquet inventories are not read yet.",
            file=file,
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if not header:
        raise InputFileError(f"{file} is empty.", hint="Pass a file with rows.", file=file)
    return header, reader


def _prepend(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def _kind(file: Path, header: list[str], given: str | None) -> str:
    if given is not None:
        if given not in KINDS:
            raise IngestError(
                f'unknown kind of bucket file "{given}".{did_you_mean(given, KINDS)}',
                hint=f"Use one of: {', '.join(KINDS)}.",
                field="kind",
            )
        return given
    names = set(header)
    if {"bucket", "provider", "size_gb"} <= names:
        return "csv"
    if {"Bucket", "Key"} <= names or _manifest(file) is not None:
        return "s3"
    if {"bucket", "name", "size"} <= names:
        return "gcs"
    if {"Name", "Content-Length"} <= names:
        return "azure"
    raise IngestError(
        f"{file}: cannot tell which kind of bucket file this is from its header "
        f"({', '.join(header[:6])}…).",
        hint="Pass --kind csv, s3, gcs or azure; a CSV needs at least bucket, provider and "
        "size_gb.",
        file=file,
    )


def _manifest(file: Path) -> Path | None:
    for folder in (file.parent, file.parent.parent):
        if (folder / "manifest.json").is_file():
            return folder / "manifest.json"
    return None


def _s3_schema(file: Path) -> list[str]:
    manifest = _manifest(file)
    if manifest is None:
        raise IngestError(
            f"{file} has no header and no manifest.json beside it: its columns are unknown.",
            hint="S3 Inventory writes the column order in manifest.json (fileSchema): put it "
            "next to the file, or add a header line (Bucket,Key,Size,…) to the CSV.",
            file=file,
        )
    try:
        schema = json.loads(manifest.read_text(encoding="utf-8"))["fileSchema"]
    except (ValueError, KeyError, TypeError):
        raise IngestError(
            f"{manifest} has no fileSchema.",
            hint="Use the manifest.json S3 Inventory wrote with the CSV files.",
            file=manifest,
        ) from None
    return [c.strip() for c in str(schema).split(",")]


def _csv_rows(
    file: Path,
    header: list[str],
    lines: Iterator[list[str]],
    day: date,
    fill: dict[str, str | None],
) -> list[dict[str, Any]]:
    for name in header:
        if name not in CSV_COLUMNS:
            raise IngestError(
                f'{file}: unknown column "{name}".{did_you_mean(name, CSV_COLUMNS)}',
                hint=f"A bucket statistics CSV has the columns {', '.join(CSV_COLUMNS)}.",
                file=file,
                field=name,
            )
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise IngestError(
            f"{file} lacks the columns {', '.join(missing)}.",
            hint="bucket, provider and size_gb are required; the other columns may be empty.",
            file=file,
        )
    out = []
    for line, cells in enumerate(lines, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise _bad(file, line, header[0], f"has {len(cells)} cells for {len(header)} columns")
        row = {c: cells[i].strip() for i, c in enumerate(header)}
        out.append(_csv_row(file, line, row, day, fill))
    return out


def _csv_row(
    file: Path, line: int, row: dict[str, str], day: date, fill: dict[str, str | None]
) -> dict[str, Any]:
    got: dict[str, Any] = {c: None for c in CSV_COLUMNS}
    for column in ("bucket", "provider"):
        if not row.get(column):
            raise _bad(file, line, column, "is empty")
    got["bucket"] = row["bucket"]
    got["provider"] = provider_key(row["provider"])
    if got["provider"] not in PROVIDERS:
        raise _bad(file, line, "provider", f'"{row["provider"]}" is not aws, gcp or azure')
    for column in ("region", "storage_class", "team", "project"):
        got[column] = row.get(column) or fill.get(column)
    got["prefix"] = row.get("prefix") or ""
    for column in _NUMBERS:
        got[column] = _number(file, line, column, row.get(column) or "")
    if got["size_gb"] is None:
        raise _bad(file, line, "size_gb", "is empty")
    count = _number(file, line, "objects", row.get("objects") or "")
    got["objects"] = None if count is None else int(count)
    text = row.get("as_of") or ""
    got["undated"] = not text
    try:
        got["as_of"] = date.fromisoformat(text) if text else day
    except ValueError:
        raise _bad(file, line, "as_of", f'"{text}" is not a date (YYYY-MM-DD)') from None
    return got


def _inventory_rows(
    file: Path,
    kind: str,
    header: list[str],
    lines: Iterator[list[str]],
    dated: tuple[date, int],
    fill: dict[str, str | None],
    notes: list[str],
) -> list[dict[str, Any]]:
    """Object rows summed per bucket; ``dated`` is the as_of and the first data line's
    number (1 for an S3 file without a header)."""
    day, first = dated
    spec = _INVENTORY[kind]
    at = {name: i for i, name in enumerate(header)}
    needed = [spec["key"], spec["size"]] + ([spec["bucket"]] if spec["bucket"] else [])
    missing = [c for c in needed if c not in at]
    if missing:
        raise IngestError(
            f"{file} is not a {kind} inventory: it lacks the columns {', '.join(missing)}.",
            hint=f"Include {', '.join(needed)} in the inventory's fields, or pass --kind.",
            file=file,
        )
    modified = next((c for c in spec["modified"] if c in at), None)
    end = datetime(day.year, day.month, day.day, tzinfo=UTC)
    sums: dict[str, dict[str, Any]] = {}
    markers = 0
    for line, cells in enumerate(lines, start=first):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise _bad(file, line, header[-1], f"has {len(cells)} cells for {len(header)} columns")
        if spec.get("marker") in at and cells[at[spec["marker"]]].strip().lower() == "true":
            markers += 1  # an S3 delete marker: no data, not an object to move
            continue
        key = cells[at[spec["key"]]]
        if spec["bucket"]:
            bucket = cells[at[spec["bucket"]]].strip()
        else:  # Azure: Name is container/path
            bucket = key.split("/", 1)[0].strip()
        if not bucket:
            raise _bad(file, line, spec["bucket"] or spec["key"], "names no bucket")
        size = _number(file, line, spec["size"], cells[at[spec["size"]]].strip())
        acc = sums.setdefault(bucket, {"bytes": 0.0, "objects": 0, "age": 0.0, "dated": 0.0,
                                       "classes": {}, "region": None, "seen": None})  # fmt: skip
        acc["bytes"] += size or 0.0
        acc["objects"] += 1
        if modified is not None and cells[at[modified]].strip():
            when = _time(file, line, modified, cells[at[modified]])
            acc["age"] += (size or 0.0) * max(0.0, (end - when).total_seconds() / 86400)
            acc["dated"] += size or 0.0
        if spec["class"] in at:
            name = cells[at[spec["class"]]].strip() or "?"
            acc["classes"][name] = acc["classes"].get(name, 0.0) + (size or 0.0)
        if spec.get("region") in at and cells[at[spec["region"]]].strip():
            acc["region"] = cells[at[spec["region"]]].strip().lower()
        if spec.get("accessed") in at and cells[at[spec["accessed"]]].strip():
            seen = _time(file, line, spec["accessed"], cells[at[spec["accessed"]]])
            acc["seen"] = seen if acc["seen"] is None else max(acc["seen"], seen)
    if markers:
        notes.append(f"{markers} delete markers were not counted as objects (they hold no data).")
    return [
        _summary(bucket, acc, spec["provider"], day, end, fill, notes)
        for bucket, acc in sorted(sums.items())
    ]


def _summary(
    bucket: str,
    acc: dict[str, Any],
    provider: str,
    day: date,
    end: datetime,
    fill: dict[str, str | None],
    notes: list[str],
) -> dict[str, Any]:
    classes: dict[str, float] = acc["classes"]
    main = max(sorted(classes), key=lambda c: classes[c]) if classes else None
    if len(classes) > 1 and acc["bytes"] > 0:
        share = classes[main or ""] / acc["bytes"]
        notes.append(
            f"bucket {bucket} mixes storage classes ({', '.join(sorted(classes))}); it is "
            f"stored as {main}, which holds {share:.0%} of its bytes."
        )
    seen = acc["seen"]
    return {
        "bucket": bucket,
        "provider": provider,
        "region": fill["region"] or acc["region"],
        "storage_class": main if main != "?" else None,
        "prefix": "",
        "size_gb": acc["bytes"] / _GB,
        "objects": acc["objects"],
        "age_days": acc["age"] / acc["dated"] if acc["dated"] > 0 else None,
        "last_access_days": None
        if seen is None
        else max(0.0, (end - seen).total_seconds() / 86400),
        "reads_per_month": None,
        "read_gb_per_month": None,
        "team": fill["team"],
        "project": fill["project"],
        "as_of": day,
    }


def _number(file: Path, line: int, column: str, text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value >= 0 and value != float("inf")):
        raise _bad(file, line, column, f'"{text}" is not a number of zero or more')
    return value


def _time(file: Path, line: int, column: str, text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _bad(file, line, column, f'"{text}" is not a date and time (ISO 8601)') from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _as_of(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise IngestError(
            f'--as-of "{value}" is not a date.', hint="Write YYYY-MM-DD.", field="as_of"
        ) from None


def _bad(file: Path, line: int, column: str, problem: str) -> IngestError:
    return IngestError(
        f"{file} line {line}, column {column}: {problem}.",
        hint="Fix the cell (leave a figure that is not known empty) and ingest the file again.",
        file=file,
        row=line,
        field=column,
    )
