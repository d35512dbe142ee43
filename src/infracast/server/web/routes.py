"""The pages' router, and the one place a library error becomes an HTML page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infracast.server.web import (
    auth,
    budgets_page,
    data_page,
    estimate_page,
    forecasts_page,
    gpus_page,
    pages,
    projects_page,
    recommendations_page,
    static,
    teams_page,
)
from infracast.server.web.render import page

router = APIRouter(include_in_schema=False)
router.include_router(static.router)
router.include_router(auth.router)
router.include_router(pages.router)
for _page in (teams_page, gpus_page, forecasts_page, budgets_page, projects_page,
              recommendations_page, estimate_page, data_page):  # fmt: skip
    router.include_router(_page.router)

TITLES = {400: "That request was not understood", 401: "Please sign in",
          403: "Not for this account", 404: "Not found", 413: "That file is too large",
          429: "Too many attempts", 500: "Something went wrong"}  # fmt: skip


def is_page(request: Request) -> bool:
    """Whether ``request`` is for a page (not the JSON API, not /mcp)."""
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/mcp"))


def error_page(request: Request, status: int, body: dict[str, object]) -> Response:
    """An error of the one shape (:mod:`infracast.server.errors`) as a page."""
    if not hasattr(request.state, "session"):
        request.state.session = None
    return page(
        request, "error.html", status_code=status,
        title=TITLES.get(status, "That did not work"),
        message=str(body.get("message") or ""), hint=str(body.get("hint") or ""),
    )  # fmt: skip
