"""Users, roles and API tokens: who may read, write or administer a ledger through the API.

A user has a role and, optionally, a team scope (a scoped user sees only the rows of that
team). Roles, from least to most:

- ``viewer``: read everything in scope;
- ``editor``: also write (ingest, accept recommendations, budgets);
- ``admin``: also manage users.

Secrets are never stored. A password is hashed with argon2id (``argon2.PasswordHasher``,
its defaults: slow and memory-hard on purpose, since people choose guessable passwords).
An API token ``ifc_<id>_<secret>`` carries 256 bits of randomness, so a fast SHA-256 of
the whole token is stored instead (a slow hash protects only low-entropy secrets, and
would cost every API request tens of milliseconds); the token itself is shown once.

Signing in with a password is rate limited in the process: after
:data:`MAX_FAILURES` failed attempts for a name within :data:`FAILURE_WINDOW_SECONDS`,
every attempt for it is refused until the oldest failure is that old.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from infracast.control.auth_errors import AuthError, ForbiddenError, TooManySignInsError
from infracast.control.exceptions import UnknownNameError
from infracast.errors import ControlError, did_you_mean
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import users as store

__all__ = [
    "ACTIONS",
    "FAILURE_WINDOW_SECONDS",
    "MAX_FAILURES",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "AuthError",
    "ForbiddenError",
    "Login",
    "LoginLimiter",
    "TooManySignInsError",
    "User",
    "add_user",
    "authenticate",
    "check_password",
    "list_users",
    "login",
    "new_token",
    "revoke",
]

ROLES = ("viewer", "editor", "admin")
# The roles allowed each action.
ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ROLES,
    "write": ("editor", "admin"),
    "admin": ("admin",),
}
MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60.0
TOKEN_PREFIX = "ifc"
# How stale a token's recorded last use may get before a request records it again.
TOUCH_EVERY = timedelta(minutes=1)
_TOKEN = re.compile(r"ifc_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})")
_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
_LIST_HINT = "List the users with: infracast users list"
_TOKEN_HINT = (
    "Send a valid token as 'Authorization: Bearer TOKEN'; get one with: infracast users token NAME"
)


@dataclass(frozen=True)
class User:
    """A user as the library hands it out: no password hash, no token."""

    name: str
    role: str
    team: str | None
    created_at: datetime
    revoked: bool

    def can(self, action: str) -> bool:
        """Whether the user may ``action``: ``"read"`` (every role), ``"write"`` (editor,
        admin) or ``"admin"`` (admin). A revoked user may do nothing."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        return not self.revoked and self.role in ACTIONS[action]

    def require(self, action: str) -> None:
        """Raise :class:`ForbiddenError` unless the user :meth:`can` ``action``."""
        if not self.can(action):
            allowed = ", ".join(ACTIONS[action])
            raise ForbiddenError(
                f'user "{self.name}" (role {self.role}) may not {action}.',
                hint=f"Only these roles may {action}: {allowed}. An admin can add a user "
                "with one: infracast users add NAME --role ROLE",
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "team": self.team,
            "created_at": self.created_at,
            "revoked": self.revoked,
        }


class LoginLimiter:
    """Failed sign-ins per name in a sliding window, kept in this process only."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_seconds: float = FAILURE_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, name: str) -> float:
        """Seconds until ``name`` may try again (0: now)."""
        with self._lock:
            now = self.clock()
            times = self._failures.get(name)
            if times is None:
                return 0.0
            while times and now - times[0] >= self.window_seconds:
                times.popleft()
            if not times:  # forget a name whose failures are all old
                del self._failures[name]
                return 0.0
            if len(times) < self.max_failures:
                return 0.0
            return self.window_seconds - (now - times[0])

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, deque()).append(self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


LIMITER = LoginLimiter()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row: dict[str, Any], revoked_key: str = "revoked_at") -> User:
    return User(
        name=row["name"],
        role=row["role"],
        team=row["team"],
        created_at=row["created_at"],
        revoked=row[revoked_key] is not None,
    )


def _check_name(name: str) -> None:
    if not name or not name.isprintable() or any(c.isspace() for c in name):
        raise ControlError(
            f"invalid user name {name!r}: a name must not be empty and must hold no spaces "
            "or control characters.",
            hint='Use a single word such as "alice" or "ci-bot".',
            field="name",
        )


def add_user(
    ledger: Ledger,
    name: str,
    *,
    role: str,
    team: str | None = None,
    password: str | None = None,
) -> User:
    """Add a user with ``role`` (one of :data:`ROLES`), seeing only ``team``'s rows if
    given; ``password`` (at least 12 characters) is stored as an argon2id hash. Without a
    password the user signs in with API tokens only (a service user)."""
    _check_name(name)
    if role not in ROLES:
        raise ControlError(
            f'unknown role "{role}".{did_you_mean(role, ROLES)}',
            hint=f"A role is one of: {', '.join(ROLES)}.",
            field="role",
        )
    if team is not None and not team.strip():
        raise ControlError(
            "the team scope is empty.",
            hint="Give a team name with --team, or leave it out for a user who sees every team.",
            field="team",
        )
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ControlError(
            f"the password is {len(password)} characters long; it needs at least "
            f"{MIN_PASSWORD_LENGTH}.",
            hint="Choose a longer password (a few unrelated words make a good one).",
            field="password",
        )
    hashed = _HASHER.hash(password) if password is not None else None
    row = {"name": name, "role": role, "team": team, "password_hash": hashed,
           "created_at": _now(), "revoked_at": None}  # fmt: skip
    with ledger.transaction() as con:
        if store.select_users(con, name):
            raise ControlError(
                f'a user named "{name}" already exists.',
                hint=f"Choose another name. {_LIST_HINT}",
                field="name",
            )
        store.insert_user(con, row)
    return _user(row)


def list_users(ledger: Ledger) -> list[User]:
    """Every user, by name (revoked ones too, marked)."""
    return [_user(r) for r in store.select_users(ledger.con)]


def get_user(ledger: Ledger, name: str) -> User | None:
    """The user ``name`` (revoked or not), or None: what a browser session checks on every
    request, so a revoked user or a changed team takes effect at once."""
    found = store.select_users(ledger.con, name)
    return _user(found[0]) if found else None


def _get(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    found = store.select_users(con, name)
    if not found:
        names = [r["name"] for r in store.select_users(con)]
        raise UnknownNameError(
            f'no user named "{name}".{did_you_mean(name, names)}', hint=_LIST_HINT, field="name"
        )
    return found[0]


def new_token(ledger: Ledger, name: str) -> str:
    """A new API token for the user ``name``, returned once and stored only as a hash.

    The token is ``ifc_<id>_<secret>``: ``id`` (8 hex characters) is stored in clear to
    find the row, ``secret`` is ``secrets.token_urlsafe(32)`` (256 random bits). The row
    keeps the SHA-256 hex digest of the whole token: with that much entropy a fast hash is
    the standard choice (as GitHub and PyPI do), so authenticating a request stays cheap.
    """
    with ledger.transaction() as con:
        row = _get(con, name)
        if row["revoked_at"] is not None:
            raise AuthError(
                f'user "{name}" is revoked and cannot get a token.',
                hint="Add a new user with: infracast users add NAME --role ROLE",
            )
        taken = store.token_ids(con)
        token_id = secrets.token_hex(4)
        while token_id in taken:
            token_id = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
        store.insert_token(con, {"token_id": token_id, "name": name, "token_hash": _digest(token),
                                 "created_at": _now(), "last_used_at": None,
                                 "revoked_at": None})  # fmt: skip
    return token


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def revoke(ledger: Ledger, name: str) -> User:
    """Revoke the user ``name`` and every token of theirs; return the user as it now is."""
    with ledger.transaction() as con:
        _get(con, name)
        store.revoke_user(con, name, _now())
        return _user(_get(con, name))


def authenticate(ledger: Ledger, token: str | None) -> User:
    """The user an API token acts as; :class:`AuthError` for a missing, malformed, unknown
    or revoked token, or a revoked user. One SHA-256 and one indexed lookup: no argon2."""
    hint = _TOKEN_HINT
    if not token:
        raise AuthError("no API token was given.", hint=hint)
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise AuthError("the API token is malformed.", hint=hint)
    found = store.token_with_user(ledger.con, match.group(1))
    if found is None or not hmac.compare_digest(found["token_hash"], _digest(token)):
        raise AuthError("the API token is not valid.", hint=hint)
    if found["revoked_at"] is not None or found["user_revoked_at"] is not None:
        raise AuthError("the API token has been revoked.", hint=hint)
    # On a read-only ledger the token is still good; its use is just not recorded. Recorded
    # to the minute: a dashboard's every request need not write to the ledger.
    now = _now()
    last = found["last_used_at"]
    if last is None or now - last >= TOUCH_EVERY:
        with contextlib.suppress(duckdb.Error):
            store.touch_token(ledger.con, match.group(1), now)
    return _user(found, revoked_key="user_revoked_at")


def check_password(ledger: Ledger, name: str, password: str) -> User:
    """The user ``name`` if ``password`` is theirs; :class:`AuthError` otherwise, the same
    for an unknown name, a wrong password, a user without a password and a revoked user.
    After :data:`MAX_FAILURES` failures within :data:`FAILURE_WINDOW_SECONDS` the name is
    refused until the window passes (:data:`LIMITER`)."""
    wait = LIMITER.wait_seconds(name)
    if wait > 0:
        raise TooManySignInsError(
            f'too many failed sign-ins for "{name}".',
            retry_after=wait,
            hint=f"Wait {max(1, round(wait))} seconds, then try again.",
        )
    found = store.select_users(ledger.con, name)
    row = found[0] if found else None
    try:
        if row is None or row["password_hash"] is None:
            _HASHER.verify(_dummy_hash(), password)  # as slow as a real check: names stay secret
            raise VerificationError("no such user or no password")
        _HASHER.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        LIMITER.failed(name)
        raise AuthError(
            "wrong user name or password.",
            hint=f"Check both; after {MAX_FAILURES} failures within "
            f"{FAILURE_WINDOW_SECONDS:.0f} seconds sign-in waits.",
        ) from None
    if row["revoked_at"] is not None:
        raise AuthError(f'user "{name}" has been revoked.', hint="Ask an admin for a new user.")
    LIMITER.succeeded(name)
    return _user(row)


@dataclass(frozen=True)
class Login:
    """A signed-in user and the new API token it got (shown once)."""

    user: User
    token: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.user.to_dict(), "token": self.token}


def login(ledger: Ledger, name: str, password: str) -> Login:
    """Sign in with a password and get a new API token (``POST /api/v1/login``): the
    password is checked as :func:`check_password` does (argon2, rate limited per name),
    then :func:`new_token` issues the token. Earlier tokens stay valid until revoked."""
    user = check_password(ledger, name, password)
    return Login(user, new_token(ledger, name))
