"""Browser sessions: a random id in an HttpOnly cookie, kept in the server's memory.

A person signs in on ``/login`` with the password of ``infracast users add``; the server
then keeps who they are (name, role, team scope) under a random 256-bit id, sent back as
the cookie :data:`COOKIE` (HttpOnly, SameSite=Lax, Secure when the request came over TLS).
Sessions live in the process: a restart signs everyone out, and nothing about them is
written to the ledger. A session ends at logout, after :data:`IDLE` without a request or
:data:`LIFETIME` after sign-in, or when its user is revoked (checked on every request).

Every form carries the session's CSRF token (the synchronizer-token pattern, OWASP's
recommended defence); the sign-in form, which has no session yet, carries a token that
must match the pre-session cookie :data:`LOGIN_COOKIE` (double submit).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "infracast_session"
LOGIN_COOKIE = "infracast_login_csrf"
IDLE = 8 * 3600.0  # seconds without a request before a session ends
LIFETIME = 7 * 24 * 3600.0  # seconds after sign-in before it ends anyway
MAX_SESSIONS = 10_000  # the oldest are dropped past this many (a bound on memory)


@dataclass
class Session:
    """One signed-in browser: who, its CSRF token and when it was made and last used."""

    name: str
    role: str
    team: str | None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)

    def expired(self, now: float) -> bool:
        return now - self.seen > IDLE or now - self.created > LIFETIME


class SessionStore:
    """The sessions of one server process (thread-safe)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, name: str, role: str, team: str | None) -> tuple[str, Session]:
        """A new session for the user; its id (the cookie's value) and the session."""
        sid = secrets.token_urlsafe(32)
        session = Session(name, role, team)
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions, key=lambda k: self._sessions[k].seen)
                del self._sessions[oldest]
            self._sessions[sid] = session
        return sid, session

    def get(self, sid: str | None) -> Session | None:
        """The live session of ``sid`` (touched), or None."""
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if session.expired(now):
                del self._sessions[sid]
                return None
            session.seen = now
            return session

    def end(self, sid: str | None) -> None:
        """Forget ``sid`` (logout)."""
        if sid:
            with self._lock:
                self._sessions.pop(sid, None)

    def end_user(self, name: str) -> None:
        """Forget every session of ``name`` (a revoked user)."""
        with self._lock:
            for sid in [k for k, s in self._sessions.items() if s.name == name]:
                del self._sessions[sid]


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether a form's CSRF token is the expected one (constant time; empty never is)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
