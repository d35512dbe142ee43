"""The `infracast` command: one Typer app, a thin front over the Python API."""

from __future__ import annotations

import sys

import typer

from infracast import __version__
from infracast.cli import (
    analytics,
    budget,
    catalog,
    demo,
    estimate,
    finance,
    ledger,
    plan,
    project,
    quarantine,
)
from infracast.cli.anomalies import anomalies
from infracast.cli.buckets import app as buckets_app
from infracast.cli.commitments import commitments
from infracast.cli.common import err
from infracast.cli.forecast import app as forecast_app
from infracast.cli.ingest import ingest, ingests
from infracast.cli.mcp import mcp
from infracast.cli.optimize import app as optimize_app
from infracast.cli.recommend import app as recommend_app
from infracast.cli.report import report
from infracast.cli.serve import serve
from infracast.cli.users import app as users_app
from infracast.cli.utilization import utilization
from infracast.errors import InfracastError, InterruptError

app = typer.Typer(
    name="infracast",
    help="The cost of AI infrastructure: estimate, account, forecast, optimize, control.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(ingest)
app.command()(ingests)
app.add_typer(quarantine.app, name="quarantine")
app.add_typer(ledger.app, name="ledger")
app.add_typer(demo.app, name="demo")
app.add_typer(catalog.app, name="catalog")
app.add_typer(estimate.app, name="estimate")
app.add_typer(finance.app, name="finance")
app.add_typer(budget.app, name="budget")
app.add_typer(project.app, name="project")
app.add_typer(plan.app, name="plan")
app.command()(analytics.costs)
app.command()(analytics.movers)
app.command()(analytics.savings)
app.command()(analytics.gpu)
app.command()(analytics.showback)
app.add_typer(forecast_app, name="forecast")
app.add_typer(optimize_app, name="optimize")
app.add_typer(recommend_app, name="recommend")
app.add_typer(buckets_app, name="buckets")
app.add_typer(users_app, name="users")
app.command()(anomalies)
app.command()(commitments)
app.command()(utilization)
app.command()(serve)
app.command()(mcp)
app.command()(report)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"infracast {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """infracast: one ledger for what AI infrastructure costs."""


def run() -> None:
    """Entry point: user errors print a sentence, not a traceback, and exit non-zero.

    The library has already translated what went wrong underneath (DuckDB, Pydantic,
    files) into :class:`~infracast.errors.InfracastError`, so this is the one place a
    front turns an error into text and an exit code (``exit_code`` of its class).
    """
    try:
        code = app(standalone_mode=False)
    except InfracastError as exc:
        err.print(f"[red]Error:[/red] {exc.message}", highlight=False)
        if exc.hint:
            err.print(f"[yellow]Hint:[/yellow] {exc.hint}", highlight=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except KeyboardInterrupt:
        # Ctrl-C outside a query (inside one the library raises InterruptError).
        err.print("Interrupted. The file being written was rolled back; the ledger is as it was.")
        sys.exit(InterruptError.exit_code)
    except Exception as exc:
        # Usage errors of Typer's command-line parser (click's ClickException, vendored
        # as typer._click in recent Typer): they know how to show themselves.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
