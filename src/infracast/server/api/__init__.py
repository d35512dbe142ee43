"""The routes of ``/api/v1``: each a few lines over the library function its CLI command
calls, answering exactly what the command prints with ``--format json``. One module per
command group; :data:`router` holds them all."""

from fastapi import APIRouter

from infracast.server.api import (
    auth,
    control,
    costs,
    data,
    estimates,
    finance,
    forecast,
    health,
    optimize,
    recommendations,
)

router = APIRouter()
for _module in (
    health,
    auth,
    costs,
    forecast,
    recommendations,
    optimize,
    control,
    finance,
    data,
    estimates,
):
    router.include_router(_module.router)

__all__ = ["router"]
