"""Asking the CLI and the API the same question on one world (a ledger folder)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from infracast.control.users import new_token
from infracast.ledger.connection import Ledger
from infracast.server import create_app
from tests.cli.conftest import Ran
from tests.cli.small_company import LEDGER


def cli_json(cli: Callable[..., Ran], root: Path, *args: str) -> str:
    """What the command prints with ``--format json`` on the world's ledger (it must pass)."""
    ran = cli(*args, "--ledger", str(root / LEDGER), "--format", "json")
    assert ran.code == 0, ran.err
    return ran.out


def api_get(root: Path, path: str, who: str | None = None) -> tuple[int, str]:
    """GET ``path`` as ``who`` (a token made now), or without auth as an unscoped admin."""
    headers = {}
    if who is not None:
        with Ledger.open(root / LEDGER) as led:
            headers = {"Authorization": f"Bearer {new_token(led, who)}"}
    with TestClient(create_app(root / LEDGER, auth=who is not None)) as client:
        answer = client.get(f"/api/v1/{path}", headers=headers)
    return answer.status_code, answer.text


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` on real uvicorn on a free loopback port for the block's length; its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    assert not thread.is_alive()
