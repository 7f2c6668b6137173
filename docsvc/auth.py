"""Who is asking, on every request: a signed-in session for pages, a Bearer token for the API.

Pages: a session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) carrying the user id
and the user's ``session_version`` (changing the password or disabling the account ends
every session). Every form is protected against CSRF (Flask-WTF). API: ``Authorization:
Bearer <token>``; no cookie is honoured there, so CSRF does not apply.

``enforce(action)`` is called by ``@requires`` (docsvc.permissions) before each view: no
principal → 401 (API) or the sign-in page (pages); principal without the role → 403.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from archive.accounts import User
from docsvc.access import Principal, principal_for
from docsvc.i18n import gettext as _

csrf = CSRFProtect()


class _SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def current_principal() -> Principal | None:
    return g.get("principal")


def client_ip() -> str | None:
    return request.remote_addr


def _load_principal() -> None:
    g.principal = None
    services = current_app.extensions["docsvc"]
    if is_api_request():
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            from docsvc.services.accounts import user_for_token

            with services.session_factory() as db:
                user = user_for_token(db, header[7:].strip())
                if user is not None:
                    g.principal = principal_for(db, user, ip=client_ip(), via="token")
        return
    user_id, version = session.get("uid"), session.get("ver")
    if user_id is None:
        return
    with services.session_factory() as db:
        user = db.get(User, user_id)
        if user is None or not user.is_active or user.session_version != version:
            session.clear()
            return
        g.principal = principal_for(db, user, ip=client_ip(), via="session")


def sign_in(user: User) -> None:
    session.clear()  # a fresh session: no fixation
    session["uid"], session["ver"] = user.id, user.session_version
    session.permanent = False


def sign_out() -> None:
    session.clear()


def enforce(action: str) -> None:
    principal = current_principal()
    if principal is None:
        if is_api_request():
            response = jsonify({"error": {"code": "unauthorized",
                                          "message": _("Cần mã API hợp lệ (Authorization: Bearer ...).")}})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="docsvc"'
            abort(response)
        if request.accept_mimetypes.best == "application/json":
            abort(401)
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    if not principal.can(action):
        abort(403)


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    csrf.init_app(app)
    app.before_request(_load_principal)

    @app.context_processor
    def _inject():
        principal = current_principal()
        return {"principal": principal, "can": (lambda action: principal is not None and principal.can(action))}
