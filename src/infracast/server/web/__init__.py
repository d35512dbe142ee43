"""The web pages (issue 16): Jinja2 templates over the same library calls as the API.

``router`` holds the sign-in and sign-out routes (:mod:`.auth`), the static files
(:mod:`.static`) and the pages (:mod:`.pages`); :func:`error_page` renders a library error
as a page. docs/dashboard.md describes them.
"""

from infracast.server.web.auth import LoginRequired, login_redirect
from infracast.server.web.routes import error_page, router
from infracast.server.web.sessions import SessionStore

__all__ = ["LoginRequired", "SessionStore", "error_page", "login_redirect", "router"]
