"""Routing on the REST API (issue 13 "Interface"):

- ``POST /api/v1/incoming/{id}/assignments`` → 201 ``{"id", "due_on"}``; ``GET`` the same path:
  the document's assignments and timeline;
- ``POST /api/v1/assignments/{id}/forward`` (201, the new assignment), ``/progress``,
  ``/extend`` (ask for more time: 201, the request), ``/extension`` (the assigner's decision,
  ``approve``), ``/complete``;
- ``GET /api/v1/inbox``: the caller's buckets, counts and unread notifications;
  ``POST /api/v1/notifications/read``.

Each route parses, calls one use case of docsvc.routing.services and serialises; refusals:
``RoutingInvalid`` → 400 ``invalid_field`` with ``field``, ``RoutingNotFound`` → 404
``not_found``, ``PermissionDenied`` → 403 ``forbidden``, ``RoutingConflict`` → 409 with its
code. Bodies are checked against docsvc/routing/openapi.py first.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import current_app, jsonify

from docsvc.api import bp, error_response, json_object
from docsvc.auth import current_principal
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.routing import services as routing
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def _services() -> Services:
    return current_app.extensions["docsvc"]


def _answered(view: Callable) -> Callable:
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except routing.RoutingNotFound as exc:
            return error_response(404, "not_found", exc.message)
        except PermissionDenied:
            return error_response(403, "forbidden", _("Vai trò của bạn không được làm việc này."))
        except routing.RoutingConflict as exc:
            return error_response(409, exc.code, exc.message)
        except routing.RoutingInvalid as exc:
            return error_response(400, "invalid_field", exc.message, field=exc.field)
    return run


@bp.post("/incoming/<incoming_id>/assignments")
@requires("routing.assign")
@_answered
def routing_assign(incoming_id: int):
    body = json_object()
    made = routing.assign(_services(), current_principal(), incoming_id, unit=body.get("unit"), user=body.get("user"),
                          role=body.get("role") or "main", working_days=body.get("working_days"),
                          due_on=body.get("due_on"), note=body.get("note"))
    return jsonify(made), 201


@bp.get("/incoming/<incoming_id>/assignments")
@requires("routing.view")
@_answered
def routing_timeline(incoming_id: int):
    return jsonify(routing.timeline(_services(), current_principal(), incoming_id))


@bp.post("/assignments/<assignment_id>/forward")
@requires("routing.handle")
@_answered
def routing_forward(assignment_id: int):
    body = json_object()
    made = routing.forward(_services(), current_principal(), assignment_id, user=body.get("user"),
                           note=body.get("note"))
    return jsonify(made), 201


@bp.post("/assignments/<assignment_id>/progress")
@requires("routing.handle")
@_answered
def routing_progress(assignment_id: int):
    body = json_object()
    return jsonify(routing.report_progress(_services(), current_principal(), assignment_id,
                                           percent=body.get("percent"), note=body.get("note")))


@bp.post("/assignments/<assignment_id>/extend")
@requires("routing.handle")
@_answered
def routing_extend(assignment_id: int):
    body = json_object()
    asked = routing.ask_extension(_services(), current_principal(), assignment_id,
                                  new_due_on=body.get("new_due_on"), extra_working_days=body.get("extra_working_days"),
                                  reason=body.get("reason"))
    return jsonify(asked), 201


@bp.post("/assignments/<assignment_id>/extension")
@requires("routing.assign")
@_answered
def routing_decide_extension(assignment_id: int):
    body = json_object()
    return jsonify(routing.decide_extension(_services(), current_principal(), assignment_id,
                                            approve=body.get("approve"), note=body.get("note")))


@bp.post("/assignments/<assignment_id>/complete")
@requires("routing.handle")
@_answered
def routing_complete(assignment_id: int):
    body = json_object()
    return jsonify(routing.complete(_services(), current_principal(), assignment_id, note=body.get("note"),
                                    reply_document_id=body.get("reply_document_id")))


@bp.get("/inbox")
@requires("account.self")
@_answered
def routing_inbox():
    svc, principal = _services(), current_principal()
    box = routing.inbox(svc, principal)
    box["notifications"] = routing.notifications(svc, principal, unread_only=True)
    return jsonify(box)


@bp.post("/notifications/read")
@requires("account.self")
@_answered
def routing_notifications_read():
    ids = json_object().get("ids")
    ids = None if ids is None else [int(i) for i in ids]
    return jsonify({"marked": routing.mark_read(_services(), current_principal(), ids)})
