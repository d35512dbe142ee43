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
