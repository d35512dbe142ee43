"""The MCP tools, through the SDK's own clients: `infracast mcp` as a subprocess over stdio,
and `/mcp` on a real server on loopback over streamable HTTP. Each answers what the CLI
prints with --format json; a token scoped to a team sees only that team's rows; no token
is refused. Every wait is bounded; traffic goes to 127.0.0.1 only."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from infracast.control.users import add_user, new_token
from infracast.ledger.connection import Ledger
from infracast.server import create_app
from tests.cli import small_company
from tests.cli.conftest import Ran
from tests.server.calls import served

TIMEOUT = 30  # seconds, for any one conversation with a server
TOOLS = {"costs", "gpu", "utilization", "showback", "forecast", "anomalies", "budget_status",
         "recommendations", "estimate_training", "estimate_finetune",
         "estimate_inference"}  # fmt: skip
COSTS_ARGS = {"by": "team,month", "from": "2026-01-01", "to": "2026-03-01"}
COSTS_CLI = ("costs", "--by", "team,month", "--from", "2026-01-01", "--to", "2026-03-01")


@dataclass
class World:
    root: Path
    open_ledger: Path  # no users: the local admin may read it without a token
    users_ledger: Path  # alice (admin, every team) and bob (viewer, research only)
    alice: str
    bob: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("mcp")
    small_company.build(root)
    users = root / "users.duckdb"
    shutil.copyfile(root / small_company.LEDGER, users)
    with Ledger.open(users) as led:
        add_user(led, "alice", role="admin")
        add_user(led, "bob", role="viewer", team="research")
        alice, bob = new_token(led, "alice"), new_token(led, "bob")
    return World(root, root / small_company.LEDGER, users, alice, bob)


def _text(result: Any) -> str:
    assert not result.is_error, result.content[0].text
    return str(result.content[0].text)


def _cli_json(cli: Callable[..., Ran], ledger: Path, *args: str) -> str:
    ran = cli(*args, "--ledger", str(ledger), "--format", "json")
    assert ran.code == 0, ran.err
    return ran.out.rstrip("\n")


def _run(conversation: Callable[[], Awaitable[None]]) -> None:
    async def bounded() -> None:
        with anyio.fail_after(TIMEOUT):
            await conversation()

    anyio.run(bounded)


# --- stdio: `infracast mcp` as an agent's client starts it -----------------------------


def _stdio(world: World, ledger: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    command = str(Path(sys.executable).parent / "infracast")
    params = StdioServerParameters(command=command, args=["mcp", "--ledger", str(ledger), *args],
                                   env=env, cwd=world.root)  # fmt: skip
    return stdio_client(params)


async def _call(session: ClientSession, tool: str, arguments: dict[str, Any]) -> str:
    return _text(await session.call_tool(tool, arguments))


def test_stdio_tools_answer_what_the_cli_prints(world: World, cli: Callable[..., Ran]) -> None:
    expected = _cli_json(cli, world.open_ledger, *COSTS_CLI)
    expected_gpu = _cli_json(cli, world.open_ledger, "gpu", "--by", "team")

    async def conversation() -> None:
        async with (
            _stdio(world, world.open_ledger) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            listed = await session.list_tools()
            assert {t.name for t in listed.tools} == TOOLS
            costs = next(t for t in listed.tools if t.name == "costs")
            assert {"by", "from", "to", "filter", "metric", "top"} <= set(
                costs.input_schema["properties"]
            )
            assert "currency" in (costs.description or "")
            assert await _call(session, "costs", COSTS_ARGS) == expected
            assert await _call(session, "gpu", {"by": "team"}) == expected_gpu

    _run(conversation)


def test_stdio_token_scoped_to_a_team_sees_only_that_team(
    world: World, cli: Callable[..., Ran]
) -> None:
    every_team = json.loads(_cli_json(cli, world.users_ledger, "costs", "--by", "team"))
    answers: list[str] = []

    async def conversation() -> None:
        env = {"INFRACAST_TOKEN": world.bob}  # the environment, as an MCP client's config sets it
        async with (
            _stdio(world, world.users_ledger, env=env) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            answers.append(await _call(session, "costs", {"by": "team"}))

    _run(conversation)
    assert {row["team"] for row in every_team} > {"research"}
    assert json.loads(answers[0]) == [row for row in every_team if row["team"] == "research"]


def test_stdio_without_a_token_is_refused_on_a_ledger_with_users(
    world: World, cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INFRACAST_TOKEN", raising=False)
    ran = cli("mcp", "--ledger", str(world.users_ledger))
    assert ran.code != 0 and "Traceback" not in ran.err
    assert "needs an API token" in ran.err and "INFRACAST_TOKEN" in ran.err


def test_stdio_with_a_wrong_token_is_refused(world: World, cli: Callable[..., Ran]) -> None:
    forged = world.alice[:-4] + ("AAAA" if not world.alice.endswith("AAAA") else "BBBB")
    ran = cli("mcp", "--ledger", str(world.users_ledger), "--token", forged)
    assert ran.code != 0 and "API token is not valid" in ran.err


# --- HTTP: /mcp on `infracast serve` ---------------------------------------------------


async def _http_costs(url: str, token: str, arguments: dict[str, Any]) -> tuple[list[str], str]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=TIMEOUT) as client:
        transport = streamable_http_client(f"{url}/mcp", http_client=client)
        async with transport as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            names = [t.name for t in (await session.list_tools()).tools]
            return names, await _call(session, "costs", arguments)


def test_mounted_tools_answer_as_the_tokens_user(world: World, cli: Callable[..., Ran]) -> None:
    expected = _cli_json(cli, world.users_ledger, *COSTS_CLI)  # before the server owns it
    answers: dict[str, str] = {}

    async def conversation(url: str) -> None:
        names, answers["alice"] = await _http_costs(url, world.alice, COSTS_ARGS)
        assert set(names) == TOOLS
        _, answers["bob"] = await _http_costs(url, world.bob, COSTS_ARGS)

    with served(create_app(world.users_ledger)) as url:
        _run(lambda: conversation(url))
    assert answers["alice"] == expected
    every_team = json.loads(answers["alice"])
    assert {row["team"] for row in every_team} > {"research"}
    assert json.loads(answers["bob"]) == [r for r in every_team if r["team"] == "research"]


def test_mounted_tools_refuse_a_request_without_a_token(world: World) -> None:
    hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                        "clientInfo": {"name": "test", "version": "0"}}}  # fmt: skip
    accept = {"Accept": "application/json, text/event-stream"}
    with served(create_app(world.users_ledger)) as url:
        missing = httpx.post(f"{url}/mcp", json=hello, headers=accept, timeout=10)
        wrong = httpx.post(f"{url}/mcp", json=hello, timeout=10,
                           headers={**accept, "Authorization": f"Bearer {world.bob}x"})  # fmt: skip
    for answer in (missing, wrong):
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        body = answer.json()
        assert {"error", "message", "hint"} <= set(body) and body["error"] == "AuthError"
