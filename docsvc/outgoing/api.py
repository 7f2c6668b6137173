"""Outgoing documents on the REST API (``/api/v1/outgoing...``, issue 14 "Interface").

Each route parses the request, calls one use case (docsvc.outgoing.services, .issuing,
.reading) and serialises its answer. Refusals: ``OutgoingNotFound`` → 404 ``not_found`` (another
unit's document, or one above the caller's clearance, looks absent); ``PermissionDenied`` →
403 ``forbidden`` (the role); ``WrongPerson`` → 403 ``wrong_person`` (the role, but not the
unit or the person the step needs); ``OutgoingInvalid`` → 400 ``invalid_field`` with
``field``; ``OutgoingConflict`` → 409 with its code (``out_of_order``,
``new_version_required``, ``not_editable``, ``no_pdf``, ``no_file``, ``duplicate``).
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from docsvc.api import bp, json_object
from docsvc.api.answers import answering
from docsvc.auth import current_principal
from docsvc.edge import accepts_uploads
from docsvc.outgoing import issuing, reading, services as outgoing
from docsvc.outgoing.rules import OutgoingConflict, OutgoingInvalid, OutgoingNotFound, WrongPerson
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services

answered = answering(
    (OutgoingNotFound, 404, "not_found", "Không tìm thấy văn bản đi hoặc tệp."),
    (PermissionDenied, 403, "forbidden", "Vai trò của bạn không được làm việc này."),
    (WrongPerson, 403, "wrong_person"),
    (OutgoingInvalid, 400, "invalid_field"),
    (OutgoingConflict, 409, None),
)


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _upload() -> tuple[bytes | None, str | None]:
    upload = request.files.get("file")
    if upload is None:
        return None, None
    return upload.read(), upload.filename


@bp.post("/outgoing")
@requires("outgoing.draft")
@accepts_uploads
@answered
def outgoing_create():
    data, name = _upload()
    fields = {k: v for k, v in request.form.items() if k != "file"}
    created = outgoing.create_draft(_services(), current_principal(), fields, data, name)
    return jsonify(created), 201


@bp.get("/outgoing")
@requires("outgoing.view")
@answered
def outgoing_list():
    args = request.args
    return jsonify(reading.list_outgoing(_services(), current_principal(), state=args.get("state") or None,
                                         year=args.get("year", type=int), q=args.get("q") or None,
                                         limit=args.get("limit", 200, type=int)))


@bp.get("/outgoing/waiting")
@requires("outgoing.view")
@answered
def outgoing_waiting():
    return jsonify(reading.waiting(_services(), current_principal()))


@bp.get("/outgoing/<int:outgoing_id>")
@requires("outgoing.view")
@answered
def outgoing_get(outgoing_id: int):
    return jsonify(reading.get_outgoing(_services(), current_principal(), outgoing_id))


@bp.post("/outgoing/<int:outgoing_id>/versions")
@requires("outgoing.draft")
@accepts_uploads
@answered
def outgoing_version(outgoing_id: int):
    data, name = _upload()
    return jsonify(outgoing.add_version(_services(), current_principal(), outgoing_id, data, name,
                                        request.form.get("note"))), 201


@bp.post("/outgoing/<int:outgoing_id>/transitions")
@requires("outgoing.view")
@answered
def outgoing_transition(outgoing_id: int):
    body = json_object()
    return jsonify(outgoing.transition(_services(), current_principal(), outgoing_id, body.get("action"),
                                       body.get("comment")))


@bp.post("/outgoing/<int:outgoing_id>/signed-scan")
@requires("outgoing.issue")
@accepts_uploads
@answered
def outgoing_signed_scan(outgoing_id: int):
    data, name = _upload()
    return jsonify(outgoing.attach_signed_scan(_services(), current_principal(), outgoing_id, data, name))


@bp.post("/outgoing/<int:outgoing_id>/links")
@requires("outgoing.view")
@answered
def outgoing_link(outgoing_id: int):
    body = json_object()
    return jsonify(issuing.link(_services(), current_principal(), outgoing_id, body.get("earlier"),
                                body.get("kind"))), 201


@bp.get("/outgoing/<int:outgoing_id>/files/<which>")
@requires("outgoing.view")
@answered
def outgoing_file(outgoing_id: int, which: str):
    data, name, media = reading.file_of(_services(), current_principal(), outgoing_id, which)
    disposition = "inline" if media == "application/pdf" else "attachment"
    return Response(data, mimetype=media, headers={
        "Content-Disposition": f"{disposition}; filename=\"{name.encode('ascii', 'replace').decode()}\""})
