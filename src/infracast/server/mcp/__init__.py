"""MCP tools for agents over the ledger: stdio (``infracast mcp``) and streamable HTTP
(``/mcp`` on ``infracast serve``), one set of tools (:func:`create_server`)."""

from infracast.server.mcp.http import mount, running
from infracast.server.mcp.stdio import stdio_principal, stdio_server
from infracast.server.mcp.tools import create_server

__all__ = ["create_server", "mount", "running", "stdio_principal", "stdio_server"]
