"""Application factory (flaskr style): ``create_app(config)`` takes a test config."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask, render_template, request

from docsvc.config import load_settings
from docsvc.services.container import build_services


def create_app(config: Mapping[str, Any] | None = None, *, web: bool = True) -> Flask:
    """The application. ``web=False`` (the command line, for every command but ``serve``,
    ``run``, ``routes`` and ``shell``) leaves out what only answers requests — the API and page
    blueprints, the request guards, the error pages — which is a third of a command's start-up
    and, for ``docsvc ingest --wait``, time that nothing else overlaps."""
    settings = load_settings(config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        # Werkzeug refuses bigger bodies with 413 before we read them. Only the upload routes
        # raise the limit (docsvc.edge); the blob store checks the exact one while streaming.
        MAX_CONTENT_LENGTH=settings.max_request_kb * 1024,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
    )
    if config:
        app.config.update({k: v for k, v in config.items() if k.isupper() and not k.startswith("DOCSVC_")})
    app.json.ensure_ascii = False
    services = build_services(settings)
    app.extensions["docsvc"] = services

    from docsvc.cli import register_commands

    register_commands(app)
    logging.getLogger("docsvc").setLevel(logging.INFO)
    if web:
        _web(app)
    return app


def _web(app: Flask) -> None:
    from archive.accounts import SECRECY_LABELS
    from docsvc import auth, edge, i18n

    edge.init_app(app)  # first: its response headers are applied last
    from docsvc.ops import logs as ops_logs
    ops_logs.init_app(app)  # a request id on every request, its response and its log lines
    from docsvc.api import bp as api_bp

    i18n.init_app(app)
    auth.init_app(app)
    auth.csrf.exempt(api_bp)  # the API takes Bearer tokens, never cookies
    app.register_blueprint(api_bp)
    _register_pages(app)
    from docsvc.extracts import public as extracts_public

    extracts_public.init_app(app)  # the public verification page, with its rate limiter
    app.jinja_env.globals["secrecy_label"] = lambda level: i18n.gettext(SECRECY_LABELS.get(level, str(level)))
    _error_pages(app)


def _register_pages(app: Flask) -> None:
    """Each capability's web blueprint (with its templates/ folder), and the shared /admin
    area, to which accounts and audit add their pages when imported."""
    from docsvc import admin, labels
    from docsvc.accounts import admin as _accounts_admin  # noqa: F401  (pages on docsvc.admin.bp)
    from docsvc.accounts import views as accounts
    from docsvc.audit import purpose
    from docsvc.audit import views as _audit_views  # noqa: F401  (pages on docsvc.admin.bp)
    from docsvc.calendar import views as calendar
    from docsvc.civil import views as civil
    from docsvc.documents import views as documents
    from docsvc.dossiers import views as dossiers
    from docsvc.extracts import views as extracts
    from docsvc.finding import views as finding
    from docsvc.home import views as home
    from docsvc.incoming import views as incoming
    from docsvc.outgoing import views as outgoing
    from docsvc.outgoing import views_reports as outgoing_reports
    from docsvc.ops import fixity_views as _fixity_views  # noqa: F401  (pages on docsvc.admin.bp)
    from docsvc.reports import views as reports
    from docsvc.routing import views as routing

    labels.register(app.jinja_env)
    for bp in (home.bp, accounts.bp, documents.bp, admin.bp, finding.bp, purpose.bp, civil.bp, extracts.bp, calendar.bp,
               incoming.bp, routing.bp, dossiers.bp, reports.bp, outgoing.bp, outgoing_reports.bp):
        app.register_blueprint(bp)
    from docsvc.ops import views as ops_views  # /admin/status

    app.register_blueprint(ops_views.bp)


def _error_pages(app: Flask) -> None:
    from docsvc.api import error_response
    from docsvc.i18n import gettext as _

    def page(status: int, message: str):
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            codes = {403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
            return error_response(status, codes.get(status, "error"), message)
        return render_template("error.html", status=status, message=message), status

    from docsvc.edge import NulInForm

    @app.errorhandler(NulInForm)
    def _nul(exc):
        return page(400, _("Trường “{field}” chứa ký tự NUL, không phải chữ; hãy nhập lại.").format(field=exc.field))

    @app.errorhandler(403)
    def _forbidden(_exc):
        return page(403, _("Bạn không có quyền xem trang hoặc văn bản này."))

    @app.errorhandler(404)
    def _not_found(_exc):
        return page(404, _("Không tìm thấy trang hoặc tài liệu này."))

    @app.errorhandler(405)
    def _method_not_allowed(exc):
        response = page(405, _("Phương thức {method} không dùng được ở địa chỉ này.").format(method=request.method))
        response = app.make_response(response)
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(413)
    def _too_large(_exc):
        limit = request.max_content_length or 0
        if limit > (app.config.get("MAX_CONTENT_LENGTH") or 0):  # an upload route (docsvc.edge)
            limit_mb = app.extensions["docsvc"].settings.max_upload_mb
            return page(413, _("Tệp quá lớn: vượt giới hạn {limit} MB.").format(limit=limit_mb))
        return page(413, _("Yêu cầu quá lớn: vượt giới hạn {limit} KB.").format(limit=limit // 1024))
