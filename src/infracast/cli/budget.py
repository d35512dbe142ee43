"""`infracast budget …`: the command group (its commands are defined below)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Budgets by scope and period, their status against actual and forecast spend, and alerts.",
    no_args_is_help=True,
)
