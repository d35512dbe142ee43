"""`infracast mcp`: the read commands as MCP tools for an agent, over stdio; one call of
:func:`infracast.server.mcp.stdio_server`."""

from __future__ import annotations

from typing import Annotated

import typer

from infracast.cli.common import LedgerOption, err
from infracast.settings import load_settings


def mcp(
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="INFRACAST_TOKEN",
            help="API token the tools act as (infracast users token NAME); its team scope "
            "applies. Needed unless the ledger has no users.",
            show_default=False,
        ),
    ] = None,
    ledger: LedgerOption = None,
) -> None:
    """Serve the read commands as MCP tools to an agent over stdio (Claude Desktop, an IDE,
    any MCP client): costs, gpu, utilization, showback, forecast, anomalies,
    budget_status, recommendations and estimate_training / _finetune / _inference, each
    answering the JSON its command prints with --format json.

    The tools act as the user of the API token (--token or $INFRACAST_TOKEN): a user
    scoped to a team sees only that team's rows. Without a token the server acts as the
    local unscoped admin, as the other commands do, but only on a ledger with no users at
    all; a ledger with users refuses to start without one. The ledger is opened for each
    call and closed after it. The same tools are served over HTTP at /mcp by infracast
    serve. See docs/mcp.md.

    Examples:

      infracast mcp --ledger /data/finops/ledger.duckdb

      INFRACAST_TOKEN=$(infracast users token agent | tail -n 1) infracast mcp

      claude mcp add infracast -- infracast mcp --ledger /data/finops/ledger.duckdb
    """
    from infracast.server.mcp import stdio_principal, stdio_server

    settings = load_settings()
    user = stdio_principal(ledger, token, settings)
    scope = "every team" if user.team is None else f"team {user.team}"
    err.print(f"infracast MCP tools on stdio as {user.name} ({user.role}, {scope})",
              highlight=False)  # fmt: skip
    stdio_server(ledger, user, settings).run("stdio")
