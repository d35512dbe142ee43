"""`infracast serve`: a real server on loopback answers; no authentication off loopback is
refused. Traffic goes to 127.0.0.1 only, a few requests within seconds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from infracast.errors import ConfigError
from infracast.server import create_app
from infracast.server.app import check_bind
from tests.cli import small_company
from tests.cli.conftest import Ran
from tests.server.calls import served


def test_no_auth_is_refused_off_loopback() -> None:
    check_bind("127.0.0.1", auth=False)
    check_bind("0.0.0.0", auth=True)
    with pytest.raises(ConfigError, match=r"--no-auth on 0\.0\.0\.0"):
        check_bind("0.0.0.0", auth=False)


def test_the_cli_refuses_no_auth_off_loopback(cli: Callable[..., Ran]) -> None:
    ran = cli("serve", "--host", "0.0.0.0", "--no-auth")
    assert ran.code != 0 and "--no-auth on 0.0.0.0" in ran.err and "Traceback" not in ran.err


def test_a_served_api_answers_on_loopback(tmp_path: Path) -> None:
    small_company.build(tmp_path)
    with served(create_app(tmp_path / small_company.LEDGER, auth=False)) as url:
        answer = httpx.get(f"{url}/api/v1/costs?by=team", timeout=10)
    assert answer.status_code == 200
    assert {row["team"] for row in answer.json()} >= {"research"}
