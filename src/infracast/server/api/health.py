"""Who a request acts as."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from infracast.server.app import UserDep
from infracast.server.errors import json_response

router = APIRouter()


class Health(BaseModel):
    """The answer of ``GET /health``: the server answers, and as whom."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["ok"]
    user: str
    role: str
    team: str | None


@router.get("/health", tags=["server"], responses={200: {"model": Health}})
def health(user: UserDep) -> Response:
    """The server answers, and as whom."""
    return json_response({"status": "ok", "user": user.name, "role": user.role,
                          "team": user.team})  # fmt: skip
