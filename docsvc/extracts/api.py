"""Certified extracts on the REST API (``/api/v1/...``, issue 12 "Interface").

Each route parses the request, calls one use case of docsvc.extracts.services and serialises
its answer; the use cases' refusals become the API's JSON errors:

- ``ExtractNotFound`` → 404 ``not_found``: no such entry or extract *for the caller* (absent,
  another unit's: extracts are personal data, their existence is not confirmed); an office
  named in a query or body that does not exist or is not the caller's is also a 404;
- ``PermissionDenied`` → 403 ``forbidden``;
- ``ExtractInvalid`` → 400 ``invalid_field`` with ``field`` (the name of the value refused),
  e.g. ``certificate`` for a file that is no PKCS#12 or a wrong passphrase; an unknown user
  named as signer → 404 ``unknown_user``;
- ``ExtractConflict`` → 409 with its code (``entry_not_verified``, ``entry_disputed``,
  ``no_signer``, ``unknown_signer``, ``no_certificate``, ``certificate_expired``,
  ``already_revoked``).

Parameters and bodies are checked against the OpenAPI document (docsvc/extracts/openapi.py)
before a route runs; path parameters arrive as integers. The use cases write the
personal-data log themselves, with the purpose ``extract_request`` (the request an extract
serves), so these routes take no ``purpose=``.

Issuing answers a ``Server-Timing`` header: the use case's steps (check, number, pdf, sign,
store, register, log, commit) and ``total``, the route's own time, in milliseconds.
"""

from __future__ import annotations

import time
from datetime import date
from functools import wraps
from typing import Any, Callable

from flask import current_app, jsonify, make_response, request, url_for

from docsvc.api import ApiError, bp, error_response, json_object
from docsvc.auth import current_principal
from docsvc.extracts import services as extracts
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _answered(view: Callable) -> Callable:
    """The use cases' refusals as the API's errors (see the module's docstring)."""
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except extracts.ExtractNotFound:
            return error_response(404, "not_found", _("Không tìm thấy trích lục, mục hộ tịch hoặc cơ quan."))
        except PermissionDenied:
            return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
        except extracts.ExtractInvalid as exc:
            if exc.field == "office":
                return error_response(404, "not_found", exc.message)
            if exc.field == "username" and exc.message.startswith("Không có người dùng"):
                return error_response(404, "unknown_user", exc.message)
            if exc.field == "username":  # the account exists but cannot sign: its state, not the request
                return error_response(409, "signer_without_name", exc.message)
            return error_response(400, "invalid_field", exc.message, field=exc.field)
        except extracts.ExtractConflict as exc:
            return error_response(409, exc.code, exc.message)
    return run


def _body() -> dict:
    return json_object()


def _integer(value: Any) -> Any:
    """JSON has one number type: 2.0 is the integer 2 (the document allows it for integers)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def pdf_url(extract_id: int) -> str:
    return url_for("api.extract_pdf_file", extract_id=extract_id)


def _shown(data: dict) -> dict:
    """An extract as the API answers it: the use case's dict and where its PDF is."""
    data = {k: v for k, v in data.items() if k != "timings"}
    data["pdf_url"] = pdf_url(data["id"])
    return data


def server_timing(steps: dict[str, float], total_ms: float) -> str:
    """``check;dur=1.2, number;dur=0.4, ..., total;dur=31.0`` (milliseconds)."""
    parts = [f"{name};dur={float(ms):.2f}" for name, ms in steps.items()]
    parts.append(f"total;dur={total_ms:.2f}")
    return ", ".join(parts)


# -- issuing, reading, revoking -----------------------------------------------------------------

@bp.post("/civil/entries/<entry_id>/extracts")
@requires("extract.issue")
@_answered
def extract_issue(entry_id: int):
    started = time.perf_counter()
    body = _body()
    issue = extracts.IssueRequest.parse(body.get("requester"), body.get("id_paper"), _integer(body.get("copies")),
                                        body.get("signer"), body.get("purpose"))
    issued = extracts.issue_extract(_services(), current_principal(), entry_id, issue)
    steps = issued.get("timings") or {}
    answer = _shown(issued)
    answer["timings"] = steps
    response = make_response(jsonify(answer), 201)
    response.headers["Location"] = url_for("api.extract_detail", extract_id=issued["id"])
    response.headers["Server-Timing"] = server_timing(steps, (time.perf_counter() - started) * 1000)
    return response


@bp.get("/extracts")
@requires("extract.view")
@_answered
def extract_list():
    day = request.args.get("day") or None
    rows = extracts.list_extracts(_services(), current_principal(), year=request.args.get("year", type=int),
                                  day=date.fromisoformat(day) if day else None,
                                  office=request.args.get("office") or None)
    return jsonify([_shown(row) for row in rows])


@bp.get("/extracts/<extract_id>")
@requires("extract.view")
@_answered
def extract_detail(extract_id: int):
    return jsonify(_shown(extracts.get_extract(_services(), current_principal(), extract_id)))


@bp.get("/extracts/<extract_id>/pdf")
@requires("extract.view")
@_answered
def extract_pdf_file(extract_id: int):
    data, filename = extracts.extract_pdf(_services(), current_principal(), extract_id)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


@bp.post("/extracts/<extract_id>/revoke")
@requires("extract.revoke")
@_answered
def extract_revoke(extract_id: int):
    revoked = extracts.revoke_extract(_services(), current_principal(), extract_id, reason=_body().get("reason"))
    return jsonify(_shown(revoked))


# -- the office's settings (administrators) -------------------------------------------------------

@bp.get("/extracts/office")
@requires("extract.configure")
@_answered
def extract_office():
    return jsonify(extracts.get_office(_services(), current_principal(), request.args.get("office") or None))


@bp.put("/extracts/office")
@requires("extract.configure")
@_answered
def extract_office_update():
    body = _body()
    return jsonify(extracts.configure_office(_services(), current_principal(), body.get("office") or None,
                                             place=body.get("place"), heading=body.get("heading"),
                                             number_with_year=body.get("number_with_year")))


@bp.post("/extracts/office/signers")
@requires("extract.configure")
@_answered
def extract_office_signer():
    body = _body()
    active = body.get("active")
    return jsonify(extracts.set_signer(_services(), current_principal(), body.get("office") or None,
                                       username=body["username"], title=body["title"],
                                       active=True if active is None else bool(active)))


#: The largest PKCS#12 accepted (an office certificate with its chain is a few kilobytes).
MAX_P12_BYTES = 256 * 1024


@bp.post("/extracts/office/certificate")
@requires("extract.configure")
@_answered
def extract_office_certificate():
    upload = request.files.get("p12")
    if upload is None:
        raise ApiError(400, "missing_file", _("Thiếu tệp: gửi tệp trong trường multipart 'p12'."))
    data = upload.read(MAX_P12_BYTES + 1)
    if len(data) > MAX_P12_BYTES:
        raise ApiError(413, "too_large", _("Tệp quá lớn."))
    return jsonify(extracts.install_certificate(_services(), current_principal(), request.form.get("office") or None,
                                                p12=data, passphrase=request.form.get("passphrase") or None))
