"""`infracast project …`: the command group (its commands are defined below)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Projects with tasks and progress: earned value (PV, EV, AC, CPI, SPI, EAC).",
    no_args_is_help=True,
)
