"""``/mcp`` on the API server: the tools over streamable HTTP.

Every HTTP request is checked as an API request is (:func:`infracast.server.app.principal`:
``Authorization: Bearer TOKEN``, 401 in the one error shape without a valid one), and its
calls act as that user, team scope included. The tools use the app's one ledger handle
under its lock, as the routes do. :func:`mount` adds the route; :func:`running` runs the
MCP session manager for the app's lifespan.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import anyio.to_thread
from fastapi import FastAPI
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver import Context
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from infracast.ledger.connection import Ledger
from infracast.server.app import Principal, principal_held
from infracast.server.mcp.tools import create_server

PATH = "/mcp"
USER = "infracast.principal"  # where a checked request's user waits for its tool calls

# Without authentication (loopback only) a web page must not reach the tools through a
# rebound DNS name; with it, nothing is served without the token a page cannot know.
_LOOPBACK = TransportSecuritySettings(
    enable_dns_rebinding_protection=True,
    allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
    allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
)
_TOKENS = TransportSecuritySettings(enable_dns_rebinding_protection=False)


def mount(app: FastAPI) -> None:
    """Answer MCP at ``/mcp`` (with :func:`running` in the app's lifespan)."""
    app.router.routes.append(Route(PATH, _Endpoint(), name="mcp"))


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[None]:
    """The MCP session manager, for as long as the app runs (its lifespan)."""

    @contextmanager
    def hold(write: bool) -> Iterator[Ledger]:
        with app.state.lock:  # one request at a time, as the routes
            yield app.state.ledger

    server = create_server(hold, _user_of)
    security = _TOKENS if app.state.auth else _LOOPBACK
    server.streamable_http_app(json_response=True, transport_security=security)
    app.state.mcp = server.session_manager
    async with server.session_manager.run():
        yield


def _user_of(ctx: Context) -> Principal:
    """The user the HTTP request carrying this call was checked as."""
    request = ctx.request_context.request
    if request is None:  # every call over HTTP comes with the request that carried it
        raise RuntimeError("an MCP call over HTTP arrived without its HTTP request")
    user: Principal = request.scope[USER]
    return user


class _Endpoint:
    """Check the request's token (an error propagates to the app's one error shape), then
    hand it to the MCP session manager, marked with its user."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        user = await anyio.to_thread.run_sync(
            principal_held, request, request.headers.get("authorization")
        )
        # a session opened by one user cannot be used by another's token (the SDK checks)
        owner = AuthenticatedUser(AccessToken(token="", client_id=user.name, scopes=[user.role]))
        scope = {**scope, USER: user, "user": owner}
        await request.app.state.mcp.handle_request(scope, receive, send)
