"""Administration of users and units: pages on the shared ``/admin`` blueprint (docsvc.admin)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound

from archive.accounts import ROLE_LABELS, ROLES, SECRECY_LABELS, Unit
from docsvc.accounts import usecases as accounts
from docsvc.accounts.services import AccountError
from docsvc.admin import bp
from docsvc.auth import current_principal
from docsvc.dates import parse_day
from docsvc.i18n import gettext as _
from docsvc.permissions import requires


def _services():
    return current_app.extensions["docsvc"]


# -- users ----------------------------------------------------------------------------

@bp.get("/users")
@requires("user.manage")
def users():
    rows, units = accounts.list_users(_services(), current_principal())
    return render_template("admin/users.html", users=rows, units=units, roles=ROLES,
                           role_labels=ROLE_LABELS, secrecy=SECRECY_LABELS, now=datetime.now(timezone.utc))


@bp.post("/users")
@requires("user.manage")
def add_user():
    form = request.form
    try:
        user = accounts.add_user(_services(), current_principal(), form.get("username", ""), form.get("password", ""),
                                 roles=form.getlist("roles"), unit_code=form.get("unit", ""),
                                 full_name=form.get("full_name", ""), clearance=form.get("clearance", 0, type=int))
    except AccountError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.users"))
    flash(_("Đã tạo người dùng {name}.").format(name=user.username), "ok")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("user.manage")
def edit_user(user_id: int):
    services, principal = _services(), current_principal()
    if request.method == "POST":
        form = request.form
        try:
            accounts.edit_user(services, principal, user_id, roles=form.getlist("roles"), unit_code=form.get("unit"),
                               clearance=form.get("clearance", type=int), full_name=form.get("full_name"),
                               is_active=form.get("is_active") == "on", password=form.get("password") or None)
        except accounts.UserNotFound:
            raise NotFound() from None
        except AccountError as exc:
            flash(exc.message, "error")
            return redirect(url_for("admin.edit_user", user_id=user_id))
        flash(_("Đã lưu."), "ok")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    try:
        user, units = accounts.user_for_edit(services, principal, user_id)
    except accounts.UserNotFound:
        raise NotFound() from None
    return render_template("admin/user_edit.html", user=user, units=units, roles=ROLES,
                           role_labels=ROLE_LABELS, secrecy=SECRECY_LABELS)


# -- units ----------------------------------------------------------------------------

@bp.get("/units")
@requires("unit.manage")
def units():
    rows = accounts.list_units(_services(), current_principal())
    children: dict[int | None, list[Unit]] = {}
    for unit in rows:
        children.setdefault(unit.parent_id, []).append(unit)
    return render_template("admin/units.html", units=rows, children=children)


@bp.post("/units")
@requires("unit.manage")
def add_unit():
    form = request.form
    try:
        accounts.add_unit(_services(), current_principal(), form.get("code", ""), form.get("name", ""),
                          parent_code=form.get("parent") or None, kind=form.get("kind", "unit"),
                          valid_from=_date(form.get("valid_from")))
    except (AccountError, ValueError) as exc:
        flash(getattr(exc, "message", _("Ngày không hợp lệ.")), "error")
        return redirect(url_for("admin.units"))
    flash(_("Đã thêm đơn vị."), "ok")
    return redirect(url_for("admin.units"))


@bp.post("/units/<code>/end")
@requires("unit.manage")
def close_unit(code: str):
    try:
        accounts.close_unit(_services(), current_principal(), code,
                            valid_to=_date(request.form.get("valid_to")) or datetime.now(timezone.utc).date(),
                            successor_code=request.form.get("successor") or None)
    except (AccountError, ValueError) as exc:
        flash(getattr(exc, "message", _("Ngày không hợp lệ.")), "error")
        return redirect(url_for("admin.units"))
    flash(_("Đã kết thúc đơn vị; hồ sơ chuyển cho đơn vị kế thừa."), "ok")
    return redirect(url_for("admin.units"))


def _date(value: str | None):
    return parse_day(value)  # dd/mm/yyyy (or yyyy-mm-dd); ValueError for anything else
