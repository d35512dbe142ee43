"""`infracast serve`: a real server on loopback answers; no authentication off loopback is
refused. Traffic goes to 127.0.0.1 only, a few requests within seconds."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import uvicorn

from infracast.errors import ConfigError
from infracast.server import create_app
from infracast.server.app import check_bind
from tests.cli import small_company
from tests.cli.conftest import Ran


def test_no_auth_is_refused_off_loopback() -> None:
    check_bind("127.0.0.1", auth=False)
    check_bind("0.0.0.0", auth=True)
    with pytest.raises(ConfigError, match=r"--no-auth on 0\.0\.0\.0"):
        check_bind("0.0.0.0", auth=False)


def test_the_cli_refuses_no_auth_off_loopback(cli: Callable[..., Ran]) -> None:
    ran = cli("serve", "--host", "0.0.0.0", "--no-auth")
    assert ran.code != 0 and "--no-auth on 0.0.0.0" in ran.err and "Traceback" not in ran.err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_served_api_answers_on_loopback(tmp_path: Path) -> None:
    small_company.build(tmp_path)
    port = _free_port()
    config = uvicorn.Config(create_app(tmp_path / small_company.LEDGER, auth=False),
                            host="127.0.0.1", port=port, log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/costs?by=team", timeout=10)
        assert answer.status_code == 200
        assert {row["team"] for row in answer.json()} >= {"research"}
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    assert not thread.is_alive()
