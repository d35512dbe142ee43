"""The JSON API: one FastAPI app over the same library functions as the CLI.

``create_app(ledger_path)`` opens the ledger once when the app starts and owns it while it
runs (DuckDB lets one process write a ledger file); requests use it one at a time (a
lock), so a write never meets a read half-way. Routes live under ``/api/v1``, with the
OpenAPI document at ``/api/v1/openapi.json`` and its pages at ``/api/v1/docs``. Every
answer is the JSON the matching CLI command prints with ``--format json``, and every error
has the one shape of :mod:`infracast.server.errors`.

Authentication: ``Authorization: Bearer TOKEN`` (a token of ``infracast users token``),
checked by :func:`infracast.control.users.authenticate`; a user scoped to a team sees only
that team's rows. ``auth=False`` answers every request as an unscoped admin: only for a
server bound to loopback (``infracast serve --no-auth`` refuses any other address).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request

from infracast import __version__
from infracast.errors import ConfigError
from infracast.ledger.connection import Ledger
from infracast.server import errors
from infracast.server.fair_lock import FairLock
from infracast.settings import Settings, load_settings

API = "/api/v1"


class Principal:
    """Who a request acts as: a name, a role and an optional team scope."""

    def __init__(self, name: str, role: str, team: str | None) -> None:
        self.name, self.role, self.team = name, role, team

    def scope(self) -> list[str]:
        """The filters that keep a scoped user to its team's rows (none when unscoped)."""
        return [] if self.team is None else [f"team={self.team}"]


ANONYMOUS_ADMIN = Principal("(no auth)", "admin", None)


def create_app(
    ledger_path: Path | str | None = None, *, auth: bool = True, settings: Settings | None = None
) -> FastAPI:
    """The API over the ledger at ``ledger_path`` (default: the settings' ledger)."""
    settings = settings or load_settings()
    path = Path(ledger_path) if ledger_path is not None else settings.ledger
    from infracast.server import mcp  # MCP tools for agents at /mcp (imports this module)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ledger = Ledger.open(path, settings=settings)
        app.state.lock = FairLock()  # one request at a time, in the order they came
        try:
            async with mcp.running(app):  # the MCP session manager lives as long as the app
                yield
        finally:
            app.state.ledger.close()

    app = FastAPI(
        title="infracast",
        version=__version__,
        description="The cost of AI infrastructure: the CLI's contracts over HTTP.",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.auth = auth
    from infracast.server import web

    app.state.sessions = web.SessionStore()  # browser sessions (the pages), in memory
    errors.install(app, page_error=web.error_page)
    app.add_exception_handler(web.LoginRequired, web.login_redirect)  # type: ignore[arg-type]
    from infracast.server.api import router

    app.include_router(router, prefix=API, responses=errors.RESPONSES)
    mcp.mount(app)
    app.include_router(web.router)
    return app


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def check_bind(host: str, *, auth: bool) -> None:
    """Refuse to serve without authentication anywhere but loopback."""
    if not auth and host not in LOOPBACK:
        raise ConfigError(
            f"--no-auth on {host} would let anyone who reaches this machine read every team's "
            "costs",
            hint="bind to 127.0.0.1 with --no-auth, or keep authentication on and give each "
            "client a token (infracast users token NAME)",
            field="host",
        )


def ledger_of(request: Request) -> Iterator[Ledger]:
    """The app's ledger, held for the request (one request at a time; resolved once per
    request, so the routes and :func:`principal` share the one hold)."""
    with request.app.state.lock:
        yield request.app.state.ledger


LedgerDep = Annotated[Ledger, Depends(ledger_of)]


def principal(
    request: Request,
    ledger: LedgerDep,
    authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None,
) -> Principal:
    """The user a request acts as (401 in the one error shape without valid credentials)."""
    if not request.app.state.auth:
        return ANONYMOUS_ADMIN
    from infracast.control.users import AuthError, authenticate

    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(
            "this request has no API token",
            hint="send Authorization: Bearer TOKEN (infracast users token NAME makes one)",
        )
    user = authenticate(ledger, token.strip())  # under the request's hold on the ledger
    return Principal(user.name, user.role, user.team)


UserDep = Annotated[Principal, Depends(principal)]


def principal_held(request: Request, authorization: str | None) -> Principal:
    """:func:`principal` for an endpoint that takes the ledger only to check the token (an
    upload, /mcp): the ledger is held for the check alone, then let go. Runs in a thread."""
    with request.app.state.lock:
        return principal(request, request.app.state.ledger, authorization)


def require(user: Principal, action: str) -> None:
    """Refuse (403) a request whose role may not ``action`` (read, write or admin)."""
    from infracast.control.users import ACTIONS, ForbiddenError

    if user.role not in ACTIONS[action]:
        raise ForbiddenError(
            f"{user.name} is a {user.role}: it may not {action}",
            hint=f"roles that may: {', '.join(ACTIONS[action])} (infracast users add)",
        )


def unscoped(user: Principal, what: str) -> None:
    """Refuse a user scoped to a team a view that holds every team's rows (403)."""
    if user.team is not None:
        from infracast.control.users import ForbiddenError

        raise ForbiddenError(
            f"{what} holds every team's rows; {user.name} sees only {user.team}'s",
            hint="ask an unscoped user, or read your team's costs at /api/v1/costs",
        )


def with_scope(user: Principal, filters: list[str] | None) -> list[str]:
    """The request's filters and, for a scoped user, its team's."""
    return [*(filters or []), *user.scope()]
