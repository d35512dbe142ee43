"""`infracast users …` from the command line, as an admin runs it."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from argon2 import PasswordHasher

from infracast.control import users
from infracast.control.users import authenticate, check_password
from infracast.ledger.connection import Ledger
from tests.cli.conftest import Ran

Cli = Callable[..., Ran]
PASSWORD = "correct horse battery"  # 21 characters


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its cheapest: the real cost is pinned in tests/control/test_users.py."""
    monkeypatch.setattr(users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users._dummy_hash.cache_clear()


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.duckdb")


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_add_reads_the_password_from_stdin(
    cli: Cli, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    ran = cli("users", "add", "bob", "--role", "viewer", "--team", "research",
              "--password-stdin", "--ledger", path)  # fmt: skip
    assert ran.code == 0, ran.err
    assert "Added user bob (viewer, team research)." in ran.err
    with Ledger.open(path) as led:
        assert check_password(led, "bob", PASSWORD).team == "research"


def test_add_without_a_flag_asks_twice_hidden(
    cli: Cli, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, Any]] = []

    def prompt(text: str, **kwargs: Any) -> str:
        asked.append({"text": text, **kwargs})
        return PASSWORD

    monkeypatch.setattr(typer, "prompt", prompt)
    assert cli("users", "add", "ann", "--role", "admin", "--ledger", path).code == 0
    assert asked == [{"text": "Password", "hide_input": True, "confirmation_prompt": True}]
    with Ledger.open(path) as led:
        assert check_password(led, "ann", PASSWORD).role == "admin"


def test_list_json_holds_the_users_and_no_secret(
    cli: Cli, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, PASSWORD)
    cli("users", "add", "bob", "--role", "viewer", "--password-stdin", "--ledger", path)
    cli("users", "add", "ci-bot", "--role", "editor", "--no-password", "--ledger", path)
    ran = cli("users", "list", "--format", "json", "--ledger", path)
    assert ran.code == 0, ran.err
    listed = json.loads(ran.out)
    assert [(u["name"], u["role"], u["team"], u["revoked"]) for u in listed] == [
        ("bob", "viewer", None, False),
        ("ci-bot", "editor", None, False),
    ]
    assert "argon2" not in ran.out and PASSWORD not in ran.out


def test_token_is_alone_on_the_last_line_and_works(cli: Cli, path: str) -> None:
    cli("users", "add", "ci-bot", "--role", "editor", "--no-password", "--ledger", path)
    ran = cli("users", "token", "ci-bot", "--ledger", path)
    assert ran.code == 0, ran.err
    token = ran.out.splitlines()[-1]
    assert token.startswith("ifc_") and token == ran.out.strip()
    assert "shown only this once" in ran.err
    with Ledger.open(path) as led:
        assert authenticate(led, token).name == "ci-bot"


def test_revoke_ends_the_tokens(cli: Cli, path: str) -> None:
    cli("users", "add", "ci-bot", "--role", "editor", "--no-password", "--ledger", path)
    token = cli("users", "token", "ci-bot", "--ledger", path).out.strip()
    ran = cli("users", "revoke", "ci-bot", "--ledger", path)
    assert ran.code == 0 and "Revoked user ci-bot" in ran.err
    with Ledger.open(path) as led, pytest.raises(users.AuthError, match="revoked"):
        authenticate(led, token)
    listed = json.loads(cli("users", "list", "--format", "json", "--ledger", path).out)
    assert listed[0]["revoked"] is True


@pytest.mark.parametrize(
    ("args", "stdin_text", "message"),
    [
        (("add", "bob", "--role", "viewr", "--no-password"), "", 'Did you mean "viewer"?'),
        (("add", "bob", "--role", "viewer", "--password-stdin"), "short\n", "at least 12"),
        (("add", "bob", "--role", "viewer", "--password-stdin"), "", "holds no password"),
        (("add", "bob", "--role", "viewer", "--password-stdin", "--no-password"), "",
         "cannot be given together"),
        (("token", "nobody"), "", 'no user named "nobody"'),
        (("revoke", "nobody"), "", 'no user named "nobody"'),
    ],
)  # fmt: skip
def test_errors_are_sentences_without_a_traceback(
    cli: Cli,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    stdin_text: str,
    message: str,
) -> None:
    cli("users", "add", "alice", "--role", "admin", "--no-password", "--ledger", path)
    stdin(monkeypatch, stdin_text)
    ran = cli("users", *args, "--ledger", path)
    assert ran.code == 2
    assert message in ran.err and "Traceback" not in ran.err
    assert ran.out == ""


def test_list_of_a_missing_ledger_says_so(cli: Cli, tmp_path: Path) -> None:
    ran = cli("users", "list", "--ledger", str(tmp_path / "none.duckdb"))
    assert ran.code != 0 and "Traceback" not in ran.err
    assert not (tmp_path / "none.duckdb").exists()
