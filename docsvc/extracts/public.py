"""The public verification page of an extract (no sign-in), at the address its QR code
carries: ``GET /verify/<code>`` (HTML, or JSON for ``Accept: application/json``) and
``POST /verify/<code>`` (a PDF file: is it exactly the issued one, is its signature valid).

What it shows is docsvc.extracts.verification's public answer: genuine or revoked, the
office, the number, the day and kind of issue, the holder's initials — nothing else of the
person. An unknown code is a plain 404 that does not say why (malformed, never issued).

The page is rate-limited per client address (Flask-Limiter; the address is the socket's,
or the one named by trusted proxies, docsvc.edge), one budget shared by looking and
checking, so that codes cannot be fished for: ``DOCSVC_VERIFY_RATE_LIMIT`` (default
``30 per minute;300 per hour``), counted in ``DOCSVC_RATE_LIMIT_STORAGE_URL``
(``memory://`` for one process; ``redis://…`` when several servers share the load).

The upload form is public, so its POST carries no CSRF token (nothing of a session is
used or changed); its body is capped at ``MAX_UPLOAD_MB``.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from flask_limiter import Limiter
from werkzeug.exceptions import RequestEntityTooLarge

from docsvc.auth import client_ip, csrf
from docsvc.dates import format_day
from docsvc.extracts.services import verify_file, verify_public
from docsvc.permissions import public
from docsvc.services.container import Services

bp = Blueprint("verify", __name__, template_folder="templates")
MAX_UPLOAD_MB = 20
NOT_FOUND = "Không tìm thấy trích lục với mã này."
TOO_LARGE = f"Tệp quá lớn: chỉ kiểm tra tệp PDF đến {MAX_UPLOAD_MB} MB."
NO_FILE = "Hãy chọn tệp PDF của trích lục để kiểm tra."
LIMITED = "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Hãy thử lại sau ít phút."


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _wants_json() -> bool:
    """A page is HTML unless the client asks for JSON first (``Accept: application/json``);
    the file check answers JSON unless the client prefers HTML (a browser's form)."""
    accept = request.accept_mimetypes
    if request.method == "POST":
        return not accept["text/html"] > accept["application/json"]
    return accept["application/json"] > accept["text/html"]


def _error(status: int, code: str, message: str):
    if _wants_json():
        response = jsonify({"error": {"code": code, "message": message}})
        response.status_code = status
        return response
    return render_template("extracts/verify_error.html", status=status, message=message), status


@bp.get("/verify/<code>")
@public
def page(code: str):
    found = verify_public(_services(), code)
    if found is None:
        return _error(404, "not_found", NOT_FOUND)
    if _wants_json():
        return jsonify({key: found[key] for key in ("status", "office", "number", "issued_on", "kind")})
    return render_template("extracts/verify.html", found=found, code=code, result=None,
                           issued_on=format_day(_day(found["issued_on"])),
                           revoked_on=format_day(_day(found["revoked_on"])), max_mb=MAX_UPLOAD_MB)


@bp.post("/verify/<code>")
@public
def check(code: str):
    # Only this route takes a file of that size; the rest of the body limit is the app's.
    request.max_content_length = MAX_UPLOAD_MB * 1024 * 1024
    try:
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
    except RequestEntityTooLarge:
        return _error(413, "too_large", TOO_LARGE)
    if not data:
        return _error(400, "file_required", NO_FILE)
    answer = verify_file(_services(), code, data)
    if answer is None:
        return _error(404, "not_found", NOT_FOUND)
    if _wants_json():
        return jsonify({"match": answer["match"], "signature_valid": answer["signature_valid"]})
    found = verify_public(_services(), code)
    return render_template("extracts/verify.html", found=found, code=code, result=answer,
                           issued_on=format_day(_day(found["issued_on"])),
                           revoked_on=format_day(_day(found["revoked_on"])), max_mb=MAX_UPLOAD_MB)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@bp.errorhandler(429)
def _limited(_exc):
    return _error(429, "rate_limited", LIMITED)


def init_app(app: Flask) -> None:
    """Register the page with its rate limit (web apps only: ``create_app(web=False)``
    loads no limiter). The limit is read per request from the settings."""
    settings = app.extensions["docsvc"].settings
    limiter = Limiter(key_func=lambda: client_ip() or "unknown", app=app,
                      storage_uri=settings.rate_limit_storage_url, headers_enabled=True,
                      key_prefix="docsvc-verify")
    limiter.shared_limit(lambda: current_app.extensions["docsvc"].settings.verify_rate_limit, scope="verify")(bp)
    csrf.exempt(check)
    app.register_blueprint(bp)
