"""Reading source files: finding them, reporting progress, keeping unreadable lines.

Shared by every ingest (FOCUS bills, GPU usage samples).
"""

from __future__ import annotations

import difflib
import glob
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from infracast.errors import IngestError

QUIET_SECONDS = 1.5
ProgressCallback = Callable[[str, float], None]
"""Called with (file, percent done) while a long statement runs."""

SUFFIXES = (".csv", ".csv.gz", ".csv.gzip", ".parquet", ".pq")


def _missing_hint(path: Path) -> str:
    """What to do about a path that names nothing: a close name beside it, or where to look."""
    folder = path.parent
    if not folder.is_dir():
        return f"The folder {folder} does not exist either (paths are relative to {Path.cwd()})."
    close = difflib.get_close_matches(path.name, [p.name for p in folder.iterdir()], n=1)
    if close:
        return f'Did you mean "{folder / close[0]}"?'
    where = folder if str(folder) != "." else Path.cwd()
    return (
        f"There is nothing called {path.name} in {where}: name an export file, its folder, "
        "or a quoted glob ('exports/**/*.csv.gz')."
    )


def file_format_of(path: Path, what: str = "FOCUS exports") -> str:
    """csv, csv.gz or parquet from the file name; an IngestError otherwise."""
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv.gz", ".csv.gzip")):
        return "csv.gz"
    if name.endswith(".csv"):
        return "csv"
    raise IngestError(
        f"{path}: cannot tell the file format from its name.",
        hint=f"{what} are read from .csv, .csv.gz or .parquet files; rename the file "
        "or convert it.",
    )


@dataclass(frozen=True)
class FoundFiles:
    """The files named by paths, and the files of named folders that were not taken."""

    files: list[Path]
    skipped: list[Path]

    def skipped_note(self, what: str = "CSV, CSV.gz or Parquet") -> str | None:
        """``skipped 2 files that are not CSV, CSV.gz or Parquet: a.txt, b.json`` or None."""
        if not self.skipped:
            return None
        names = [p.name for p in self.skipped[:10]]
        more = f" and {len(self.skipped) - 10} more" if len(self.skipped) > 10 else ""
        n = len(self.skipped)
        return (
            f"skipped {n} file{'s' if n > 1 else ''} that {'are' if n > 1 else 'is'} not {what}: "
            f"{', '.join(names)}{more}"
        )


def find_files(paths: Sequence[str | Path], suffixes: tuple[str, ...] = SUFFIXES) -> FoundFiles:
    """Files named by ``paths``: files, folders (searched recursively) and globs, and
    the files in those folders whose names do not end in ``suffixes`` (skipped)."""
    found: list[Path] = []
    skipped: list[Path] = []
    for raw in paths:
        text = str(raw)
        if any(ch in text for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                raise IngestError(
                    f"the pattern {text} matches no file.",
                    hint="Check the pattern; quote it so the shell does not expand it.",
                )
            found.extend(files)
        elif Path(text).is_dir():
            every = sorted(p for p in Path(text).rglob("*") if p.is_file())
            files = [p for p in every if p.name.lower().endswith(suffixes)]
            if not files:
                raise IngestError(
                    f"the folder {text} holds no {', '.join(suffixes)} file"
                    + (f" (it holds {len(every)} other files)." if every else "."),
                    hint="Point at the folder of the export, or at the files themselves.",
                )
            found.extend(files)
            skipped.extend(p for p in every if p not in files and p not in skipped)
        elif Path(text).is_file():
            found.append(Path(text))
        else:
            raise IngestError(f"no such file or folder: {text}.", hint=_missing_hint(Path(text)))
    unique: list[Path] = []
    for path in found:
        if path not in unique:
            unique.append(path)
    return FoundFiles(unique, [p for p in skipped if p not in unique])


def discover_files(paths: Sequence[str | Path], suffixes: tuple[str, ...] = SUFFIXES) -> list[Path]:
    """Files named by ``paths``: files, folders (searched recursively) and globs."""
    return find_files(paths, suffixes).files


@contextmanager
def progress_poller(
    con: duckdb.DuckDBPyConnection, label: str, callback: ProgressCallback | None
) -> Iterator[Callable[[int, int], None]]:
    """Poll DuckDB's query progress from a thread and report it as percent of the file."""
    if callback is None:
        yield lambda stage, stages: None
        return
    state = {"stage": 0, "stages": 1}
    reported: list[float] = []
    stop = threading.Event()
    started = time.monotonic()

    def run() -> None:
        shown = 0.0
        while not stop.wait(0.25):
            pct = con.query_progress()
            # Only files that take a moment get a bar; quick ones finish silently.
            if pct >= 0 and time.monotonic() - started > QUIET_SECONDS:
                done = 100.0 * (state["stage"] + pct / 100.0) / state["stages"]
                shown = max(shown, min(99.9, done))  # never step backwards
                reported.append(shown)
                callback(label, shown)

    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def set_stage(stage: int, stages: int) -> None:
        state["stage"], state["stages"] = stage, stages

    try:
        yield set_stage
    finally:
        stop.set()
        thread.join()
        if reported:
            callback(label, 100.0)


def quarantine_malformed_lines(
    con: duckdb.DuckDBPyConnection, rejects: str, ingest_id: int, source: str
) -> int:
    """Move CSV lines DuckDB could not split into columns into quarantine."""
    row = con.execute(
        f"""INSERT INTO quarantine
            SELECT nextval('quarantine_id_seq'), ?, ?, line - 1, 'malformed_line',
                   'line ' || line || ' (data row ' || (line - 1) || ') cannot be read as a '
                   || 'CSV record: ' || min(error_message),
                   MAP(['line'], [any_value(csv_line)]), NULL, NULL, NULL, NULL, NULL
            FROM {rejects} GROUP BY line""",
        [ingest_id, source],
    ).fetchone()
    con.execute(f"DROP TABLE IF EXISTS {rejects}")
    con.execute(f"DROP TABLE IF EXISTS {rejects}_scan")
    return int(row[0]) if row else 0
