"""Signing in and out of the pages, and who a page request acts as.

``GET /login`` shows the form; ``POST /login`` checks the password as ``POST
/api/v1/login`` does (:func:`infracast.control.users.check_password`: argon2, rate limited
per name) and starts a session (:mod:`.sessions`); ``POST /logout`` ends it. Every page
depends on :func:`page_user`: the session's user, checked again against the ledger (a
revoked user is signed out), or a redirect to the sign-in page. Every POST form is
checked by :func:`check_csrf`.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from infracast.control.auth_errors import AuthError, ForbiddenError, TooManySignInsError
from infracast.server.app import ANONYMOUS_ADMIN, LedgerDep, Principal
from infracast.server.web.render import page
from infracast.server.web.sessions import COOKIE, LOGIN_COOKIE, same_token

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """A page asked for without a session: answered with a redirect to ``/login``."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    """303 to the sign-in page, which comes back to the page asked for."""
    return RedirectResponse(f"/login?next={quote(exc.path)}", status_code=303)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


def page_user(request: Request, ledger: LedgerDep) -> Principal:
    """The user a page request acts as: its session's, if still valid, else a redirect to
    ``/login``. Without authentication (``serve --no-auth``, loopback only): an admin."""
    if not request.app.state.auth:
        request.state.session = None
        return ANONYMOUS_ADMIN
    from infracast.control.users import get_user

    sessions = request.app.state.sessions
    sid = request.cookies.get(COOKIE)
    session = sessions.get(sid)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if session is None:
        raise LoginRequired(path)
    user = get_user(ledger, session.name)
    if user is None or user.revoked:
        sessions.end_user(session.name)
        raise LoginRequired(path)
    request.state.session = session
    return Principal(user.name, user.role, user.team)


PageUser = Annotated[Principal, Depends(page_user)]


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse (403) a form whose CSRF token is not its session's."""
    session = getattr(request.state, "session", None)
    if not request.app.state.auth:
        return
    if session is None or not same_token(token, session.csrf):
        raise ForbiddenError(
            "this form's security token is missing or out of date",
            hint="reload the page and submit the form again",
        )


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login")
def login_form(request: Request, next: str | None = None, error: str | None = None) -> Response:
    """The sign-in form (with a fresh pre-session CSRF cookie)."""
    request.state.session = None
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", next=safe_next(next), csrf=token, error=error,
                    title="Sign in")  # fmt: skip
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")  # fmt: skip
    return response


@router.post("/login")
def login_submit(
    request: Request,
    ledger: LedgerDep,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; on success start a session and go to ``next``."""
    from infracast.control.users import check_password

    target = safe_next(next)
    if not same_token(csrf, request.cookies.get(LOGIN_COOKIE)):
        return _again(request, target, "The sign-in form was out of date; please try again.")
    try:
        user = check_password(ledger, name.strip(), password)
    except TooManySignInsError as exc:
        return _again(request, target, str(exc), status=429)
    except AuthError:
        return _again(request, target, "That name and password do not match a user.", 401)
    sid, _ = request.app.state.sessions.create(user.name, user.role, user.team)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, sid, httponly=True, samesite="lax", secure=_secure(request),
                        path="/")  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _again(request: Request, target: str, error: str, status: int = 400) -> Response:
    response = login_form(request, next=target, error=error)
    response.status_code = status
    return response


@router.post("/logout")
def logout(
    request: Request,
    user: Annotated[Principal, Depends(page_user)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """End the session and go back to the sign-in page."""
    check_csrf(request, csrf)
    request.app.state.sessions.end(request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
