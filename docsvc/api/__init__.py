"""REST API under /api/v1 (JSON). Errors: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from docsvc.i18n import gettext as _
from docsvc.audit.personal import InvalidPurpose, Purpose, PurposeRequired, parse_purpose

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, *, field: str | None = None):
    error = {"code": code, "message": message}
    if field is not None:  # 400 invalid_field: the body's field refused
        error["field"] = field
    response = jsonify({"error": error})
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, field=exc.field)


def json_object() -> dict:
    """The JSON object of the request ({} without a body; the validator has checked it
    against the OpenAPI document); a body that is not an object answers 400 ``invalid_body``."""
    data = request.get_json(silent=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", _("Cần một đối tượng JSON."))
    return data


def request_purpose() -> Purpose | None:
    """The purpose of this request: ``purpose=`` in the query, else the ``X-Purpose`` header
    (percent-encoded UTF-8). Either is a code or ``other:<text>``; InvalidPurpose → 400."""
    if request.args.get("purpose", "").strip():
        return parse_purpose(request.args["purpose"])
    return parse_purpose(request.headers.get("X-Purpose"), percent_encoded=True)


@bp.errorhandler(PurposeRequired)
def _purpose_required(_exc: PurposeRequired):
    message = _("Cần nêu mục đích xem dữ liệu cá nhân: tham số purpose= hoặc tiêu đề X-Purpose (extract_request, verification, correction, statistics, other:<nội dung>).")  # noqa: E501
    return error_response(400, "purpose_required", message)


@bp.errorhandler(InvalidPurpose)
def _invalid_purpose(exc: InvalidPurpose):
    return error_response(400, "invalid_purpose", exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 400: "bad_request",
             401: "unauthorized", 403: "forbidden"}
    messages = {
        401: _("Cần mã API hợp lệ (Authorization: Bearer ...)."),
        403: _("Vai trò của bạn không được làm việc này."),
        404: _("Không tìm thấy."),
        405: _("Phương thức không được phép."),
        413: _("Tệp quá lớn."),
        400: _("Yêu cầu không hợp lệ."),
    }
    if exc.response is not None:  # already a full answer (e.g. the 401 from docsvc.auth)
        return exc.response
    response = error_response(exc.code or 500, codes.get(exc.code, "http_error"),
                              messages.get(exc.code, exc.description or ""))
    for name, value in exc.get_headers():  # Allow of a 405, Content-Range of a 416, ...
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


# Each capability adds its routes to bp from its own api.py; openapi and validation describe
# and check them all.
from docsvc.documents import api as _documents  # noqa: E402,F401
from docsvc.finding import api as _finding  # noqa: E402,F401
from docsvc.civil import api as _civil  # noqa: E402,F401
from docsvc.extracts import api as _extracts  # noqa: E402,F401
from docsvc.calendar import api as _calendar  # noqa: E402,F401
from docsvc.routing import api as _routing  # noqa: E402,F401
from docsvc.dossiers import api as _dossiers  # noqa: E402,F401
from docsvc.incoming import api as _incoming  # noqa: E402,F401
from docsvc.reports import api as _reports  # noqa: E402,F401
from docsvc.outgoing import api as _outgoing  # noqa: E402,F401
from docsvc.outgoing import api_registers as _outgoing_registers  # noqa: E402,F401
from docsvc.outgoing import api_reports as _outgoing_reports  # noqa: E402,F401
from docsvc.api import openapi, validation  # noqa: E402,F401
