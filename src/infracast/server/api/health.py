"""Who a request acts as."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from infracast.server.app import UserDep
from infracast.server.errors import json_response

router = APIRouter()


@router.get("/health", tags=["server"])
def health(user: UserDep) -> Response:
    """The server answers, and as whom."""
    return json_response({"status": "ok", "user": user.name, "role": user.role,
                          "team": user.team})  # fmt: skip
