"""One-stop dossiers on the REST API (``/api/v1/procedures``, ``/api/v1/dossiers/...``,
issue 13 "Interface").

Each route parses the request, calls one use case of docsvc.dossiers.services and serialises
its answer; refusals become the API's JSON errors: ``DossierNotFound`` → 404 ``not_found``
(absent, or another unit's), ``UnknownReference`` → 404 with ``field`` (an unknown
procedure, unit, user or document named in the body); ``PermissionDenied`` → 403 ``forbidden``; ``DossierInvalid`` →
400 ``invalid_field`` with ``field``; ``DossierConflict`` → 409 with its code
(``wrong_state``, ``already_apologized``, ``too_late``, ``procedure_inactive``,
``user_not_in_unit``, ``sequence_full``). Bodies and
parameters are checked against docsvc/dossiers/openapi.py before a route runs.

The applicant's name and contact are in the answers only for holders of
``dossier.applicant`` (the one-stop desk, the leaders); the others get the initials.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import current_app, jsonify, make_response, request

from docsvc.api import bp, error_response, json_object
from docsvc.auth import current_principal
from docsvc.dossiers import services as dossiers
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _answered(view: Callable) -> Callable:
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except dossiers.DossierNotFound:
            return error_response(404, "not_found", _("Không tìm thấy hồ sơ."))
        except PermissionDenied:
            return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
        except dossiers.UnknownReference as exc:
            return error_response(404, "not_found", exc.message, field=exc.field)
        except dossiers.DossierInvalid as exc:
            return error_response(400, "invalid_field", exc.message, field=exc.field)
        except dossiers.DossierConflict as exc:
            return error_response(409, exc.code, exc.message)
    return run


def _pdf(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"  # it names the applicant
    return response


@bp.get("/procedures")
@requires("procedure.view")
@_answered
def procedures_list():
    active = request.args.get("active") == "true"
    return jsonify(dossiers.list_procedures(_services(), current_principal(), active_only=active))


@bp.post("/procedures")
@requires("procedure.manage")
@_answered
def procedures_save():
    body = json_object()
    saved = dossiers.save_procedure(_services(), current_principal(), body["code"], body["name"], body["field"],
                                    body["working_days"], handling_unit=body.get("handling_unit"),
                                    active=body.get("active", True))
    return jsonify(saved), 201 if saved["created"] else 200


@bp.post("/dossiers")
@requires("dossier.receive")
@_answered
def dossiers_receive():
    body = json_object()
    got = dossiers.receive_dossier(_services(), current_principal(), body["procedure"], body["applicant"],
                                   received_at=body.get("received_at"),
                                   applicant_contact=body.get("applicant_contact"),
                                   documents=body.get("documents"), outcome=body.get("outcome") or "accepted",
                                   note=body.get("note"), office=body.get("office"))
    return jsonify(got), 201


@bp.get("/dossiers")
@requires("dossier.view")
@_answered
def dossiers_list():
    args = request.args
    return jsonify(dossiers.list_dossiers(
        _services(), current_principal(), status=args.get("status"), field=args.get("field"),
        date_from=args.get("from"), date_to=args.get("to"), q=args.get("q"), marker=args.get("marker"),
        limit=int(args.get("limit") or 100), offset=int(args.get("offset") or 0)))


@bp.get("/dossiers/<dossier_id>")
@requires("dossier.view")
@_answered
def dossier_detail(dossier_id: int):
    return jsonify(dossiers.get_dossier(_services(), current_principal(), dossier_id))


@bp.get("/dossiers/<dossier_id>/receipt")
@requires("dossier.applicant")
@_answered
def dossier_receipt(dossier_id: int):
    return _pdf(dossiers.receipt_pdf(_services(), current_principal(), dossier_id), f"giay-tiep-nhan-{dossier_id}.pdf")


@bp.get("/dossiers/<dossier_id>/notices/<kind>")
@requires("dossier.applicant")
@_answered
def dossier_notice(dossier_id: int, kind: str):
    return _pdf(dossiers.notice_pdf(_services(), current_principal(), dossier_id, kind), f"phieu-{kind}-{dossier_id}.pdf")


@bp.post("/dossiers/<dossier_id>/supplement")
@requires("dossier.receive")
@_answered
def dossier_supplement(dossier_id: int):
    body = json_object()
    return jsonify(dossiers.request_supplement(_services(), current_principal(), dossier_id, body["missing"],
                                               at=body.get("at")))


@bp.post("/dossiers/<dossier_id>/complete-supplement")
@requires("dossier.receive")
@_answered
def dossier_complete_supplement(dossier_id: int):
    body = json_object()
    return jsonify(dossiers.complete_supplement(_services(), current_principal(), dossier_id, at=body.get("at")))


@bp.post("/dossiers/<dossier_id>/refuse")
@requires("dossier.receive")
@_answered
def dossier_refuse(dossier_id: int):
    body = json_object()
    return jsonify(dossiers.refuse(_services(), current_principal(), dossier_id, body["reason"]))


@bp.post("/dossiers/<dossier_id>/route")
@requires("dossier.handle")
@_answered
def dossier_route(dossier_id: int):
    body = json_object()
    return jsonify(dossiers.route(_services(), current_principal(), dossier_id, unit=body.get("unit"),
                                  user=body.get("user"), note=body.get("note")))


@bp.post("/dossiers/<dossier_id>/apology")
@requires("dossier.handle")
@_answered
def dossier_apology(dossier_id: int):
    body = json_object()
    return jsonify(dossiers.apologize(_services(), current_principal(), dossier_id, body["new_due_on"],
                                      body["reason"], at=body.get("at")))


@bp.post("/dossiers/<dossier_id>/return")
@requires("dossier.handle")
@_answered
def dossier_return(dossier_id: int):
    body = json_object()
    return jsonify(dossiers.return_result(_services(), current_principal(), dossier_id, note=body.get("note"),
                                          result_document_id=body.get("result_document_id"), at=body.get("at")))
