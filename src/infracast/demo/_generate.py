"""``generate()``: write a year of the demo company's costs as the files ingest reads.

Layout of ``out_dir``::

    focus/<provider>/<YYYY-MM>[-partNNNN].<parquet|csv|csv.gz>   FOCUS exports
    usage/<provider>-<YYYY-MM>[-partNNNN].parquet                  GPU samples (cloud)
    usage/onprem-<YYYY-MM>.parquet                                 GPU samples (DCGM names)
    assets.yaml                                                    asset register
    manual.yaml                                                    manual entries
    buckets.csv                                                    bucket statistics
    manifest.json                                                  what was written

Each file is one DuckDB ``COPY`` of a query over the stream table, so memory
stays bounded whatever ``rows`` is, and the output is byte-for-byte the same
for the same arguments (and DuckDB version).
"""

from __future__ import annotations

import itertools
import math
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from infracast.demo import formulas
from infracast.demo.buckets import bucket_rows, write_buckets
from infracast.demo.charges import charges_select
from infracast.demo.company import Company, ProviderSlug, load_company
from infracast.demo.fleet import Fleet, build_fleet
from infracast.demo.ground_truth import anomalies, rule_breaks, totals
from infracast.demo.manifest import DemoFile, DemoManifest
from infracast.demo.manual import manual_document
from infracast.demo.onprem import (
    NODES_TABLE,
    assets_document,
    nodes_table,
    onprem_samples_select,
    servers,
)
from infracast.demo.opportunities import opportunities
from infracast.demo.period import Month, Period
from infracast.demo.usage import cloud_samples_select
from infracast.errors import ConfigError

ProgressCallback = Callable[[int, int], None]
"""Called with (charge rows written so far, charge rows in all)."""

FILE_FORMATS = ("parquet", "csv", "csv.gz")
MIN_ROWS = 5_000
MAX_ROWS = 200_000_000
PART_ROWS = 5_000_000
MEMORY_LIMIT = "1GB"
# FOCUS rows are wide (about 1 KB); DuckDB's default row group (122,880 rows) costs ~0.5 GB.
ROW_GROUP_ROWS = 50_000


def _check(
    rows: int, start: date, months: int, file_format: str, interval_s: int, part_rows: int
) -> None:
    if not MIN_ROWS <= rows <= MAX_ROWS:
        raise ConfigError(
            f"rows must be between {MIN_ROWS:,} and {MAX_ROWS:,}; got {rows:,}.",
            hint="rows is the approximate number of FOCUS charge rows, e.g. --rows 200000.",
        )
    if start.day != 1:
        raise ConfigError(
            f"start must be the first day of a month (billing periods are months); got {start}.",
            hint=f"Use {start.replace(day=1)}.",
        )
    if not 1 <= months <= 60:
        raise ConfigError(
            f"months must be between 1 and 60; got {months}.",
            hint="months is how long the demo company runs, from start: 12 is one year.",
        )
    if file_format not in FILE_FORMATS:
        raise ConfigError(
            f"file_format {file_format!r} is not one of {', '.join(FILE_FORMATS)}.",
            hint="Parquet is typed and clean; CSV shows the quirks of real exports.",
        )
    divides_hour = interval_s <= 3600 and 3600 % interval_s == 0
    divides_day = interval_s > 3600 and interval_s % 3600 == 0 and 86400 % interval_s == 0
    if interval_s <= 0 or not (divides_hour or divides_day):
        raise ConfigError(
            f"the sample interval must divide an hour or be whole hours dividing a day; "
            f"got {interval_s} s.",
            hint="Use 60, 300, 900, 3600 or 21600 seconds.",
        )
    if part_rows < 1000:
        raise ConfigError(
            f"part_rows must be at least 1,000; got {part_rows:,}.",
            hint=f"part_rows caps the charge rows per FOCUS file; the default is {PART_ROWS:,}.",
        )


def _prepare(out: Path) -> None:
    """Create ``out``; clear what an earlier run wrote there; refuse a folder of other files."""
    out.mkdir(parents=True, exist_ok=True)
    ours = [
        out / "focus",
        out / "usage",
        out / "assets.yaml",
        out / "manual.yaml",
        out / "buckets.csv",
    ]
    if any(p.exists() for p in ours) and not (out / "manifest.json").exists():
        raise ConfigError(
            f"{out} holds focus/, usage/, YAML or CSV files that no demo run wrote.",
            hint="Pick an empty folder, or remove those files first.",
        )
    for p in ours:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    (out / "manifest.json").unlink(missing_ok=True)


def _connect(tmp: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{tmp.as_posix()}'")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET threads = 1")
    return con


def _slices(month: Month, rows: int, part_rows: int) -> list[tuple[int, int]]:
    """Whole-day hour ranges splitting a month into parts of at most about ``part_rows``."""
    parts = max(1, min(month.days, math.ceil(rows / part_rows)))
    cuts = [month.start_h + round(i * month.days / parts) * 24 for i in range(parts + 1)]
    return list(itertools.pairwise(cuts))


def _copy_options(file_format: str, timestamp_format: str, null_text: str) -> str:
    if file_format == "parquet":
        return f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
    null = null_text.replace("'", "''")
    options = f"FORMAT csv, HEADER true, timestampformat '{timestamp_format}', nullstr '{null}'"
    return options + (", COMPRESSION gzip" if file_format == "csv.gz" else "")


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path, options: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    row = con.execute(f"COPY ({select}) TO '{path.as_posix()}' ({options})").fetchone()
    return int(row[0]) if row else 0


class _Writer:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        company: Company,
        fleet: Fleet,
        out: Path,
        seed: int,
        file_format: str,
        interval_s: int,
        part_rows: int,
        progress: ProgressCallback | None,
    ) -> None:
        self.con, self.company, self.fleet, self.out = con, company, fleet, out
        self.seed, self.file_format, self.interval_s = seed, file_format, interval_s
        self.part_rows, self.progress = part_rows, progress
        self.files: dict[str, list[DemoFile]] = {
            "focus": [],
            "usage": [],
            "assets": [],
            "manual": [],
            "buckets": [],
        }
        self.total = sum(fleet.rows_by_month.values())
        self.done = 0

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)

    def provider(self, slug: ProviderSlug) -> None:
        p = self.company.providers[slug]
        period = self.fleet.period
        csv = self.file_format != "parquet"
        options = _copy_options(self.file_format, p.csv.timestamp_format, p.csv.null_text)
        ext = self.file_format
        for month in period.months:
            slices = _slices(month, self.fleet.rows_by_month[(slug, month.label)], self.part_rows)
            for k, (lo, hi) in enumerate(slices, start=1):
                suffix = f"-part{k:04d}" if len(slices) > 1 else ""
                rel = f"focus/{slug}/{month.label}{suffix}.{ext}"
                select = charges_select(
                    slug, p, period, month, lo, hi, self.seed, self.company.currency, csv
                )
                n = _copy(self.con, select, self.out / rel, options)
                self.files["focus"].append(
                    DemoFile(rel, "focus", n, slug, month.label, p.focus_version)
                )
                self.done += n
                self._report()
                self._samples(
                    f"usage/{slug}-{month.label}{suffix}.parquet",
                    cloud_samples_select(slug, period, lo, hi, self.interval_s),
                    slug,
                    month.label,
                )

    def _samples(self, rel: str, select: str, provider: str, month: str) -> None:
        n = _copy(self.con, select, self.out / rel, "FORMAT parquet, COMPRESSION zstd")
        if n == 0:
            (self.out / rel).unlink()
            return
        self.files["usage"].append(DemoFile(rel, "usage", n, provider, month))

    def onprem(self, rows: int) -> None:
        period = self.fleet.period
        fleet = servers(self.company, period, rows)
        self.con.register("demo_nodes_arrow", nodes_table(self.company, fleet))
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {NODES_TABLE} AS SELECT * FROM demo_nodes_arrow"
        )
        self.con.unregister("demo_nodes_arrow")
        for month in period.months:
            select = onprem_samples_select(
                self.company, period, month.start_h, month.end_h, self.interval_s
            )
            self._samples(f"usage/onprem-{month.label}.parquet", select, "onprem", month.label)
        self._yaml("assets.yaml", "assets", assets_document(self.company, fleet), len(fleet))
        manual = manual_document(self.company, period)
        self._yaml("manual.yaml", "manual", manual, len(manual["entries"]))

    def buckets(self) -> None:
        rows = bucket_rows(self.con, self.company, self.fleet, self.seed)
        n = write_buckets(self.out / "buckets.csv", rows)
        self.files["buckets"].append(DemoFile("buckets.csv", "buckets", n))

    def _yaml(self, rel: str, kind: str, document: dict[str, Any], rows: int) -> None:
        header = (
            f"# {self.company.name}: {kind} written by infracast.demo.generate "
            f"(seed {self.seed}).\n"
        )
        text = yaml.safe_dump(_plain(document), sort_keys=False, allow_unicode=True, width=100)
        (self.out / rel).write_text(header + text, encoding="utf-8")
        self.files[kind].append(DemoFile(rel, kind, rows))


def _plain(value: Any) -> Any:
    """Whole-number floats as ints, so the YAML reads 285000, not 285000.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def generate(
    out_dir: str | Path,
    *,
    rows: int = 200_000,
    seed: int = 42,
    start: date = date(2025, 11, 1),
    months: int = 12,
    file_format: str = "parquet",
    progress: ProgressCallback | None = None,
    sample_interval_s: int = 3600,
    part_rows: int = PART_ROWS,
) -> DemoManifest:
    """Write the demo company's FOCUS exports, GPU samples, assets and manual entries.

    ``rows`` is the approximate number of FOCUS charge rows (within 10%); the
    number of resources grows with it. The same arguments give the same bytes.
    Returns the manifest, also written to ``out_dir/manifest.json``.
    """
    _check(rows, start, months, file_format, sample_interval_s, part_rows)
    company = load_company()
    period = Period.of(start, months)
    out = Path(out_dir)
    _prepare(out)
    tmp = Path(tempfile.mkdtemp(prefix=".duckdb-", dir=out))
    con = _connect(tmp)
    try:
        formulas.install(con, period, seed)
        fleet = build_fleet(con, company, period, rows, seed)
        writer = _Writer(
            con, company, fleet, out, seed, file_format, sample_interval_s, part_rows, progress
        )
        writer._report()
        for slug in company.providers:
            writer.provider(slug)
        writer.onprem(rows)
        writer.buckets()
        manifest = DemoManifest(
            company=company.name,
            period_start=period.start.isoformat(),
            period_end=period.end.isoformat(),
            months=months,
            seed=seed,
            rows_requested=rows,
            file_format=file_format,
            sample_interval_s=sample_interval_s,
            focus_rows=writer.done,
            rows_by_provider={
                slug: sum(f.rows for f in writer.files["focus"] if f.provider == slug)
                for slug in company.providers
            },
            focus_versions={slug: p.focus_version for slug, p in company.providers.items()},
            grains={slug: "hour" if g == 1 else "day" for slug, g in fleet.grains.items()},
            files=writer.files,
            anomalies=anomalies(con, company, fleet),
            opportunities=opportunities(con, company, fleet),
            rule_breaks=rule_breaks(con, fleet, out, writer.files["focus"], file_format),
            totals=totals(con, company, out, writer.files["focus"], file_format),
            generator={"duckdb": duckdb.__version__},
        )
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    manifest.write(out / "manifest.json")
    return manifest
