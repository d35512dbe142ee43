"""The API's one error shape, in one place: every 4xx and 5xx answer is

    {"error": "QueryError", "message": "...", "hint": "...", ...}

the library's own :meth:`infracast.errors.InfracastError.to_dict` (``field``, ``file`` and
``row`` where they apply), with the HTTP status the error class names (``http_status``).
Requests FastAPI refuses (a missing or malformed parameter: 422; an unknown route: 404; a
method the route does not take: 405) get the same shape, and so does any other exception:
500, ``InternalError``, with no stack trace (it goes to the server's log only).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from starlette.routing import Match

from infracast.cli.render import to_json
from infracast.errors import InfracastError

log = logging.getLogger("infracast.server")

_HTTP_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "PayloadTooLarge",
    429: "TooManyRequests",
}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ErrorBody(BaseModel):
    """The one error shape, as the OpenAPI document declares it."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str
    hint: str | None = None


# every route may answer these (declared once, on the router, for the OpenAPI document):
# each status an InfracastError names (tests/server/test_schema.py checks the list)
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "The request cannot be answered as asked (the message says why)"),
        (401, "No valid API token"),
        (403, "The user's role or team scope does not allow it"),
        (404, "No such route or record"),
        (413, "The upload is too large"),
        (422, "A parameter or body field is not valid"),
        (429, "Too many failed sign-ins: wait the seconds the message names"),
        (499, "The request was cancelled; nothing was half-written"),
        (500, "The server could not answer (details in its log only)"),
        (503, "The ledger is busy"),
        (507, "The server ran out of memory or disk"),
    )
}


def answers(schema: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    """A route's ``responses`` entry declaring its 200 answer. The routes build their own
    :class:`Response` (the CLI's JSON), so FastAPI cannot infer the shape: this is what the
    OpenAPI document (and schemathesis, tests/server/test_schema.py) holds them to."""
    return {200: {"description": description, "content": {"application/json": {"schema": schema}}}}


ROWS = answers(
    {"type": "array", "items": {"type": "object"}},
    "One object a row, as the command prints with --format json",
)


def record(*keys: str) -> dict[int | str, dict[str, Any]]:
    """One object with at least ``keys``, as the command prints it with --format json."""
    return answers(
        {"type": "object", "required": list(keys)},
        "One object, as the command prints it with --format json",
    )


def error_body(error: str, message: str, hint: str | None, **extra: Any) -> dict[str, Any]:
    """The one shape: ``error``, ``message``, ``hint``, then what applies."""
    return {"error": error, "message": message, "hint": hint, **extra}


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``value`` as the CLI prints it with ``--format json`` (exact decimals)."""
    return Response(to_json(value) + "\n", status, headers=headers, media_type="application/json")


PageError = Callable[[Request, int, dict[str, Any]], Response]


def install(app: FastAPI, page_error: PageError | None = None) -> None:
    """Register the handlers that give every error the one shape; a request for a page
    (not under /api/ or /mcp) gets that error as a page from ``page_error``."""

    def answer(request: Request, body: dict[str, Any], status: int,
               headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        path = request.url.path
        if page_error is not None and not path.startswith(("/api/", "/mcp")):
            return page_error(request, status, body)
        return json_response(body, status, headers)

    @app.exception_handler(InfracastError)
    async def library_error(request: Request, exc: InfracastError) -> Response:
        status = int(getattr(exc, "http_status", 400))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return answer(request, exc.to_dict(), status, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
        message = f"{where or 'the request'}: {first.get('msg', 'is not valid')}"
        return json_response(
            error_body("ValidationError", message, "see the parameters in /api/v1/docs",
                       field=where or None),
            422,
        )  # fmt: skip

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            message = f"no route {request.method} {request.url.path}"
        elif exc.status_code == 405:
            headers["Allow"] = allowed = _allowed(request)
            message = f"{request.url.path} does not take {request.method}; it takes {allowed}"
        else:
            message = str(exc.detail)
        return answer(
            request, error_body(name, message, "see /api/v1/docs"), exc.status_code,
            headers or None,
        )  # fmt: skip

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return answer(
            request,
            error_body("InternalError", "the server could not answer this request",
                       "the server's log has the details; try again or report it"),
            500,
        )  # fmt: skip


def _allowed(request: Request) -> str:
    """Every method the request's path takes, for a 405's ``Allow`` header. Starlette names
    only those of the first route that matched the path, and two routes may share one
    (``GET`` and ``POST /ingests``): ask the router about each method instead."""
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    )
