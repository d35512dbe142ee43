"""Signing in over HTTP: a password for a new API token (no token needed to ask)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from infracast.control.users import login as login_
from infracast.server.app import LedgerDep
from infracast.server.errors import json_response

router = APIRouter()


class Credentials(BaseModel):
    """A user's name and password (set with ``infracast users add NAME``)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


@router.post("/login", tags=["server"])
def login(credentials: Credentials, ledger: LedgerDep) -> Response:
    """Sign in with a password and get a new API token, shown once (send it as
    `Authorization: Bearer TOKEN`). Failed sign-ins are limited per name: after 5 within
    a minute the name gets 429 with `retry_after` seconds."""
    return json_response(login_(ledger, credentials.name, credentials.password).to_dict())
