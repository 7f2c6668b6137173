"""Administration: users, units, the audit trail, and the permission table."""

from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from archive.accounts import ROLE_LABELS, ROLES, SECRECY_LABELS, Unit, User
from docsvc import labels
from docsvc.auth import current_principal
from docsvc.dates import PLACEHOLDER as DATE_PLACEHOLDER, parse_day
from docsvc.i18n import gettext as _
from docsvc.permissions import TABLE, requires
from docsvc.services.audit_log import read_audit
from docsvc.services.accounts import (
    AccountError,
    create_unit,
    create_user,
    end_unit,
    get_user,
    set_password,
    update_user,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _services():
    return current_app.extensions["docsvc"]


@bp.get("/")
@requires("account.self")
def index():
    return render_template("admin/index.html")


@bp.get("/permissions")
@requires("account.self")
def permissions():
    return render_template("admin/permissions.html", table=TABLE, roles=ROLES, role_labels=ROLE_LABELS)


# -- users ----------------------------------------------------------------------------

@bp.get("/users")
@requires("user.manage")
def users():
    with _services().session_factory() as db:
        rows = db.scalars(select(User).order_by(User.username)).all()
        units = db.scalars(select(Unit).order_by(Unit.code)).all()
        return render_template("admin/users.html", users=rows, units=units, roles=ROLES,
                               role_labels=ROLE_LABELS, secrecy=SECRECY_LABELS, now=datetime.now(timezone.utc))


@bp.post("/users")
@requires("user.manage")
def add_user():
    services = _services()
    form = request.form
    with services.session_factory() as db:
        try:
            user = create_user(services, db, current_principal(), form.get("username", ""), form.get("password", ""),
                               roles=form.getlist("roles"), unit_code=form.get("unit", ""),
                               full_name=form.get("full_name", ""), clearance=form.get("clearance", 0, type=int))
        except AccountError as exc:
            flash(exc.message, "error")
            return redirect(url_for("admin.users"))
        db.commit()
        flash(_("Đã tạo người dùng {name}.").format(name=user.username), "ok")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("user.manage")
def edit_user(user_id: int):
    services = _services()
    with services.session_factory() as db:
        user = db.get(User, user_id)
        if user is None:
            abort(404)
        if request.method == "POST":
            form = request.form
            try:
                update_user(services, db, current_principal(), user, roles=form.getlist("roles"),
                            unit_code=form.get("unit"), clearance=form.get("clearance", type=int),
                            full_name=form.get("full_name"), is_active=form.get("is_active") == "on")
                if form.get("password"):
                    set_password(services, db, current_principal(), user, form["password"])
            except AccountError as exc:
                db.rollback()
                flash(exc.message, "error")
                return redirect(url_for("admin.edit_user", user_id=user_id))
            db.commit()
            flash(_("Đã lưu."), "ok")
            return redirect(url_for("admin.edit_user", user_id=user_id))
        units = db.scalars(select(Unit).order_by(Unit.code)).all()
        return render_template("admin/user_edit.html", user=user, units=units, roles=ROLES,
                               role_labels=ROLE_LABELS, secrecy=SECRECY_LABELS)


# -- units ----------------------------------------------------------------------------

@bp.get("/units")
@requires("unit.manage")
def units():
    with _services().session_factory() as db:
        rows = db.scalars(select(Unit).order_by(Unit.code)).all()
        children: dict[int | None, list[Unit]] = {}
        for unit in rows:
            children.setdefault(unit.parent_id, []).append(unit)
        return render_template("admin/units.html", units=rows, children=children)


@bp.post("/units")
@requires("unit.manage")
def add_unit():
    services = _services()
    form = request.form
    with services.session_factory() as db:
        try:
            valid_from = _date(form.get("valid_from"))
            create_unit(services, db, current_principal(), form.get("code", ""), form.get("name", ""),
                        parent_code=form.get("parent") or None, kind=form.get("kind", "unit"), valid_from=valid_from)
        except (AccountError, ValueError) as exc:
            flash(getattr(exc, "message", _("Ngày không hợp lệ.")), "error")
            return redirect(url_for("admin.units"))
        db.commit()
    flash(_("Đã thêm đơn vị."), "ok")
    return redirect(url_for("admin.units"))


@bp.post("/units/<code>/end")
@requires("unit.manage")
def close_unit(code: str):
    services = _services()
    with services.session_factory() as db:
        try:
            end_unit(services, db, current_principal(), code, valid_to=_date(request.form.get("valid_to")) or
                     datetime.now(timezone.utc).date(), successor_code=request.form.get("successor") or None)
        except (AccountError, ValueError) as exc:
            flash(getattr(exc, "message", _("Ngày không hợp lệ.")), "error")
            return redirect(url_for("admin.units"))
        db.commit()
    flash(_("Đã kết thúc đơn vị; hồ sơ chuyển cho đơn vị kế thừa."), "ok")
    return redirect(url_for("admin.units"))


def _date(value: str | None):
    return parse_day(value)  # dd/mm/yyyy (or yyyy-mm-dd); ValueError for anything else


# -- audit ----------------------------------------------------------------------------

@bp.get("/audit")
@requires("audit.view")
def audit():
    args = request.args
    since, until, errors = None, None, []
    for name in ("since", "until"):
        try:
            value = parse_day(args.get(name))
        except ValueError:
            errors.append(_("Ngày không hợp lệ: {value} (viết theo dạng dd/mm/yyyy).").format(value=args.get(name)))
            value = None
        since, until = (value, until) if name == "since" else (since, value)
    for message in errors:
        flash(message, "error")
    with _services().session_factory() as db:
        rows = read_audit(db, current_principal(), person=args.get("person"), action=args.get("action") or None,
                          since=since, until=until, object_type=args.get("object_type") or None,
                          object_id=args.get("object_id") or None, before_seq=args.get("before", type=int), limit=100)
    older_url = None
    if len(rows) == 100:
        query_args = {k: v for k, v in args.items() if k != "before" and v}
        older_url = url_for("admin.audit", before=rows[-1].seq, **query_args)
    return render_template("admin/audit.html", rows=rows, args=args, older_url=older_url,
                           actions=labels.choices(labels.ACTIONS), placeholder=DATE_PLACEHOLDER)


@bp.get("/personal-log")
@requires("audit.view")
def personal_log():
    """Reads of personal data, as sentences: who read what, when, and why."""
    from docsvc.services.personal import log_entry, personal_log as read_log

    args = request.args
    with _services().session_factory() as db:
        actor_id = None
        if args.get("user"):
            try:
                actor_id = get_user(db, args["user"]).id
            except AccountError as exc:
                flash(exc.message, "error")
                actor_id = -1
        rows = read_log(db, person=args.get("person"), actor_id=actor_id,
                        since=_day_bound(args.get("since"), time.min), until=_day_bound(args.get("until"), time.max),
                        limit=100, before_seq=args.get("before", type=int))
        entries = [(row, log_entry(row)) for row in rows]
    older_url = None
    if len(rows) == 100:
        older_url = url_for("admin.personal_log", before=rows[-1].seq,
                            **{k: v for k, v in args.items() if k != "before" and v})
    return render_template("admin/personal_log.html", entries=[(r, e, _read_sentence(e)) for r, e in entries],
                           args=args, older_url=older_url)


def _day_bound(value: str | None, at: time) -> datetime | None:
    """A dd/mm/yyyy field as the start or end of that day; a wrong date is said, not ignored."""
    try:
        day = parse_day(value)
    except ValueError:
        flash(_("Ngày không hợp lệ: {value} (viết theo dạng dd/mm/yyyy).").format(value=value), "error")
        return None
    return datetime.combine(day, at).astimezone(timezone.utc) if day else None


def _read_sentence(entry: dict) -> str:
    """What was read, in a sentence (the person, the time and the purpose are shown beside it)."""
    details = entry["details"]
    what, oid = entry["what"], entry["object_id"]
    page = details.get("page")
    if what == "document":
        return _("Xem văn bản #{id}").format(id=oid)
    if what == "page_image":
        return _("Xem ảnh trang {page} của văn bản #{id}").format(page=page, id=oid)
    if what == "thumbnail":
        return _("Xem ảnh thu nhỏ trang {page} của văn bản #{id}").format(page=page, id=oid)
    if what == "original":
        return _("Tải bản gốc văn bản #{id}").format(id=oid)
    if what == "search" or entry["action"] == "person.search":
        return _("Tra cứu “{query}”: thấy {people} người, {docs} văn bản chứa dữ liệu cá nhân").format(
            query=details.get("query", ""), people=len(details.get("entries") or []),
            docs=len(details.get("documents") or []))
    if what == "suggest":
        return _("Gõ “{query}”, được gợi ý các tên: {names}").format(
            query=details.get("query", ""), names=", ".join(details.get("persons") or []))
    return _("Xem {kind} #{id}").format(kind=entry["object_type"] or "", id=oid or "")


@bp.get("/audit/verify")
@requires("audit.verify")
def audit_verify():
    from docsvc.services.anchoring import describe, verify_audit

    check = verify_audit(_services(), current_principal())
    return render_template("admin/audit_verify.html", report=check.result.chain, check=check,
                           anchor_lines=describe(check))
