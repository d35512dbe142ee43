"""The ``users`` and ``api_tokens`` tables: who may use the API, and the hashes of their tokens.

Plain rows in and out; the rules (roles, hashing, authentication) live in
:mod:`infracast.control.users`. No secret is ever stored here: ``password_hash`` is an
argon2id hash and ``token_hash`` a SHA-256 hex digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb

Row = dict[str, Any]
USER_COLUMNS: tuple[str, ...] = (
    "name",
    "role",
    "team",
    "password_hash",
    "created_at",
    "revoked_at",
)
TOKEN_COLUMNS: tuple[str, ...] = (
    "token_id",
    "name",
    "token_hash",
    "created_at",
    "last_used_at",
    "revoked_at",
)


def insert_user(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any]) -> None:
    """Store a user (``row`` holds every column of :data:`USER_COLUMNS`)."""
    con.execute(
        f"INSERT INTO users ({', '.join(USER_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in USER_COLUMNS)})",
        [row[c] for c in USER_COLUMNS],
    )


def select_users(con: duckdb.DuckDBPyConnection, name: str | None = None) -> list[Row]:
    """Every user by name, or the one named ``name`` (an empty list when there is none)."""
    sql = f"SELECT {', '.join(USER_COLUMNS)} FROM users"
    params: list[Any] = []
    if name is not None:
        sql += " WHERE name = ?"
        params.append(name)
    found = con.execute(sql + " ORDER BY name", params).fetchall()
    return [dict(zip(USER_COLUMNS, r, strict=True)) for r in found]


def revoke_user(con: duckdb.DuckDBPyConnection, name: str, at: datetime) -> None:
    """Mark the user and every token of theirs not yet revoked as revoked ``at``."""
    con.execute("UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", [at, name])
    con.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", [at, name]
    )


def token_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The ids of every stored token (revoked or not)."""
    return {r[0] for r in con.execute("SELECT token_id FROM api_tokens").fetchall()}


def insert_token(con: duckdb.DuckDBPyConnection, row: Mapping[str, Any]) -> None:
    """Store a token's hash (``row`` holds every column of :data:`TOKEN_COLUMNS`)."""
    con.execute(
        f"INSERT INTO api_tokens ({', '.join(TOKEN_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in TOKEN_COLUMNS)})",
        [row[c] for c in TOKEN_COLUMNS],
    )


def token_with_user(con: duckdb.DuckDBPyConnection, token_id: str) -> Row | None:
    """The token of ``token_id`` joined with its user's columns (prefixed ``user_``), or None."""
    found = con.execute(
        "SELECT t.token_hash, t.revoked_at, u.name, u.role, u.team, u.created_at, "
        "u.revoked_at, t.last_used_at FROM api_tokens t JOIN users u ON u.name = t.name "
        "WHERE t.token_id = ?",
        [token_id],
    ).fetchone()
    if found is None:
        return None
    keys = ("token_hash", "revoked_at", "name", "role", "team", "created_at", "user_revoked_at",
            "last_used_at")  # fmt: skip
    return dict(zip(keys, found, strict=True))


def touch_token(con: duckdb.DuckDBPyConnection, token_id: str, at: datetime) -> None:
    """Record that the token was used ``at``."""
    con.execute("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?", [at, token_id])
