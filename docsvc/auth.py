"""Who is asking, on every request: a signed-in session for pages, a Bearer token for the API.

Pages: Flask's signed session cookie (HttpOnly, SameSite=Lax, Secure whenever the request
came over TLS) carries a random session token; the session itself lives on the server
(``docsvc.accounts.sessions``), so signing out, a password change, a disabled account, a
working day's end or half an hour idle ends it for every copy of the cookie. Other data may
still be kept in ``flask.session`` (it is cleared at sign-in and sign-out). Every form is
protected against CSRF (Flask-WTF). API: ``Authorization: Bearer <token>``; no cookie is
honoured there, so CSRF does not apply.

``enforce(action)`` is called by ``@requires`` (docsvc.permissions) before each view, and
before anything reads a request's body (docsvc.edge): no principal → 401 (API) or the
sign-in page (pages); principal without the role → 403.

Time comes from ``now()``: the system clock, or ``app.config["CLOCK"]`` (a callable
returning an aware UTC datetime) in tests.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import Flask, abort, current_app, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from docsvc.access import Principal, principal_for
from docsvc.i18n import gettext as _
from docsvc.accounts.sessions import SessionPolicy, current_session
from docsvc.accounts.usecases import sign_out as end_browser_session

csrf = CSRFProtect()
log = logging.getLogger(__name__)
SESSION_KEY = "sid"


class _SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else datetime.now(timezone.utc)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def current_principal() -> Principal | None:
    return g.get("principal")


def client_ip() -> str | None:
    """The client's address: the socket's, or the one named by trusted proxies
    (``DOCSVC_TRUSTED_PROXIES``, applied by werkzeug's ProxyFix in docsvc.edge)."""
    return request.remote_addr


def _services():
    return current_app.extensions["docsvc"]


def _policy() -> SessionPolicy:
    return SessionPolicy.from_settings(_services().settings)


def load_principal() -> None:
    """Find who is asking (headers and cookie only: the body is not touched)."""
    g.principal = None
    if request.endpoint == "static":
        return  # public files: no database work (nor a last-seen write) per stylesheet
    services = _services()
    if is_api_request():
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            from docsvc.accounts.services import principal_for_token

            g.principal = principal_for_token(services, header[7:].strip(), now=now(), ip=client_ip())
        return
    token = session.get(SESSION_KEY)
    if token is None:
        return
    with services.session_factory() as db:
        row = current_session(db, token, _policy(), now=now())
        if row is None:
            session.clear()
            return
        g.principal = principal_for(db, row.user, ip=client_ip(), via="session")


def sign_in(token: str) -> None:
    """Put a session started by docsvc.accounts.usecases (sign_in, change_my_password) in
    this browser's cookie: a fresh cookie, so no fixation."""
    session.clear()
    session[SESSION_KEY] = token
    session.permanent = False


def sign_out(reason: str = "logout") -> None:
    """End this browser's session (and record the sign-out) and clear its cookie."""
    end_browser_session(_services(), current_principal(), session.get(SESSION_KEY), now=now(), reason=reason)
    session.clear()


def refuse_anonymous() -> None:
    """Answer a request that needs a signed-in user: 401 for the API and JSON clients, the
    sign-in page for a browser."""
    if is_api_request():
        response = jsonify({"error": {"code": "unauthorized",
                                      "message": _("Cần mã API hợp lệ (Authorization: Bearer ...).")}})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="docsvc"'
        abort(response)
    if request.accept_mimetypes.best == "application/json":
        abort(401)
    abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))


def enforce(action: str) -> None:
    principal = current_principal()
    if principal is None:
        refuse_anonymous()
    if not principal.can(action):
        abort(403)


# Flask's own endpoints, which serve files anyone may fetch.
OPEN_ENDPOINTS = frozenset({"static"})


def enforce_route() -> None:
    """Before every request: the route's declared action (``@requires``), checked for the
    asker; a public route (``@public``) passes; a route that declares nothing is refused
    (403), and the mistake logged, so a forgotten declaration never opens a door."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in OPEN_ENDPOINTS:
        return  # no such route: 404/405 follows
    view = current_app.view_functions.get(endpoint)
    if not hasattr(view, "permission"):
        log.error("route %s declares no permission (@requires or @public): refused", endpoint)
        abort(403)
    if view.permission is not None:
        enforce(view.permission)


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    # Order matters: who is asking, what the route allows them, then the body guard
    # (docsvc.edge), then CSRF, which is the first to read a form.
    app.before_request(load_principal)
    app.before_request(enforce_route)
    from docsvc import edge

    app.before_request(edge.guard_body)
    csrf.init_app(app)
    app.before_request(edge.refuse_nul)  # after CSRF: a forged form is refused as forged

    @app.context_processor
    def _inject():
        principal = current_principal()
        return {"principal": principal, "can": (lambda action: principal is not None and principal.can(action))}
