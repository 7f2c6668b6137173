"""The web edge: what every request and every response goes through, whatever the route.

- **Proxies.** ``DOCSVC_TRUSTED_PROXIES=N`` puts werkzeug's ProxyFix in front, believing
  the last N hops of X-Forwarded-For/-Proto/-Host; by default (0) those headers are ignored,
  so a client cannot choose the address that throttling and the audit trail see, nor
  pretend to be on TLS.
- **Bodies.** A request with a body to a route that needs a signed-in user (or a role) is
  answered before anything reads the body: CSRF checking, form parsing and the view come
  after (``guard_body`` runs before Flask-WTF's check). Every route accepts at most
  ``DOCSVC_MAX_REQUEST_KB``; only the upload routes take files up to the upload limit.
- **Headers.** Every response (pages, JSON, files, errors, static files) carries a
  Content-Security-Policy with a per-request nonce for scripts and no ``unsafe-inline``,
  refuses framing, turns off MIME sniffing, keeps the referrer on this site, and is
  ``Cache-Control: no-store`` unless it is a static asset: what sits behind sign-in may
  hold personal data and must not stay in a shared or a browser cache.
- **Cookies** set over TLS (directly or through a trusted proxy) are marked ``Secure``,
  whoever set them.
"""

from __future__ import annotations

import secrets
from typing import Callable

from flask import Flask, current_app, g, request
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

# Routes that take files; others are held to the small request limit. A new upload route
# is added here or marked with ``@accepts_uploads``.
UPLOAD_ENDPOINTS = frozenset({"documents.upload", "api.create_document"})
STATIC_ENDPOINTS = frozenset({"static"})


def accepts_uploads(view: Callable) -> Callable:
    """Mark a view that takes files as large as the upload limit."""
    view.accepts_uploads = True  # type: ignore[attr-defined]
    return view


def csp_nonce() -> str:
    """This request's script nonce: ``<script nonce="{{ csp_nonce() }}">``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def guard_body() -> None:
    """Before anything reads the body: set this route's size limit. Who may send a body at
    all was settled just before, by ``docsvc.auth.enforce_route`` (registered ahead of this
    and of CSRF, the first reader): a refused asker's body is never read."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is not None and (request.endpoint in UPLOAD_ENDPOINTS or getattr(view, "accepts_uploads", False)):
        request.max_content_length = current_app.extensions["docsvc"].settings.max_upload_bytes + 1024 * 1024


class NulInForm(BadRequest):
    """A web form or query string carrying a NUL character (docsvc.app answers 400 with the
    field named)."""

    def __init__(self, field: str):
        super().__init__()
        self.field = field


def refuse_nul() -> None:
    """A NUL character is never text a person typed, and PostgreSQL cannot store it (SQLite
    could): refused in every form field and query parameter of the web pages, with the field
    named, before a view stores it (the API's validator does the same for its requests)."""
    if request.path.startswith("/api/"):
        return
    sources = [request.args]
    # Typed forms only: a multipart body is an upload, read by its view under the size limit
    # that view sets (reading it here would apply the small default limit first).
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "application/x-www-form-urlencoded":
        sources.append(request.form)
    for source in sources:
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise NulInForm(name.replace("\x00", ""))


def security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint not in STATIC_ENDPOINTS:
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
        cookies = headers.getlist("Set-Cookie")
        if any("; secure" not in c.lower() for c in cookies):
            headers.setlist("Set-Cookie", [c if "; secure" in c.lower() else c + "; Secure" for c in cookies])
    return response


def init_app(app: Flask) -> None:
    """Install the edge. Call first in the factory: after-request functions run in reverse
    order of registration, so these headers are set last and win."""
    settings = app.extensions["docsvc"].settings
    hops = settings.trusted_proxies
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_kb * 1024
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(security_headers)
