"""The routing pages: a document's routing (``/incoming/<id>/routing``: its register summary,
the leader's assign form, the assignments with the handler's and the assigner's forms, the
timeline), the inbox (``/inbox``: Cần xử lý, Sắp đến hạn, Quá hạn, and notifications) and
the leader's waiting list (``/routing/queue``: Chờ phân công). Each view parses the form,
calls one use case of docsvc.routing.services and renders or redirects; a refused value or
state is flashed on the page it came from."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from docsvc.auth import current_principal
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.refusals import answer_refusals
from docsvc.routing import services as routing
from docsvc.routing.inbox import BUCKET_LABELS, BUCKETS
from docsvc.routing.rules import STANDING_LABELS
from docsvc.services.container import Services

bp = Blueprint("routing", __name__, template_folder="templates")
answer_refusals(bp)


INCOMING_STATES = {"registered": "Chờ phân công", "assigned": "Đang xử lý", "done": "Đã xử lý xong"}


def _services() -> Services:
    return current_app.extensions["docsvc"]


@bp.app_template_filter("routing_day")
def routing_day(iso: str | None) -> str:
    """``2026-04-29`` → ``29/04/2026``."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if iso else ""


@bp.app_template_filter("routing_moment")
def routing_moment(iso: str | None) -> str:
    """An ISO moment as the office's local ``dd/mm/yyyy HH:MM``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not iso:
        return ""
    local = datetime.fromisoformat(iso).astimezone(ZoneInfo(_services().settings.time_zone))
    return local.strftime("%d/%m/%Y %H:%M")


def _back() -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else url_for("routing.inbox")


def _flashed(view: Callable) -> Callable:
    """A refused value or state: flashed, back to the page the form was on."""
    @wraps(view)
    def run(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except routing.RoutingInvalid as exc:
            flash(exc.message, "error")
        except routing.RoutingConflict as exc:
            flash(exc.message, "error")
        return redirect(_back())
    return run


@bp.get("/incoming/<int:incoming_id>/routing")
@requires("routing.view")
def document(incoming_id: int):
    svc, principal = _services(), current_principal()
    seen = routing.timeline(svc, principal, incoming_id)
    choices = routing.assign_choices(svc, principal, incoming_id) if seen["can_assign"] else None
    handlers = _unit_people(svc, principal, seen["assignments"])
    return render_template("routing/document.html", seen=seen, doc=seen["document"], choices=choices,
                           handlers=handlers, standing_labels=STANDING_LABELS,
                           status_words=INCOMING_STATES)


def _unit_people(svc: Services, principal, assignments: list[dict]) -> dict[int, list[dict]]:
    """For each assignment the principal handles: the people it may be forwarded to."""
    wanted = {a["unit"]["id"] for a in assignments if a["can_handle"]}
    return {unit_id: routing.forward_choices(svc, principal, unit_id) for unit_id in wanted}


@bp.get("/incoming/<int:incoming_id>/routing/due")
@requires("routing.assign")
def due_preview(incoming_id: int):
    """The due date the form would give (the page's script shows it as the leader types)."""
    try:
        due = routing.preview_due(_services(), current_principal(), request.args.get("unit") or None,
                                  request.args.get("days"))
    except (routing.RoutingInvalid, routing.RoutingNotFound) as exc:
        return jsonify({"due_on": None, "error": exc.message})
    return jsonify({"due_on": due, "incoming_id": incoming_id})


@bp.post("/incoming/<int:incoming_id>/routing/assign")
@requires("routing.assign")
@_flashed
def assign(incoming_id: int):
    form = request.form
    made = routing.assign_many(_services(), current_principal(), incoming_id, main=form.get("main"),
                               cooperate=form.getlist("cooperate"), info=form.getlist("info"),
                               working_days=form.get("working_days") or None, due_on=form.get("due_on") or None,
                               note=form.get("note"))
    flash(_("Đã phân công ({count} đơn vị, người).").format(count=len(made)), "ok")
    return redirect(url_for("routing.document", incoming_id=incoming_id))


@bp.post("/assignments/<int:assignment_id>/forward")
@requires("routing.handle")
@_flashed
def forward(assignment_id: int):
    routing.forward(_services(), current_principal(), assignment_id, user=request.form.get("user"),
                    note=request.form.get("note"))
    flash(_("Đã chuyển tiếp."), "ok")
    return redirect(_back())


@bp.post("/assignments/<int:assignment_id>/progress")
@requires("routing.handle")
@_flashed
def progress(assignment_id: int):
    routing.report_progress(_services(), current_principal(), assignment_id,
                            percent=request.form.get("percent") or None, note=request.form.get("note"))
    flash(_("Đã ghi tiến độ."), "ok")
    return redirect(_back())


@bp.post("/assignments/<int:assignment_id>/extend")
@requires("routing.handle")
@_flashed
def extend(assignment_id: int):
    routing.ask_extension(_services(), current_principal(), assignment_id,
                          new_due_on=request.form.get("new_due_on") or None,
                          extra_working_days=request.form.get("extra_working_days") or None,
                          reason=request.form.get("reason"))
    flash(_("Đã gửi đề nghị gia hạn."), "ok")
    return redirect(_back())


@bp.post("/assignments/<int:assignment_id>/extension")
@requires("routing.assign")
@_flashed
def decide(assignment_id: int):
    approve = request.form.get("approve") == "1"
    routing.decide_extension(_services(), current_principal(), assignment_id, approve=approve,
                             note=request.form.get("note"))
    flash(_("Đã đồng ý gia hạn.") if approve else _("Đã không đồng ý gia hạn."), "ok")
    return redirect(_back())


@bp.post("/assignments/<int:assignment_id>/complete")
@requires("routing.handle")
@_flashed
def complete(assignment_id: int):
    done = routing.complete(_services(), current_principal(), assignment_id, note=request.form.get("note"),
                            reply_document_id=request.form.get("reply_document_id") or None)
    label = STANDING_LABELS.get(done["standing"] or "", "")
    flash(_("Đã hoàn thành việc.") + (f" ({_(label)})" if label else ""), "ok")
    return redirect(_back())


@bp.get("/inbox")
@requires("account.self")
def inbox():
    svc, principal = _services(), current_principal()
    box = routing.inbox(svc, principal)
    return render_template("routing/inbox.html", box=box, buckets=BUCKETS, bucket_labels=BUCKET_LABELS,
                           notes=routing.notifications(svc, principal), standing_labels=STANDING_LABELS)


@bp.post("/inbox/notifications/read")
@requires("account.self")
def read_notifications():
    raw = request.form.getlist("id")
    ids = [int(i) for i in raw if i.isdigit()] if raw else None
    routing.mark_read(_services(), current_principal(), ids)
    return redirect(url_for("routing.inbox") + "#notifications")


@bp.get("/routing/queue")
@requires("routing.assign")
def queue():
    return render_template("routing/queue.html", rows=routing.waiting(_services(), current_principal()))
