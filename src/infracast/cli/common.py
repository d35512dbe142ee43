"""What every command shares: the ledger option, consoles, error handling."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from infracast.cli.render import OutputFormat
from infracast.errors import ConfigError
from infracast.ledger.connection import Ledger
from infracast.settings import load_settings

# Piped output (not a terminal) gets room for wide tables instead of Rich's 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 140)

LedgerOption = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        "-l",
        help="Ledger file (default: $INFRACAST_LEDGER or ./infracast.duckdb).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]


def _waiting(message: str) -> None:
    err.print(message, style="yellow", markup=False, highlight=False)


def open_ledger(path: Path | None, *, read_only: bool = False, create: bool = True) -> Ledger:
    """Open the ledger named by --ledger, the environment or the default
    (``create=False``: a command that changes a ledger but cannot start one).

    While another process holds it, say so on stderr and wait (the ``lock_timeout``
    setting); a ledger the command created is removed again if the command fails
    before storing anything in it.
    """
    return Ledger.open(
        path, settings=load_settings(), read_only=read_only, create=create, on_wait=_waiting
    )


def library_default(function: Callable[..., Any], name: str) -> Any:
    """The default of the library function's parameter ``name``, so a command's option and
    its function share one default (and --help shows it)."""
    return inspect.signature(function).parameters[name].default


def write_chart(path: Path, data: bytes) -> None:
    """Write a chart's bytes to ``path`` (a clear error when it cannot) and say so."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the chart {path}: {exc.strerror}.",
            hint="Check that its folder exists and can be written.",
            file=path,
        ) from None
    err.print(f"Wrote {path}", highlight=False)


def print_notes(lines: Any) -> None:
    """Each line (assumption, note) dim on stderr, as a '·' bullet."""
    for line in lines:
        err.print(f"[dim]· {line}[/dim]", highlight=False)


def print_plain(fmt: OutputFormat, json_value: Any, rows: Any) -> bool:
    """Print a result's JSON (``json_value``) or CSV (``rows``) as the library gives them;
    True when done, False for a table (the caller draws it)."""
    from infracast.cli.render import render

    if fmt is OutputFormat.json:
        render([], fmt, console=out, json_value=json_value)
        return True
    if fmt is OutputFormat.csv:
        render(rows, fmt, console=out)
        return True
    return False
