"""`infracast serve`: the JSON API (FastAPI on uvicorn) over the ledger; one call of
:func:`infracast.server.create_app`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infracast.cli.common import LedgerOption, err
from infracast.server.app import check_bind


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    no_auth: Annotated[
        bool,
        typer.Option("--no-auth", help="Answer without tokens (refused off loopback)."),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Serve the JSON API under /api/v1 (OpenAPI pages at /api/v1/docs) and the MCP server
    for agents at /mcp, both with the same tokens. While it runs the server owns the
    ledger: other commands on the same file wait for it.

    Examples:

      infracast serve

      infracast serve --port 8080 --ledger /data/finops/ledger.duckdb

      curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8000/api/v1/costs?by=team,month"
    """
    import uvicorn

    from infracast.server import create_app

    check_bind(host, auth=not no_auth)
    app = create_app(Path(ledger) if ledger else None, auth=not no_auth)
    err.print(
        f"infracast API on http://{host}:{port}/api/v1 (docs: /api/v1/docs), MCP at /mcp; "
        "Ctrl-C stops"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
