"""``infracast mcp``: the tools over stdio, as the user an API token names.

The ledger is opened for each call, read-only unless the call's command writes, and closed
after it, so an agent's session never keeps other commands waiting for the file.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mcp.server.mcpserver import MCPServer

from infracast.control.users import AuthError, authenticate, list_users
from infracast.ledger.connection import Ledger
from infracast.server.app import ANONYMOUS_ADMIN, Principal
from infracast.server.mcp.tools import create_server
from infracast.settings import Settings

TOKEN_ENV = "INFRACAST_TOKEN"


def _waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # stdout carries the protocol


def stdio_principal(path: Path | None, token: str | None, settings: Settings) -> Principal:
    """The user ``token`` names (checked as the API checks it); without a token, the local
    unscoped admin, but only on a ledger that has no users at all (as the CLI acts)."""
    with Ledger.open(path, settings=settings, read_only=True, create=False,
                     on_wait=_waiting) as ledger:  # fmt: skip
        if token:
            user = authenticate(ledger, token.strip())
            return Principal(user.name, user.role, user.team)
        if list_users(ledger):
            raise AuthError(
                f"{ledger.path} has users, so infracast mcp needs an API token to know whose "
                "costs it may show.",
                hint=f"pass --token TOKEN or set {TOKEN_ENV} (infracast users token NAME "
                "makes one)",
            )
    return ANONYMOUS_ADMIN


def stdio_server(path: Path | None, user: Principal, settings: Settings) -> MCPServer:
    """The tools over the ledger at ``path``, acting as ``user``; run it with
    ``.run("stdio")``."""
    lock = threading.Lock()  # DuckDB opens a file once per process: one call at a time

    @contextmanager
    def hold(write: bool) -> Iterator[Ledger]:
        with lock, Ledger.open(path, settings=settings, read_only=not write, create=False,
                               on_wait=_waiting) as ledger:  # fmt: skip
            yield ledger

    return create_server(hold, lambda ctx: user)
