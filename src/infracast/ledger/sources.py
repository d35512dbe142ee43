"""One entry for every kind of source: :func:`ingest` takes FOCUS bills, GPU usage
samples, asset registers or manual entries, as ``infracast ingest --kind`` does.

The rules that hold across kinds live here, so the command line and any other
front share them: which file names each kind reads, which options apply to which
kind, and how ``through`` is read. Each kind's own ingest does the work
(:func:`~infracast.ledger.ingest_focus`, :func:`~infracast.ledger.ingest_usage`,
:func:`~infracast.ledger.ingest_assets`, :func:`~infracast.ledger.ingest_manual`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import get_args

from infracast.errors import ConfigError, did_you_mean
from infracast.ledger.assets import ingest_assets
from infracast.ledger.connection import Ledger
from infracast.ledger.files import SUFFIXES, ProgressCallback, discover_files, find_files
from infracast.ledger.focus_ingest import ingest_focus
from infracast.ledger.manual import ingest_manual
from infracast.ledger.records import IngestResult, Kind
from infracast.ledger.scopes import Width
from infracast.ledger.usage import ingest_usage

KINDS: tuple[str, ...] = get_args(Kind)
# Asset registers and manual entries are specs: YAML, or CSV with one row per item.
SPEC_SUFFIXES = (".yaml", ".yml", ".csv")


def check_kind(kind: str) -> Kind:
    """``kind`` if it is one of focus, usage, assets, manual; else a ConfigError."""
    if kind not in KINDS:
        raise ConfigError(
            f'unknown kind of source "{kind}".{did_you_mean(kind, KINDS)}',
            hint="Use focus (cloud bills), usage (GPU samples), assets (an asset register) "
            "or manual (manual entries).",
            field="kind",
        )
    return kind  # type: ignore[return-value]


def check_options(kind: str, replace: bool | Width, dry_run: bool) -> None:
    """Refuse the options that apply to FOCUS bills only when ``kind`` is another one."""
    if check_kind(kind) == "focus" or not (dry_run or replace in ("account", "period")):
        return
    flag = "--dry-run" if dry_run else f"--replace-{replace}"
    raise ConfigError(
        f"{flag} applies to FOCUS bills only, not to --kind {kind}.",
        hint="Drop the option, or ingest FOCUS exports (--kind focus).",
        field="dry_run" if dry_run else "replace",
    )


def read_through(through: date | str | None) -> date | None:
    """``through`` as a date (``YYYY-MM-DD`` text is read); None stays None."""
    if through is None or isinstance(through, date):
        return through
    try:
        return date.fromisoformat(through)
    except ValueError as exc:
        raise ConfigError(
            f"--through {through!r} is not a date.",
            hint="Write it as YYYY-MM-DD, e.g. 2026-12-31.",
            field="through",
        ) from exc


def check_ingest(
    paths: Sequence[str | Path],
    *,
    kind: str = "focus",
    replace: bool | Width = False,
    dry_run: bool = False,
    through: date | str | None = None,
) -> None:
    """What :func:`ingest` refuses before it reads anything: options ``kind`` does not
    take, a ``through`` that is not a date, a path that names no file of ``kind``.

    Needs no ledger, so a front can refuse a bad request before it opens the ledger
    (or waits for another process to release it), and creates no ledger for it.
    """
    check_options(kind, replace, dry_run)
    read_through(through)
    find_files(paths, SPEC_SUFFIXES if kind in ("assets", "manual") else SUFFIXES)


def ingest(
    ledger: Ledger,
    paths: Sequence[str | Path],
    *,
    kind: str = "focus",
    replace: bool | Width = False,
    append: bool = False,
    dry_run: bool = False,
    day_first: bool = False,
    through: date | str | None = None,
    progress: ProgressCallback | None = None,
) -> list[IngestResult]:
    """Ingest the files, folders or globs of ``paths`` as ``kind``; one result per file.

    FOCUS bills take ``replace`` (True, ``"account"`` or ``"period"``), ``append``,
    ``dry_run`` and ``day_first`` (:func:`~infracast.ledger.ingest_focus`); asset
    registers and manual entries take ``replace`` (the file is the whole register)
    and ``through`` (charges generated up to that date; default: the end of this
    month). Options that apply to FOCUS bills only are refused for other kinds
    before anything is read.
    """
    check_options(kind, replace, dry_run)
    until = read_through(through)
    if kind == "focus":
        return ingest_focus(
            ledger,
            paths,
            replace=replace,
            append=append,
            dry_run=dry_run,
            day_first=day_first,
            progress=progress,
        )
    if kind == "usage":
        return ingest_usage(ledger, paths, progress=progress)
    one = ingest_assets if kind == "assets" else ingest_manual
    return [
        one(ledger, path, through=until, replace=bool(replace))
        for path in discover_files(paths, suffixes=SPEC_SUFFIXES)
    ]


def replace_width(replace: bool, account: bool, period: bool) -> bool | Width:
    """The one ``replace`` value of :func:`ingest` the three flags (``--replace``,
    ``--replace-account``, ``--replace-period``; the API's query parameters of the same
    names) stand for: at most one may be given."""
    chosen = [
        f
        for f, on in (
            ("--replace", replace),
            ("--replace-account", account),
            ("--replace-period", period),
        )
        if on
    ]
    if len(chosen) > 1:
        raise ConfigError(
            f"{' and '.join(chosen)} cannot be used together.",
            hint="--replace swaps what the file covers; --replace-account and --replace-period "
            "swap more (each includes --replace).",
        )
    return "period" if period else "account" if account else replace
