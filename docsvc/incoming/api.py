"""The incoming register on the REST API (``/api/v1/incoming...``, issue 13 "Interface").

Each route parses the request, calls one use case of docsvc.incoming.services and serialises
its answer; refusals become the API's JSON errors: ``IncomingNotFound`` → 404 ``not_found``
(no such row, document or office *for the caller*: another unit's or a secret row above
their clearance looks absent); ``PermissionDenied`` → 403; ``IncomingInvalid`` → 400
``invalid_field`` with ``field``, or 409 with its ``code`` when the value is well formed but the
facts refuse it (an arrival in the future, a document date after the arrival, a secrecy above
the clerk's clearance); ``DuplicateIncoming`` → 409 ``duplicate`` with ``earlier``
(the row registered before: ``id``, ``arrival_number``, ``year``, ``arrived_on``). Parameters
and bodies are checked against the OpenAPI document (docsvc/incoming/openapi.py) first.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Response, current_app, jsonify, request

from docsvc.api import bp, error_response, json_object
from docsvc.auth import current_principal
from docsvc.i18n import gettext as _
from docsvc.incoming import services as incoming
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def _services() -> Services:
    return current_app.extensions["docsvc"]


def duplicate_response(exc: incoming.DuplicateIncoming) -> Response:
    response = jsonify({"error": {"code": exc.code, "message": exc.message, "earlier": exc.earlier}})
    response.status_code = 409
    return response


def _answered(view: Callable) -> Callable:
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except incoming.IncomingNotFound:
            return error_response(404, "not_found", _("Không tìm thấy văn bản đến, văn bản hoặc cơ quan."))
        except PermissionDenied:
            return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
        except incoming.IncomingInvalid as exc:
            if exc.code:  # well formed, refused by the facts
                return error_response(409, exc.code, exc.message, field=exc.field)
            return error_response(400, "invalid_field", exc.message, field=exc.field)
        except incoming.DuplicateIncoming as exc:
            return duplicate_response(exc)
    return run


def _filters() -> dict:
    args = request.args
    return {"year": args.get("year", type=int), "date_from": args.get("from") or None,
            "date_to": args.get("to") or None}


@bp.post("/incoming")
@requires("incoming.register")
@_answered
def incoming_register():
    return jsonify(incoming.register_incoming(_services(), current_principal(), json_object())), 201


@bp.get("/incoming")
@requires("incoming.view")
@_answered
def incoming_list():
    args = request.args
    rows = incoming.list_incoming(_services(), current_principal(), **_filters(),
                                  urgency=args.get("urgency") or None, status=args.get("status") or None,
                                  q=args.get("q") or None, limit=args.get("limit", 500, type=int),
                                  offset=args.get("offset", 0, type=int))
    return jsonify(rows)


@bp.get("/incoming/queue")
@requires("incoming.view")
@_answered
def incoming_queue():
    return jsonify(incoming.leader_queue(_services(), current_principal()))


@bp.get("/incoming/register")
@requires("incoming.view")
@_answered
def incoming_register_file():
    data, media, name, _rows = incoming.register_file(
        _services(), current_principal(), fmt=request.args.get("format", "pdf"), **_filters(),
        secret=request.args.get("secret") == "true", office=request.args.get("office") or None)
    return Response(data, mimetype=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/incoming/<int:incoming_id>")
@requires("incoming.view")
@_answered
def incoming_get(incoming_id: int):
    return jsonify(incoming.get_incoming(_services(), current_principal(), incoming_id))


@bp.patch("/incoming/<int:incoming_id>")
@requires("incoming.register")
@_answered
def incoming_update(incoming_id: int):
    return jsonify(incoming.confirm_fields(_services(), current_principal(), incoming_id, json_object()))
