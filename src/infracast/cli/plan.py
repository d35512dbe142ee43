"""`infracast plan …`: the command group (its commands are defined below)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Plans saved from estimates and project budgets, compared with what was actually spent.",
    no_args_is_help=True,
)
