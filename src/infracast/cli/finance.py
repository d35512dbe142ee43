"""`infracast finance …`: the command group (its commands are defined below)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="ROI, NPV, IRR, payback, sensitivity and Monte Carlo risk of cash flows.",
    no_args_is_help=True,
)
