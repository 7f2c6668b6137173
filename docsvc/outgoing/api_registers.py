"""The registers on the REST API (issue 14 "Interface"):

- ``GET /api/v1/registers/outgoing?year=&office=&secret=`` → ``{"year", "office", "secret",
  "columns", "rows"}`` (docsvc.outgoing.register.outgoing_register); with ``format=pdf|xlsx``
  the printed register as an attachment (``outgoing_register_file``);
- ``GET /api/v1/registers/incoming?year=&office=&secret=`` → the same shape for the incoming
  register (``incoming_register``, through the incoming capability's use cases); with
  ``format=pdf|xlsx`` its printed register (docsvc.incoming.services.register_file).

Refusals become the API's JSON errors: a bad ``year``, ``format`` or ``office`` value → 400
(the OpenAPI document, docsvc/outgoing/openapi_registers.py, refuses most before the route
runs; the use cases' ``OutgoingInvalid``/``IncomingInvalid`` → ``invalid_field`` with
``field``); a role without ``outgoing.view``/``incoming.view`` → 403; an office that is not the
caller's → 404.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from docsvc.api import bp
from docsvc.api.answers import answering
from docsvc.auth import current_principal
from docsvc.incoming import services as incoming
from docsvc.outgoing import register
from docsvc.outgoing.rules import OutgoingInvalid, OutgoingNotFound
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def _services() -> Services:
    return current_app.extensions["docsvc"]


_answered = answering(
    ((OutgoingNotFound, incoming.IncomingNotFound), 404, "not_found",
     "Không tìm thấy cơ quan này trong các đơn vị của bạn."),
    (PermissionDenied, 403, "forbidden", "Vai trò của bạn không được làm việc này."),
    ((OutgoingInvalid, incoming.IncomingInvalid), 400, "invalid_field"),
)


def _query() -> dict:
    args = request.args
    return {"year": args.get("year") or None, "office": args.get("office") or None,
            "secret": args.get("secret") == "true"}


def _attachment(data: bytes, name: str, media: str) -> Response:
    return Response(data, mimetype=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/registers/outgoing")
@requires("outgoing.view")
@_answered
def registers_outgoing():
    fmt = request.args.get("format")
    if fmt is not None:
        data, name, media = register.outgoing_register_file(_services(), current_principal(), fmt=fmt, **_query())
        return _attachment(data, name, media)
    return jsonify(register.outgoing_register(_services(), current_principal(), **_query()))


@bp.get("/registers/incoming")
@requires("incoming.view")
@_answered
def registers_incoming():
    fmt = request.args.get("format")
    if fmt is not None:
        query = _query()
        data, media, name, _rows = incoming.register_file(
            _services(), current_principal(), fmt=fmt, year=register.year_value(_services(), query["year"]),
            secret=query["secret"], office=query["office"])
        return _attachment(data, name, media)
    return jsonify(register.incoming_register(_services(), current_principal(), **_query()))
