"""The errors of signing in and of permissions: 401 and 403 in the API's one error shape."""

from __future__ import annotations

from infracast.errors import InfracastError


class AuthError(InfracastError, PermissionError):
    """No valid credentials: a missing, malformed, unknown or revoked token, a wrong
    password, or too many failed sign-ins (HTTP 401)."""

    http_status = 401


class ForbiddenError(InfracastError, PermissionError):
    """Valid credentials whose role does not allow the action (HTTP 403)."""

    http_status = 403


class TooManySignInsError(AuthError):
    """Too many failed sign-ins for one name in the window: wait (HTTP 429, with the seconds
    to wait in ``retry_after``)."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: float, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = max(1, round(retry_after))

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "retry_after": self.retry_after}
